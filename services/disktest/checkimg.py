#!/usr/bin/env python3
"""Check a disk image after disktest, from the host.

Every sector disktest wrote starts with "ANTD", its slot, its sector in the
slot and a seed (little-endian words); the other bytes follow from those
(disktest.c: pattern). Slot s of a paging space that starts at sector B is
sectors B + 8 + 8s .. B + 8 + 8s + 7.

Usage: checkimg.py IMAGE START [SEED]: prints how many sectors carry a
header, and fails if any sector with one is not where it says, if its
bytes differ, if one lies outside the space's slots, or (with SEED, from
the "disktest: seed N" line) if the first slot was not written by that run.
"""
import struct
import sys

SECTOR = 512
MAGIC = 0x44544E41
FIRST = 8
PER_SLOT = 8


def pattern(slot, k, seed, i):
    return (slot * 7 + k * 11 + i * 13 + seed + (i >> 8)) & 0xFF


def expected(slot, k, seed):
    head = struct.pack("<IIII", MAGIC, slot, k, seed)
    return head + bytes(pattern(slot, k, seed, i) for i in range(len(head), SECTOR))


def main():
    data = open(sys.argv[1], "rb").read()
    start = int(sys.argv[2])
    run_seed = int(sys.argv[3]) if len(sys.argv) > 3 else None
    found, bad, seeds = 0, 0, {}
    for lba in range(len(data) // SECTOR):
        sec = data[lba * SECTOR:(lba + 1) * SECTOR]
        magic, slot, k, seed = struct.unpack_from("<IIII", sec)
        if magic != MAGIC:
            continue
        found += 1
        where = start + FIRST + slot * PER_SLOT + k
        if lba < start + FIRST or where != lba or k >= PER_SLOT or sec != expected(slot, k, seed):
            bad += 1
            if bad <= 5:
                print(f"checkimg: sector {lba}: says slot {slot} sector {k}, bytes or place wrong")
        elif k == 0:
            seeds[slot] = seed
    print(f"checkimg: {found} sectors written by disktest, {bad} wrong")
    ok = bad == 0 and found > 0
    if run_seed is not None and seeds.get(0) != (run_seed + 1) & 0xFFFFFFFF:
        print(f"checkimg: slot 0 not written by the run with seed {run_seed}")
        ok = False
    print("checkimg: PASS" if ok else "checkimg: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
