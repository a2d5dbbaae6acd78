#!/usr/bin/env python3
"""The folders' layers (docs/DESIGN.md §1, "Layers"): each folder's C files
include headers of its own folder and of the folders below it, never above.
Reads every #include "folder/file.h" line; prints each one that goes up or
sideways, and the folder graph's cycles; exits 1 if there is any.

  include   the ABI shared by the inner core and programs
  lib       freestanding code both use (formatting, strings, the screen,
            port I/O and device registers, the user runtime)
  boot      the machine: entry, x86 header, boot information, command line,
            the log (console) and panic
  mm        memory: the map, early paging, frames, the pool, kernel space,
            address spaces, ICC ownership
  kernel    threads, the scheduler, traps, processes, notes, demand paging,
            the system-call tables
  ipc       messages between processes
  tests     the in-kernel suite (it may use everything)
Programs (outer_core/, services/) may use include/ and lib/ only."""
import os
import re
import sys

ORDER = ["include", "lib", "boot", "mm", "kernel", "ipc", "tests"]
PROGRAMS = ["outer_core", "services"]
BUILD_INCLUDES = {"font.h", "init_servers.h"}  # generated into build/inc (mkfont.py, modules.py)


def allowed(folder):
    if folder in PROGRAMS:
        return {"include", "lib", folder}
    return set(ORDER[:ORDER.index(folder) + 1])


def main(root):
    bad = []
    graph = {}
    for folder in ORDER + PROGRAMS:
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for f in sorted(files):
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, root)
                if rel.startswith("tests/host/"):
                    continue        # host tests link what they test, on the host
                for n, line in enumerate(open(path, encoding="utf-8"), 1):
                    m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                    if not m or m.group(1) in BUILD_INCLUDES:
                        continue
                    target = m.group(1).split("/")[0]
                    if "/" not in m.group(1):
                        bad.append(f"{rel}:{n}: includes \"{m.group(1)}\" without its folder")
                        continue
                    graph.setdefault(folder, set()).add(target)
                    if target not in allowed(folder):
                        bad.append(f"{rel}:{n}: {folder}/ includes {m.group(1)} (a layer above or beside it)")
    for line in bad:
        print(line)
    # Cycles between folders, whatever the declared order says.
    state = {}

    def visit(node, stack):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt == node:
                continue
            if state.get(nxt) == 1:
                cyc = stack[stack.index(nxt):] + [nxt]
                print("cycle between folders: " + " -> ".join(cyc))
                bad.append("cycle")
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    if bad:
        return 1
    print(f"layers: {', '.join(ORDER)}; programs on include and lib: no include goes up, no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
