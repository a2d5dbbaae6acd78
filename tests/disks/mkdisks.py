#!/usr/bin/env python3
"""The disks of the paging tests (tests/run.sh): what a user may attach,
with data that must survive, and paging spaces made by scripts/mkpaging.py.

    mkdisks.py DIR ISO    makes DIR/*.img and DIR/expect.txt
    mkdisks.py hash IMG RANGE...   the sha256 of those byte ranges

expect.txt has one line per image: NAME, then the byte ranges (start+length)
that must stay as they are, "::", then what the driver's log line for it
must say. tests/run.sh hashes the ranges before and after a boot.
"""
import binascii
import os
import shutil
import struct
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
import mkpaging  # noqa: E402

SECTOR = 512
MIB = 1 << 20
LINUX = uuid.UUID("0fc63daf-8483-4772-8e79-3d69d8477de4").bytes_le
BASIC_DATA = uuid.UUID("ebd0a0a2-b9e5-4433-87c0-68b6b72699c7").bytes_le
FILE_TEXT = b"The owner's letter: this file must outlive every paging test.\n" * 40


def blank(path, size):
    with open(path, "wb") as f:
        f.truncate(size)


def random_fill(path, start, count, seed):
    """Sectors [start, start + count) of path: bytes that come from seed."""
    rnd = bytes((seed * 131 + i * 7 + (i >> 9)) & 0xFF for i in range(SECTOR * 64))
    with open(path, "r+b") as f:
        f.seek(start * SECTOR)
        for done in range(0, count, 64):
            f.write(rnd[:min(64, count - done) * SECTOR])


def mbr(path, parts):
    """An MBR: parts is [(type, start, count)]."""
    sec = bytearray(SECTOR)
    for i, (ptype, start, count) in enumerate(parts):
        struct.pack_into("<B3xB3xII", sec, 446 + 16 * i, 0, ptype, start, count)
    sec[510:512] = b"\x55\xaa"
    with open(path, "r+b") as f:
        f.write(sec)


def gpt(path, parts):
    """A protective MBR and a primary and backup GPT: parts is
    [(type-bytes, first, last)]."""
    size = os.path.getsize(path) // SECTOR
    mbr(path, [(0xEE, 1, min(size - 1, 0xFFFFFFFF))])
    entries = bytearray(128 * 128)
    for i, (ptype, first, last) in enumerate(parts):
        struct.pack_into("<16s16sQQQ", entries, 128 * i, ptype, uuid.uuid4().bytes_le, first, last, 0)
    ecrc = binascii.crc32(entries) & 0xFFFFFFFF

    def header(my, alt, elba):
        h = bytearray(struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x00010000, 92, 0, 0, my,
                                  alt, 34, size - 34, uuid.uuid4().bytes_le, elba, 128, 128,
                                  ecrc))
        struct.pack_into("<I", h, 16, binascii.crc32(h) & 0xFFFFFFFF)
        return bytes(h) + bytes(SECTOR - len(h))

    with open(path, "r+b") as f:
        f.seek(SECTOR)
        f.write(header(1, size - 1, 2) + entries)
        f.seek((size - 33) * SECTOR)
        f.write(entries + header(size - 1, 1, size - 33))


def fat(path, start, count):
    """A FAT16 file system in sectors [start, start + count), with a file."""
    img = f"{path}@@{start * SECTOR}"
    subprocess.run(["mformat", "-i", img, "-T", str(count), "-h", "16", "-s", "32", "-v",
                    "OWNER", "::"], check=True, capture_output=True)
    txt = path + ".txt"
    with open(txt, "wb") as f:
        f.write(FILE_TEXT)
    subprocess.run(["mcopy", "-i", img, txt, "::LETTER.TXT"], check=True, capture_output=True)
    os.unlink(txt)


def hash_ranges(path, ranges):
    """sha256 of the byte ranges "start+length" of path."""
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for r in ranges:
            a, n = (int(x) for x in r.split("+"))
            f.seek(a)
            h.update(f.read(n))
    return h.hexdigest()


def main():
    if sys.argv[1] == "hash":
        print(hash_ranges(sys.argv[2], sys.argv[3:]))
        return
    out, iso = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    lines = []

    def p(name):
        return os.path.join(out, name + ".img")

    def expect(name, ranges, words):
        lines.append(" ".join([name] + [f"{a}+{n}" for a, n in ranges] + ["::"] + words))

    whole = 64 * MIB

    # Disks that are not paging spaces: they must not change at all.
    blank(p("fat"), 16 * MIB)
    mbr(p("fat"), [(0x06, 2048, 16 * 2048 - 2048)])
    fat(p("fat"), 2048, 16 * 2048 - 2048)
    expect("fat", [(0, 16 * MIB)], ["not used: an MBR partition table (1 partitions) with no AnT paging partition"])

    blank(p("gpt"), 16 * MIB)
    gpt(p("gpt"), [(LINUX, 2048, 8191), (BASIC_DATA, 8192, 30000)])
    random_fill(p("gpt"), 2048, 6144, 1)
    random_fill(p("gpt"), 8192, 21809, 2)
    expect("gpt", [(0, 16 * MIB)], ["not used: a GPT (2 partitions) with no AnT paging partition"])

    blank(p("zero"), 16 * MIB)
    expect("zero", [(0, 16 * MIB)], ["not used: no partition table and no paging-space header (its first sector is all zeros)"])

    shutil.copyfile(iso, p("iso"))
    expect("iso", [(0, os.path.getsize(iso))], ["with no AnT paging partition"])

    # Paging spaces that must be refused, with the reason.
    blank(p("badcrc"), 16 * MIB)
    with open(p("badcrc"), "r+b") as f:
        h = bytearray(mkpaging.make_header(16 * 2048, "broken on purpose"))
        h[300] ^= 0x40
        f.write(h)
    expect("badcrc", [(0, 16 * MIB)], ["not used: whole-disk paging space, but its paging-space header is damaged (bad checksum)"])

    blank(p("pastend"), 16 * MIB)
    with open(p("pastend"), "r+b") as f:
        f.write(mkpaging.make_header(64 * 2048, "says 64 MiB, has 16"))
    expect("pastend", [(0, 16 * MIB)], ["not used: whole-disk paging space, but its paging-space header says 16383 slots (63 MiB), past its end (16 MiB)"])

    blank(p("mbrpast"), 16 * MIB)
    mbr(p("mbrpast"), [(0x06, 2048, 4096), (mkpaging.MBR_TYPE, 8192, 100000)])
    with open(p("mbrpast"), "r+b") as f:
        f.seek(8192 * SECTOR)
        f.write(mkpaging.make_header(100000))
    expect("mbrpast", [(0, 16 * MIB)], ["not used: MBR partition 2 points past the end of the disk"])

    # Paging spaces made by the tool: the space's slots may change, nothing
    # else (its header, the table, the other partitions).
    subprocess.run([sys.executable, os.path.join(os.path.dirname(mkpaging.__file__), "mkpaging.py"),
                    "disk", p("whole"), "--size", str(whole)], check=True, capture_output=True)
    expect("whole", [(0, 8 * SECTOR)], ["paging space: the whole disk, 16383 slots"])

    blank(p("mbrpage"), whole)
    fat_sectors = 16 * 2048
    mbr(p("mbrpage"), [(0x06, 2048, fat_sectors), (mkpaging.MBR_TYPE, 2048 + fat_sectors,
                                                   whole // SECTOR - 2048 - fat_sectors)])
    fat(p("mbrpage"), 2048, fat_sectors)
    subprocess.run([sys.executable, os.path.join(os.path.dirname(mkpaging.__file__), "mkpaging.py"),
                    "part", p("mbrpage"), "2"], check=True, capture_output=True)
    expect("mbrpage", [(0, (2048 + fat_sectors + 8) * SECTOR)],
           ["paging space: MBR partition 2, "])

    blank(p("gptpage"), whole)
    n = whole // SECTOR
    gpt(p("gptpage"), [(LINUX, 2048, 10239), (mkpaging.GPT_TYPE_BYTES, 10240, n - 8192 - 1),
                       (BASIC_DATA, n - 8192, n - 34)])
    random_fill(p("gptpage"), 2048, 8192, 3)
    random_fill(p("gptpage"), n - 8192, 8192 - 33, 4)
    subprocess.run([sys.executable, os.path.join(os.path.dirname(mkpaging.__file__), "mkpaging.py"),
                    "part", p("gptpage"), "2"], check=True, capture_output=True)
    expect("gptpage", [(0, (10240 + 8) * SECTOR), ((n - 8192) * SECTOR, 8192 * SECTOR)],
           ["paging space: GPT partition 2, "])

    with open(os.path.join(out, "expect.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(out, "letter.txt"), "wb") as f:
        f.write(FILE_TEXT)


if __name__ == "__main__":
    main()
