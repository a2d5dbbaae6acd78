/*
 * hostile: the system as a hostile program sees it (init=hostile, with the
 * name server, a disk driver and the pager). Children without rights try
 * what they must not (kill, crash or replace servers, widen their rights,
 * forge the manager, squat or fill the name table, steal a server's state,
 * read the paging space); this suite, holding ANT_RIGHT_MANAGE, checks
 * that the same operations work for a holder, that a process tree can be
 * cleaned up, and that the manager keeps restarting a server crashed again
 * and again, backing off. One line a test, as utest.
 */
#include "lib/ant.h"
#include "lib/check.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "lib/svc.h"

#define TREE 50
#define CRASHES 8

static void run(const char *name, void (*fn)(void))
{
    fn();
    check_report("hostile", name);
}

static int alive(int32_t pid)
{
    struct ant_procinfo info;
    return pid > 0 && ant_procinfo((uint32_t)pid % 64, &info) == 0 &&
           info.pid == (uint32_t)pid && info.state != ANT_PS_ZOMBIE;
}

static uint32_t procs(void)
{
    struct ant_meminfo mi;
    return ant_meminfo(&mi) == 0 ? mi.procs : 0;
}

static uint32_t pool_free(void)
{
    struct ant_meminfo mi;
    return ant_meminfo(&mi) == 0 ? mi.pool_free : 0;
}

/* A process-manager request naming a server. */
static int32_t pm_named(uint32_t op, const char *name, struct ant_msg *m)
{
    *m = (struct ant_msg){{op, 0, 0, 0}, 0};
    svc_name_pack(name, &m->w[1]);
    return pm_call(m);
}

/* PM_RUN "line", giving rights; *pid the new process. */
static int32_t pm_run(const char *line, uint32_t rights, int32_t *pid)
{
    void *page;
    if (ant_icc_alloc(1, &page))
        return -ANT_ENOMEM;
    memcpy(page, line, strlen(line) + 1);
    struct ant_msg m = {{PM_RUN, rights, 0, 0}, ANT_ICC_RUN(page, 1)};
    int32_t r = pm_call(&m);
    if (m.run)
        ant_icc_free((void *)ANT_ICC_RUN_ADDR(m.run), ANT_ICC_RUN_PAGES(m.run));
    if (pid)
        *pid = r == 0 ? (int32_t)m.w[1] : 0;
    return r;
}

static int32_t names_pid(void)
{
    struct ant_msg m = {{PM_NAMESERVER, 0, 0, 0}, 0};
    return pm_call(&m) == 0 ? (int32_t)m.w[1] : -1;
}

/* A request straight to the name server (its reply status). */
static int32_t ns_raw(uint32_t op, const char *name)
{
    struct ant_msg m = {{op, 0, 0, 0}, 0};
    svc_name_pack(name, &m.w[1]);
    int32_t r = ant_call(names_pid(), &m);
    return r < 0 ? r : (int32_t)m.w[0];
}

/* ---- the children ---- */

/* Without any right: every probe must be refused. The exit status has a
 * bit set for each probe that got through (0: all held). */
static int probe(void)
{
    int bad = 0, bit = 0;
#define PROBE(c) (bad |= (c) ? 0 : 1 << bit, bit++)
    struct ant_msg m;
    int32_t names = names_pid(), pager = ns_lookup("pager");
    char line[40];
    PROBE(svc_rights_of(ant_getpid()) == 0 && names > 0 && pager > 0);
    PROBE(pm_named(PM_CRASH, "names", &m) == -ANT_EPERM);
    PROBE(pm_named(PM_REPLACE, "pager", &m) == -ANT_EPERM);
    m = (struct ant_msg){{PM_KILL, (uint32_t)pager, 0, 0}, 0};
    PROBE(pm_call(&m) == -ANT_EPERM);
    PROBE(pm_run("hostile sleep", ANT_RIGHT_MANAGE, 0) == -ANT_EPERM);   /* widening */
    fmt_snprintf(line, sizeof line, "names takeover=%d", (int)names);
    PROBE(pm_run(line, 0, 0) == -ANT_EPERM);                /* a server's module */
    PROBE(pm_run("pager", 0, 0) == -ANT_EPERM);
    PROBE(ant_spawn("hostile", "sleep", 4 | ANT_SPAWN_RIGHTS(ANT_RIGHT_MANAGE)) == -ANT_EPERM);
    m = (struct ant_msg){{SVC_CRASH, 0, 0, 0}, 0};          /* as if I were the manager */
    PROBE(ant_call(names, &m) == 0 && (int32_t)m.w[0] == -ANT_EPERM);
    m = (struct ant_msg){{SVC_HANDOVER, 0, 0, 0}, 0};       /* as if I were its successor */
    PROBE(ant_call(names, &m) == 0 && (int32_t)m.w[0] == -ANT_EPERM && !m.run);
    PROBE(ns_register("pager", 0) == -ANT_EPERM);           /* reserved names */
    PROBE(ns_register("disk", 0) == -ANT_EPERM);
    PROBE(ns_raw(NS_UNREGISTER, "pager") == -ANT_EPERM);
    PROBE(ns_register("h1", 0) == 0 && ns_register("h2", 0) == 0 && ns_register("h3", 0) == 0 &&
          ns_register("h4", 0) == 0 && ns_register("h5", 0) == -ANT_EAGAIN);   /* a quota */
    PROBE(ant_kill(pager) == -ANT_ECHILD);
    m = (struct ant_msg){{PM_POWER, ANT_POWER_HALT, 0, 0}, 0};
    PROBE(pm_call(&m) == -ANT_EPERM);                       /* the machine is not mine */
    PROBE(ant_power(ANT_POWER_REBOOT) == -ANT_EPERM);
    void *page;
    PROBE(ant_icc_alloc(1, &page) == 0);
    m = (struct ant_msg){{DISK_READ, 0, 0, 1}, ANT_ICC_RUN(page, 1)};
    PROBE(svc_call("disk", &m) == -ANT_EPERM);
    PROBE(alive(names) && alive(pager) && ns_lookup("pager") == pager);
    return bad;
#undef PROBE
}

/* Given ANT_RIGHT_MANAGE by my parent: I have it, I cannot add
 * ANT_RIGHT_CONSOLE, and a child I start without it has none. */
static int narrowed(void)
{
    int32_t st = -1;
    if (svc_rights_of(ant_getpid()) != ANT_RIGHT_MANAGE)
        return 1;
    if (ant_spawn("hostile", "sleep", 4 | ANT_SPAWN_RIGHTS(ANT_RIGHT_CONSOLE)) != -ANT_EPERM)
        return 2;
    int32_t pid = ant_spawn("hostile", "sleep", 4);
    if (pid < 0 || svc_rights_of(pid) != 0)
        return 3;
    ant_kill(pid);
    ant_wait(pid, &st);
    return 0;
}

/* Tell my parent w0 = n, w1 = err; then wait to be killed. */
static __attribute__((noreturn)) void report_and_wait(uint32_t n, int32_t err)
{
    struct ant_procinfo me;
    struct ant_msg m = {{n, (uint32_t)err, 0, 0}, 0};
    if (ant_procinfo((uint32_t)ant_getpid() % 64, &me) == 0)
        ant_send((int32_t)me.ppid, &m);
    for (;;)
        ant_sleep(100);
}

/* Take all I can of one resource, without ANT_RIGHT_RESERVE. */
static int hog(const char *what)
{
    uint32_t n = 0;
    int32_t err = 0;
    if (!strcmp(what, "icc")) {
        void *run;
        for (uint32_t want = 1024; want;)
            if ((err = ant_icc_alloc(want, &run)) == 0)
                n += want;
            else
                want /= 2;
    } else if (!strcmp(what, "frames")) {
        for (uint32_t va = 0x10000000u; (err = ant_mmap(va, 16 * 4096, ANT_PROT_WRITE)) == 0;
             va += 16 * 4096)
            n += 16;
    } else {
        while ((err = ant_spawn("hostile", "sleep", 4)) > 0)
            n++;
    }
    report_and_wait(n, err);
}

static int tree(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (ant_spawn("hostile", "sleep", 4) < 0)
            return 1;
    for (;;)
        ant_sleep(100);
}

/* ---- the tests ---- */

static void t_refused_without_rights(void)
{
    int32_t st = -1, pid = ant_spawn("hostile", "probe", 4);
    CHECK(pid > 0 && ant_wait(pid, &st) == pid);
    if (st)
        ant_printf("hostile: probes that got through: mask 0x%x\n", (unsigned)st);
    CHECK(st == 0);
}

static void t_granted_with_rights(void)
{
    struct ant_msg m;
    CHECK(svc_rights_of(ant_getpid()) & ANT_RIGHT_MANAGE);
    int32_t st = -1, pid = ant_spawn("hostile", "sleep", 4);
    CHECK(pid > 0);
    m = (struct ant_msg){{PM_KILL, (uint32_t)pid, 0, 0}, 0};
    CHECK(pm_call(&m) == 0);
    CHECK(ant_wait(pid, &st) == pid && st == ANT_KILLED_BY_KILL);
    pid = ant_spawn("hostile", "narrowed", 4 | ANT_SPAWN_RIGHTS(ANT_RIGHT_MANAGE));
    CHECK(pid > 0 && ant_wait(pid, &st) == pid && st == 0);
    int32_t run_pid = 0;
    CHECK(pm_run("hostile sleep", ANT_RIGHT_MANAGE, &run_pid) == 0 && run_pid > 0);
    CHECK(svc_rights_of(run_pid) == ANT_RIGHT_MANAGE);     /* as I asked, and I have it */
    m = (struct ant_msg){{PM_KILL, (uint32_t)run_pid, 0, 0}, 0};
    CHECK(pm_call(&m) == 0);
}

/* Wait until the name server is back (a new pid that answers) and knows
 * the pager again; the ticks it took, or -1 after 5 s. */
static int32_t names_back(int32_t old)
{
    uint32_t t0 = ant_uptime();
    while (ant_uptime() - t0 < 500) {
        int32_t now = names_pid();
        if (now > 0 && now != old && alive(now) && ns_lookup("pager") > 0)
            return (int32_t)(ant_uptime() - t0);
        ant_sleep(1);
    }
    return -1;
}

/* A program starting the name server's module by hand, with takeover= of
 * the running one, gets nothing: the running one only hands over to the
 * successor the manager started, and serves on. */
static void t_handover_theft(void)
{
    char args[32];
    int32_t names = names_pid(), st;
    CHECK(names > 0);
    fmt_snprintf(args, sizeof args, "takeover=%d", (int)names);
    int32_t thief = ant_spawn("names", args, 4);
    CHECK(thief > 0);
    ant_sleep(20);
    CHECK(names_pid() == names && alive(names));
    CHECK(ns_lookup("pager") > 0);          /* its table is still there */
    CHECK(ant_kill(thief) == 0 && ant_wait(thief, &st) == thief);
}

/* Killing a process kills the 50 below it; nothing is left over. */
static void t_kill_tree_of_50(void)
{
    char args[16];
    uint32_t before = procs(), free0 = pool_free();
    int32_t st;
    fmt_snprintf(args, sizeof args, "tree %u", TREE);
    int32_t top = ant_spawn("hostile", args, 4);
    CHECK(top > 0);
    for (uint32_t t0 = ant_uptime(); procs() < before + 1 + TREE && ant_uptime() - t0 < 500;)
        ant_sleep(2);
    uint32_t grown = procs();
    CHECK(ant_kill(top) == 0);
    CHECK(ant_wait(top, &st) == top && st == ANT_KILLED_BY_KILL);
    CHECK(grown == before + 1 + TREE);
    CHECK(procs() == before);
    CHECK(pool_free() == free0);
}

/* A process whose parent ended belongs to the manager: out of its old
 * family's reach, in the reach of a holder of ANT_RIGHT_MANAGE. */
static void t_orphan_goes_to_the_manager(void)
{
    struct ant_msg m;
    int32_t st = -1, pid = ant_spawn("hostile", "orphan", 4);
    CHECK(pid > 0 && ant_recv(pid, &m) == pid);     /* its child's pid */
    CHECK(ant_wait(pid, &st) == pid && st == 0);
    int32_t orphan = (int32_t)m.w[0];
    struct ant_procinfo info;
    CHECK(ant_procinfo((uint32_t)orphan % 64, &info) == 0 && info.pid == (uint32_t)orphan);
    CHECK(info.ppid == (uint32_t)pm_pid());
    CHECK(ant_kill(orphan) == -ANT_ECHILD);
    m = (struct ant_msg){{PM_KILL, (uint32_t)orphan, 0, 0}, 0};
    CHECK(pm_call(&m) == 0);
    CHECK(!alive(orphan));
}

/* Until the name server, the pager and the disk driver are all up (a test
 * before may have crashed one, which the manager restarts after a back-off,
 * on its CPU, in parallel with me): at most 10 s. */
static void servers_up(void)
{
    for (uint32_t t0 = ant_uptime(); ant_uptime() - t0 < 1000; ant_sleep(2))
        if (alive(names_pid()) && ns_lookup("pager") > 0 && ns_lookup("disk") > 0)
            return;
}

/* How long a count may take to settle: a server replaced or a process
 * killed on another CPU ends there, in parallel with me, and under
 * multi-threaded TCG on a loaded host the guest's clock runs on while its
 * CPUs wait (5 s). */
#define SETTLE_TICKS 500

/* The process count, once it is n (at most SETTLE_TICKS). */
static uint32_t procs_settle(uint32_t n)
{
    for (uint32_t t0 = ant_uptime(); procs() != n && ant_uptime() - t0 < SETTLE_TICKS;)
        ant_sleep(1);
    return procs();
}

/* "before free ICC pages, after", and who holds some, in the log. */
static void show_icc_holders(const char *what, uint32_t before, uint32_t after)
{
    ant_printf("hostile: %s: %u ICC pages free before, %u after\n", what, before, after);
    for (uint32_t i = 0; i < 64; i++) {
        struct ant_procinfo pi;
        if (ant_procinfo(i, &pi) == 0 && pi.icc_pages)
            ant_printf("hostile: %s: %s (pid %u) holds %u ICC pages\n", what, pi.name, pi.pid,
                       pi.icc_pages);
    }
}

/* The number of free ICC pages, once it is n (at most SETTLE_TICKS). */
static uint32_t icc_settle(uint32_t n)
{
    struct ant_iccinfo info = { 0 };
    for (uint32_t t0 = ant_uptime();; ant_sleep(1))
        if (ant_icc_info(&info) == 0 && (info.free == n || ant_uptime() - t0 >= SETTLE_TICKS))
            return info.free;
}

/* One program takes all the ICC pages, frames or process slots it can:
 * it gets ENOMEM or EAGAIN while the reserve is still there, and a server
 * crashed meanwhile comes back (it may use the reserve). */
static void exhaust(const char *what, int32_t expect)
{
    char args[16];
    struct ant_msg m;
    int32_t st;
    servers_up();
    uint32_t slots = procs(), free0 = pool_free();
    struct ant_iccinfo icc0;
    CHECK(ant_icc_info(&icc0) == 0);
    fmt_snprintf(args, sizeof args, "hog %s", what);
    int32_t pid = ant_spawn("hostile", args, 4);
    CHECK(pid > 0 && ant_recv(pid, &m) == pid);
    ant_printf("hostile: a program without the reserve took %u %s, then got %s\n", m.w[0], what,
               ant_strerror((int32_t)m.w[1]));
    CHECK((int32_t)m.w[1] == expect && m.w[0] > 0);
    int32_t old = names_pid();
    int crashed = pm_named(PM_CRASH, "names", &m) == 0 && names_back(old) >= 0;
    old = names_pid();
    int replaced = pm_named(PM_REPLACE, "names", &m) == 0 && names_back(old) >= 0;
    CHECK(ant_kill(pid) == 0 && ant_wait(pid, &st) == pid);
    CHECK(crashed);                         /* restarted from the reserve */
    CHECK(replaced);                        /* and replaced: the successor too */
    uint32_t now = procs_settle(slots), icc_free = icc_settle(icc0.free);
    if (now != slots)
        ant_printf("hostile: %s: %u processes before, %u after\n", what, slots, now);
    if (icc_free != icc0.free)
        show_icc_holders(what, icc0.free, icc_free);
    CHECK(now == slots);
    CHECK(icc_free == icc0.free);
    CHECK(pool_free() + 8 >= free0);        /* the new name server may hold a few more */
}

static void t_quota_icc_pages(void) { exhaust("icc", -ANT_ENOMEM); }
static void t_quota_frames(void) { exhaust("frames", -ANT_ENOMEM); }
static void t_quota_processes(void) { exhaust("procs", -ANT_EAGAIN); }

/* A hand-over with no ICC page left for the state (I, holding the
 * reserve right, take them all): the successor starts fresh, the manager
 * names every server again, and the old one has ended. */
static void t_replace_with_no_page_for_state(void)
{
    void *run;
    uint32_t held[16], nheld = 0;
    struct ant_msg m;
    struct ant_iccinfo info;
    for (uint32_t want = 4096; want && nheld < 16;)
        if (ant_icc_alloc(want, &run) == 0)
            held[nheld++] = ANT_ICC_RUN(run, want);
        else
            want /= 2;
    int none = ant_icc_info(&info) == 0 && info.free == 0;
    int32_t old = names_pid(), r = pm_named(PM_REPLACE, "names", &m), back = names_back(old);
    for (uint32_t i = 0; i < nheld; i++)
        ant_icc_free((void *)ANT_ICC_RUN_ADDR(held[i]), ANT_ICC_RUN_PAGES(held[i]));
    CHECK(none && r == 0);
    CHECK(back >= 0);
    for (uint32_t t0 = ant_uptime(); alive(old) && ant_uptime() - t0 < SETTLE_TICKS;)
        ant_sleep(1);
    CHECK(!alive(old));
}

/* FUZZ_CALLS random system calls with hostile arguments by a program
 * without rights (services/fuzz): no panic (I am still running), the inner
 * core's checks hold, every frame and ICC page comes back, and no server
 * was crashed by what it was sent. */
static void fuzz(uint32_t seed, uint32_t calls)
{
    char args[32];
    struct ant_msg before = {{PM_CHECK, 0, 0, 0}, 0}, after = {{PM_CHECK, 0, 0, 0}, 0};
    int32_t st = -1;
    servers_up();
    uint32_t nprocs = procs(), t0 = ant_uptime();
    CHECK(pm_call(&before) == 0 && before.w[1] == 0);
    fmt_snprintf(args, sizeof args, "%u %u", seed, calls);
    int32_t pid = ant_spawn("fuzz", args, 4);
    CHECK(pid > 0 && ant_wait(pid, &st) == pid);
    CHECK(st == 0);                         /* it lived to make every call */
    CHECK(pm_call(&after) == 0 && after.w[1] == 0);     /* the ICC and frame audits */
    if (after.w[2] < before.w[2])
        show_icc_holders("fuzz", before.w[2], after.w[2]);
    CHECK(after.w[2] >= before.w[2]);       /* every ICC page back (a server may
                                               have let go of one of its own) */
    CHECK(after.w[3] == before.w[3]);       /* no server crashed */
    if (procs_settle(nprocs) != nprocs) {
        ant_printf("hostile: fuzz: %u processes before, %u after:\n", nprocs, procs());
        for (uint32_t i = 0; i < 64; i++) {
            struct ant_procinfo pi;
            if (ant_procinfo(i, &pi) == 0)
                ant_printf("hostile: fuzz:   %s (pid %u, parent %u, state %u, cpu %u)\n", pi.name,
                           pi.pid, pi.ppid, pi.state, pi.cpu);
        }
    }
    CHECK(procs() == nprocs);               /* (the audit: every frame held is a
                                               live process's, as it counts; the
                                               pager may keep more on its list) */
    CHECK(alive(names_pid()) && ns_lookup("pager") > 0 && ns_lookup("disk") > 0);
    ant_printf("hostile: fuzz: %u calls in %u ticks of guest time, 0 panics, audits clean\n",
               calls, ant_uptime() - t0);
}

static uint32_t fuzz_calls = 200000;
static void t_fuzz_system_calls(void) { fuzz(1, fuzz_calls); }

/* ---- make soak: servers crashed and replaced while clients check ---- */

#define SOAK_CLIENTS 4

/* A client until tick `until`: its own name resolves to it, the pager's
 * name to a pager, and the pager answers; every reply is checked. It
 * tells its parent how many it checked and how many were wrong. */
static int client(uint32_t id, uint32_t until)
{
    char name[8];
    uint32_t checked = 0, wrong = 0;
    int32_t me = ant_getpid();
    void *page;
    fmt_snprintf(name, sizeof name, "c%u", id);
    if (ns_register(name, 0) || ant_icc_alloc(1, &page))
        return 1;
    while ((int32_t)(until - ant_uptime()) > 0) {
        int32_t r = ns_lookup(name);
        wrong += r != me;
        if (r != me)
            ant_printf("hostile: soak: client %u: my name gave %d\n", id, (int)r);
        r = ns_lookup("pager");
        wrong += r <= 0;
        struct ant_msg m = {{PAGER_STATS, 0, 0, 0}, ANT_ICC_RUN(page, 1)};
        r = svc_call("pager", &m);
        if (r != 0)
            ant_printf("hostile: soak: client %u: PAGER_STATS gave %s\n", id, ant_strerror(r));
        wrong += r != 0;
        if (!m.run && ant_icc_alloc(1, &page))
            return 1;
        if (m.run)
            page = (void *)ANT_ICC_RUN_ADDR(m.run);
        checked += 3;
    }
    struct ant_procinfo info;
    struct ant_msg m = {{checked, wrong, 0, 0}, 0};
    if (ant_procinfo((uint32_t)me % 64, &info) == 0)
        ant_send((int32_t)info.ppid, &m);
    return wrong ? 1 : 0;
}

/* For `seconds`: crash or replace the name server, the pager or the disk
 * driver every half second, in turn, while SOAK_CLIENTS clients check
 * every reply. */
static void soak(uint32_t seconds)
{
    static const char *const victims[] = {"names", "pager", "disk"};
    char args[32];
    int32_t pid[SOAK_CLIENTS], st;
    uint32_t until = ant_uptime() + seconds * 100, events = 0, checked = 0, wrong = 0;
    for (uint32_t i = 0; i < SOAK_CLIENTS; i++) {
        fmt_snprintf(args, sizeof args, "client %u %u", i, until);
        CHECK((pid[i] = ant_spawn("hostile", args, 4)) > 0);
    }
    while ((int32_t)(until - ant_uptime()) > 50) {
        struct ant_msg m;
        const char *v = victims[events % 3];
        int32_t r = pm_named(events & 1 ? PM_REPLACE : PM_CRASH, v, &m);
        if (r != 0)
            ant_printf("hostile: soak: %s %s: %s\n", events & 1 ? "replace" : "crash", v,
                       ant_strerror(r));
        events += r == 0;
        ant_sleep(50);
    }
    for (uint32_t i = 0; i < SOAK_CLIENTS; i++) {
        struct ant_msg m;
        CHECK(ant_recv(pid[i], &m) == pid[i] && ant_wait(pid[i], &st) == pid[i]);
        checked += m.w[0];
        wrong += m.w[1];
    }
    struct ant_msg c = {{PM_CHECK, 0, 0, 0}, 0};
    CHECK(pm_call(&c) == 0 && c.w[1] == 0);
    ant_printf("hostile: soak: %u s, %u crashes and replacements, %u replies checked, %u wrong\n",
               seconds, events, checked, wrong);
    CHECK(wrong == 0 && checked > 0);
}

static uint32_t soak_seconds;
static void t_soak(void) { soak(soak_seconds); }

/* The pid the manager keeps for server `name`, once it is running and
 * known by its name again (a new pid from `old`); -1 after 5 s. */
static int32_t server_back(const char *name, int32_t old)
{
    for (uint32_t t0 = ant_uptime(); ant_uptime() - t0 < 500; ant_sleep(1)) {
        int32_t now = pm_server_pid(name);
        int known = !strcmp(name, "names") ? ns_lookup("pager") > 0 : ns_lookup(name) == now;
        if (now > 0 && now != old && alive(now) && known)
            return now;
    }
    return -1;
}

/* The manager restarts every server crashed again and again (CRASHES
 * times in a row each), later each time past the first few, and never
 * gives up. */
static void t_crash_storm_backs_off(void)
{
    static const char *const storm[] = {"names", "pager", "disk"};
    struct ant_msg m;
    for (uint32_t s = 0; s < sizeof storm / sizeof storm[0]; s++) {
        int32_t longest = 0;
        for (int i = 0; i < CRASHES; i++) {
            int32_t old = pm_server_pid(storm[s]);
            uint32_t t0 = ant_uptime();
            CHECK(old > 0 && pm_named(PM_CRASH, storm[s], &m) == 0 && (int32_t)m.w[1] == old);
            CHECK(server_back(storm[s], old) > 0);
            int32_t took = (int32_t)(ant_uptime() - t0);
            longest = took > longest ? took : longest;
        }
        ant_printf("hostile: %d crashes of %s in a row: the longest restart took %d ticks\n",
                   CRASHES, storm[s], (int)longest);
        CHECK(longest >= 10);               /* it backed off */
    }
    CHECK(alive(names_pid()) && ns_lookup("pager") > 0 && ns_lookup("disk") > 0);
}

int main(const char *args)
{
    if (!strcmp(args, "probe"))
        return probe();
    if (!strcmp(args, "narrowed"))
        return narrowed();
    if (!strcmp(args, "sleep"))
        for (;;)
            ant_sleep(100);
    if (!strncmp(args, "hog ", 4))
        return hog(args + 4);
    if (!strncmp(args, "tree ", 5))
        return tree(str_decimal(args + 5));
    if (!strcmp(args, "orphan")) {         /* I end; my child stays */
        struct ant_procinfo me;
        struct ant_msg m = {{(uint32_t)ant_spawn("hostile", "sleep", 4), 0, 0, 0}, 0};
        if (ant_procinfo((uint32_t)ant_getpid() % 64, &me) || ant_send((int32_t)me.ppid, &m))
            return 1;
        return 0;
    }
    if (!strncmp(args, "client ", 7)) {
        const char *u = args + 7;
        while (*u && *u != ' ')
            u++;
        return client(str_decimal(args + 7), str_decimal(u + (*u == ' ')));
    }
    if (!strncmp(args, "fuzz=", 5)) {     /* make fuzz: only that, longer */
        fuzz_calls = str_decimal(args + 5);
        run("fuzz_system_calls", t_fuzz_system_calls);
        return check_finish("hostile", args);
    }
    if (!strncmp(args, "soak=", 5)) {     /* make soak */
        soak_seconds = str_decimal(args + 5);
        run("soak", t_soak);
        return check_finish("hostile", args);
    }
    run("fuzz_system_calls", t_fuzz_system_calls);
    run("refused_without_rights", t_refused_without_rights);
    run("granted_with_rights", t_granted_with_rights);
    run("handover_theft", t_handover_theft);
    run("kill_tree_of_50", t_kill_tree_of_50);
    run("orphan_goes_to_the_manager", t_orphan_goes_to_the_manager);
    run("quota_icc_pages", t_quota_icc_pages);
    run("quota_frames", t_quota_frames);
    run("quota_processes", t_quota_processes);
    run("replace_with_no_page_for_state", t_replace_with_no_page_for_state);
    run("crash_storm_backs_off", t_crash_storm_backs_off);
    return check_finish("hostile", args);
}
