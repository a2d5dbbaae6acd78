/*
 * utest: the user-level test suite, run by init in a test boot. One line a
 * test ("utest: PASS name" or "utest: FAIL name: why"); the exit status is
 * the number of failures. Misbehaviour is done by `victim` children, so a
 * fault kills the child and this suite checks how it died.
 */
#include "lib/ant.h"
#include "lib/check.h"
#include "lib/fmt.h"
#include "lib/string.h"

static void run(const char *name, void (*fn)(void))
{
    fn();
    check_report("utest", name);
}

static uint32_t pool_free(void)
{
    struct ant_meminfo mi;
    return ant_meminfo(&mi) == 0 ? mi.pool_free : 0;
}

/* Run victim with a request; returns its exit status or -1. */
static int32_t victim(const char *what)
{
    int32_t status = -1, pid = ant_spawn("victim", what, 4);
    if (pid < 0 || ant_wait(pid, &status) != pid)
        return -1;
    return status;
}

static void t_syscall_int80(void)
{
    int32_t pid = ant_getpid();
    CHECK(pid > 0);
    CHECK(ant_syscall_int80(SYS_GETPID, 0, 0, 0, 0) == pid);
    CHECK(ant_syscall_int80(SYS_WRITE, (uint32_t)"", 0, 0, 0) == 0);
}

static void t_syscall_sysenter(void)
{
    if (!(ant_cpu_features() & (1 << 11))) {   /* SEP */
        CHECK(!ant_has_sysenter());        /* falls back to int 0x80 */
        CHECK(ant_syscall(SYS_GETPID, 0, 0, 0, 0) == ant_getpid());
        return;
    }
    CHECK(ant_has_sysenter());
    CHECK(ant_syscall_sysenter(SYS_GETPID, 0, 0, 0, 0) == ant_syscall_int80(SYS_GETPID, 0, 0, 0, 0));
    CHECK(ant_syscall_sysenter(999, 0, 0, 0, 0) == -ANT_ENOSYS);
    for (int i = 0; i < 1000; i++)         /* the stack survives the round trips */
        CHECK(ant_syscall_sysenter(SYS_GETPID, 0, 0, 0, 0) > 0);
}

static void t_unknown_call(void)
{
    CHECK(ant_power(ANT_POWER_HALT) == -ANT_EPERM);     /* the manager's call, not mine */
    CHECK(ant_power(ANT_POWER_REBOOT) == -ANT_EPERM);
    CHECK(ant_syscall_int80(SYS_NCALLS, 0, 0, 0, 0) == -ANT_ENOSYS);
    CHECK(ant_syscall_int80(0xFFFFFFFF, 0, 0, 0, 0) == -ANT_ENOSYS);
    CHECK(ant_syscall(12345, 1, 2, 3, 4) == -ANT_ENOSYS);
}

static void t_write_bad_pointers(void)
{
    CHECK(ant_write((void *)0xC0100000, 16) == -ANT_EFAULT);   /* kernel text */
    CHECK(ant_write((void *)0xC08B8000, 16) == -ANT_EFAULT);   /* I/O alias */
    CHECK(ant_write((void *)0, 4) == -ANT_EFAULT);             /* null page */
    CHECK(ant_write((void *)0x50000000, 4) == -ANT_EFAULT);    /* unmapped */
    CHECK(ant_write((void *)0xBFFFF000, 0x2000) == -ANT_EFAULT); /* runs into the kernel */
    CHECK(ant_write((void *)0xFFFFF000, 0x2000) == -ANT_EFAULT); /* wraps */
    CHECK(ant_write("ok\n", 0) == 0);
}

static void t_read_only_and_kernel_destinations(void)
{
    struct ant_meminfo *text = (struct ant_meminfo *)(uint32_t)t_unknown_call;
    CHECK(ant_meminfo(text) == -ANT_EFAULT);                    /* read-only page */
    CHECK(ant_meminfo((struct ant_meminfo *)0xC0400000) == -ANT_EFAULT);
    CHECK(ant_modinfo(0, (struct ant_modinfo *)0x60000000) == -ANT_EFAULT);
    CHECK(ant_modinfo(1000, 0) == -ANT_ENOENT);
}

static void t_mmap(void)
{
    struct ant_meminfo a, b, c;
    volatile uint32_t *p = (volatile uint32_t *)0x10000000;
    CHECK(ant_meminfo(&a) == 0);
    CHECK(ant_mmap(0x10000000, 4 * 4096, ANT_PROT_WRITE) == 0);
    CHECK(ant_meminfo(&b) == 0);
    CHECK(b.my_pages >= a.my_pages + 4);
    CHECK(p[0] == 0 && p[3 * 1024 + 1023] == 0);
    p[0] = 0xAB;
    p[3 * 1024] = 0xCD;
    CHECK(p[0] == 0xAB && p[3 * 1024] == 0xCD);
    CHECK(ant_mmap(0x10002000, 4096, ANT_PROT_WRITE) == -ANT_EBUSY);
    CHECK(ant_munmap(0x10000000, 4 * 4096) == 0);
    CHECK(ant_meminfo(&c) == 0);
    CHECK(c.pool_free == b.pool_free + 4 && c.my_pages + 4 == b.my_pages);
}

static void t_mmap_bad_arguments(void)
{
    CHECK(ant_mmap(0x10000001, 4096, ANT_PROT_WRITE) == -ANT_EINVAL);  /* unaligned */
    CHECK(ant_mmap(0x10000000, 100, ANT_PROT_WRITE) == -ANT_EINVAL);   /* partial page */
    CHECK(ant_mmap(0x10000000, 0, ANT_PROT_WRITE) == -ANT_EINVAL);
    CHECK(ant_mmap(0, 4096, ANT_PROT_WRITE) == -ANT_EINVAL);           /* null page */
    CHECK(ant_mmap(0x80000000, 4096, ANT_PROT_WRITE) == -ANT_EINVAL);  /* ICC area */
    CHECK(ant_mmap(0xC0000000, 4096, ANT_PROT_WRITE) == -ANT_EINVAL);  /* kernel */
    CHECK(ant_mmap(0x7FFFF000, 0x2000, ANT_PROT_WRITE) == -ANT_EINVAL); /* crosses 2GB */
    CHECK(ant_mmap(0x10000000, 4096, 0x80) == -ANT_EINVAL);            /* bad prot */
    struct ant_meminfo mi;
    CHECK(ant_meminfo(&mi) == 0);
    uint32_t more = (mi.pool_free + 1) * 4096;  /* one page more than the pool has */
    if (mi.pool_free < 0x60000)                  /* it fits below the stack */
        CHECK(ant_mmap(0x10000000, more, ANT_PROT_WRITE) == -ANT_ENOMEM);
    CHECK(pool_free() == mi.pool_free);
    CHECK(ant_munmap(0xC0000000, 4096) == -ANT_EINVAL);
}

/* Does this CPU have global pages (CPUID 1: EDX bit 13)? */
static int cpu_has_pge(void)
{
    uint32_t a = 1, b, c, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    return (d >> 13) & 1;
}

/* SYS_VMMAP: my own space from its page tables, and its refusals. */
static void t_vmmap(void)
{
    struct ant_maprun r, k;
    CHECK(ant_vmmap(0, 0, &r) == 0);
    CHECK(r.va == 0x00400000 && r.pages >= 1 && (r.flags & ANT_MAP_USER));
    CHECK(r.kind == ANT_MAPK_PRIVATE && !(r.flags & ANT_MAP_WRITE));    /* my text */
    CHECK(ant_vmmap(0, 0xC0000000, &k) == 0);
    CHECK(k.va == 0xC0000000 && k.pages == 1024 && k.kind == ANT_MAPK_TEXT);
    CHECK((k.flags & (ANT_MAP_BIG | ANT_MAP_WRITE | ANT_MAP_USER)) == ANT_MAP_BIG);  /* 4MB, ro */
    CHECK(!(k.flags & ANT_MAP_GLOBAL) == !cpu_has_pge());         /* global where the CPU can */
    CHECK(k.pd == r.pd && r.pd != 0);
    CHECK(ant_vmmap(0, 0xC0400000, &k) == 0 && k.kind == ANT_MAPK_DATA && (k.flags & ANT_MAP_WRITE));
    CHECK(ant_vmmap(0, 0xFFFFF000, &k) == -ANT_ENOENT);                /* nothing after */
    CHECK(ant_vmmap(0, 0, (struct ant_maprun *)0xC0100000) == -ANT_EFAULT);
    CHECK(ant_vmmap(0x00FFFFF1, 0, &k) == -ANT_ESRCH);
}

static void t_mmap_read_only(void)
{
    CHECK(ant_mmap(0x11000000, 4096, 0) == 0);
    CHECK(*(volatile uint32_t *)0x11000000 == 0);
    /* The kernel may not write there for us either. */
    CHECK(ant_meminfo((struct ant_meminfo *)0x11000000) == -ANT_EFAULT);
    CHECK(ant_munmap(0x11000000, 4096) == 0);
}

static void t_spawn_bad_arguments(void)
{
    char longname[64];
    memset(longname, 'a', sizeof longname);
    CHECK(ant_spawn("nosuchprogram", "", 4) == -ANT_ENOENT);
    CHECK(ant_spawn((const char *)0xC0000000, "", 4) == -ANT_EFAULT);
    CHECK(ant_spawn((const char *)0x50000000, "", 4) == -ANT_EFAULT);
    CHECK(ant_spawn(longname, "", 4) == -ANT_EINVAL);    /* no terminator in 32 bytes */
    CHECK(ant_spawn("victim", (const char *)0xC0000000, 4) == -ANT_EFAULT);
    CHECK(ant_spawn("victim", "exit0", 99) == -ANT_EINVAL);
    CHECK(ant_spawn("victim", "exit0", 0) == -ANT_EINVAL);   /* more urgent than me */
    CHECK(ant_spawn("testmod", "", 4) == -ANT_ENOEXEC || ant_spawn("testmod", "", 4) == -ANT_ENOENT);
}

static void t_wait_and_kill_errors(void)
{
    int32_t st;
    CHECK(ant_wait(123456, &st) == -ANT_ECHILD);
    CHECK(ant_kill(ant_getpid()) == -ANT_ECHILD);        /* not my own child */
    CHECK(ant_kill(999999) == -ANT_ESRCH);
    int32_t pid = ant_spawn("victim", "exit0", 4);
    CHECK(pid > 0);
    CHECK(ant_wait(pid, (int32_t *)0xC0000000) == -ANT_EFAULT);
    CHECK(ant_wait(pid, &st) == pid && st == 0);
    CHECK(ant_wait(pid, &st) == -ANT_ECHILD);            /* already collected */
}

static void t_exit_status(void)
{
    CHECK(victim("exit0") == 0);
    CHECK(victim("exit42") == 42);
    CHECK(victim("no_such_request") == 99);
}

static void t_sleep(void)
{
    CHECK(ant_sleep(2) == 0);
    CHECK(ant_sleep(0xFFFFFFFF) == -ANT_EINVAL);
    CHECK(ant_yield() == 0);
}

#define PF 14
#define GP 13
static const struct {
    const char *request;
    int vector;                 /* the fault it must die of */
} faults[] = {
    { "read_kernel", PF }, { "write_kernel", PF }, { "read_ioalias", PF }, { "null", PF },
    { "write_text", PF }, { "icc_unowned", PF }, { "cli", GP }, { "hlt", GP },
    { "inb", GP }, { "outb", GP }, { "divide", 0 }, { "ud2", 6 }, { "int3", GP },
    { "stack_overflow", PF },
};

static void t_faults_kill_only_the_offender(void)
{
    uint32_t before = pool_free();
    for (uint32_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        int32_t st = victim(faults[i].request);
        if (st != ANT_KILLED_BASE + faults[i].vector) {
            ant_printf("utest: victim %s ended with status %x\n", faults[i].request, st);
            CHECK(st == ANT_KILLED_BASE + faults[i].vector);
        }
    }
    CHECK(pool_free() == before);
}

/* Without SEP, sysenter faults in the program: #UD on real CPUs, #GP under
 * QEMU (which implements it but finds no SYSENTER_CS). */
static int killed_by_sysenter(int32_t st)
{
    return st == ANT_KILLED_BASE + 6 || st == ANT_KILLED_BASE + 13;
}

/* A sysenter whose ECX (the stack with the return address on top) is a
 * kernel or an unmapped address: the inner core does not read that stack,
 * the call is made and returns to the program's `ret` at ANT_SYSENTER_RET,
 * which takes the page fault that ends it, whichever entry the call takes
 * (getpid's own, the general, the IPC one), also with DF, NT and AC set
 * (which the kernel's C must not run with, nor the next thread's iret);
 * its pages come back. Then TF and NT set before a good
 * sysenter are shrugged off. */
static void t_sysenter_flag_attacks(void)
{
    static const char *const bad[] = {
        "sysenter_bad getpid kernel", "sysenter_bad getpid unmapped",
        "sysenter_bad yield kernel", "sysenter_bad yield unmapped",
        "sysenter_bad call kernel", "sysenter_bad call unmapped",
        "sysenter_bad getpid kernel flags", "sysenter_bad getpid unmapped flags",
        "sysenter_bad yield unmapped flags",
    };
    uint32_t before = pool_free();
    for (uint32_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int32_t st = victim(bad[i]);
        int ok = ant_has_sysenter() ? st == ANT_KILLED_BASE + 14 : killed_by_sysenter(st);
        if (!ok)
            ant_printf("utest: victim %s ended with status %x\n", bad[i], st);
        CHECK(ok);
    }
    CHECK(pool_free() == before);
    int32_t tf = victim("tf_sysenter"), nt = victim("nt_sysenter");
    if (ant_has_sysenter()) {
        CHECK(tf == 0);
        CHECK(nt == 0);
    } else {
        CHECK(killed_by_sysenter(tf));
        CHECK(killed_by_sysenter(nt));
    }
    CHECK(ant_yield() == 0);                           /* and the system still runs */
}

static void t_isolation_same_address(void)
{
    int32_t a = ant_spawn("victim", "memtag", 4), b = ant_spawn("victim", "memtag", 4), sa, sb;
    CHECK(a > 0 && b > 0);
    CHECK(ant_wait(a, &sa) == a && ant_wait(b, &sb) == b);
    CHECK(sa == 0 && sb == 0);
}

static int has_fpu(void)
{
    return ant_cpu_features() & 1;
}

/* x87, MMX and SSE registers are each program's own: three children hold
 * values across 200 switches each while I hold mine across waiting for
 * them, and a new program finds them clean. Without an FPU, a program's
 * FPU instruction ends it with #NM. */
static void t_fpu_state_per_process(void)
{
    int32_t mine[2] = {-7001, 123456789}, back[2] = {0, 0}, st[3] = {-1, -1, -1}, pid[3];
    if (!has_fpu()) {
        CHECK(victim("x87 1") == ANT_KILLED_BASE + 7);
        CHECK(victim("fpu_clean") == ANT_KILLED_BASE + 7);
        return;
    }
    __asm__ volatile("fninit; fildl %0; fildl %1" : : "m"(mine[0]), "m"(mine[1]));
    pid[0] = ant_spawn("victim", "x87 1", 4);
    pid[1] = ant_spawn("victim", "x87 2", 4);
    pid[2] = ant_spawn("victim", "mmx 3", 4);
    for (int i = 0; i < 3; i++)
        CHECK(pid[i] > 0 && ant_wait(pid[i], &st[i]) == pid[i]);
    __asm__ volatile("fistpl %0; fistpl %1" : "=m"(back[1]), "=m"(back[0]));
    CHECK(st[0] == 0 && st[1] == 0 && st[2] == 0);
    CHECK(back[0] == mine[0] && back[1] == mine[1]);
    CHECK(victim("fpu_clean") == 0);
}

/* DS and ES hold the user selector, FS and GS the program's own values,
 * after blocking calls through both entries, with another program running
 * in between that holds other values. */
static void t_segments_after_blocking_calls(void)
{
    int32_t a = ant_spawn("victim", "segs 35 0", 4), b = ant_spawn("victim", "segs 0 35", 4);
    int32_t sa = -1, sb = -1;
    CHECK(a > 0 && b > 0);
    CHECK(ant_wait(a, &sa) == a && ant_wait(b, &sb) == b);
    CHECK(sa == 0 && sb == 0);
}

/* A program that blocks often answers at once among 40 CPU hogs of its
 * own priority (the boost on wake-up): each of 20 one-tick sleeps ends
 * within 50 ms. */
#define SPINNERS 40
static void t_wakeup_among_40_spinners(void)
{
    int32_t pid[SPINNERS], st;
    uint32_t before = pool_free(), worst = 0;
    struct ant_cpuinfo c;
    uint32_t wall = 0, cpu = ant_my_cpu();
    /* all on my CPU: its scheduler's wake-up boost is what is measured */
    for (int i = 0; i < SPINNERS; i++)
        CHECK((pid[i] = ant_spawn("victim", "spin_later", 4 | ANT_SPAWN_CPU(cpu))) > 0);
    ant_sleep(60);                      /* they all spin now */
    /* In ticks of my CPU's own clock: those it has taken. On one CPU that
     * is the system tick; on an emulator running more CPUs than it has
     * host cores, ticks a CPU was not given to run in do not count. */
    for (int i = 0; i < 20; i++) {
        CHECK(ant_cpuinfo(cpu, &c) == 0);
        uint32_t t0 = c.own_ticks, w0 = ant_uptime();
        ant_sleep(1);
        CHECK(ant_cpuinfo(cpu, &c) == 0);
        uint32_t dt = c.own_ticks - t0, dw = ant_uptime() - w0;
        worst = dt > worst ? dt : worst;
        wall = dw > wall ? dw : wall;
    }
    ant_printf("utest: 1-tick sleep among %d spinners: worst %u ticks of CPU %u "
               "(%u of the system clock)\n", SPINNERS, worst, cpu, wall);
    int killed = 1;                     /* every spinner goes, whatever the verdict */
    for (int i = 0; i < SPINNERS; i++)
        killed &= pid[i] > 0 && ant_kill(pid[i]) == 0 && ant_wait(pid[i], &st) == pid[i];
    CHECK(killed);
    CHECK(worst <= 5);
    CHECK(pool_free() == before);
}

static void t_create_exit_1000(void)
{
    uint32_t before = pool_free();
    for (int i = 0; i < 1000; i++) {
        int32_t st = -1, pid = ant_spawn("victim", "exit0", 4);
        CHECK(pid > 0);
        CHECK(ant_wait(pid, &st) == pid && st == 0);
    }
    CHECK(pool_free() == before);
}

static void t_preemption_of_busy_loop(void)
{
    uint32_t before = pool_free();
    int32_t st, pid = ant_spawn("victim", "spin", 4);
    CHECK(pid > 0);
    CHECK(ant_sleep(5) == 0);        /* the spinner runs; we must get the CPU back */
    CHECK(ant_yield() == 0);         /* and again at the same priority */
    CHECK(ant_kill(pid) == 0);
    CHECK(ant_wait(pid, &st) == pid && st == ANT_KILLED_BY_KILL);
    CHECK(pool_free() == before);
}


/* The first child of ppid in that state, from the process table (pid 0: none). */
static struct ant_procinfo child_of(uint32_t ppid, uint32_t state)
{
    struct ant_procinfo info = {0};
    for (uint32_t i = 0; ant_procinfo(i, &info) != -ANT_EINVAL; i++)
        if (info.pid && info.ppid == ppid && info.state == state)
            return info;
    memset(&info, 0, sizeof info);
    return info;
}

static void t_procinfo_and_uptime(void)
{
    struct ant_procinfo info;
    uint32_t me = (uint32_t)ant_getpid();
    CHECK(ant_procinfo(64, &info) == -ANT_EINVAL);
    CHECK(ant_procinfo(0xFFFFFFFF, &info) == -ANT_EINVAL);
    CHECK(ant_procinfo(me % 64, (struct ant_procinfo *)0xC0000000) == -ANT_EFAULT);
    CHECK(ant_procinfo(me % 64, (struct ant_procinfo *)0) == -ANT_EFAULT);
    CHECK(ant_procinfo(me % 64, &info) == 0);
    CHECK(info.pid == me && info.state == ANT_PS_RUN && !strcmp(info.name, "utest"));
    CHECK(ant_mapio(0x40000000, 0xB8000, 1) == -ANT_EPERM);  /* not privileged */
    CHECK(ant_dma_reset() == -ANT_EPERM);
    uint32_t t0 = ant_uptime();
    CHECK(ant_sleep(2) == 0);
    CHECK(ant_uptime() >= t0 + 2);
}

/* An alarm is a message from pid 0; receiving from ANT_PID_NOTES takes
 * it and leaves a process's message in its queue. */
static void t_alarm_and_notes(void)
{
    struct ant_msg m;
    char args[24];
    CHECK(ant_alarm(0xFFFFFFFF) == -ANT_EINVAL);
    uint32_t t0 = ant_uptime();
    CHECK(ant_alarm(3) == 0);
    CHECK(ant_recv(ANT_PID_NOTES, &m) == 0 && m.w[0] == ANT_NOTE_ALARM && !m.run);
    CHECK(ant_uptime() - t0 >= 3);
    /* cancelled: the next one is the one that counts */
    CHECK(ant_alarm(5) == 0 && ant_alarm(0) == 0 && ant_alarm(15) == 0);
    t0 = ant_uptime();
    CHECK(ant_recv(ANT_PID_NOTES, &m) == 0 && m.w[0] == ANT_NOTE_ALARM);
    CHECK(ant_uptime() - t0 >= 14);
    /* one that came while I slept is dropped by the cancel */
    CHECK(ant_alarm(1) == 0 && ant_sleep(4) == 0 && ant_alarm(0) == 0 && ant_alarm(10) == 0);
    t0 = ant_uptime();
    CHECK(ant_recv(ANT_PID_NOTES, &m) == 0 && m.w[0] == ANT_NOTE_ALARM);
    CHECK(ant_uptime() - t0 >= 9);
    /* a child's message waits while I receive notes only */
    fmt_snprintf(args, sizeof args, "send %d", (int)ant_getpid());
    int32_t st, pid = ant_spawn("victim", args, 4);
    CHECK(pid > 0);
    CHECK(ant_sleep(2) == 0 && ant_alarm(5) == 0);
    CHECK(ant_recv(ANT_PID_NOTES, &m) == 0 && m.w[0] == ANT_NOTE_ALARM);
    CHECK(ant_recv(pid, &m) == pid && m.w[0] == 42);
    CHECK(ant_wait(pid, &st) == pid && st == 0);
}

static void t_cpuinfo(void)
{
    struct ant_cpuinfo a, b;
    struct ant_procinfo me;
    uint32_t n = 0;                             /* each CPU, then EINVAL past the last */
    for (; n < 64 && ant_cpuinfo(n, &a) == 0; n++)
        CHECK(a.cpu == n && (a.state == ANT_CPU_RUNNING || (n && a.state == ANT_CPU_OFF)));
    CHECK(n >= 1 && n <= 8 && ant_cpuinfo(n, &a) == -ANT_EINVAL);
    CHECK(ant_cpuinfo(0, (struct ant_cpuinfo *)0xC0000000) == -ANT_EFAULT);
    CHECK(ant_procinfo(ant_getpid() % 64, &me) == 0 && me.cpu < n);
    CHECK(ant_cpuinfo(me.cpu, &a) == 0 && a.cpu == me.cpu && a.threads >= 1);
    struct ant_msg m = { 0 };
    CHECK(ant_recv((int32_t)ant_getpid(), &m) == -ANT_EINVAL);  /* an IPC call on my CPU */
    CHECK(ant_cpuinfo(me.cpu, &b) == 0 && b.ipcs > a.ipcs);
    CHECK(ant_cpuinfo(me.cpu, &a) == 0);
    CHECK(ant_sleep(10) == 0);              /* nobody else runs here: my CPU idles */
    CHECK(ant_cpuinfo(me.cpu, &b) == 0);
    CHECK(b.ticks >= a.ticks + 10 && b.idle_ticks >= a.idle_ticks + 5);
    uint64_t ta = a.tsc_lo | (uint64_t)a.tsc_hi << 32, tb = b.tsc_lo | (uint64_t)b.tsc_hi << 32;
    uint64_t ia = a.idle_lo | (uint64_t)a.idle_hi << 32, ib = b.idle_lo | (uint64_t)b.idle_hi << 32;
    CHECK(!ta || (tb > ta && ib > ia && ib - ia <= tb - ta));
}

/* Without a pager nobody has the pager's flag. */
static void t_procinfo_pager_flag(void)
{
    struct ant_procinfo info;
    for (uint32_t i = 0; i < 64; i++)
        CHECK(ant_procinfo(i, &info) != 0 || !(info.flags & ANT_PI_PAGER));
}

static void t_wait_flags(void)
{
    int32_t st = -1;
    struct ant_msg m;
    CHECK(ant_wait_flags(0, &st, 0x4) == -ANT_EINVAL);
    CHECK(ant_wait_flags(0, &st, ANT_WNOHANG) == -ANT_ECHILD);   /* no children */
    int32_t pid = ant_spawn("victim", "spin", 4);
    CHECK(pid > 0);
    CHECK(ant_wait_flags(pid, &st, ANT_WNOHANG) == 0);
    CHECK(ant_wait_flags(0, &st, ANT_WNOHANG | ANT_WNOTIFY) == 0);
    /* Its end reaches me while I wait for a message from it alone. */
    CHECK(ant_kill(pid) == 0);
    CHECK(ant_recv(pid, &m) == -ANT_ESRCH);
    CHECK(ant_recv(0, &m) == 0 && m.w[0] == ANT_NOTE_CHILD && !m.run);
    CHECK(ant_wait_flags(0, &st, ANT_WNOHANG) == pid && st == ANT_KILLED_BY_KILL);
    pid = ant_spawn("victim", "exit42", 4);
    CHECK(pid > 0);
    CHECK(ant_recv(0, &m) == 0 && m.w[0] == ANT_NOTE_CHILD);     /* woken by it */
    CHECK(ant_wait_flags(0, &st, ANT_WNOHANG) == pid && st == 42);
    CHECK(ant_wait_flags(0, &st, ANT_WNOHANG) == -ANT_ECHILD);
}

static void t_kill_descendants(void)
{
    uint32_t before = pool_free();
    int32_t st, mid = ant_spawn("victim", "parent", 4);
    CHECK(mid > 0);
    struct ant_procinfo spin = {0}, zombie = {0};
    for (uint32_t t0 = ant_uptime(); ant_uptime() - t0 < 200; ant_sleep(1)) {
        spin = child_of((uint32_t)mid, ANT_PS_RUN);     /* both there, however busy */
        zombie = child_of((uint32_t)mid, ANT_PS_ZOMBIE);
        if (spin.pid && zombie.pid)
            break;
    }
    CHECK(spin.pid && zombie.pid);
    CHECK(zombie.pages == 0 && zombie.ppid == (uint32_t)mid);
    CHECK(ant_kill((int32_t)zombie.pid) == -ANT_ESRCH);   /* already ended */
    CHECK(ant_kill((int32_t)spin.pid) == 0);               /* a grandchild */
    CHECK(ant_wait((int32_t)spin.pid, &st) == -ANT_ECHILD); /* not mine to reap */
    CHECK(ant_kill(mid) == 0);                             /* and its zombies go with it */
    CHECK(ant_wait(mid, &st) == mid && st == ANT_KILLED_BY_KILL);
    CHECK(ant_procinfo(zombie.pid % 64, &zombie) == -ANT_ESRCH || zombie.ppid != (uint32_t)mid);
    CHECK(pool_free() == before);
}

int main(const char *args)
{
    run("syscall_int80", t_syscall_int80);
    run("syscall_sysenter", t_syscall_sysenter);
    run("unknown_call", t_unknown_call);
    run("write_bad_pointers", t_write_bad_pointers);
    run("read_only_and_kernel_destinations", t_read_only_and_kernel_destinations);
    run("mmap", t_mmap);
    run("mmap_bad_arguments", t_mmap_bad_arguments);
    run("mmap_read_only", t_mmap_read_only);
    run("vmmap", t_vmmap);
    run("spawn_bad_arguments", t_spawn_bad_arguments);
    run("wait_and_kill_errors", t_wait_and_kill_errors);
    run("exit_status", t_exit_status);
    run("sleep", t_sleep);
    run("faults_kill_only_the_offender", t_faults_kill_only_the_offender);
    run("sysenter_flag_attacks", t_sysenter_flag_attacks);
    run("isolation_same_address", t_isolation_same_address);
    run("fpu_state_per_process", t_fpu_state_per_process);
    run("segments_after_blocking_calls", t_segments_after_blocking_calls);
    run("wakeup_among_40_spinners", t_wakeup_among_40_spinners);
    run("create_exit_1000", t_create_exit_1000);
    run("preemption_of_busy_loop", t_preemption_of_busy_loop);
    run("procinfo_and_uptime", t_procinfo_and_uptime);
    run("wait_flags", t_wait_flags);
    run("alarm_and_notes", t_alarm_and_notes);
    run("cpuinfo", t_cpuinfo);
    run("procinfo_pager_flag", t_procinfo_pager_flag);
    run("kill_descendants", t_kill_descendants);
    return check_finish("utest", args);
}
