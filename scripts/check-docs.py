#!/usr/bin/env python3
"""Citations stay inside the repository: every "docs/DESIGN.md §N" in the
code, scripts and README names a section docs/DESIGN.md has, and nothing
cites a design file elsewhere (a bare "DESIGN §N", "DESIGN.md" without
docs/, or the reference material the project started from)."""
import os
import re
import sys

SKIP_DIRS = {"build", ".git"}
EXTS = (".c", ".h", ".asm", ".py", ".sh", ".ld", ".md", ".cfg", "Makefile")


def main():
    design = open("docs/DESIGN.md", encoding="utf-8").read()
    sections = set(re.findall(r"^## §(\d+)", design, flags=re.M))
    bad = []
    for dirpath, dirs, files in os.walk("."):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for f in files:
            if not f.endswith(EXTS):
                continue
            path = os.path.relpath(os.path.join(dirpath, f))
            for n, line in enumerate(open(path, encoding="utf-8", errors="replace"), 1):
                for m in re.finditer(r"(\S*)DESIGN(\.md)?(?![A-Za-z_])", line):
                    if path == "scripts/check-docs.py":
                        continue
                    if m.group(1).endswith("docs/") or path == "docs/DESIGN.md":
                        tail = line[m.end():]
                        s = re.match(r"\s*§(\d+)", tail)
                        if s and s.group(1) not in sections:
                            bad.append(f"{path}:{n}: cites §{s.group(1)}, which docs/DESIGN.md has not")
                    else:
                        bad.append(f"{path}:{n}: cites {m.group(0)}, not docs/DESIGN.md")
                if re.search(r"\.\./shared|seeds/0", line) and path != "scripts/check-docs.py":
                    bad.append(f"{path}:{n}: points outside the repository")
    for b in bad:
        print("docs: " + b)
    if not bad:
        print(f"docs: every citation is of docs/DESIGN.md and its sections ({len(sections)})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
