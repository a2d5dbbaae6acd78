#!/usr/bin/env python3
"""Everything made from the Makefile's module list (BOOT_MODULES): GRUB's
configurations, the module lists of the test and benchmark boots, and the
table of servers init starts.

    modules.py BUILD-DIR 'ENTRY ENTRY ...'

An entry is PROGRAM:BOOTS[:SERVER] (the Makefile says what they mean).
Writes BUILD-DIR/grub.cfg and grub-test.cfg (from boot/grub.cfg.in and
boot/grub-test.cfg.in: a line "@modules X" becomes the module lines of the
boot X), BUILD-DIR/modules.sh (MODS_X="file name,..." for QEMU's -initrd,
one variable for each boot) and BUILD-DIR/inc/init_servers.h."""
import os
import sys

BOOTS = {"s": "system", "t": "test", "b": "bench", "v": "vm", "d": "disk"}
FLAGS = {"priv", "serves", "headless", "service", "manage", "console"}
RIGHTS = {"manage": "ANT_RIGHT_MANAGE", "console": "ANT_RIGHT_CONSOLE"}


def parse(words):
    mods = []
    for w in words:
        parts = w.split(":")
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            sys.exit(f"modules: '{w}' is not PROGRAM:BOOTS[:SERVER]")
        prog, boots = parts[0], parts[1]
        for b in boots:
            if b not in BOOTS:
                sys.exit(f"modules: '{w}': no boot '{b}' (boots: {', '.join(BOOTS)})")
        server = None
        if len(parts) == 3:
            spec = parts[2].split(",")
            server = {"name": spec[0], "flags": set(), "fallback": None}
            for f in spec[1:]:
                if f.startswith("or="):
                    server["fallback"] = f[3:]
                elif f in FLAGS:
                    server["flags"].add(f)
                else:
                    sys.exit(f"modules: '{w}': no server flag '{f}' (flags: {', '.join(sorted(FLAGS))}, or=)")
        name = prog[:-4] if prog.endswith(".bin") else prog
        path = prog if prog.endswith(".bin") else f"user/{prog}.elf"
        mods.append({"prog": prog, "name": name, "path": path, "boots": boots, "server": server})
    return mods


def grub_cfg(template, out, mods):
    lines = []
    for line in open(template, encoding="utf-8"):
        if line.strip().startswith("@"):
            boot = line.split()[1] if line.split()[0] == "@modules" and len(line.split()) == 2 else "?"
            if boot not in BOOTS:
                sys.exit(f"modules: {template}: '{line.strip()}' is not '@modules X', X one of {''.join(BOOTS)}")
            indent = line[:len(line) - len(line.lstrip())]
            for m in mods:
                if boot in m["boots"]:
                    lines.append(f"{indent}module /boot/{os.path.basename(m['path'])} {m['name']}\n")
        else:
            lines.append(line)
    text = "".join(lines)
    write(out, "# generated from " + template + " and the Makefile's BOOT_MODULES: do not edit\n" + text)


def init_servers(mods):
    rows = []
    for m in mods:
        s = m["server"]
        if not s:
            continue
        f = s["flags"]
        fb = f'"{s["fallback"]}"' if s["fallback"] else "0"
        rights = ["ANT_SPAWN_PRIV"] if "priv" in f else []
        given = [RIGHTS[r] for r in sorted(RIGHTS) if r in f]
        if given:
            rights.append("ANT_SPAWN_RIGHTS(" + " | ".join(given) + ")")
        rows.append(f'    SERVER("{s["name"]}", "{m["prog"]}", {fb}, {" | ".join(rights) or "0"}, '
                    f'{"PRIO_SERVICE" if "service" in f else "PRIO_SERVER"}, {int("serves" in f)}, '
                    f'{int("headless" in f)}) \\\n')
    return ("/* generated from the Makefile's BOOT_MODULES by scripts/modules.py: do not edit.\n"
            " * SERVER(name, module, fallback, rights, priority, serves, headless), in\n"
            " * the order init starts them. */\n#define INIT_SERVERS(SERVER) \\\n" + "".join(rows) + "\n")


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    if os.path.exists(path) and open(path, encoding="utf-8").read() == text:
        return                          # unchanged: nothing that depends on it is rebuilt
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def main(build, table):
    mods = parse(table.split())
    names = [m["name"] for m in mods]
    if len(set(names)) != len(names):
        sys.exit("modules: a program is listed twice")
    for m in mods:
        fb = m["server"] and m["server"]["fallback"]
        if fb and fb not in names:
            sys.exit(f"modules: {m['prog']} falls back on {fb}, which is not in the list")
    servers = [m for m in mods if m["server"]]
    if servers and servers[0]["server"]["name"] != "names":
        sys.exit("modules: the name server must be the first server (the others register with it)")
    grub_cfg("boot/grub.cfg.in", os.path.join(build, "grub.cfg"), mods)
    grub_cfg("boot/grub-test.cfg.in", os.path.join(build, "grub-test.cfg"), mods)
    sh = ["# generated from the Makefile's BOOT_MODULES by scripts/modules.py: do not edit\n"]
    for b, word in BOOTS.items():
        files = ",".join(f"$B/{m['path']} {m['name']}" for m in mods if b in m["boots"])
        sh.append(f'MODS_{word}="{files}"\n')
    write(os.path.join(build, "modules.sh"), "".join(sh))
    write(os.path.join(build, "inc", "init_servers.h"), init_servers(mods))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
