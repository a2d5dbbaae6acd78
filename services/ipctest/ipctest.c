/*
 * ipctest: the IPC and ICC test suite, run by init in a test boot after
 * utest. One line a test ("ipctest: PASS name" / "ipctest: FAIL name: why");
 * the exit status is the number of failures. The other ends are `ipcpeer`
 * children. After every test the ICC invariant must hold and no ICC page
 * or pool frame may have leaked.
 */
#include "lib/ant.h"
#include "lib/check.h"
#include "lib/fmt.h"
#include "lib/io.h"
#include "lib/string.h"

#define PEER_PRIO 4

static struct ant_iccinfo icc(void)
{
    struct ant_iccinfo info;
    memset(&info, 0, sizeof info);
    if (ant_icc_info(&info))
        info.check = -2;
    return info;
}

/* Frames in the pool plus those I hold: constant unless someone leaks
 * (my own ICC page tables stay with me once made). */
static uint32_t pool_free(void)
{
    struct ant_meminfo mi;
    return ant_meminfo(&mi) == 0 ? mi.pool_free + mi.my_pages : 0;
}

/* A test, then what every test must leave as it found: the ICC invariant,
 * the ICC counts, the pool. */
static void run(const char *name, void (*fn)(void))
{
    struct ant_iccinfo before = icc();
    uint32_t pool_before = pool_free();
    fn();
    struct ant_iccinfo after = icc();
    if (after.check)
        check_fail(__LINE__, "ICC invariant broken after the test");
    if (after.free != before.free || after.mine != before.mine)
        check_fail(__LINE__, "ICC pages leaked");
    if (pool_free() != pool_before)
        check_fail(__LINE__, "pool frames leaked");
    check_report("ipctest", name);
}

static int32_t peer(const char *args)
{
    return ant_spawn("ipcpeer", args, PEER_PRIO);
}

static int32_t peer_arg(const char *what, int32_t n)
{
    char args[64];
    fmt_snprintf(args, sizeof args, "%s %d", what, n);
    return peer(args);
}

/* Kill a peer and collect it; its status must be the kill's. */
static int stop(int32_t pid)
{
    int32_t st;
    return ant_kill(pid) == 0 && ant_wait(pid, &st) == pid && st == ANT_KILLED_BY_KILL;
}

static int32_t status_of(int32_t pid)
{
    int32_t st = -1;
    return ant_wait(pid, &st) == pid ? st : -1;
}

static void fill(uint32_t *p, uint32_t npages, uint32_t magic)
{
    for (uint32_t i = 0; i < npages * 1024; i++)
        p[i] = magic + i / 1024;
}

static void t_inline_call_reply(void)
{
    int32_t echo = peer("echo");
    CHECK(echo > 0);
    for (uint32_t k = 0; k < 1000; k++) {
        struct ant_msg m = { { k, k * 2, 0xFFFFFFFF, 0x80000000 }, 0 };
        CHECK(ant_call(echo, &m) == echo);
        CHECK(m.w[0] == k + 1 && m.w[1] == k * 2 + 1 && m.w[2] == 0 && m.w[3] == 0x80000001);
        CHECK(m.run == 0);
    }
    CHECK(stop(echo));
}

static void t_send_recv_and_errors(void)
{
    struct ant_msg m = { { 1, 2, 3, 4 }, 0 };
    int32_t me = ant_getpid(), bounce = peer("bounce");
    CHECK(bounce > 0);
    CHECK(ant_send(bounce, &m) == 0);
    memset(&m, 0, sizeof m);
    CHECK(ant_recv(bounce, &m) == bounce);
    CHECK(m.w[0] == 1 && m.w[1] == 2 && m.w[2] == 3 && m.w[3] == 4 && m.run == 0);
    CHECK(ant_send(me, &m) == -ANT_EINVAL);          /* it would wait for itself */
    CHECK(ant_call(me, &m) == -ANT_EINVAL);
    CHECK(ant_recv(me, &m) == -ANT_EINVAL);
    CHECK(ant_send(0, &m) == -ANT_ESRCH);             /* the inner core is no peer */
    CHECK(ant_send(0xFFFFFF, &m) == -ANT_ESRCH);
    CHECK(ant_send(-1, &m) == -ANT_ESRCH);
    CHECK(ant_recv(0xFFFFFE, &m) == -ANT_ESRCH);
    CHECK(ant_reply(bounce, &m) == -ANT_ESRCH);       /* not waiting for my reply */
    CHECK(ant_replyrecv(bounce, &m) == -ANT_ESRCH);
    /* bits 8-31 of eax name a peer only for the IPC calls */
    CHECK(ant_syscall_int80(SYS_GETPID | 0x100, 0, 0, 0, 0) == -ANT_ENOSYS);
    CHECK(ant_syscall(SYS_GETPID | 0x100, 0, 0, 0, 0) == -ANT_ENOSYS);
    CHECK(ant_syscall(SYS_NCALLS | 0x100, 0, 0, 0, 0) == -ANT_ENOSYS);
    CHECK(stop(bounce));
}

static void t_both_entries(void)
{
    int32_t echo = peer("echo");
    CHECK(echo > 0);
    struct ant_msg m = { { 7, 0, 0, 0 }, 0 };
    CHECK(ant_ipc_int80(SYS_CALL | (uint32_t)echo << 8, &m) == echo && m.w[0] == 8);
    if (ant_has_sysenter())
        CHECK(ant_ipc_sysenter(SYS_CALL | (uint32_t)echo << 8, &m) == echo && m.w[0] == 9);
    CHECK(stop(echo));
}

/* A -> B: B sees the bytes A wrote, a pointer inside the buffer still
 * works there, the physical page is the same (no copy), and the run comes
 * back with the reply. */
static void t_transfer_bytes_and_pointers(void)
{
    uint32_t *p, pa_before, magic = 0x51510000;
    struct ant_iccinfo base = icc();
    int32_t chk = peer_arg("check", (int32_t)magic);
    CHECK(chk > 0);
    CHECK(ant_icc_alloc(2, (void **)&p) == 0);
    CHECK((uint32_t)p >= ANT_ICC_VIRT && (uint32_t)p < 0xC0000000);
    CHECK(ant_icc_phys(p, &pa_before) == 0);
    CHECK(pa_before == base.base + ((uint32_t)p - ANT_ICC_VIRT));   /* the formula */
    fill(p, 2, magic);
    p[0] = (uint32_t)&p[1500];          /* a pointer into the second page */
    p[1500] = 0xCAFEF00D;
    struct ant_msg m = { { 0 }, ANT_ICC_RUN(p, 2) };
    CHECK(ant_call(chk, &m) == chk);
    CHECK(m.w[0] == 0);                 /* p[1500] was changed, so not all MAGIC */
    CHECK(m.w[1] == 0xCAFEF00D);        /* the pointer worked in B */
    CHECK(m.w[2] == pa_before);         /* same frame in B */
    CHECK(m.run == ANT_ICC_RUN(p, 2));  /* and back to me */
    p[1500] = magic + 1;
    m.w[0] = 0;
    m.run = ANT_ICC_RUN(p, 2);
    CHECK(ant_call(chk, &m) == chk && m.w[0] == 1);
    CHECK(ant_icc_free(p, 2) == 0);
    CHECK(stop(chk));
}

/* After sending, the sender's access faults (its mapping is gone). */
static void t_sender_loses_access(void)
{
    int32_t sink = peer("sink");
    CHECK(sink > 0);
    int32_t t = peer_arg("touch", sink);
    CHECK(t > 0);
    CHECK(status_of(t) == ANT_KILLED_BASE + 14);
    CHECK(stop(sink));
}

static int32_t peer_on(uint32_t cpu, const char *what, int32_t n)
{
    char args[64];
    struct ant_procinfo pi;
    fmt_snprintf(args, sizeof args, "%s %d", what, n);
    int32_t pid = ant_spawn("ipcpeer", !strcmp(what, "sink") || !strcmp(what, "echo") ? what : args,
                            PEER_PRIO | ANT_SPAWN_CPU(cpu));
    if (pid > 0 && (ant_procinfo((uint32_t)pid % 64, &pi) != 0 || pi.cpu != cpu))
        check_fail(__LINE__, "a peer placed on the wrong CPU");
    return pid;
}

/* For every CPU: a sender there gives a run to a sink on the next CPU,
 * and then faults on the page it had just written: its mapping left with
 * the run, on the only CPU that could hold it in a TLB, with no IPI. */
static void t_sender_loses_access_every_cpu(void)
{
    uint32_t n = ant_cpus_running();
    for (uint32_t k = 0; k < n; k++) {
        int32_t sink = peer_on((k + 1) % n, "sink", 0);
        CHECK(sink > 0);
        int32_t t = peer_on(k, "touch", sink);
        CHECK(t > 0);
        CHECK(status_of(t) == ANT_KILLED_BASE + 14);
        CHECK(stop(sink));
    }
    CHECK(ant_spawn("ipcpeer", "echo", PEER_PRIO | ANT_SPAWN_CPU(n)) == -ANT_EINVAL);
}

/* Calls between every pair of CPUs: words there and back. */
static void t_calls_across_cpus(void)
{
    uint32_t n = ant_cpus_running();
    for (uint32_t k = 0; k < n; k++) {
        int32_t e = peer_on(k, "echo", 0);
        CHECK(e > 0);
        for (uint32_t i = 0; i < 200; i++) {
            struct ant_msg m = { { i, i + 1, i + 2, i + 3 }, 0 };
            CHECK(ant_call(e, &m) == e);
            CHECK(m.w[0] == i + 1 && m.w[3] == i + 4);
        }
        CHECK(stop(e));
    }
}

/* Runs of 1, 2, 17 and 256 pages, content checked in the receiver. */
static void t_runs_of_sizes(void)
{
    static const uint32_t sizes[] = { 1, 2, 17, 256 };
    uint32_t magic = 0x70000000;
    int32_t chk = peer_arg("check", (int32_t)magic);
    CHECK(chk > 0);
    for (int k = 0; k < 4; k++) {
        uint32_t *p, n = sizes[k];
        struct ant_iccinfo before = icc();
        CHECK(ant_icc_alloc(n, (void **)&p) == 0);
        CHECK(icc().free == before.free - n && icc().mine == before.mine + n);
        fill(p, n, magic);
        struct ant_msg m = { { 0 }, ANT_ICC_RUN(p, n) };
        CHECK(ant_call(chk, &m) == chk);
        CHECK(m.w[0] == 1);
        CHECK(m.run == ANT_ICC_RUN(p, n));
        CHECK(p[n * 1024 - 1] == magic + n - 1);    /* mine again */
        CHECK(ant_icc_free(p, n) == 0);
        CHECK(icc().free == before.free);
    }
    CHECK(stop(chk));
}

/* A -> B -> C -> A, pages and all, through the same frames. */
static void t_chain(void)
{
    int32_t me = ant_getpid();
    int32_t c = peer_arg("relay", me);
    CHECK(c > 0);
    int32_t b = peer_arg("relay", c);
    CHECK(b > 0);
    uint32_t *p, pa, pa_after;
    CHECK(ant_icc_alloc(17, (void **)&p) == 0);
    CHECK(ant_icc_phys(&p[16 * 1024], &pa) == 0);
    for (uint32_t round = 0; round < 50; round++) {
        fill(p, 17, round << 16);
        struct ant_msg m = { { round, 0, 0, 0 }, ANT_ICC_RUN(p, 17) };
        CHECK(ant_send(b, &m) == 0);
        CHECK(ant_icc_phys(p, &pa_after) == -ANT_EPERM);    /* not mine now */
        memset(&m, 0, sizeof m);
        CHECK(ant_recv(c, &m) == c);
        CHECK(m.w[0] == round && m.run == ANT_ICC_RUN(p, 17));
        CHECK(p[0] == round << 16 && p[17 * 1024 - 1] == (round << 16) + 16);
    }
    CHECK(ant_icc_phys(&p[16 * 1024], &pa_after) == 0 && pa_after == pa);
    CHECK(ant_icc_free(p, 17) == 0);
    CHECK(stop(b) && stop(c));
}

/* Every refused send changes nothing: same counts, invariant holds, the
 * pages stay mine and readable, the peer gets nothing. */
static void t_refusals(void)
{
    int32_t echo = peer("echo");
    CHECK(echo > 0);
    uint32_t *p, *q;
    CHECK(ant_icc_alloc(2, (void **)&p) == 0);
    p[0] = 1234;
    struct ant_iccinfo before = icc();
    static const struct {
        uint32_t run;
        int32_t err;
    } bad[] = {
        { ANT_ICC_RUN(0x00400000, 1), -ANT_EINVAL },    /* a private page */
        { ANT_ICC_RUN(0xC0000000, 1), -ANT_EINVAL },    /* a kernel address */
        { ANT_ICC_RUN(0xFFFFF000, 1), -ANT_EINVAL },
        { ANT_ICC_RUN(0xBFFFF000, 1), -ANT_EINVAL },    /* past the region */
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ant_msg m = { { 0 }, bad[i].run };
        CHECK(ant_call(echo, &m) == bad[i].err);
        CHECK(ant_send(echo, &m) == bad[i].err);
    }
    uint32_t end = ANT_ICC_VIRT + before.total * 4096;
    struct ant_msg m = { { 0 }, ANT_ICC_RUN(end - 4096, 2) };           /* runs off the end */
    CHECK(ant_send(echo, &m) == -ANT_EINVAL);
    m.run = ANT_ICC_RUN(ANT_ICC_VIRT, ANT_ICC_RUN_MAX);                  /* more than exist? */
    CHECK(ant_send(echo, &m) == (before.total < ANT_ICC_RUN_MAX ? -ANT_EINVAL : -ANT_EPERM));
    m.run = ANT_ICC_RUN(p, 4);                                           /* half owned */
    CHECK(ant_send(echo, &m) == -ANT_EPERM);
    m.run = ANT_ICC_RUN((uint32_t)p - 4096, 2);                          /* the other half */
    if ((uint32_t)p > ANT_ICC_VIRT)
        CHECK(ant_call(echo, &m) == -ANT_EPERM);
    /* A hole inside a run whose ends are mine: the pages before the hole
     * have moved when it is found, and must come back (3 pages: the odd
     * one first, then a pair whose first is the hole; 4 pages: a pair
     * whose second is the hole). */
    for (uint32_t n = 3; n <= 4; n++) {
        uint32_t *h;
        CHECK(ant_icc_alloc(n, (void **)&h) == 0);
        for (uint32_t k = 0; k < n; k++)
            h[k * 1024] = 0xAB00 + k;
        CHECK(ant_icc_free(h + 1024, 1) == 0);
        struct ant_iccinfo held = icc();
        m.run = ANT_ICC_RUN(h, n);
        CHECK(ant_send(echo, &m) == -ANT_EPERM);
        CHECK(ant_call(echo, &m) == -ANT_EPERM);
        struct ant_iccinfo now = icc();
        CHECK(now.mine == held.mine && now.free == held.free && now.check == 0);
        CHECK(h[0] == 0xAB00 && h[2048] == 0xAB02 && (n < 4 || h[3072] == 0xAB03));
        CHECK(ant_icc_free(h, 1) == 0 && ant_icc_free(h + 2048, n - 2) == 0);
    }
    m.run = ANT_ICC_RUN(p, 1) | 0;
    CHECK(ant_reply(echo, &m) == -ANT_ESRCH);                            /* nobody waits */
    /* a page someone else owns: give one to a holder, then try to send it */
    int32_t holder = peer("hold");
    CHECK(holder > 0);
    CHECK(ant_icc_alloc(1, (void **)&q) == 0);
    m.run = ANT_ICC_RUN(q, 1);
    CHECK(ant_send(holder, &m) == 0);
    CHECK(ant_send(echo, &m) == -ANT_EPERM);
    CHECK(ant_icc_free(q, 1) == -ANT_EPERM);
    CHECK(ant_icc_phys(q, &end) == -ANT_EPERM);
    /* free pages are nobody's */
    CHECK(stop(holder));
    CHECK(ant_icc_free(q, 1) == -ANT_EPERM);
    m.run = ANT_ICC_RUN(q, 1);
    CHECK(ant_send(echo, &m) == -ANT_EPERM);
    struct ant_iccinfo after = icc();
    CHECK(after.free == before.free && after.mine == before.mine && after.check == 0);
    CHECK(p[0] == 1234);
    /* the allocator's own refusals */
    void *r;
    CHECK(ant_icc_alloc(0, &r) == -ANT_EINVAL);
    CHECK(ant_icc_alloc(ANT_ICC_RUN_MAX + 1, &r) == -ANT_EINVAL);
    if (before.total < ANT_ICC_RUN_MAX)
        CHECK(ant_icc_alloc(before.total + 1, &r) == -ANT_ENOSPC);
    CHECK(ant_icc_free(p, 0) == -ANT_EINVAL);
    CHECK(ant_icc_free((void *)((uint32_t)p + 1), 1) == -ANT_EINVAL);
    CHECK(ant_icc_info((struct ant_iccinfo *)0xC0000000) == -ANT_EFAULT);
    CHECK(ant_icc_phys(p, (uint32_t *)0xC0000000) == -ANT_EFAULT);
    CHECK(ant_icc_free(p, 2) == 0);
    CHECK(icc().free == before.free + 2);
    m.run = 0;
    CHECK(ant_call(echo, &m) == echo);      /* and the peer is fine */
    CHECK(stop(echo));
}

/* Allocate every free page, then one more: refused; free them all. */
static void t_exhaust_icc(void)
{
    struct ant_iccinfo before = icc();
    uint32_t got = 0;
    void *runs[64];
    uint32_t sizes[64];
    int n = 0;
    uint32_t want = before.free / 32 + 1;
    while (n < 64) {
        void *r;
        if (ant_icc_alloc(want, &r)) {
            if (want == 1)
                break;
            want /= 2;
            continue;
        }
        runs[n] = r;
        sizes[n++] = want;
        got += want;
    }
    CHECK(got == before.free);
    CHECK(icc().free == 0 && icc().check == 0);
    void *r;
    CHECK(ant_icc_alloc(1, &r) == -ANT_ENOSPC);
    while (n--)
        CHECK(ant_icc_free(runs[n], sizes[n]) == 0);
    CHECK(icc().free == before.free);
}

/* Wait (up to 2 s) until pid is blocked in state (ANT_PS_*): a peer
 * started has done its part by then, however busy the machine is. */
static int blocked_in(int32_t pid, uint32_t state)
{
    struct ant_procinfo info;
    for (uint32_t t0 = ant_uptime(); ant_uptime() - t0 < 200; ant_sleep(1))
        if (ant_procinfo((uint32_t)pid % 64, &info) == 0 && info.pid == (uint32_t)pid &&
            info.state == state)
            return 1;
    return 0;
}

/* Death of the sender (blocked, its message never received), of the
 * receiver (holding pages), of a middle man (holding pages in a blocked
 * send): no page is lost, and callers blocked on the dead get ESRCH. */
static void t_deaths(void)
{
    struct ant_iccinfo base = icc();
    void *p;
    /* sender: blocked in send to a peer that never receives */
    int32_t holder = peer("hold"), s;
    CHECK(holder > 0);
    struct ant_msg m = { { 0 }, 0 };
    CHECK(ant_send(holder, &m) == 0);               /* now it only sleeps */
    s = peer_arg("touch", holder);                  /* allocates, blocks in send */
    CHECK(s > 0 && blocked_in(s, ANT_PS_SEND));
    CHECK(icc().free == base.free - 1 && icc().check == 0);
    CHECK(stop(s));
    CHECK(icc().free == base.free && icc().check == 0);
    CHECK(stop(holder));

    /* receiver: holds 5 pages it was given */
    holder = peer("hold");
    CHECK(holder > 0);
    CHECK(ant_icc_alloc(5, &p) == 0);
    m.run = ANT_ICC_RUN(p, 5);
    CHECK(ant_send(holder, &m) == 0);
    CHECK(icc().mine == base.mine && icc().free == base.free - 5);
    CHECK(stop(holder));
    CHECK(icc().free == base.free && icc().check == 0);

    /* middle man: relays to a peer that never receives again */
    holder = peer("hold");
    CHECK(holder > 0);
    m.run = 0;
    CHECK(ant_send(holder, &m) == 0);
    int32_t mid = peer_arg("relay", holder);
    CHECK(mid > 0);
    CHECK(ant_icc_alloc(3, &p) == 0);
    m.run = ANT_ICC_RUN(p, 3);
    CHECK(ant_send(mid, &m) == 0);                  /* mid now blocks sending on */
    CHECK(blocked_in(mid, ANT_PS_SEND));
    CHECK(icc().free == base.free - 3 && icc().check == 0);
    CHECK(stop(mid));
    CHECK(icc().free == base.free && icc().check == 0);
    CHECK(stop(holder));

    /* a receive from a process that dies is released with ESRCH */
    int32_t v = ant_spawn("victim", "exit0", PEER_PRIO);
    CHECK(v > 0);
    CHECK(ant_recv(v, &m) == -ANT_ESRCH);
    CHECK(status_of(v) == 0);
}

/* A caller blocked in a call on a server that dies is released with ESRCH:
 * the server takes the call and never replies, then is killed. */
static void t_call_to_dying_server(void)
{
    int32_t holder = peer("hold");
    CHECK(holder > 0);
    int32_t c = peer_arg("caller", holder);
    CHECK(c > 0 && blocked_in(c, ANT_PS_REPLY));    /* taken, never answered */
    CHECK(stop(holder));
    CHECK(status_of(c) == ANT_ESRCH);               /* its call returned -ESRCH */
    /* the same with a page: after ESRCH the run is 0, as the page is gone */
    holder = peer("hold");
    CHECK(holder > 0);
    c = peer_arg("callrun", holder);
    CHECK(c > 0 && blocked_in(c, ANT_PS_REPLY));
    CHECK(stop(holder));
    CHECK(status_of(c) == 0);
    struct ant_msg m = { { 0 }, 0 };
    CHECK(ant_call(holder, &m) == -ANT_ESRCH);      /* and calls to the dead fail */
}

/* The way out through sysexit leaves no flag of another thread behind: a
 * peer running with AC and ID set yields to me again and again. */
static void t_no_flags_from_other_threads(void)
{
    if (!ant_has_sysenter())
        return;                                     /* nothing to check */
    int32_t f = peer("flags");
    CHECK(f > 0);
    uint32_t seen = 0;
    for (int i = 0; i < 500; i++) {
        uint32_t fl;
        CHECK(ant_syscall_sysenter(SYS_YIELD, 0, 0, 0, 0) == 0);
        __asm__ volatile("pushfl; popl %0" : "=r"(fl));
        seen |= fl;
    }
    CHECK(!(seen & 0x240000));
    CHECK(stop(f));
}

/* Four workers pass one token with a run of pages in random patterns until
 * 1,000,000 pages have moved; the invariant holds at the end. */
static void t_stress_million_pages(void)
{
    struct ant_iccinfo base = icc();
    int32_t w[4], me = ant_getpid();
    for (int i = 0; i < 4; i++) {
        w[i] = peer_arg("stress", me);
        CHECK(w[i] > 0);
    }
    struct ant_msg m = { { (uint32_t)w[0], (uint32_t)w[1], (uint32_t)w[2], (uint32_t)w[3] }, 0 };
    for (int i = 0; i < 4; i++)
        CHECK(ant_send(w[i], &m) == 0);
    uint32_t *p;
    CHECK(ant_icc_alloc(64, (void **)&p) == 0);
    for (uint32_t i = 0; i < 64; i++)
        p[i * 1024] = p[i * 1024 + 1023] = 0x1000 + i;
    m.w[0] = 0;
    m.w[1] = 1000000;
    m.w[2] = 0x1000;
    m.w[3] = 0;
    m.run = ANT_ICC_RUN(p, 64);
    CHECK(ant_send(w[1], &m) == 0);
    int32_t from = ant_recv(0, &m);
    CHECK(from == w[0] || from == w[1] || from == w[2] || from == w[3]);
    CHECK(m.w[0] >= 1000000 && m.run != 0);
    ant_printf("ipctest: stress: %u pages moved in %u messages\n", m.w[0], m.w[3]);
    CHECK(icc().check == 0);
    CHECK(icc().free == base.free - ANT_ICC_RUN_PAGES(m.run));
    CHECK(ant_icc_free((void *)ANT_ICC_RUN_ADDR(m.run), ANT_ICC_RUN_PAGES(m.run)) == 0);
    for (int i = 0; i < 4; i++)
        CHECK(stop(w[i]));
}

/* The IPC fastpath (sysenter, words only) takes and refuses exactly what
 * the general path does: each case once through int 0x80 (always the
 * general path) and once through sysenter (the fastpath where it
 * applies), and the two give the same result and the same words. */
struct ipc_case {
    const char *what;
    uint32_t call;              /* SYS_CALL, SYS_SEND, SYS_REPLYRECV */
    int32_t peer;
    uint32_t run;
};

static int32_t one_case(int32_t (*entry)(uint32_t, struct ant_msg *), const struct ipc_case *c,
                        struct ant_msg *m)
{
    *m = (struct ant_msg){ { 0x11111111, 0x22222222, 0x33333333, 0x44444444 }, c->run };
    return entry(c->call | (uint32_t)c->peer << 8, m);
}

static void t_fastpath_matches_general(void)
{
    if (!ant_has_sysenter()) {
        ant_printf("ipctest: no sysenter here: the fastpath is never entered\n");
        return;
    }
    int32_t me = ant_getpid(), echo = peer("echo");
    int32_t slow_echo = ant_spawn("ipcpeer", "echo", PEER_PRIO + 1);   /* another priority */
    int32_t dead = peer("echo"), bounce = peer("bounce");
    CHECK(echo > 0 && slow_echo > 0 && dead > 0 && bounce > 0);
    CHECK(stop(dead));          /* its pid names nobody now */
    uint32_t *p, *q;
    CHECK(ant_icc_alloc(2, (void **)&p) == 0);
    int32_t holder = peer("hold");
    CHECK(holder > 0 && ant_icc_alloc(1, (void **)&q) == 0);
    struct ant_msg give = { { 0 }, ANT_ICC_RUN(q, 1) };
    CHECK(ant_send(holder, &give) == 0);        /* q is the holder's now */
    uint32_t end = ANT_ICC_VIRT + icc().total * 4096;
    uint32_t *h;                /* three pages, the middle one not mine */
    CHECK(ant_icc_alloc(3, (void **)&h) == 0 && ant_icc_free(h + 1024, 1) == 0);
    h[0] = 0x1111;
    h[2048] = 0x3333;
    const struct ipc_case cases[] = {
        { "call a waiting server", SYS_CALL, echo, 0 },
        { "call one of another priority", SYS_CALL, slow_echo, 0 },
        { "call myself", SYS_CALL, me, 0 },
        { "call pid 0", SYS_CALL, 0, 0 },
        { "call a dead pid", SYS_CALL, dead, 0 },
        { "call a pid never used", SYS_CALL, 0xFFFFFF, 0 },
        { "send to myself", SYS_SEND, me, 0 },
        { "send to a dead pid", SYS_SEND, dead, 0 },
        { "reply-and-receive to one not calling", SYS_REPLYRECV, echo, 0 },
        { "reply-and-receive to a dead pid", SYS_REPLYRECV, dead, 0 },
        { "call with a run not mine", SYS_CALL, echo, ANT_ICC_RUN(q, 1) },
        { "call with a run half mine", SYS_CALL, echo, ANT_ICC_RUN(p, 3) },
        { "call with a run off the end", SYS_CALL, echo, ANT_ICC_RUN(end - 4096, 2) },
        { "send with a private page", SYS_SEND, echo, ANT_ICC_RUN(0x00400000, 1) },
        { "call with my own run", SYS_CALL, echo, ANT_ICC_RUN(p, 2) },
        { "call with my own page", SYS_CALL, echo, ANT_ICC_RUN(p, 1) },
        { "send with a page I freed", SYS_SEND, echo, ANT_ICC_RUN(h + 1024, 1) },
        { "send with the page past the end", SYS_SEND, echo, ANT_ICC_RUN(end, 1) },
        { "call with the page below the area", SYS_CALL, echo, ANT_ICC_RUN(ANT_ICC_VIRT - 4096, 1) },
        { "call with a hole in my run", SYS_CALL, echo, ANT_ICC_RUN(h, 3) },
        { "send with a hole in my run", SYS_SEND, echo, ANT_ICC_RUN(h, 3) },
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ant_msg a, b;
        int32_t ra = one_case(ant_ipc_int80, &cases[i], &a);
        int32_t rb = one_case(ant_ipc_sysenter, &cases[i], &b);
        if (ra != rb || memcmp(&a.w, &b.w, sizeof a.w) || (ra >= 0 && a.run != b.run)) {
            ant_printf("ipctest: %s: general path %d (%x %x), fastpath %d (%x %x)\n",
                       cases[i].what, ra, a.w[0], a.run, rb, b.w[0], b.run);
            CHECK(!"the fastpath and the general path differ");
        }
    }
    /* A send to a process not yet receiving: it blocks, then goes the
     * same way both times (bounce sends it back). */
    for (int k = 0; k < 2; k++) {
        struct ant_msg m = { { 5, 6, 7, 8 }, 0 };
        CHECK((k ? ant_ipc_sysenter : ant_ipc_int80)(SYS_SEND | (uint32_t)bounce << 8, &m) == 0);
        memset(&m, 0, sizeof m);
        CHECK(ant_recv(bounce, &m) == bounce && m.w[0] == 5 && m.w[3] == 8 && m.run == 0);
    }
    CHECK(stop(holder) && stop(echo) && stop(slow_echo) && stop(bounce));
    CHECK(ant_icc_free(p, 2) == 0);
    CHECK(h[0] == 0x1111 && h[2048] == 0x3333);  /* the moved pages came back */
    CHECK(ant_icc_free(h, 1) == 0 && ant_icc_free(h + 2048, 1) == 0 && icc().check == 0);
}

/* The FPU open (mine, CR0.TS clear) when a call enters the fastpath: it is
 * closed on the way, and my registers are mine after calls both ways. */
static void t_fpu_open_across_fastpath(void)
{
    if (!(ant_cpu_features() & 1)) {
        ant_printf("ipctest: no FPU here\n");
        return;
    }
    int32_t echo = peer("echo");
    CHECK(echo > 0);
    uint16_t cw = 0x0F7F, got = 0;
    for (int i = 0; i < 100; i++) {
        __asm__ volatile("fninit\n\tfldcw %0" : : "m"(cw));   /* the FPU open again */
        struct ant_msg m = { { (uint32_t)i, 0, 0, 0 }, 0 };
        CHECK((ant_has_sysenter() ? ant_ipc_sysenter : ant_ipc_int80)(
                  SYS_CALL | (uint32_t)echo << 8, &m) == echo);
        __asm__ volatile("fnstcw %0" : "=m"(got));
        CHECK(got == cw);
    }
    CHECK(stop(echo));
}

/* A million messages of random words, sends and calls, one in sixteen
 * with a run of stamped pages, to a peer on my CPU that knows from the same
 * generator what each must hold: the words and pages delivered are the
 * ones sent (words-only ones by the fastpath, where it applies). */
#define RANDOM_MESSAGES 1000000u

static void stamp_run(uint32_t *p, uint32_t n, uint32_t tag)
{
    for (uint32_t i = 0; i < n; i++)
        p[i * 1024] = p[i * 1024 + 1023] = tag + i;
}

static void t_random_messages(void)
{
    uint32_t seed = 0xC0FFEE ^ (uint32_t)ant_getpid(), r = seed;
    char args[32];
    fmt_snprintf(args, sizeof args, "random %u", seed);
    /* On my CPU: across CPUs every message would wait for a wake-up IPI,
     * and a million of those take minutes under multi-threaded TCG. */
    int32_t other = ant_spawn("ipcpeer", args, PEER_PRIO | ANT_SPAWN_CPU(ant_my_cpu()));
    CHECK(other > 0);
    uint32_t *pages;
    CHECK(ant_icc_alloc(8, (void **)&pages) == 0);
    uint32_t bad = 0, sends = 0, runs = 0;
    for (uint32_t i = 0; i < RANDOM_MESSAGES && !bad; i++) {
        uint32_t w[4];
        for (int k = 0; k < 4; k++) {
            r = r * 1103515245u + 12345u;
            w[k] = r ^ (r >> 15);
        }
        int is_send = (w[0] & 7) == 0, with_run = (w[1] & 15) == 0;
        uint32_t n = 1 + (w[3] & 7);
        struct ant_msg m = { { w[0], w[1], w[2], w[3] }, 0 };
        if (with_run) {
            stamp_run(pages, n, w[2]);
            m.run = ANT_ICC_RUN(pages, n);
            runs++;
        }
        if (is_send) {
            sends++;
            if (ant_send(other, &m) != 0)
                bad = i + 1;
            if (with_run) {             /* n of them are the peer's now: fresh ones */
                CHECK(ant_icc_free(pages, n) == -ANT_EPERM);
                CHECK(n == 8 || ant_icc_free(pages + n * 1024, 8 - n) == 0);
                CHECK(ant_icc_alloc(8, (void **)&pages) == 0);
            }
            continue;
        }
        if (ant_call(other, &m) != other)
            bad = i + 1;
        for (int k = 0; k < 4; k++)
            if (m.w[k] != ((w[k] ^ 0x5A5A5A5Au) + i))
                bad = i + 1;
        if (with_run && m.run != ANT_ICC_RUN(pages, n))
            bad = i + 1;            /* the pages come back with the reply */
    }
    if (bad)
        ant_printf("ipctest: random messages: message %u was wrong\n", bad - 1);
    CHECK(bad == 0);
    CHECK(status_of(other) == 0);
    ant_printf("ipctest: random messages: %u, %u of them sends, %u with pages\n",
               RANDOM_MESSAGES, sends, runs);
    CHECK(ant_icc_free(pages, 8) == 0);
}

/* Interrupts as messages: an RTC driver in ring 3 takes 20 of them. */
static void t_irq_messages(void)
{
    int32_t d = ant_spawn("ipcpeer", "rtc 20", PEER_PRIO | ANT_SPAWN_PRIV);
    CHECK(d > 0);
    CHECK(status_of(d) == 0);
}

static void t_irq_and_port_rights(void)
{
    CHECK(ant_irq_bind(0) == -ANT_EBUSY);           /* the inner core's timer */
    CHECK(ant_irq_bind(2) == -ANT_EINVAL);          /* the cascade */
    CHECK(ant_irq_bind(16) == -ANT_EINVAL);
    CHECK(ant_irq_bind(-1) == -ANT_EINVAL);
    CHECK(ant_irq_ack(9) == -ANT_EPERM);            /* not mine */
    CHECK(ant_irq_ack(99) == -ANT_EINVAL);
    CHECK(ant_ioperm(0x10000, 1) == -ANT_EINVAL);
    CHECK(ant_ioperm(0xFFFF, 2) == -ANT_EINVAL);
    CHECK(ant_ioperm(0x70, 0) == -ANT_EINVAL);
    CHECK(ant_ioperm(0x20, 2) == -ANT_EPERM);      /* the inner core's PIC */
    CHECK(ant_ioperm(0x3F, 2) == -ANT_EPERM);      /* runs into the PIT */
    CHECK(ant_ioperm(0x92, 1) == -ANT_EPERM);      /* fast reset */
    CHECK(ant_ioperm(0x4D0, 2) == -ANT_EPERM);     /* the PICs' edge/level registers */
    CHECK(ant_ioperm(0x22, 1) == -ANT_EPERM);      /* the IMCR */
    CHECK(ant_ioperm(0xF4, 1) == -ANT_EPERM);      /* QEMU's exit port */
    /* a child without rights gets none, and cannot be given any */
    int32_t c = ant_spawn("ipcpeer", "rtc 1", PEER_PRIO);
    CHECK(c > 0);
    CHECK(status_of(c) == 3);                       /* ioperm said EPERM */
    c = ant_spawn("ipcpeer", "inb", PEER_PRIO);
    CHECK(c > 0);
    CHECK(status_of(c) == ANT_KILLED_BASE + 13);    /* the port faults */
}

/* Ports above 0x3FF (PCI configuration, a bus master's), and the TSS
 * bitmap as it passes between processes that hold different ports. */
static void t_high_ports(void)
{
    CHECK(ant_ioperm(0xCF8, 8) == 0);
    outl(0xCF8, 0x80000000u);                       /* 00:00.0, the host bridge */
    CHECK((inl(0xCFC) & 0xFFFF) != 0xFFFF);
    int32_t c = ant_spawn("ipcpeer", "ports 49152 49152", PEER_PRIO | ANT_SPAWN_PRIV);
    CHECK(c > 0 && status_of(c) == 0);              /* its own port, in chunk 24 */
    /* It holds only 0xC000; I hold 0xCF8 (chunk 1): my grant must not
     * show through while it runs. */
    c = ant_spawn("ipcpeer", "ports 49152 3324", PEER_PRIO | ANT_SPAWN_PRIV);
    CHECK(c > 0 && status_of(c) == ANT_KILLED_BASE + 13);
    c = ant_spawn("ipcpeer", "ports 3324 49152", PEER_PRIO | ANT_SPAWN_PRIV);
    CHECK(c > 0 && status_of(c) == ANT_KILLED_BASE + 13);
}

/* The ICC pages of a process that had a device (a driver: a DMA it
 * started may still land in them) stay in quarantine until a driver says
 * its controller is reset; another's are free at once. */
static void t_driver_pages_quarantined(void)
{
    uint32_t before = icc().free;
    int32_t c = ant_spawn("ipcpeer", "icc_exit 5", PEER_PRIO);
    CHECK(c > 0 && status_of(c) == 0);
    CHECK(icc().free == before);
    c = ant_spawn("ipcpeer", "icc_exit 5", PEER_PRIO | ANT_SPAWN_PRIV);
    CHECK(c > 0 && status_of(c) == 0);
    CHECK(icc().free == before);                    /* rights, but no device */
    c = ant_spawn("ipcpeer", "icc_exit_io 5", PEER_PRIO | ANT_SPAWN_PRIV);
    CHECK(c > 0 && status_of(c) == 0);
    CHECK(icc().free == before - 5 && icc().check == 0);
    CHECK(ant_sleep(20) == 0 && icc().free == before - 5);     /* still held */
    c = ant_spawn("ipcpeer", "icc_exit_io 1", PEER_PRIO);      /* no rights: no say */
    CHECK(c > 0 && status_of(c) == 3 && icc().free == before - 5);
    CHECK(ant_dma_reset() == 0);
    CHECK(icc().free == before && icc().check == 0);
}

/* SYS_MAPIO: device memory (not RAM), never RAM or the APICs. */
static void t_mapio_device_memory(void)
{
    struct ant_iccinfo info = icc();
    CHECK(ant_mapio(0x40000000, 0x00200000, 1) == -ANT_EINVAL);    /* pool RAM */
    CHECK(ant_mapio(0x40000000, 0x00100000, 1) == -ANT_EINVAL);    /* kernel text */
    CHECK(ant_mapio(0x40000000, info.base, 1) == -ANT_EINVAL);     /* the ICC region */
    CHECK(ant_mapio(0x40000000, 0xFEE00000, 1) == -ANT_EINVAL);    /* the local APIC */
    CHECK(ant_mapio(0x40000000, 0xFEC00000, 1) == -ANT_EINVAL);    /* the I/O APIC */
    CHECK(ant_mapio(0x40000000, 0xFFFFF000, 2) == -ANT_EINVAL);    /* wraps */
    CHECK(ant_mapio(0x40000000, 0xFD000000, ANT_MAPIO_MAX + 1) == -ANT_EINVAL);
    CHECK(ant_mapio(0x40000000, 0xFD000001, 1) == -ANT_EINVAL);
    CHECK(ant_mapio(0x80000000, 0xFD000000, 1) == -ANT_EINVAL);    /* not private */
    uint32_t before = icc().free;
    CHECK(ant_mapio(0x40000000, 0xFD000000, 4) == 0);
    (void)*(volatile uint32_t *)0x40003000;         /* mapped: no fault */
    CHECK(ant_mapio(0x40001000, 0xFD000000, 1) == -ANT_EBUSY);
    CHECK(ant_munmap(0x40000000, 4 * 4096) == 0);
    CHECK(ant_mapio(0x40000000, 0xFD000000, 1) == 0);  /* unmapped: free again */
    CHECK(ant_munmap(0x40000000, 4096) == 0);
    CHECK(icc().free == before && icc().check == 0);
}

int main(const char *args)
{
    struct ant_iccinfo info = icc();
    ant_printf("ipctest: ICC region at %08x, %u pages, %u free\n", info.base, info.total, info.free);
    run("inline_call_reply", t_inline_call_reply);
    run("fpu_open_across_fastpath", t_fpu_open_across_fastpath);
    run("send_recv_and_errors", t_send_recv_and_errors);
    run("both_entries", t_both_entries);
    run("transfer_bytes_and_pointers", t_transfer_bytes_and_pointers);
    run("sender_loses_access", t_sender_loses_access);
    run("sender_loses_access_every_cpu", t_sender_loses_access_every_cpu);
    run("calls_across_cpus", t_calls_across_cpus);
    run("runs_of_1_2_17_256", t_runs_of_sizes);
    run("chain_a_b_c_a", t_chain);
    run("refusals_change_nothing", t_refusals);
    run("exhaust_icc", t_exhaust_icc);
    run("deaths_lose_no_page", t_deaths);
    run("call_to_dead_server", t_call_to_dying_server);
    run("irq_and_port_rights", t_irq_and_port_rights);
    run("irq_messages", t_irq_messages);
    run("high_ports", t_high_ports);
    run("mapio_device_memory", t_mapio_device_memory);
    run("driver_pages_quarantined", t_driver_pages_quarantined);
    run("no_flags_from_other_threads", t_no_flags_from_other_threads);
    run("stress_million_pages", t_stress_million_pages);
    run("fastpath_matches_general", t_fastpath_matches_general);
    run("random_million_messages", t_random_messages);
    return check_finish("ipctest", args);
}
