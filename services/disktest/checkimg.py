#!/usr/bin/env python3
"""Check a disk image after `run disktest`, from the host.

Every sector disktest wrote starts with "ANTD", its own sector number and a
seed (little-endian words); the other bytes follow from the three
(disktest.c: pattern). Usage: checkimg.py IMAGE [SEED]: prints how many
sectors carry a header, and fails if any is not where it says or its bytes
differ, or (with SEED, from the "disktest: seed N" line) if the first or
the last sector was not written by that run.
"""
import struct
import sys

SECTOR = 512
MAGIC = 0x44544E41


def pattern(lba, seed, i):
    return (lba * 7 + i * 13 + seed + (i >> 8)) & 0xFF


def expected(lba, seed):
    head = struct.pack("<III", MAGIC, lba, seed)
    return head + bytes(pattern(lba, seed, i) for i in range(len(head), SECTOR))


def main():
    data = open(sys.argv[1], "rb").read()
    run_seed = int(sys.argv[2]) if len(sys.argv) > 2 else None
    nsect = len(data) // SECTOR
    found, bad, seeds = 0, 0, {}
    for lba in range(nsect):
        sec = data[lba * SECTOR:(lba + 1) * SECTOR]
        magic, at, seed = struct.unpack_from("<III", sec)
        if magic != MAGIC:
            continue
        found += 1
        seeds[lba] = seed
        if at != lba or sec != expected(lba, seed):
            bad += 1
            if bad <= 5:
                print(f"checkimg: sector {lba}: header says {at}, bytes differ")
    print(f"checkimg: {nsect} sectors, {found} written by disktest, {bad} wrong")
    ok = bad == 0 and found > 0
    if run_seed is not None:
        # the first sector (test first_sector), the last (last_8_pages, after last_sector)
        for lba, off in ((0, 1), (nsect - 1, 3)):
            if seeds.get(lba) != (run_seed + off) & 0xFFFFFFFF:
                print(f"checkimg: sector {lba} not written by the run with seed {run_seed}")
                ok = False
    print("checkimg: PASS" if ok else "checkimg: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
