#!/usr/bin/env python3
"""Drive the running system over its serial line, as a user would.

Boots the normal system (process manager, name server, console driver,
shell) in QEMU with COM1 on a Unix socket and the QEMU monitor on another,
types shell commands and checks what comes back. One line per scenario:
"system: PASS name" or "system: FAIL name: why"; after every scenario the
shell's `mem` must say the ICC invariant and the frame audit hold.

    drive.py KERNEL MODULES LOGDIR   (MODULES: QEMU -initrd list)
    drive.py --iso IMAGE LOGDIR      (GRUB's default entry: boot and replace)
    drive.py --paging DISK KERNEL MODULES LOGDIR   (24 MiB and a paging
                                     space: the disk driver and the pager
                                     replaced, crashed and killed while a
                                     program pages)
"""
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time


class Fail(Exception):
    pass


class System:
    def __init__(self, boot_args, log, mem="128"):
        self.dir = tempfile.mkdtemp(prefix="ant-sys-")
        ser, mon = os.path.join(self.dir, "serial"), os.path.join(self.dir, "monitor")
        self.log = open(log, "wb")
        self.qemu = subprocess.Popen(
            ["qemu-system-i386", "-m", mem, "-display", "none", "-no-reboot",
             *boot_args,
             "-chardev", f"socket,id=s0,path={ser},server=on,wait=on",
             "-serial", "chardev:s0",
             "-monitor", f"unix:{mon},server=on,wait=off"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self.ser = self._connect(ser)
        self.mon = self._connect(mon)
        self.buf = b""
        self.pos = 0                      # where the next expect starts

    def _connect(self, path):
        for _ in range(200):
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(path)
                return s
            except OSError:
                time.sleep(0.05)
        raise Fail(f"cannot connect to {path}")

    def _read(self, timeout):
        self.ser.settimeout(timeout)
        try:
            data = self.ser.recv(65536)
        except socket.timeout:
            return
        if not data:
            raise Fail("QEMU closed the serial line")
        self.buf += data
        self.log.write(data)
        self.log.flush()

    def expect(self, pattern, timeout=20, since=None):
        """Wait for pattern after the last match (or after offset since);
        return the match."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        end = time.time() + timeout
        while True:
            m = rx.search(self.buf, self.pos if since is None else since)
            if m:
                self.pos = max(self.pos, m.end())
                return m
            left = end - time.time()
            if left <= 0:
                tail = self.buf[-300:].decode("latin-1")
                raise Fail(f"no {pattern!r} within {timeout}s; last output: {tail!r}")
            self._read(min(left, 0.5))

    def send(self, data):
        self.ser.sendall(data.encode("latin-1") if isinstance(data, str) else data)

    def cmd(self, line, pattern=None, timeout=20):
        """Type a line at the prompt; return the match of pattern after it."""
        self.expect(r"ant> ", timeout)
        self.send(line + "\r")
        self.expect(re.escape(line) + r"\r?\n", timeout)     # the echo
        return self.expect(pattern, timeout) if pattern else None

    def sync(self, timeout=60):
        """Wait until the shell has worked through everything typed so far
        (after a flood or a fuzz), so no earlier prompt is taken for new."""
        self.syncs = getattr(self, "syncs", 0) + 1
        self.send(f"\x15echo sync-{self.syncs}\r")
        self.expect(rf"(?m)(^|ant> )sync-{self.syncs}\r?$", timeout)     # typed ahead: after a prompt

    def monitor(self, command):
        self.mon.sendall((command + "\n").encode())

    def pid_of(self, name):
        m = self.cmd("ps", r"ps: \d+ processes")
        table = self.buf[m.start() - 4000 if m.start() > 4000 else 0:m.start()].decode("latin-1")
        pids = re.findall(r"^\s*(\d+)\s+\d+\s+" + re.escape(name) + r"\s", table, re.M)
        if not pids:
            raise Fail(f"no {name} in ps")
        return int(pids[-1])

    def close(self):
        self.qemu.kill()
        self.qemu.wait()
        self.log.close()


def scenario_commands(s):
    s.cmd("help")
    start = s.pos
    s.expect(r"ant> ")                      # the end of the list
    for word in ("help", "echo", "ps", "mem", "vmstat", "run", "kill", "replace", "crash", "bench"):
        if not re.search(rb"(?m)^  " + word.encode() + rb"\b", s.buf[start:s.pos]):
            raise Fail(f"help does not mention {word}")
    s.pos -= 5                              # the next command waits for this prompt
    s.cmd("echo hello   from the shell", r"(?m)^hello from the shell\r?$")
    m = s.cmd("ps", r"ps: (\d+) processes")
    table = s.buf[max(0, m.start() - 3000):m.start()]
    for name in (b"init", b"names", b"console", b"shell"):
        if name not in table:
            raise Fail(f"ps does not list {name.decode()}")
    s.cmd("mem", r"mem: pool \d+ free, \d+ used, \d+ total")
    s.expect(r"mem: icc \d+ free, \d+ used, \d+ total")
    s.expect(r"mem: check ok")
    s.cmd("vmstat", r"vmstat: frames \d+ managed, \d+ free, low \d+, high \d+")
    s.expect(r"vmstat: slots 0 of 0 in use, kills 0")       # no disk here
    s.cmd("mem", r"mem: pager free list \d+ \(low \d+, high \d+\)")
    s.cmd("cpus", r"cpus: cpu 0: APIC id \d+, running, idle \d+% of \d+ ticks")
    m = s.cmd("progs", r"progs: (\d+) programs")
    listed = s.buf[max(0, m.start() - 3000):m.start()]
    for name in (b"init", b"shell", b"hello", b"victim"):
        if not re.search(rb"progs: " + name + rb" +\d+ bytes", listed):
            raise Fail(f"progs does not list {name.decode()}")
    s.cmd("run names", r"run: names: not permitted \(EPERM\)")          # a server's module: the manager's
    s.cmd("run ata", r"run: ata: not permitted \(EPERM\)")
    s.cmd("run hello", r"run: hello started as pid \d+\r?\n")   # run waits for it:
    s.expect(r"hello: pid \d+, \d+ pages of my own")
    s.expect(r"hello: pid \d+ exited with status 0")           # the prompt comes after
    s.cmd("run victim ud2", r"victim: pid \d+ killed: invalid opcode \(status 0x106\)")
    s.cmd("run nosuch", r"run: nosuch: not found \(ENOENT\)")
    s.cmd("kill", r"kill: usage")
    s.cmd("kill 12345678", r"kill: 12345678: no such process \(ESRCH\)")
    m = s.cmd("run victim spin &", r"run: victim started as pid (\d+), in the background")
    pid = int(m.group(1))
    s.cmd(f"kill {pid}", rf"kill: pid {pid} killed")
    s.cmd("frobnicate now", r"shell: unknown command 'frobnicate' \(try help\)")
    s.cmd("replace", r"replace: usage")
    s.cmd("replace nosuchserver", r"replace: nosuchserver: [a-z ]+ \(E[A-Z]+\)")
    s.cmd("crash nosuch", r"crash: nosuch: not found \(ENOENT\)")
    before = s.pos
    s.cmd("crash ata", r"crash: ata \(pid \d+\) asked to crash")  # the program ps shows
    s.pos = before                          # the restart line may come first
    s.expect(r"init: disk \(pid \d+\) ended with status 0x10e; restarted as pid \d+")
    s.expect(r"ata: no paging space on \d+ disks")   # the restarted driver has said all
    s.sync()


def scenario_bench(s):
    s.cmd("bench", r"bench: ipc_roundtrip \D*(\d+)\r?\n", timeout=120)
    s.expect(r"bench: done", timeout=120)


def scenario_replace_console(s):
    old = s.pid_of("console")
    m = s.cmd("replace console", rf"replace: console: pid {old} replaced by pid (\d+) \(build 2\)")
    new = int(m.group(1))
    s.cmd("echo after replace", r"(?m)^after replace\r?$")
    if s.pid_of("console.v2") != new:
        raise Fail("ps does not show the new console")
    m = s.cmd("replace console", rf"replace: console: pid {new} replaced by pid (\d+) \(build 1\)")
    s.cmd("echo back to build 1", r"(?m)^back to build 1\r?$")


def scenario_crash_console(s):
    old = s.pid_of("console")
    s.cmd("crash console", rf"crash: console \(pid {old}\) asked to crash")
    s.cmd("echo still here", r"(?m)^still here\r?$")
    if s.pid_of("console") == old:
        raise Fail("the console was not restarted")


def pipeline_lines(s, start, n):
    """Every 'buffer i ok' line of one pipeline run, counted."""
    text = s.buf[start:].decode("latin-1")
    seen = {}
    for i in re.findall(r"pipeline: buffer (\d+) ok", text):
        seen[int(i)] = seen.get(int(i), 0) + 1
    lost = [i for i in range(n) if i not in seen]
    dup = [i for i, c in seen.items() if c > 1]
    return lost, dup


def scenario_kill_console_mid_output(s):
    pid = s.pid_of("console")
    start = len(s.buf)
    s.cmd("run pipeline 300 1 &", r"pipeline: buffer 5 ok")
    s.send(f"kill {pid}\r")                # typed while the pipeline floods
    s.expect(rf"kill: pid {pid} killed", 30)
    s.expect(r"pipeline: done", 60)
    s.sync()
    s.cmd("echo alive after kill", r"(?m)^alive after kill\r?$")
    lost, dup = pipeline_lines(s, start, 300)
    if lost:                               # at least once: a crash may duplicate
        raise Fail(f"lines lost: {lost[:10]}")


def scenario_replace_console_under_flood(s):
    start = len(s.buf)
    s.cmd("run pipeline 300 1 &", r"pipeline: buffer 5 ok")
    s.send("replace console\r")
    s.expect(r"replace: console: pid \d+ replaced by pid \d+", 30)
    s.expect(r"pipeline: done", 60)
    lost, dup = pipeline_lines(s, start, 300)
    if lost or dup:
        raise Fail(f"lost {lost[:10]}, duplicated {dup[:10]}")


def scenario_names(s):
    old = s.pid_of("names")
    s.cmd("replace names", rf"replace: names: pid {old} replaced by pid (\d+) \(build 2\)")
    s.cmd("replace console", r"replace: console: pid \d+ replaced by pid \d+")
    s.cmd("echo names replaced", r"(?m)^names replaced\r?$")
    cur = s.pid_of("names.v2")
    start = len(s.buf)
    s.cmd("crash names", rf"crash: names \(pid {cur}\) asked to crash")
    s.expect(rf"init: names \(pid {cur}\) ended with status 0x10e; restarted as pid \d+",
             since=start)
    s.cmd("replace console", r"replace: console: pid \d+ replaced by pid \d+")
    s.cmd("echo names restarted", r"(?m)^names restarted\r?$")


def scenario_rights(s):
    """A program the shell runs has no rights: it can neither take the
    console's foreground (the user's next line) nor kill the shell, and
    the shell goes on reading what is typed."""
    s.cmd("run victim steal_console &", r"run: victim started as pid \d+, in the background")
    prompt = s.pos                          # the prompt comes before its line
    s.expect(r"victim: foreground: EPERM; kill the shell: EPERM")
    s.pos = prompt
    s.cmd("echo still the shell's", r"(?m)^still the shell's\r?$")


STOPPED = "stopped"                         # a scenario after which the system is gone


def scenario_halt(s):
    """halt, the last thing: the manager stops the machine, and the line
    saying so is on the console."""
    s.cmd("mem", r"mem: check ok")         # the audits, while there is a system
    s.cmd("halt", r"system halted: it is safe to switch the PC off now", 30)
    return STOPPED


def scenario_reboot(s):
    """reboot: the line, then the PC resets (QEMU runs with -no-reboot, so
    it ends)."""
    s.cmd("mem", r"mem: check ok")
    s.cmd("reboot", r"boot: restarting the PC", 30)
    for _ in range(100):
        if s.qemu.poll() is not None:
            return STOPPED
        time.sleep(0.1)
    raise Fail("the PC did not reset within 10 s")


def scenario_replace_without_icc(s):
    """A program holding every ICC page it can get: the reserve stays for
    the servers (ANT_RIGHT_RESERVE), so replacements still carry their
    state; the old server ends, every server keeps its name. (The hand-over
    with no page at all for the state is in the hostile suite.)"""
    m = s.cmd("run victim icc_hog &", r"run: victim started as pid (\d+), in the background")
    hog = int(m.group(1))
    time.sleep(0.5)
    s.cmd("mem", r"mem: icc [1-9]\d* free")
    s.cmd("replace names", r"replace: names: pid \d+ replaced by pid \d+")
    s.cmd("replace console", r"replace: console: pid \d+ replaced by pid \d+")
    s.cmd(f"kill {hog}", rf"kill: pid {hog} killed")
    s.cmd("replace names", r"replace: names: pid \d+ replaced by pid \d+")
    s.cmd("replace console", r"replace: console: pid \d+ replaced by pid \d+")
    shell = s.pid_of("shell")
    s.send(f"kill {shell}\r")              # the next shell must find the console
    s.expect(r"shell: AnT/i386 shell \(pid \d+\)", 30)
    s.cmd("echo shell back", r"(?m)^shell back\r?$")
    m = s.cmd("ps", r"ps: \d+ processes")
    table = s.buf[m.start() - 3000 if m.start() > 3000 else 0:m.start()]
    for name in (b"names", b"console"):
        if len(re.findall(rb"(?m)^\s*\d+\s+\d+\s+" + name + rb"(\.v2)?\s", table[table.rfind(b"PID"):])) != 1:
            raise Fail(f"not exactly one {name.decode()} in ps")


def scenario_deferred_wait_lends_page(s):
    """A PM_WAIT that carries an ICC page and whose caller dies before the
    answer: the page must not stay with the process manager."""
    m = s.cmd("run victim pm_wait_run &", r"run: victim started as pid (\d+), in the background")
    pid = int(m.group(1))
    time.sleep(0.5)
    s.cmd(f"kill {pid}", rf"kill: pid {pid} killed")
    m = s.cmd("ps", r"ps: \d+ processes")
    table = s.buf[m.start() - 3000 if m.start() > 3000 else 0:m.start()]
    row = re.findall(rb"(?m)^\s*\d+\s+0\s+init\s+\w+\s+\d+\s+\d+\s+(\d+)", table)  # state, CPU, pages, ICC
    if not row or row[-1] != b"0":
        raise Fail(f"init holds ICC pages: {row[-1:] if row else 'no row'}")
    waiters = []                            # fill the manager's 8 waiter slots, then die
    for _ in range(8):
        waiters.append(int(s.cmd("run victim pm_wait_names &", r"started as pid (\d+), in the background").group(1)))
    time.sleep(0.5)
    for pid in waiters:
        s.cmd(f"kill {pid}", rf"kill: pid {pid} killed")
    m = s.cmd("run victim pm_wait_run &", r"run: victim started as pid (\d+), in the background")
    pid = int(m.group(1))
    time.sleep(0.5)                         # its PM_WAIT must be taken, not refused
    m = s.cmd("ps", r"ps: \d+ processes")
    table = s.buf[m.start() - 3000 if m.start() > 3000 else 0:m.start()]
    if not re.search(rb"(?m)^\s*%d\s+\d+\s+victim\s+reply\s" % pid, table):
        raise Fail("a PM_WAIT was refused: the slots of dead waiters are still taken")
    s.cmd(f"kill {pid}", rf"kill: pid {pid} killed")


def scenario_keyboard(s):
    s.expect(r"ant> ")
    s.pos -= 5                              # cmd() waits for this prompt again
    for key in ["e", "c", "h", "o", "spc", "shift-k", "b", "d", "ret"]:
        s.monitor(f"sendkey {key}")
        time.sleep(0.05)
    s.expect(r"echo Kbd\r?\n")
    s.expect(r"(?m)^Kbd\r?$")


def scenario_serial_arrow_keys(s):
    """Escape sequences of a terminal's keys are keys, never text: Up and
    Down on a new line come back to it, Right and Delete at the end of a
    line, Page Up and Ctrl-Left/Right change nothing."""
    s.expect(r"ant> ")
    s.send("\x1b[A\x1b[Becho arrows\x1b[C\x1b[3~\x1b[5~\x1b[1;5D\x1b[1;5C\r")
    m = s.expect(r"(?m)^(.*arrows.*)\r?$")
    if m.group(1).strip() != b"arrows":
        raise Fail(f"the line came out as {m.group(1)!r}")


def typed(s, keys, out):
    """Type keys (with escape sequences) and Enter at the prompt; the
    command's output must be the line out (the echo of what was typed, with
    its backspaces, is on the prompt's line)."""
    s.expect(r"ant> ")
    s.send(keys + "\r")
    if out is not None:
        s.expect(r"(?m)^" + re.escape(out) + r"\r?\n")     # the whole line, not a prefix


def scenario_line_editing(s):
    """The line editor over the serial line: Left/Right, Home/End, Delete,
    Backspace in the middle, Ctrl-A/E/K/U/W."""
    left, home, end, delete = "\x1b[D", "\x1b[H", "\x1b[F", "\x1b[3~"
    typed(s, "echo wrld" + left * 3 + "o" + end + "!", "world!")
    typed(s, "echo abXc" + left * 2 + delete, "abc")
    typed(s, "echo abXc" + left + "\x7f", "abc")
    typed(s, "cho A\x01e\x05B", "AB")
    typed(s, "xyz" + home + "\x0becho killed", "killed")
    typed(s, "echo one two\x17three", "one three")
    typed(s, "garbage\x15echo clean", "clean")
    typed(s, "echo mid" + home + "\x1b[C" * 5 + "dle-" + end + "dle", "dle-middle")


def scenario_history(s):
    """Up and Down walk the lines typed before, newest first; Down past the
    newest gives back an empty line; a line run again is not kept twice."""
    typed(s, "echo first", "first")
    typed(s, "echo second", "second")
    typed(s, "\x1b[A\x1b[A", "first")            # two back: echo first
    typed(s, "\x1b[A\x1b[A", "second")           # first is the newest now
    typed(s, "\x1b[A\x1b[A\x1b[B\x1b[B\x1b[Becho fresh", "fresh")
    typed(s, "\x1b[A" + "\x1b[D" * 5 + "re", "refresh")


def scenario_tab(s):
    """Tab completes commands and program names: a word that one fits gets
    it and a space; one that several fit lists them under the line, and the
    line comes back."""
    typed(s, "ec\ttabbed", "tabbed")
    typed(s, "pro\t", None)
    s.expect(r"progs: \d+ programs")
    s.expect(r"ant> ")
    s.send("re\t")
    m = s.expect(r"(?m)^((?:\S+  )+)\r?\n")                  # the whole line
    if set(m.group(1).split()) != {b"replace", b"reboot"}:
        raise Fail(f"Tab listed {m.group(1)!r}")
    s.expect(r"ant> re")
    s.send("\x15run vic\t\r")
    s.expect(r"run victim \r?\n")
    s.expect(r"victim: pid \d+ exited with status 99")    # no argument: it says so


README_SESSION = [                          # what the README's sample session types
    ("ps", r"ps: \d+ processes"),
    ("mem", r"mem: check ok"),
    ("run pipeline 4", r"pipeline: pid \d+ exited with status 0"),
    ("replace console", r"replace: console: pid \d+ replaced by pid \d+ \(build 2\)"),
    ("crash names", r"restarted as pid \d+"),
    ("echo still here", r"(?m)^still here\r?$"),
]


def readme_sample():
    """The README's sample session: the indented block after 'A session of
    `make run`', without its '...' lines."""
    text = open(os.path.join(os.path.dirname(__file__), "..", "..", "README.md")).read()
    block = text[text.index("A session of `make run`"):]
    block = block[block.index("\n    "):]
    lines = []
    for line in block.split("\n")[1:]:
        if not line.startswith("    ") and line.strip():
            break
        if line.strip() and line.strip() != "...":
            lines.append(line[4:])
    return lines


def sample_rx(line):
    """A README line as a pattern: any number (decimal or hex) where it has
    one, any run of blanks where it has one, and in a row of ps any state
    (what a process waits for at that moment)."""
    row = re.fullmatch(r"(\s*\d+\s+\d+\s+\S+\s+)(\S+)(\s+.*)", line)
    if row:
        return sample_rx(row.group(1)) + r"\S+" + sample_rx(row.group(3))
    out = ""
    for tok in re.split(r"(\s+|[0-9a-f]*[0-9][0-9a-f]*)", line):
        if not tok:
            continue
        if tok.isspace():
            out += r"\s+"
        elif re.fullmatch(r"[0-9a-f]*[0-9][0-9a-f]*", tok):
            out += r"[0-9a-f]+"
        else:
            out += re.escape(tok)
    return out


def scenario_readme_session(s):
    """The README's sample session, typed as it shows, and every line of it
    (numbers aside) in the output, in its order: the README stays true."""
    start = 0
    for line, pattern in README_SESSION:
        s.cmd(line, pattern, timeout=60)
    s.sync()
    out = s.buf.decode("latin-1").replace("\r", "")
    for line in readme_sample():
        m = re.compile(r"(?m)^" + sample_rx(line) + r"$").search(out, start)
        if not m:
            raise Fail(f"the README's sample line {line!r} is not in the run's output "
                       f"after offset {start}")
        start = m.end()


def scenario_map(s):
    """map: a process's address space from its page tables: the 4MB
    read-only global text, the 4MB data area, the I/O hole alias, its own
    pages and its ICC page; a pid that names nobody is said in words."""
    m = s.cmd("map", r"map: pid (\d+): (\d+) runs; (\d+) private pages, (\d+) ICC pages; "
              r"page directory at phys [0-9a-f]{8}")
    out = s.buf[s.buf.rfind(b"ant> map", 0, m.start()):m.end()].decode("latin-1")
    for want in [r"c0000000-\s+1024 pages in\s+1 runs\s+ro kernel global 4MB\s+kernel text",
                 r"c0400000-\s+1024 pages in\s+1 runs\s+rw kernel global 4MB\s+kernel data",
                 r"I/O hole alias", r"00400000-00401000\s+1 pages at phys [0-9a-f]{8}-[0-9a-f]{8}"
                 r"\s+ro user\s+private", r"8[0-9a-f]{7}-8[0-9a-f]{7}\s+\d+ pages at phys "
                 r"[0-9a-f]{8}-[0-9a-f]{8}\s+rw user\s+ICC"]:
        if not re.search(want, out):
            raise Fail(f"map shows no line like {want!r}")
    if int(m.group(4)) < 1 or int(m.group(3)) < 4:
        raise Fail("map counts no ICC page or too few private pages")
    s.cmd("map 99999", r"map: 99999: no such process \(ESRCH\)")


def scenario_ctrl_c(s):
    """Ctrl-C ends the foreground program (the shell says how it ended),
    drops a line being typed, and works from the PS/2 keyboard too."""
    m = s.cmd("run victim spin", r"run: victim started as pid (\d+)\r?\n")
    pid = m.group(1).decode()
    time.sleep(0.5)
    s.send("\x03")
    s.expect(r"\^C")
    s.expect(rf"victim: pid {pid} killed \(status 0x1ff\)")
    s.expect(r"ant> ")
    s.send("echo nope\x03")
    s.expect(r"\^C\r?\n")
    s.expect(r"ant> ")
    s.pos -= 5
    typed(s, "echo yes", "yes")
    if re.search(rb"(?m)^nope\r?$", s.buf):
        raise Fail("a line dropped with Ctrl-C ran")
    m = s.cmd("run victim spin", r"run: victim started as pid (\d+)\r?\n")
    pid = m.group(1).decode()
    time.sleep(0.5)
    s.monitor("sendkey ctrl-c")
    s.expect(rf"victim: pid {pid} killed \(status 0x1ff\)")


def scenario_keyboard_editing(s):
    """The same editor from the PS/2 keyboard: Left, Backspace, Up, Tab."""
    s.expect(r"ant> ")
    s.pos -= 5
    for key in ["e", "c", "h", "o", "spc", "a", "c", "left", "b", "ret"]:
        s.monitor(f"sendkey {key}")
        time.sleep(0.05)
    s.expect(r"(?m)^abc\r?$")
    s.expect(r"ant> ")
    s.pos -= 5
    for key in ["up", "backspace", "x", "ret"]:
        s.monitor(f"sendkey {key}")
        time.sleep(0.05)
    s.expect(r"(?m)^abx\r?$")
    s.expect(r"ant> ")
    s.pos -= 5
    for key in ["e", "c", "tab", "k", "b", "d", "ret"]:          # Tab: "echo "
        s.monitor(f"sendkey {key}")
        time.sleep(0.05)
    s.expect(r"(?m)^kbd\r?$")


def scenario_prompt_redrawn(s):
    """Output that arrives while a line is being typed goes on a line of its
    own, and the prompt and the part typed are drawn again below it."""
    s.cmd("run pipeline 20000 16 quiet &", r"in the background")
    s.expect(r"ant> ")
    s.send("echo par")
    s.expect(r"pipeline: done: [^\n]*\n", 120)
    s.expect(r"ant> echo par", 10)
    s.send("tial\r")
    s.expect(r"(?m)^partial\r?$")


def scenario_paging_demo(s):
    """The demonstration a person runs from the shell (run paging, then
    vmstat): twice the memory in a lazy range, every page back right, with
    page-outs and page-ins on the way."""
    s.expect(r"pager: build \d+ \(pid \d+\): .* [1-9]\d* paging slots", 60, since=0)
    s.sync()
    m = s.cmd("run paging", r"paging: read back \d+ pages, 0 wrong; the pager meanwhile: \d+ faults, "
              r"(\d+) page-outs, (\d+) page-ins", timeout=240)
    if int(m.group(1)) == 0 or int(m.group(2)) == 0:
        raise Fail(f"no paging: {m.group(0)!r}")
    s.expect(r"paging: pid \d+ exited with status 0", 30)
    m = s.cmd("vmstat", r"vmstat: faults \d+, zero-fills \d+, file-fills \d+, page-ins (\d+), page-outs (\d+)")
    if int(m.group(2)) == 0:
        raise Fail("vmstat shows no page-outs")


def scenario_paging_through_driver_faults(s):
    """A program pages 8 x the memory while the disk driver is replaced,
    killed in the middle of a request and crashed, and the pager is
    replaced: every page comes back right, and no process is killed."""
    s.expect(r"pager: build \d+ \(pid \d+\): .* [1-9]\d* paging slots", 60, since=0)
    s.sync()
    s.cmd("run vmtest work 30000 &", r"run: vmtest started as pid (\d+), in the background")
    done = rb"vmtest: work: 30000 pages written and read back twice, all right"
    for _ in range(100):                    # faults in the thick of paging
        s.sync()
        m = s.cmd("vmstat", r"page-outs (\d+)")
        if int(m.group(1)) > 2000:
            break
        time.sleep(0.2)
    for _ in range(2):
        s.sync()
        start = s.pos
        s.cmd("replace disk", r"replace: disk: pid \d+ replaced by pid \d+", timeout=60)
        s.expect(r"init: disk: pid \d+ handed over to pid \d+ and ended", 60, since=start)
        s.sync()
        s.cmd(f"kill {s.pid_of('ata')}", r"kill: pid \d+ killed", timeout=60)
        s.sync()
        s.cmd("crash disk", r"crash: disk \(pid \d+\) asked to crash", timeout=60)
        s.sync()
        start = s.pos
        s.cmd("replace pager", r"replace: pager: pid \d+ replaced by pid \d+", timeout=60)
        s.expect(r"init: pager: pid \d+ handed over to pid \d+ and ended", 60, since=start)
    if re.search(done, s.buf):
        raise Fail("the program was done before the drivers were all faulted: make it page more")
    s.expect(done, 300)
    s.sync()
    out = s.cmd("vmstat", r"vmstat: slots (\d+) of (\d+) in use, kills (\d+)")
    if int(out.group(3)) != 0:
        raise Fail(f"the pager killed {out.group(3)} processes")
    if re.search(rb"proc: vmtest .* killed|pager: pid \d+ killed", s.buf):
        raise Fail("a process was killed while the drivers were faulted")


def scenario_fuzz(s):
    rng = random.Random(5)
    data = bytearray(rng.randrange(256) for _ in range(10000))
    for i in range(0, 10000, 2500):         # and some over-long lines
        data[i:i + 600] = b"x" * 600
    s.send(bytes(data))
    s.sync(120)
    s.cmd("ps", r"ps: \d+ processes", timeout=60)
    s.cmd("echo survived", r"(?m)^survived\r?$")


SCENARIOS = [
    ("commands", scenario_commands),
    ("keyboard", scenario_keyboard),
    ("serial-arrow-keys", scenario_serial_arrow_keys),
    ("line-editing", scenario_line_editing),
    ("history", scenario_history),
    ("tab", scenario_tab),
    ("map", scenario_map),
    ("ctrl-c", scenario_ctrl_c),
    ("keyboard-editing", scenario_keyboard_editing),
    ("prompt-redrawn", scenario_prompt_redrawn),
    ("replace-console", scenario_replace_console),
    ("crash-console", scenario_crash_console),
    ("kill-console-mid-output", scenario_kill_console_mid_output),
    ("replace-console-under-flood", scenario_replace_console_under_flood),
    ("replace-restart-names", scenario_names),
    ("rights", scenario_rights),
    ("replace-without-icc", scenario_replace_without_icc),
    ("deferred-wait-lends-page", scenario_deferred_wait_lends_page),
    ("fuzz-10000-bytes", scenario_fuzz),
    ("bench", scenario_bench),
    ("halt", scenario_halt),
]


def main():
    mem = "128"
    if sys.argv[1] == "--iso":              # what a user boots: GRUB's menu
        image, logdir = sys.argv[2:4]
        boot, scenarios = ["-cdrom", image], [("iso-replace-console", scenario_replace_console),
                                              ("iso-readme-session", scenario_readme_session),
                                              ("iso-reboot", scenario_reboot)]
        log = os.path.join(logdir, "system-iso.log")
    elif sys.argv[1] == "--paging":
        disk, kernel, modules, logdir = sys.argv[2:6]
        boot = ["-kernel", kernel, "-initrd", modules,
                "-drive", f"file={disk},format=raw,if=ide,index=0"]
        scenarios = [("paging-demo", scenario_paging_demo),
                     ("paging-through-driver-faults", scenario_paging_through_driver_faults)]
        log, mem = os.path.join(logdir, "system-paging.log"), "24"
    else:
        kernel, modules, logdir = sys.argv[1:4]
        boot, scenarios = ["-kernel", kernel, "-initrd", modules], SCENARIOS
        log = os.path.join(logdir, "system.log")
    s = System(boot, log, mem)
    failed = 0
    try:
        s.expect(r"shell: AnT/i386 shell", 60)
        print("system: PASS boot")
    except Fail as e:
        print(f"system: FAIL boot: {e}")
        s.close()
        return 1
    for name, fn in scenarios:
        try:
            s.sync()
            if fn(s) == STOPPED:            # halt, reboot: nothing to ask after it
                print(f"system: PASS {name}")
                continue
            s.sync()
            s.cmd("mem", r"mem: check (ok|FAILED)")
            if not s.buf[:s.pos].endswith(b"ok"):
                raise Fail("after it, mem: the ICC invariant or the frame audit failed")
            print(f"system: PASS {name}")
        except Fail as e:
            failed += 1
            print(f"system: FAIL {name}: {e}")
        sys.stdout.flush()
    s.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
