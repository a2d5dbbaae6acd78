/*
 * shell: the user's command line, over the console server.
 *
 * It reads whole lines (the console edits them and drops bytes that are
 * not printable), splits them into words and runs one command from the
 * table below. Everything it does is a message: process and memory figures
 * from the inner core, the rest from the process manager (PM_*), which is
 * privileged and the parent of every program. Every answer, error or not,
 * is one line or a fixed block of lines; tests on the host match them.
 */
#include "lib/fmt.h"
#include "lib/svc.h"
#include "lib/string.h"

#define MAX_WORDS (CON_LINE_MAX / 2 + 1)   /* "a b c ...": one word a 2 bytes */
#define MAX_PROCS 64                        /* SYS_PROCINFO slots */
#define SHOWN_MAX 32                        /* of an unknown command's name */
#define PROMPT "ant> "

struct command {
    const char *name;
    const char *usage;          /* also the left column of help */
    const char *what;
    int min, max;               /* words after the name; max -1: any */
    void (*run)(int argc, char **argv);
};

static const char *const state_name[] = {
    [ANT_PS_RUN] = "run", [ANT_PS_RECV] = "recv", [ANT_PS_SEND] = "send",
    [ANT_PS_REPLY] = "reply", [ANT_PS_SLEEP] = "sleep", [ANT_PS_ZOMBIE] = "zombie",
    [ANT_PS_PAGE] = "page",
};

static struct ant_procinfo procs[MAX_PROCS];
static char *run_page;          /* the ICC page PM_RUN borrows, kept for reuse */
static char *stats_page;        /* the ICC page PAGER_STATS fills, kept too */

/* words[0..n-1] joined by single spaces into buf (which is big enough:
 * the words came from one input line). */
static void join(char *buf, int n, char **words)
{
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        size_t w = strlen(words[i]);
        if (i)
            buf[len++] = ' ';
        memcpy(buf + len, words[i], w);
        len += w;
    }
    buf[len] = 0;
}

/* A decimal number that fits in 31 bits; -1 if s is anything else. */
static int32_t parse_number(const char *s)
{
    int32_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (0x7FFFFFFF - 9) / 10)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* Every process in the table, sorted by pid; returns how many. */
static int collect_procs(void)
{
    struct ant_procinfo p;
    int n = 0;
    for (uint32_t slot = 0; slot < MAX_PROCS; slot++) {
        int32_t r = ant_procinfo(slot, &p);
        if (r == -ANT_EINVAL)
            break;
        if (r < 0)
            continue;               /* an empty slot */
        int i = n++;
        for (; i > 0 && procs[i - 1].pid > p.pid; i--)
            procs[i] = procs[i - 1];
        procs[i] = p;
    }
    return n;
}

static const char *state_of(const struct ant_procinfo *p)
{
    return p->state <= ANT_PS_PAGE ? state_name[p->state] : "?";
}

/* Ask the process manager to run "name args"; the new pid or -error. */
static int32_t pm_run(const char *line)
{
    void *page;
    if (!run_page) {
        int32_t r = ant_icc_alloc(1, &page);
        if (r < 0)
            return r;
        run_page = page;
    }
    memcpy(run_page, line, strlen(line) + 1);
    struct ant_msg m = {{PM_RUN, 0, 0, 0}, ANT_ICC_RUN(run_page, 1)};
    int32_t r = pm_call(&m);
    /* The page comes back in the reply, or stays mine when the call never
     * left; a run of 0 means it is gone. */
    run_page = m.run ? (char *)ANT_ICC_RUN_ADDR(m.run) : 0;
    return r < 0 ? r : (int32_t)m.w[1];
}

/* A PM request naming a server: w1, w2 = the packed name. */
static int32_t pm_server_call(uint32_t op, const char *name, struct ant_msg *m)
{
    *m = (struct ant_msg){{op, 0, 0, 0}, 0};
    int32_t r = svc_name_pack(name, &m->w[1]);
    return r < 0 ? r : pm_call(m);
}

/* The pager's figures; -ENOENT at once when no pager runs. */
static int32_t pager_stats(struct pager_stats *ps)
{
    void *page;
    int32_t r = ns_lookup("pager");
    if (r < 0)
        return r;
    if (!stats_page) {
        if ((r = ant_icc_alloc(1, &page)) < 0)
            return r;
        stats_page = page;
    }
    struct ant_msg m = {{PAGER_STATS, 0, 0, 0}, ANT_ICC_RUN(stats_page, 1)};
    r = svc_call("pager", &m);
    stats_page = m.run ? (char *)ANT_ICC_RUN_ADDR(m.run) : 0;
    if (r >= 0 && !stats_page)
        r = -ANT_EIO;               /* the page did not come back */
    if (r >= 0)
        memcpy(ps, stats_page, sizeof *ps);
    return r;
}

static void cmd_help(int argc, char **argv);

static void cmd_echo(int argc, char **argv)
{
    char line[CON_LINE_MAX + 1];
    join(line, argc, argv);
    con_printf("%s\n", line);
}

static void cmd_ps(int argc, char **argv)
{
    (void)argc, (void)argv;
    int n = collect_procs();
    con_printf("  PID  PPID NAME         STATE  CPU  PAGES   ICC\n");
    for (int i = 0; i < n; i++)
        con_printf("%5u %5u %-12s %-6s %3u %6u %5u\n", procs[i].pid, procs[i].ppid, procs[i].name,
                   state_of(&procs[i]), procs[i].cpu, procs[i].pages, procs[i].icc_pages);
    con_printf("ps: %d processes\n", n);
}

static void cmd_mem(int argc, char **argv)
{
    struct ant_meminfo mi;
    struct ant_iccinfo ii;
    (void)argc, (void)argv;
    struct pager_stats ps;
    if (ant_meminfo(&mi) == 0)
        con_printf("mem: pool %u free, %u used, %u total frames (4 KB)\n", mi.pool_free,
                   mi.pool_total - mi.pool_free, mi.pool_total);
    if (pager_stats(&ps) == 0)
        con_printf("mem: pager free list %u (low %u, high %u)\n", ps.frames_free, ps.low_mark,
                   ps.high_mark);
    if (ant_icc_info(&ii) == 0)
        con_printf("mem: icc %u free, %u used, %u total pages\n", ii.free, ii.total - ii.free,
                   ii.total);
    int n = collect_procs();
    for (int i = 0; i < n; i++)
        con_printf("mem: %5u %-12s %6u pages %5u icc\n", procs[i].pid, procs[i].name,
                   procs[i].pages, procs[i].icc_pages);
    struct ant_msg m = {{PM_CHECK, 0, 0, 0}, 0};
    int32_t r = pm_call(&m);
    if (r < 0)
        con_printf("mem: check: %s (%s)\n", ant_strwords(r), ant_strerror(r));
    else if (m.w[1] == 0)
        con_printf("mem: check ok (ICC invariant, frame audit)\n");
    else
        con_printf("mem: check FAILED\n");
}

static void cmd_vmstat(int argc, char **argv)
{
    struct pager_stats ps;
    (void)argc, (void)argv;
    int32_t r = pager_stats(&ps);
    if (r < 0) {
        con_printf("vmstat: no pager: %s (%s)\n", ant_strwords(r), ant_strerror(r));
        return;
    }
    con_printf("vmstat: frames %u managed, %u free, low %u, high %u\n", ps.frames_managed,
               ps.frames_free, ps.low_mark, ps.high_mark);
    con_printf("vmstat: faults %u, zero-fills %u, file-fills %u, page-ins %u, page-outs %u\n",
               ps.faults, ps.zero_fills, ps.file_fills, ps.page_ins, ps.page_outs);
    con_printf("vmstat: steals file %u, work %u, clock sweeps %u\n", ps.steals_file,
               ps.steals_work, ps.clock_sweeps);
    con_printf("vmstat: slots %u of %u in use, kills %u\n", ps.slots_used, ps.slots_total,
               ps.kills);
}

/* halt, reboot: through the process manager (ANT_RIGHT_MANAGE). */
static void power(const char *what, uint32_t op)
{
    struct ant_msg m = {{PM_POWER, op, 0, 0}, 0};
    int32_t r = pm_call(&m);
    con_printf("%s: %s (%s)\n", what, ant_strwords(r), ant_strerror(r));   /* if it came back */
}

static void cmd_halt(int argc, char **argv)
{
    (void)argc, (void)argv;
    power("halt", ANT_POWER_HALT);
}

static void cmd_reboot(int argc, char **argv)
{
    (void)argc, (void)argv;
    power("reboot", ANT_POWER_REBOOT);
}

/* progs: the programs on the image (boot modules); servers among them are
 * the process manager's to start, not run's. */
static void cmd_progs(int argc, char **argv)
{
    struct ant_modinfo mi;
    uint32_t i = 0;
    (void)argc, (void)argv;
    for (; ant_modinfo(i, &mi) == 0; i++)
        con_printf("progs: %-12s %7u bytes\n", mi.name, mi.size);
    con_printf("progs: %u programs\n", i);
}

/* cpus: each CPU, what it does, how much of the time it has been idle,
 * what it has run. */
static void cmd_cpus(int argc, char **argv)
{
    static const char *const what[] = {[ANT_CPU_RUNNING] = "running", [ANT_CPU_PARKED] = "parked",
                                       [ANT_CPU_OFF] = "did not start"};
    struct ant_cpuinfo c;
    (void)argc, (void)argv;
    for (uint32_t i = 0; ant_cpuinfo(i, &c) == 0; i++) {
        uint32_t pct = c.ticks ? (uint32_t)((uint64_t)c.idle_ticks * 100 / c.ticks) : 0;
        con_printf("cpus: cpu %u: APIC id %u, %s, idle %u%% of %u ticks, %u threads, "
                   "%u IPC calls, %u switches, %u IPIs\n", i, c.apic_id,
                   c.state <= ANT_CPU_OFF ? what[c.state] : "?", pct, c.ticks, c.threads, c.ipcs,
                   c.switches, c.ipis);
    }
}

/* How a program ended, in words: "exited with status 3", "killed: page
 * fault (status 0x10e)". */
static void say_end(const char *name, int32_t pid, int32_t status)
{
    static const char *const faults[] = {
        [0] = "divide error", [1] = "debug trap", [3] = "breakpoint", [4] = "overflow",
        [5] = "bound range", [6] = "invalid opcode", [7] = "FPU instruction without an FPU",
        [8] = "double fault", [10] = "bad TSS", [11] = "segment not present",
        [12] = "stack fault", [13] = "general protection", [14] = "page fault",
        [16] = "x87 error", [17] = "alignment check", [19] = "SIMD error",
    };
    int32_t v = status - ANT_KILLED_BASE;
    if (status == ANT_KILLED_BY_KILL)
        con_printf("%s: pid %d killed (status 0x%x)\n", name, pid, (unsigned)status);
    else if (v >= 0 && v < 32)
        con_printf("%s: pid %d killed: %s (status 0x%x)\n", name, pid,
                   (uint32_t)v < sizeof faults / sizeof faults[0] && faults[v] ? faults[v]
                                                                          : "a CPU exception",
                   (unsigned)status);
    else
        con_printf("%s: pid %d exited with status %d\n", name, pid, (int)status);
}

/* run NAME ARGS: start it and wait for its end, lending it the console
 * (it reads the lines typed meanwhile); with a last word "&", start it in
 * the background and come back at once. */
static void cmd_run(int argc, char **argv)
{
    char line[CON_LINE_MAX + 1];
    int background = argc > 1 && !strcmp(argv[argc - 1], "&");
    join(line, background ? argc - 1 : argc, argv);
    int32_t pid = pm_run(line);
    if (pid < 0) {
        con_printf("run: %s: %s (%s)\n", argv[0], ant_strwords(pid), ant_strerror(pid));
        return;
    }
    con_printf("run: %s started as pid %d%s\n", argv[0], pid,
               background ? ", in the background" : "");
    if (background)
        return;
    con_foreground((uint32_t)pid);
    struct ant_msg m = {{PM_WAIT, (uint32_t)pid, 0, 0}, 0};
    int32_t r = pm_call(&m);
    con_foreground(0);
    if (r < 0)
        con_printf("run: %s: wait: %s (%s)\n", argv[0], ant_strwords(r), ant_strerror(r));
    else
        say_end(argv[0], pid, (int32_t)m.w[1]);
}

static void cmd_kill(int argc, char **argv)
{
    int32_t pid = parse_number(argv[0]);
    (void)argc;
    if (pid < 0) {
        con_printf("kill: usage: kill ID\n");
        return;
    }
    struct ant_msg m = {{PM_KILL, (uint32_t)pid, 0, 0}, 0};
    int32_t r = pm_call(&m);
    if (r < 0)
        con_printf("kill: %d: %s (%s)\n", pid, ant_strwords(r), ant_strerror(r));
    else
        con_printf("kill: pid %d killed\n", pid);
}

/* map [PID]: the address space of a process (mine by default), from its
 * page tables: each run of its own pages and ICC pages (address, pages,
 * frames, bits), then the kernel's half, which every space shares, one
 * line an area. */
static const char *const map_kinds[] = {
    [ANT_MAPK_PRIVATE] = "private", [ANT_MAPK_ICC] = "ICC", [ANT_MAPK_TEXT] = "kernel text",
    [ANT_MAPK_DATA] = "kernel data", [ANT_MAPK_IOALIAS] = "I/O hole alias",
    [ANT_MAPK_FRAMES] = "frame table", [ANT_MAPK_WINDOW] = "windows",
    [ANT_MAPK_KSTACK] = "kernel stacks", [ANT_MAPK_MODULES] = "modules",
    [ANT_MAPK_SCREEN] = "framebuffer", [ANT_MAPK_KDYN] = "kernel dynamic (APICs)",
    [ANT_MAPK_ICC_TABLES] = "ICC page tables", [ANT_MAPK_KERNEL] = "kernel",
};

static void map_bits(char *out, uint32_t size, uint32_t flags)
{
    fmt_snprintf(out, size, "%s %s%s%s%s", flags & ANT_MAP_WRITE ? "rw" : "ro",
                 flags & ANT_MAP_USER ? "user" : "kernel", flags & ANT_MAP_GLOBAL ? " global" : "",
                 flags & ANT_MAP_BIG ? " 4MB" : "", flags & ANT_MAP_UNCACHED ? " uncached" : "");
}

/* One line for an area of the kernel's half: where it starts, its pages
 * in all and in how many runs, the first run's bits. */
static void map_area(const struct ant_maprun *area, uint32_t runs)
{
    char bits[48];
    map_bits(bits, sizeof bits, area->flags);
    con_printf("map: %08x-         %5u pages in %3u runs       %-14s %s\n", area->va, area->pages,
               runs, bits, map_kinds[area->kind]);
}

static void cmd_map(int argc, char **argv)
{
    int32_t pid = argc ? parse_number(argv[0]) : ant_getpid();
    if (pid <= 0) {
        con_printf("map: usage: map [PID]\n");
        return;
    }
    struct ant_maprun r = {0, 0, 0, 0, 0, 0}, area = r;
    uint32_t from = 0, runs = 0, area_runs = 0, user_pages = 0, icc_pages = 0;
    char bits[48];
    int32_t err;
    while ((err = ant_vmmap((uint32_t)pid, from, &r)) == 0) {
        if (r.kind == ANT_MAPK_PRIVATE || r.kind == ANT_MAPK_ICC) {
            map_bits(bits, sizeof bits, r.flags);
            con_printf("map: %08x-%08x %5u pages at phys %08x-%08x  %-14s %s\n", r.va,
                       r.va + r.pages * 4096, r.pages, r.pa, r.pa + r.pages * 4096, bits,
                       map_kinds[r.kind]);
            *(r.kind == ANT_MAPK_ICC ? &icc_pages : &user_pages) += r.pages;
        } else {
            if (area_runs && area.kind != r.kind) {
                map_area(&area, area_runs);
                area_runs = 0;
            }
            if (!area_runs)
                area = r, area.pages = 0;
            area.pages += r.pages;
            area_runs++;
        }
        runs++;
        if ((uint64_t)r.va + (uint64_t)r.pages * 4096 >= 0x100000000ull)
            break;
        from = r.va + r.pages * 4096;
    }
    if (area_runs)
        map_area(&area, area_runs);
    if (err && err != -ANT_ENOENT) {
        con_printf("map: %d: %s (%s)\n", pid, ant_strwords(err), ant_strerror(err));
        return;
    }
    con_printf("map: pid %d: %u runs; %u private pages, %u ICC pages; page directory at phys "
               "%08x\n", pid, runs, user_pages, icc_pages, r.pd);
}

static void cmd_replace(int argc, char **argv)
{
    struct ant_msg m;
    (void)argc;
    int32_t r = pm_server_call(PM_REPLACE, argv[0], &m);
    if (r < 0)
        con_printf("replace: %s: %s (%s)\n", argv[0], ant_strwords(r), ant_strerror(r));
    else
        con_printf("replace: %s: pid %u replaced by pid %u (build %u)\n", argv[0], m.w[2],
                   m.w[1], m.w[3]);
}

static void cmd_crash(int argc, char **argv)
{
    struct ant_msg m;
    (void)argc;
    int32_t r = pm_server_call(PM_CRASH, argv[0], &m);
    if (r < 0)
        con_printf("crash: %s: %s (%s)\n", argv[0], ant_strwords(r), ant_strerror(r));
    else
        con_printf("crash: %s (pid %u) asked to crash\n", argv[0], m.w[1]);
}

/* The benchmarks in the running system: their lines come through the
 * console while I wait; the prompt comes back when they end. */
static void cmd_bench(int argc, char **argv)
{
    (void)argc, (void)argv;
    int32_t pid = pm_run("bench live");
    if (pid < 0) {
        con_printf("bench: %s (%s)\n", ant_strwords(pid), ant_strerror(pid));
        return;
    }
    struct ant_msg m = {{PM_WAIT, (uint32_t)pid, 0, 0}, 0};
    int32_t r = pm_call(&m);
    if (r < 0)
        con_printf("bench: wait: %s (%s)\n", ant_strwords(r), ant_strerror(r));
    else if (m.w[1] != 0)               /* bench itself said "done" */
        con_printf("bench: failed (status %d)\n", (int32_t)m.w[1]);
}

static const struct command commands[] = {
    {"help", "help", "this list", 0, 0, cmd_help},
    {"echo", "echo WORDS...", "print the words", 0, -1, cmd_echo},
    {"ps", "ps", "the processes", 0, 0, cmd_ps},
    {"mem", "mem", "memory use, and the inner core's checks", 0, 0, cmd_mem},
    {"vmstat", "vmstat", "the pager: frames, faults, paging, steals, slots", 0, 0, cmd_vmstat},
    {"cpus", "cpus", "the CPUs: idle time, threads, IPC calls, switches", 0, 0, cmd_cpus},
    {"progs", "progs", "the programs on the image", 0, 0, cmd_progs},
    {"map", "map [PID]", "a process's address space, from its page tables", 0, 1, cmd_map},
    {"run", "run NAME [ARGS] [&]", "run a program and wait for it (&: don't)", 1, -1, cmd_run},
    {"kill", "kill ID", "end a process", 1, 1, cmd_kill},
    {"replace", "replace SERVER", "swap a server for its other build, live", 1, 1, cmd_replace},
    {"crash", "crash SERVER", "make a server fault (it is restarted)", 1, 1, cmd_crash},
    {"bench", "bench", "what IPC and ICC transfers cost here", 0, 0, cmd_bench},
    {"halt", "halt", "stop the system (then the PC can be switched off)", 0, 0, cmd_halt},
    {"reboot", "reboot", "restart the PC", 0, 0, cmd_reboot},
};
#define NCOMMANDS (int)(sizeof commands / sizeof commands[0])

static void cmd_help(int argc, char **argv)
{
    (void)argc, (void)argv;
    for (int i = 0; i < NCOMMANDS; i++)
        con_printf("  %-15s %s\n", commands[i].usage, commands[i].what);
}

/* Split line in place on spaces and tabs; returns the number of words. */
static int split(char *line, char **words)
{
    int n = 0;
    for (char *p = line; *p && n < MAX_WORDS;) {
        while (*p == ' ' || *p == '\t')
            *p++ = 0;
        if (!*p)
            break;
        words[n++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    return n;
}

static void execute(char *line)
{
    char *words[MAX_WORDS];
    int n = split(line, words);
    if (!n)
        return;
    for (int i = 0; i < NCOMMANDS; i++) {
        const struct command *c = &commands[i];
        if (strcmp(words[0], c->name))
            continue;
        if (n - 1 < c->min || (c->max >= 0 && n - 1 > c->max))
            con_printf("%s: usage: %s\n", c->name, c->usage);
        else
            c->run(n - 1, words + 1);
        return;
    }
    con_printf("shell: unknown command '%.*s' (try help)\n", SHOWN_MAX, words[0]);
}

/* The words Tab completes: my commands and the programs on the image. */
static char words[CON_WORDS_MAX];
static uint32_t words_len;

static void add_word(const char *w)
{
    uint32_t n = (uint32_t)strlen(w) + 1;
    if (words_len + n <= sizeof words) {
        memcpy(words + words_len, w, n);
        words_len += n;
    }
}

static void collect_words(void)
{
    struct ant_modinfo mi;
    for (int i = 0; i < NCOMMANDS; i++)
        add_word(commands[i].name);
    for (uint32_t i = 0; ant_modinfo(i, &mi) == 0; i++)
        add_word(mi.name);
}

int main(const char *args)
{
    char line[CON_LINE_MAX + 1];
    int prompt = 1;
    (void)args;
    collect_words();
    con_foreground(0);
    con_printf("shell: AnT/i386 shell (pid %d); type help\n", ant_getpid());
    for (;;) {
        uint32_t flags = 0;
        if (prompt)
            con_write(PROMPT, sizeof PROMPT - 1);
        int32_t r = con_readline_words(line, sizeof line, &flags, words, words_len);
        prompt = r >= 0;
        if (r < 0) {
            /* The console is restarting, or a new one does not know me yet. */
            ant_sleep(10);
            con_foreground(0);
        } else if (flags & CON_F_TRUNCATED) {
            con_printf("shell: line too long (over %d bytes), ignored\n", CON_LINE_MAX);
        } else {
            execute(line);
        }
    }
}
