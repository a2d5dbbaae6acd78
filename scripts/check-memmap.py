#!/usr/bin/env python3
"""The memory map is written down for several readers: the constants of
mm/layout.h (the code), the table in its opening comment, and the tables
of the README and docs/DESIGN.md. This check fails make test when they
disagree: every table must list the same ranges, and each range must be
what the constants say (a constant NAME_VIRT or NAME_START at its first
address, and NAME_SIZE/_AREA/_MAX that long, or, without a size, the next
range's start or NAME_END at its end + 1).

    check-memmap.py [mm/layout.h DOC.md...]"""
import re
import sys

RANGE = r"0x([0-9A-Fa-f]{8})\s*[-\u2013]\s*0x([0-9A-Fa-f]{8})"


def constants(path):
    """The #define NAME VALUE lines of a header and the project headers it
    includes, evaluated (integers only)."""
    text = open(path, encoding="utf-8").read()
    for inc in re.findall(r'^#include\s+"([^"]+)"', text, flags=re.M):
        try:
            text = open(inc, encoding="utf-8").read() + text
        except OSError:
            pass
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    raw = dict(re.findall(r"^#define\s+([A-Z_][A-Z_0-9]*)\s+(.+?)\s*$", text, flags=re.M))
    values = {}
    for _ in range(len(raw)):                   # resolve names used in values
        for name, expr in raw.items():
            if name in values:
                continue
            e = re.sub(r"\b(0x[0-9A-Fa-f]+|[0-9]+)[uUlL]*\b", r"\1", expr)
            try:
                values[name] = eval(e, {"__builtins__": {}}, dict(values)) & 0xFFFFFFFF
            except Exception:
                pass
    return values


def table(path, pattern):
    rows = []
    for line in open(path, encoding="utf-8"):
        m = re.search(pattern, line)
        if m:
            rows.append((int(m.group(1), 16), int(m.group(2), 16)))
    return rows


def explained(start, end, c, starts):
    if start == 0:
        return end + 1 == c.get("USER_START")
    names = [n for n, v in c.items() if v == start and re.search(r"_(VIRT|START)$", n)]
    for n in names:
        prefix = re.sub(r"_(VIRT|START)$", "", n)
        sizes = [c[prefix + s] for s in ("_SIZE", "_AREA", "_MAX") if prefix + s in c]
        if sizes:                   # a size says how long: it must be this long
            if start + sizes[0] == end + 1:
                return True
        elif c.get(prefix + "_END") == end + 1 or end + 1 in starts:
            return True             # no size: it ends where the next range begins
    return False


def main(layout, *docs):
    c = constants(layout)
    header = table(layout, r"^ \*\s+" + RANGE)
    bad = []
    if not header:
        bad.append(f"{layout}: no memory-map table in its opening comment")
    for readme in docs:
        doc = table(readme, r"^\|\s*`" + RANGE)
        if not doc:
            bad.append(f"{readme}: no memory-map table")
        for r in sorted(set(header) ^ set(doc)):
            where = layout if r in header else readme
            bad.append(f"0x{r[0]:08X}-0x{r[1]:08X} is in {where} only (of {layout} and {readme})")
    starts = {c[n] for n in c if re.search(r"_(VIRT|START)$", n)} | {c.get("USER_END", 0)}
    for start, end in header:
        if not explained(start, end, c, starts):
            bad.append(f"0x{start:08X}-0x{end:08X} ({layout} table) is not what its constants say")
    for line in bad:
        print("memmap: " + line)
    if not bad:
        print(f"memmap: {len(header)} ranges, the same in {layout}'s table, its constants and "
              + ", ".join(docs))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(*(sys.argv[1:] if len(sys.argv) > 2 else ("mm/layout.h", "README.md", "docs/DESIGN.md"))))
