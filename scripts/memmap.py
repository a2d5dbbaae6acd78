#!/usr/bin/env python3
"""make memmap: a picture of live address spaces, read from the page tables.

Boots the system (build/kernel.elf and the system's modules) with the
serial line and the QEMU monitor on sockets (tests/system/drive.py's
System), finds the shell and the console driver with `ps`, and asks the
shell's `map` for each: their runs, and where their page directories are.
Then, while the shell waits at its prompt for a line (its ICC page, the
one it writes and reads the console through, is then the console's: it
was moved, not copied, with the CON_READ request), it stops the machine
and reads both page directories and their page tables through the monitor
(`xp`), and draws:

    OUT/before.svg  the shell's space as `map` showed it while it ran,
                    its ICC page in it
    OUT/after.svg   the shell's and the console's spaces as the page
                    tables hold them now: the same ICC page (address and
                    frame) gone from the shell and in the console's space

Each picture is a to-scale bar of the 4 GB (user half, ICC area, kernel
half) and a row a run: address range, pages, frames, bits, and the area
(4MB read-only global kernel text, the data area, the I/O hole alias, the
kernel areas, private pages, ICC pages with their physical addresses).

    memmap.py KERNEL MODULES OUT
"""
import html
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "system"))
import drive  # noqa: E402

PAGE = 4096
P, W, U, PCD, PWT, PS, G = 1, 2, 4, 0x10, 0x8, 0x80, 0x100
BITS = P | W | U | PCD | PWT | G

# The inner core's areas (mm/layout.h), for naming what the tables hold.
AREAS = [
    (0x00000000, 0x80000000, "private"), (0x80000000, 0xC0000000, "ICC"),
    (0xC0000000, 0xC0400000, "kernel text"), (0xC0400000, 0xC0800000, "kernel data"),
    (0xC0800000, 0xC1000000, "I/O hole alias"), (0xC1000000, 0xC1800000, "frame table"),
    (0xC2000000, 0xC3000000, "windows"),
    (0xC4000000, 0xCC200000, "page tables"), (0xCC400000, 0xCC441000, "page directories"),
    (0xD0000000, 0xE0000000, "kernel stacks"),
    (0xE0000000, 0xF0000000, "modules"), (0xF0000000, 0xF4000000, "framebuffer"),
    (0xF4000000, 0xF8000000, "kernel dynamic (APICs)"),
    (0xF8000000, 0xFC000000, "ICC page tables"),
]
COLOURS = {"private": "#8fbf6f", "ICC": "#e8a33d", "kernel text": "#5b7fbf",
           "kernel data": "#7f9fd8", "I/O hole alias": "#b08fd8", "frame table": "#9fb8c8",
           "windows": "#c8c8c8", "kernel stacks": "#a8b8a8", "modules": "#c8b89f",
           "framebuffer": "#d8c8e8", "kernel dynamic (APICs)": "#d89f9f",
           "ICC page tables": "#e8c88f", "page tables": "#d8d08f",
           "page directories": "#c8c07f", "kernel": "#bbbbbb"}


def area_of(va):
    for start, end, name in AREAS:
        if start <= va < end:
            return name
    return "kernel"


class Monitor:
    """The QEMU monitor on drive's socket: commands and their answers."""

    def __init__(self, sock):
        self.sock = sock
        self.sock.settimeout(0.2)
        self.drain()

    def drain(self):
        data = b""
        end = time.time() + 0.3
        while time.time() < end:
            try:
                chunk = self.sock.recv(1 << 20)
                if not chunk:
                    break
                data += chunk
                end = time.time() + 0.1
            except OSError:
                pass
        return data

    def ask(self, command):
        self.sock.sendall((command + "\n").encode())
        out = b""
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                out += self.sock.recv(1 << 20)
            except OSError:
                pass
            if out.rstrip().endswith(b"(qemu)"):
                break
        return out.decode("latin-1")

    def words(self, pa, n):
        """n 32-bit words of physical memory at pa."""
        text = self.ask(f"xp /{n}wx {pa:#x}")
        vals = []
        for line in text.splitlines():
            m = re.match(r"\s*[0-9a-f]+:\s+(.*)", line)
            if m:
                vals += [int(v, 16) for v in m.group(1).split()]
        if len(vals) < n:
            raise drive.Fail(f"xp at {pa:#x}: {len(vals)} of {n} words")
        return vals[:n]


def runs_from_tables(mon, pd_pa):
    """The runs of the space whose directory is at pd_pa: (va, pages, pa, bits)."""
    pd = mon.words(pd_pa, 1024)
    entries = []                         # (va, frame | bits) for every present page
    for i, pde in enumerate(pd):
        if not pde & P:
            continue
        if pde & PS:
            base = pde & 0xFFC00000
            entries += [((i << 22) + k * PAGE, (base + k * PAGE) | (pde & BITS) | PS)
                        for k in range(1024)]
            continue
        pt = mon.words(pde & 0xFFFFF000, 1024)
        entries += [((i << 22) + k * PAGE, e & (0xFFFFF000 | BITS))
                    for k, e in enumerate(pt) if e & P]
    runs = []
    for va, e in entries:
        if runs:
            rva, n, rpa, rbits = runs[-1]
            if va == rva + n * PAGE and (e & 0xFFFFF000) == rpa + n * PAGE and \
                    (e & ~0xFFFFF000) == rbits and area_of(va) == area_of(rva):
                runs[-1] = (rva, n + 1, rpa, rbits)
                continue
        runs.append((va, 1, e & 0xFFFFF000, e & ~0xFFFFF000))
    return runs


def runs_from_map(text):
    """The runs of the user half the shell's `map` printed."""
    out = []
    for m in re.finditer(r"map: ([0-9a-f]{8})-([0-9a-f]{8})\s+(\d+) pages at phys ([0-9a-f]{8})-"
                         r"[0-9a-f]{8}\s+(r[ow]) user", text):
        bits = P | U | (W if m.group(5) == "rw" else 0)
        out.append((int(m.group(1), 16), int(m.group(3)), int(m.group(4), 16), bits))
    return out


def bits_text(bits):
    words = ["rw" if bits & W else "ro", "user" if bits & U else "kernel"]
    if bits & G:
        words.append("global")
    if bits & PS:
        words.append("4MB")
    if bits & PCD:
        words.append("uncached")
    return " ".join(words)


def svg(spaces, title, moved):
    """spaces: [(name, runs)]; moved: {(va, pa)} to mark."""
    col_w, bar_w, row_h, top = 560, 60, 16, 70
    rows = max(len(r) for _, r in spaces)
    width, height = 40 + len(spaces) * (col_w + 40), top + 40 + rows * row_h + 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="monospace" font-size="11">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="20" y="24" font-size="15" font-family="sans-serif">{html.escape(title)}</text>']
    for c, (name, runs) in enumerate(spaces):
        x0 = 20 + c * (col_w + 40)
        out.append(f'<text x="{x0}" y="50" font-size="13" font-family="sans-serif">'
                   f'{html.escape(name)}</text>')
        # the 4 GB to scale: 0 at the top
        span = top + rows * row_h
        out.append(f'<rect x="{x0}" y="{top}" width="{bar_w}" height="{span - top}" '
                   f'fill="#f4f4f4" stroke="#888"/>')
        for label, va in (("0", 0), ("2GB ICC", 0x80000000), ("3GB kernel", 0xC0000000)):
            y = top + (span - top) * va / 2**32
            out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + bar_w}" y2="{y:.1f}" stroke="#444"/>'
                       f'<text x="{x0 + 2}" y="{y + 10:.1f}" font-size="8">{label}</text>')
        for i, (va, n, pa, bits) in enumerate(runs):
            area = area_of(va)
            colour = "#e03030" if (va, pa) in moved else COLOURS.get(area, "#bbb")
            y = top + (span - top) * va / 2**32
            h = max(1.0, (span - top) * n * PAGE / 2**32)
            out.append(f'<rect x="{x0 + 8}" y="{y:.1f}" width="{bar_w - 16}" height="{h:.1f}" '
                       f'fill="{colour}"/>')
            ry = top + i * row_h
            note = "  moved here" if (va, pa) in moved else ""
            text = (f"{va:08x}-{va + n * PAGE:08x} {n:5} pages at phys {pa:08x}  "
                    f"{bits_text(bits):<20} {area}{note}")
            out.append(f'<rect x="{x0 + bar_w + 8}" y="{ry + 3}" width="10" height="10" '
                       f'fill="{colour}"/><text x="{x0 + bar_w + 22}" y="{ry + 12}">'
                       f'{html.escape(text)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    kernel, modules, outdir = sys.argv[1:4]
    os.makedirs(outdir, exist_ok=True)
    s = drive.System(["-kernel", kernel, "-initrd", modules], os.path.join(outdir, "serial.log"))
    try:
        s.expect(r"shell: AnT/i386 shell", 60)
        s.sync()
        shell, console = s.pid_of("shell"), s.pid_of("console")
        text = {}
        for name, pid in (("shell", shell), ("console", console)):
            m = s.cmd(f"map {pid}", rf"map: pid {pid}: \d+ runs[^\n]*page directory at phys "
                      r"([0-9a-f]{8})")
            text[name] = (s.buf[s.buf.rfind(b"ant> map", 0, m.start()):m.end()].decode("latin-1"),
                          int(m.group(1), 16))
        s.expect(r"ant> ")                  # the shell waits for a line: its page is away
        time.sleep(0.5)
        mon = Monitor(s.mon)
        mon.ask("stop")
        now = {name: runs_from_tables(mon, pd) for name, (_, pd) in text.items()}
        mon.ask("cont")
        before = runs_from_map(text["shell"][0])
        icc_before = {(va, pa) for va, n, pa, _ in before if 0x80000000 <= va < 0xC0000000}
        shell_user = [r for r in now["shell"] if r[0] < 0xC0000000]
        moved = {(va, pa) for va, n, pa, _ in now["console"] if (va, pa) in icc_before}
        gone = icc_before - {(va, pa) for va, n, pa, _ in shell_user}
        kernel_runs = [r for r in now["shell"] if r[0] >= 0xC0000000]
        with open(os.path.join(outdir, "before.svg"), "w") as f:
            f.write(svg([(f"shell (pid {shell}), from its map command while it runs",
                          before + kernel_runs)],
                        "AnT/i386: an address space, from its page tables", set()))
        with open(os.path.join(outdir, "after.svg"), "w") as f:
            f.write(svg([(f"shell (pid {shell}), waiting for a line", now["shell"]),
                         (f"console (pid {console}), holding the shell's request",
                          now["console"])],
                        "After the ICC transfer: the shell's page is the console's "
                        "(same address, same frame: moved, not copied)", moved))
        print(f"memmap: shell pid {shell}: {len(before)} user runs from map, "
              f"{len(shell_user)} in its tables now; console pid {console}")
        print(f"memmap: ICC pages moved from the shell to the console: "
              + (", ".join(f"{va:08x} (phys {pa:08x})" for va, pa in sorted(moved)) or "none"))
        print(f"memmap: pictures in {outdir}/before.svg and {outdir}/after.svg")
        # The tables read through the monitor agree with map, but for what moved.
        same = sorted(r for r in before if (r[0], r[2]) not in gone) == \
            sorted(r for r in shell_user if 0 < r[0])
        if not moved or gone != moved or not same:
            print("memmap: FAILED: the page tables and map disagree, or nothing moved")
            return 1
        return 0
    except drive.Fail as e:
        print(f"memmap: FAILED: {e}")
        return 1
    finally:
        s.close()


if __name__ == "__main__":
    sys.exit(main())
