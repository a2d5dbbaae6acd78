#!/usr/bin/env python3
"""Boot the ISO as a person would and read its screen back.

    screen.py uefi NAME ISO FONT LOGDIR QEMU MACHINE CODE VARS cd|usb
    screen.py bios-keyboard NAME ISO FONT LOGDIR
    screen.py grub-entry NAME ISO FONT LOGDIR N REGEX...

uefi: boots ISO under the OVMF firmware CODE (VARS copied) as a CD or a USB
stick, until the screen shows the shell's prompt; then the screen (QEMU's
screendump of the framebuffer, decoded cell by cell against the font the
kernel draws with, FONT = build/inc/font.h) must show the boot log and the
prompt.

bios-keyboard: boots ISO with no serial port at all, types "crash names"
on the PS/2 keyboard (QEMU's sendkey), and reads the VGA text page: the
inner core's lines about the crash and the restart must be on the screen.
Then the same across the console driver's own replacement and crash: the
lines about them, and what is typed after, must be on the screen too.

grub-entry: boots ISO on a BIOS PC without QEMU's exit device (as a
real PC is), picks menu entry N (0: the first) on the serial line, waits
until every REGEX is on the serial line and on the VGA screen (only the
serial line for a REGEX that starts with "~": it may have scrolled off
the screen by the end), then presses a key: the PC must restart (QEMU,
with -no-reboot, ends).

One line a check: "screen: PASS NAME/what" or "screen: FAIL NAME/what: why";
the screen's text goes to LOGDIR/NAME.screen.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def load_font(path):
    """{16 glyph bytes: character} from font.h; printable ASCII first."""
    text = open(path).read()
    rows = re.findall(r"\{([^{}]*)\}", text.split("=", 1)[1])
    glyphs = [bytes(int(v, 16) for v in r.split(",")) for r in rows]
    table = {}
    for c in list(range(0x20, 0x7F)) + list(range(0xA0, 0x100)):
        table.setdefault(glyphs[c], chr(c))
    return table


def read_ppm(path):
    """Width, height and pixels of a P6 file. QEMU may still be writing it:
    a short or empty file is a ValueError, never a loop."""
    data = open(path, "rb").read()
    fields, i = [], 0
    while len(fields) < 4:
        while i < len(data) and data[i:i + 1].isspace():
            i += 1
        j = i
        while j < len(data) and not data[j:j + 1].isspace():
            j += 1
        if i == j:
            raise ValueError(f"{path}: a short PPM header")
        fields.append(data[i:j])
        i = j
    if fields[0] != b"P6":
        raise ValueError(f"{path}: not a P6 PPM")
    w, h = int(fields[1]), int(fields[2])
    px = data[i + 1:i + 1 + w * h * 3]
    if len(px) != w * h * 3:
        raise ValueError(f"{path}: {len(px)} bytes of pixels, not {w * h * 3}")
    return w, h, px


PACK8 = {bytes((v >> (7 - x)) & 1 for x in range(8)): v for v in range(256)}


def decode_framebuffer(ppm, font):
    """The text on a framebuffer screendump: 8x16 cells from the top left,
    a pixel inked when it is not the background's colour. The per-pixel
    work is done by bytes and big-integer operations, not a Python loop:
    a screen of a million pixels decodes in well under a second."""
    w, h, px = read_ppm(ppm)
    counts = {}
    for k in range(0, len(px), 3 * 97):
        counts[px[k:k + 3]] = counts.get(px[k:k + 3], 0) + 1
    bg = max(counts, key=counts.get)
    ink = 0
    for c in range(3):                  # 1 where a channel differs from bg's
        table = bytes(0 if v == bg[c] else 1 for v in range(256))
        ink |= int.from_bytes(px[c::3].translate(table), "big")
    mask = ink.to_bytes(w * h, "big")
    lines = []
    for row in range(h // 16):
        line = []
        for col in range(w // 8):
            bits = bytes(PACK8[mask[(row * 16 + y) * w + col * 8:(row * 16 + y) * w + col * 8 + 8]]
                         for y in range(16))
            line.append(font.get(bits, "?"))
        lines.append("".join(line).rstrip())
    return lines


def decode_vga(path):
    data = open(path, "rb").read()
    if len(data) < 80 * 25 * 2:
        return []                   # QEMU is still writing it: the next grab
    return ["".join(chr(data[(r * 80 + c) * 2]) if 0x20 <= data[(r * 80 + c) * 2] < 0x7F else " "
                    for c in range(80)).rstrip() for r in range(25)]


class Qemu:
    def __init__(self, args, logdir, name):
        self.dir = tempfile.mkdtemp(prefix="ant-screen-")
        mon = os.path.join(self.dir, "monitor")
        self.proc = subprocess.Popen(args + ["-display", "none", "-no-reboot",
                                             "-monitor", f"unix:{mon},server=on,wait=off"],
                                     stdout=open(os.path.join(logdir, name + ".qemu"), "wb"),
                                     stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                self.mon = socket.socket(socket.AF_UNIX)
                self.mon.connect(mon)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("no QEMU monitor")

    def command(self, line):
        self.mon.sendall((line + "\n").encode())
        time.sleep(0.3)
        self.mon.setblocking(False)
        try:
            while self.mon.recv(65536):
                pass
        except BlockingIOError:
            pass
        self.mon.setblocking(True)

    def close(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def result(name, ok, why=""):
    print(f"screen: {'PASS' if ok else 'FAIL'} {name}{'' if ok else ': ' + why}")
    sys.stdout.flush()
    return ok


def wait_screen(q, grab, until, timeout):
    """Grab the screen every second until until(lines) holds; the last lines."""
    end = time.time() + timeout
    lines = []
    while time.time() < end:
        time.sleep(1)
        lines = grab(q)
        if until(lines):
            break
    return lines


def uefi(name, iso, font_path, logdir, qemu, machine, code, vars_, media):
    font = load_font(font_path)
    vars_copy = os.path.join(logdir, name + ".vars")
    shutil.copyfile(vars_, vars_copy)
    args = [qemu, "-m", "256", "-machine", machine,
            "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={code}",
            "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}",
            "-serial", "file:" + os.path.join(logdir, name + ".log")]
    if "smm=on" in machine:
        args += ["-global", "driver=cfi.pflash01,property=secure,value=on"]
    if media == "usb":
        args += ["-drive", f"if=none,id=stick,format=raw,file={iso},snapshot=on",
                 "-device", "qemu-xhci", "-device", "usb-storage,drive=stick"]
    else:
        args += ["-cdrom", iso]
    q = Qemu(args, logdir, name)
    dump = os.path.join(logdir, name + ".ppm")

    def grab(q):
        q.command(f"screendump \"{dump}\"")
        try:
            return decode_framebuffer(dump, font)
        except (OSError, ValueError, IndexError):
            return []

    try:
        lines = wait_screen(q, grab, lambda ls: any(l.startswith("ant>") for l in ls), 150)
    finally:
        q.close()
    open(os.path.join(logdir, name + ".screen"), "w").write("\n".join(lines) + "\n")
    ok = result(f"{name}/boot-log-on-screen", any("AnT/i386 inner core" in l for l in lines),
                f"no 'AnT/i386 inner core' on the screen (see {name}.screen)")
    ok &= result(f"{name}/framebuffer-console", any(l.startswith("console: framebuffer") for l in lines),
                 f"the kernel did not say it draws on a framebuffer (see {name}.screen)")
    ok &= result(f"{name}/shell-prompt-on-screen", any(l.startswith("ant>") for l in lines),
                 f"no shell prompt on the screen (see {name}.screen)")
    return ok


KEYS = {" ": "spc", "\n": "ret"}


def bios_keyboard(name, iso, logdir):
    vga = os.path.join(logdir, name + ".vgamem")
    q = Qemu(["qemu-system-i386", "-m", "128", "-serial", "none", "-cdrom", iso], logdir, name)

    def grab(q):
        q.command(f"pmemsave 0xb8000 4000 \"{vga}\"")
        try:
            return decode_vga(vga)
        except OSError:
            return []

    def type_line(text):
        for ch in text + "\n":
            q.command("sendkey " + KEYS.get(ch, ch))

    try:
        lines = wait_screen(q, grab, lambda ls: any(l.startswith("ant>") for l in ls), 90)
        type_line("crash names")
        lines = wait_screen(q, grab, lambda ls: any("restarted as pid" in l for l in ls), 30)
        first = list(lines)
        type_line("replace console")
        replaced = wait_screen(q, grab, lambda ls: any(re.search(r"init: console: pid \d+ "
                                                                   r"handed over", l) for l in ls), 30)
        type_line("crash console")
        crashed = wait_screen(q, grab, lambda ls: any(re.search(r"init: console \(pid \d+\) "
                                                                  r"ended .*restarted", l)
                                                        for l in ls), 30)
        type_line("echo after the crash")
        after = wait_screen(q, grab, lambda ls: "after the crash" in ls, 30)
    finally:
        q.close()
    open(os.path.join(logdir, name + ".screen"), "w").write("\n".join(first) + "\n")
    open(os.path.join(logdir, name + "-console.screen"), "w").write("\n".join(after) + "\n")
    lines = first
    ok = result(f"{name}/typed-on-the-keyboard", any("crash names" in l for l in lines),
                "the typed line is not on the screen")
    ok &= result(f"{name}/crash-line-on-screen",
                 any(re.search(r"proc: names \(pid \d+\) killed", l) for l in lines),
                 f"the inner core's crash line is not on the screen (see {name}.screen)")
    ok &= result(f"{name}/restart-line-on-screen",
                 any(re.search(r"init: names \(pid \d+\) ended .*restarted", l) for l in lines),
                 f"the restart line is not on the screen (see {name}.screen)")
    ok &= result(f"{name}/console-replaced-on-screen",
                 any(re.search(r"init: console: pid \d+ handed over", l) for l in replaced),
                 "the console's replacement is not on the screen")
    ok &= result(f"{name}/console-crash-on-screen",
                 any(re.search(r"proc: console(\.v2)? \(pid \d+\) killed", l) for l in crashed) and
                 any(re.search(r"init: console \(pid \d+\) ended .*restarted", l) for l in crashed),
                 "the console driver's own crash and restart are not on the screen")
    ok &= result(f"{name}/typed-after-the-console-crash", "after the crash" in after,
                 f"a line typed after the crash is not on the screen (see {name}-console.screen)")
    return ok


def grub_entry(name, iso, logdir, entry, patterns):
    d = tempfile.mkdtemp(prefix="ant-grub-")
    ser_path = os.path.join(d, "serial")
    vga = os.path.join(logdir, name + ".vgamem")
    q = Qemu(["qemu-system-i386", "-m", "128", "-cdrom", iso,
              "-chardev", f"socket,id=s0,path={ser_path},server=on,wait=off",
              "-serial", "chardev:s0"], logdir, name)
    ser = None
    for _ in range(200):
        try:
            ser = socket.socket(socket.AF_UNIX)
            ser.connect(ser_path)
            break
        except OSError:
            time.sleep(0.05)
    text = b""
    log = open(os.path.join(logdir, name + ".log"), "wb")

    def read_until(rx, timeout):
        nonlocal text
        end = time.time() + timeout
        while time.time() < end:
            if re.search(rx, text):
                return True
            ser.settimeout(0.5)
            try:
                data = ser.recv(65536)
            except socket.timeout:
                continue
            if not data:
                break
            text += data
            log.write(data)
        return bool(re.search(rx, text))

    try:
        menu = read_until(rb"GNU GRUB", 60)
        time.sleep(0.5)
        ser.sendall(b"\x0e" * int(entry) + b"\r")     # Ctrl-N: the next entry
        seen = [read_until(p.lstrip("~").encode(), 300) for p in patterns]
        q.command(f"pmemsave 0xb8000 4000 \"{vga}\"")
        lines = decode_vga(vga) if os.path.exists(vga) else []
        q.command("sendkey ret")
        restarted = False
        for _ in range(50):
            if q.proc.poll() is not None:
                restarted = True
                break
            time.sleep(0.2)
    finally:
        q.close()
        log.close()
        shutil.rmtree(d, ignore_errors=True)
    open(os.path.join(logdir, name + ".screen"), "w").write("\n".join(lines) + "\n")
    ok = result(f"{name}/grub-menu", menu, "no GRUB menu on the serial line")
    for p, s in zip(patterns, seen):
        ok &= result(f"{name}/serial: {p.lstrip('~')}", s, f"not on the serial line (see {name}.log)")
        if not p.startswith("~"):
            ok &= result(f"{name}/screen: {p}", any(re.search(p, l) for l in lines),
                         f"not on the screen (see {name}.screen)")
    ok &= result(f"{name}/a-key-restarts", restarted, "the PC did not restart after a key")
    return ok


def main():
    if sys.argv[1] == "uefi":
        return 0 if uefi(*sys.argv[2:11]) else 1
    if sys.argv[1] == "bios-keyboard":
        return 0 if bios_keyboard(sys.argv[2], sys.argv[3], sys.argv[5]) else 1
    if sys.argv[1] == "grub-entry":
        return 0 if grub_entry(sys.argv[2], sys.argv[3], sys.argv[5], sys.argv[6],
                               sys.argv[7:]) else 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
