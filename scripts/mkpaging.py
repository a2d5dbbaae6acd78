#!/usr/bin/env python3
"""Make, or look at, an AnT/i386 paging space.

AnT/i386 writes to a disk only where a paging-space header says it may
(lib/pspace.h has the format): the whole disk, or one partition of type
0x7f (MBR) or 84F0B229-24E2-4ECF-ABF0-29D19E42413E (GPT). This tool writes
that header; the system never does.

    mkpaging.py disk TARGET [--size SIZE]   the whole of TARGET (an image
                                            file, made SIZE long if given,
                                            or a disk device) is the space
    mkpaging.py part TARGET N               partition N of TARGET is the space
    mkpaging.py show TARGET                 what the system would do with TARGET

Everything in the space is lost: the header goes into its first sector and
the system writes paged-out memory after it. The tool refuses a target that
holds a partition table or a file system (disk), a partition of another type
or one holding a file system (part), a mounted device, and a partition
device given as a whole disk, unless told --force; on a device it shows
the model and size and asks (--yes answers for you).
"""
import argparse
import binascii
import os
import stat
import struct
import sys
import uuid

SECTOR = 512
MAGIC = b"ANT-PAGING-SPACE"
VERSION = 1
FIRST_SECTOR = 8
SLOT_SECTORS = 8
MBR_TYPE = 0x7F
GPT_TYPE = uuid.UUID("84f0b229-24e2-4ecf-abf0-29d19e42413e")
GPT_TYPE_BYTES = GPT_TYPE.bytes_le
HEADER_FMT = "<16sIIIIQ16s32s420x"      # then the CRC: 508 + 4 bytes


class Refused(Exception):
    pass


def make_header(sectors, label="", ident=None):
    """The header sector for a space of `sectors` sectors."""
    # the system addresses sectors below 2^32 (2 TiB): a space reaches no further
    slots = (min(sectors, 0xFFFFFFFF) - FIRST_SECTOR) // SLOT_SECTORS
    if slots < 1:
        raise Refused(f"{sectors} sectors is too small for a paging space")
    ident = ident if ident is not None else os.urandom(16)
    body = struct.pack(HEADER_FMT, MAGIC, VERSION, FIRST_SECTOR, SLOT_SECTORS, slots,
                       sectors, ident, label.encode()[:31])
    assert len(body) == 508
    return body + struct.pack("<I", binascii.crc32(body) & 0xFFFFFFFF)


def parse_header(sec, sectors):
    """(slots, id) of a valid header for a space of `sectors`, or a reason (str)."""
    if sec[:16] != MAGIC:
        return "no paging-space header"
    if binascii.crc32(sec[:508]) & 0xFFFFFFFF != struct.unpack_from("<I", sec, 508)[0]:
        return "a damaged paging-space header (bad checksum)"
    _, version, first, per, slots, _, ident, _ = struct.unpack_from(HEADER_FMT, sec)
    if version != VERSION:
        return f"a paging-space header of version {version}"
    if first != FIRST_SECTOR or per != SLOT_SECTORS or not slots:
        return "a paging-space header with a layout this tool does not know"
    if FIRST_SECTOR + slots * SLOT_SECTORS > sectors:
        return f"a paging-space header that says {slots} slots, past its end"
    return slots, ident


# ---- what a disk holds ----

def read_at(f, lba, count=1):
    f.seek(lba * SECTOR)
    return f.read(count * SECTOR)


def fs_kind(f, start=0):
    """A file system or image at sector `start`, by its signature, or None."""
    sec = read_at(f, start)
    if len(sec) < SECTOR:
        return None
    if sec[510:512] == b"\x55\xaa" and sec[0] in (0xEB, 0xE9):
        if sec[3:11] == b"NTFS    ":
            return "an NTFS file system"
        if sec[0x36:0x39] == b"FAT" or sec[0x52:0x57] == b"FAT32":
            return "a FAT file system"
        if sec[3:11] == b"EXFAT   ":
            return "an exFAT file system"
    if read_at(f, start + 64)[1:6] == b"CD001":
        return "an ISO 9660 file system"
    if read_at(f, start + 2)[56:58] == b"\x53\xef":
        return "an ext2/3/4 file system"
    if read_at(f, start + 7)[502:512] == b"SWAPSPACE2":
        return "a Linux swap area"
    if sec[0:6] == b"LUKS\xba\xbe":
        return "a LUKS encrypted volume"
    if read_at(f, start + 1)[0:8] == b"LABELONE":
        return "an LVM physical volume"
    if sec[0:4] == b"XFSB":
        return "an XFS file system"
    if read_at(f, start + 128)[64:72] == b"_BHRfS_M":
        return "a btrfs file system"
    if read_at(f, start + 8)[0:4] == b"\xfc\x4e\x2b\xa9":
        return "a Linux RAID member"
    return None


def mbr_parts(sec):
    """[(number, type, start, count)] of an MBR's used entries, or None."""
    if sec[510:512] != b"\x55\xaa":
        return None
    parts = []
    for i in range(4):
        flag, ptype, start, count = struct.unpack_from("<B3xB3xII", sec, 446 + 16 * i)
        if flag not in (0, 0x80):
            return None
        if ptype:
            parts.append((i + 1, ptype, start, count))
    return parts or None


def gpt_parts(f):
    """[(number, type-bytes, first, last)] of a valid primary GPT, or a reason (str)."""
    h = read_at(f, 1)
    if h[:8] != b"EFI PART":
        return "a protective MBR without a GPT header"
    size = struct.unpack_from("<I", h, 12)[0]
    if not 92 <= size <= SECTOR:
        return "a broken GPT header"
    crc = struct.unpack_from("<I", h, 16)[0]
    if binascii.crc32(h[:16] + b"\0\0\0\0" + h[20:size]) & 0xFFFFFFFF != crc:
        return "a damaged GPT header (bad checksum)"
    elba, n, esize, ecrc = struct.unpack_from("<QIII", h, 72)
    raw = read_at(f, elba, (n * esize + SECTOR - 1) // SECTOR)[:n * esize]
    if binascii.crc32(raw) & 0xFFFFFFFF != ecrc:
        return "damaged GPT partition entries (bad checksum)"
    parts = []
    for i in range(n):
        e = raw[i * esize:(i + 1) * esize]
        if e[:16] != bytes(16):
            first, last = struct.unpack_from("<QQ", e, 32)
            parts.append((i + 1, e[:16], first, last))
    return parts


def partitions(f):
    """('MBR' | 'GPT', [(number, is_ours, start, count)]), or (None, reason)."""
    mbr = mbr_parts(read_at(f, 0))
    if mbr is None or (fs_kind(f) or "").startswith("a FAT"):
        return None, None
    if any(p[1] == 0xEE for p in mbr):
        g = gpt_parts(f)
        if isinstance(g, str):
            return None, g
        return "GPT", [(n, t == GPT_TYPE_BYTES, a, b - a + 1) for n, t, a, b in g]
    return "MBR", [(n, t == MBR_TYPE, a, c) for n, t, a, c in mbr]


def size_of(f):
    f.seek(0, os.SEEK_END)
    return f.tell() // SECTOR


def describe(f):
    """One line: what the system would do with this disk (roughly what the
    driver logs; lib/pspace.c is the authority)."""
    sectors = size_of(f)
    h = parse_header(read_at(f, 0), sectors)
    if isinstance(h, tuple):
        return f"paging space: the whole disk, {h[0]} slots ({h[0] // 256} MiB), id {h[1][:4].hex()}"
    if read_at(f, 0)[:16] == MAGIC:
        return f"not used: whole-disk paging space, but {h}"
    table, parts = partitions(f)
    if table is None:
        if parts:
            return f"not used: {parts}"
        return f"not used: no partition table and no paging-space header ({fs_kind(f) or 'unknown contents'})"
    found = []
    for n, ours, start, count in parts:
        if start + count > sectors:
            return f"not used: {table} partition {n} points past the end of the disk"
        if ours:
            h = parse_header(read_at(f, start), count)
            found.append(f"{table} partition {n}: " + (f"{h[0]} slots, id {h[1][:4].hex()}"
                                                       if isinstance(h, tuple) else f"not used: {h}"))
    if not found:
        return f"not used: {table} ({len(parts)} partitions) with no AnT paging partition"
    return "; ".join(found)


# ---- safety checks before writing ----

def is_mounted(path):
    real = os.path.realpath(path)
    try:
        with open("/proc/mounts") as m:
            for line in m:
                dev = line.split()[0]
                if dev.startswith("/dev/") and os.path.realpath(dev).startswith(real):
                    return True
    except OSError:
        pass
    return False


def device_facts(path):
    """(model, bytes, is a partition) of a block device, from sysfs."""
    name = os.path.basename(os.path.realpath(path))
    base = f"/sys/class/block/{name}"
    part = os.path.exists(f"{base}/partition")
    try:
        size = int(open(f"{base}/size").read()) * 512
    except OSError:
        size = 0
    model = ""
    for m in (f"{base}/device/model", f"{base}/../device/model"):
        if os.path.exists(m):
            model = open(m).read().strip()
            break
    return model, size, part


def held(path):
    """Whether the kernel has the device in use (LVM, RAID, dm-crypt hold it)."""
    name = os.path.basename(os.path.realpath(path))
    try:
        return bool(os.listdir(f"/sys/class/block/{name}/holders"))
    except OSError:
        return False


def check_device(path, args, what):
    if not stat.S_ISBLK(os.stat(path).st_mode):
        return
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_EXCL))   # in use by the kernel: EBUSY
    except OSError as e:
        raise Refused(f"{path} is in use ({e.strerror})")
    if held(path):
        raise Refused(f"{path} is held by another device (LVM, RAID, encryption)")
    model, size, part = device_facts(path)
    if args.cmd == "disk" and part:
        raise Refused(f"{path} is a partition: give a whole disk, or use 'part'")
    if is_mounted(path):
        raise Refused(f"{path} (or a partition of it) is mounted")
    print(f"mkpaging: {path}: {model or 'unknown model'}, {size // (1 << 20)} MiB: {what}")
    print("mkpaging: EVERYTHING there will be lost.")
    if not args.yes:
        answer = input("mkpaging: type yes to go on: ")
        if answer.strip() != "yes":
            raise Refused("not confirmed")


def cmd_disk(args):
    path = args.target
    if args.size:
        mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
        s = args.size.upper()
        size = int(s[:-1]) * mult[s[-1]] if s[-1] in mult else int(s)
        if os.path.exists(path) and not os.path.isfile(path):
            raise Refused(f"--size is for image files; {path} is not one")
        with open(path, "ab"):
            pass
        os.truncate(path, size)
    with open(path, "r+b") as f:
        sectors = size_of(f)
        table, parts = partitions(f)
        kind = fs_kind(f)
        if (table or kind) and not args.force:
            raise Refused(f"{path} holds {'a ' + table + ' partition table' if table else kind}: "
                          "not overwritten (--force to do it anyway)")
        check_device(path, args, "the whole disk becomes an AnT paging space")
        f.seek(0)
        f.write(make_header(sectors, args.label) + bytes(SECTOR * (FIRST_SECTOR - 1)))
        f.flush()
        os.fsync(f.fileno())
        print(f"mkpaging: {path}: {describe(f)}")


def cmd_part(args):
    path = args.target
    with open(path, "r+b") as f:
        table, parts = partitions(f)
        if table is None:
            raise Refused(f"{path} has no partition table{': ' + parts if parts else ''}")
        match = [p for p in parts if p[0] == args.number]
        if not match:
            raise Refused(f"{path} has no {table} partition {args.number}")
        n, ours, start, count = match[0]
        if not ours:
            want = f"{MBR_TYPE:02x}" if table == "MBR" else str(GPT_TYPE).upper()
            raise Refused(f"{table} partition {n} is not of the AnT paging type: set its type to "
                          f"{want} first (fdisk, gdisk or sfdisk --part-type)")
        if start + count > size_of(f):
            raise Refused(f"{table} partition {n} points past the end of the disk")
        kind = fs_kind(f, start)
        if kind and not args.force:
            raise Refused(f"{table} partition {n} holds {kind}: not overwritten (--force to do "
                          "it anyway)")
        check_device(path, args, f"{table} partition {n} ({count // 2048} MiB) becomes an AnT "
                     "paging space")
        f.seek(start * SECTOR)
        f.write(make_header(count, args.label) + bytes(SECTOR * (FIRST_SECTOR - 1)))
        f.flush()
        os.fsync(f.fileno())
        print(f"mkpaging: {path}: {describe(f)}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("disk", help="the whole target becomes a paging space")
    d.add_argument("target")
    d.add_argument("--size", help="make an image file this long (64M, 1G, ...)")
    pa = sub.add_parser("part", help="a partition of the target becomes a paging space")
    pa.add_argument("target")
    pa.add_argument("number", type=int)
    for x in (d, pa):
        x.add_argument("--label", default="", help="a note kept in the header")
        x.add_argument("--force", action="store_true", help="overwrite what is there")
        x.add_argument("--yes", action="store_true", help="do not ask before writing a device")
    s = sub.add_parser("show", help="what the system would do with the target")
    s.add_argument("target")
    args = p.parse_args()
    try:
        if args.cmd == "show":
            with open(args.target, "rb") as f:
                print(f"mkpaging: {args.target}: {describe(f)}")
        elif args.cmd == "disk":
            cmd_disk(args)
        else:
            cmd_part(args)
    except Refused as e:
        print(f"mkpaging: refused: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"mkpaging: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
