/*
 * fuzz SEED N: N system calls with hostile arguments, over every call
 * number (and numbers past the last), through both entries. Arguments
 * are drawn from what breaks kernels: zero, all ones, the 2GB/3GB
 * borders, kernel addresses, unowned ICC pages, huge lengths, random
 * words, and a buffer of my own. Run without rights (the hostile suite
 * and `make fuzz` check afterwards that the inner core's checks hold and
 * every frame came back).
 *
 * It never asks to end or to wait for ever: no SYS_EXIT; sleeps of at most
 * a tick; an alarm before every receive from anyone; calls only to servers
 * that always answer, or to pids that do not exist; no PM_WAIT; and no
 * output pointer or munmap into my own program and stack, so that I live
 * to make all N calls.
 */
#include "lib/ant.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "lib/svc.h"

#define BUF_BYTES 8192
#define OWN_LO 0x00400000u          /* my program ... */
#define OWN_HI 0x00800000u
#define STACK_LO 0x7FF00000u        /* ... and my stack */

static uint8_t buf[BUF_BYTES] __attribute__((aligned(4096)));
static uint32_t rng;
static int32_t peers[8];
static uint32_t npeers;
static uint32_t icc_run;            /* a run of mine, for messages */

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static int mine(uint32_t a)
{
    return (a >= OWN_LO && a < OWN_HI) || a >= STACK_LO - 0x100000u;
}

/* A hostile word. */
static uint32_t word(void)
{
    static const uint32_t edges[] = {
        0, 1, 2, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000u, 0x7FFFF000, 0xBFFFF000u,
        0xC0000000u, 0xC0100000u, 0xC0400000u, 0xC0800000u, 0xFFFFF000u, 4096, 4095,
        0x00400000u, 0x80001000u, 64, 63, 255, 0x1000000u, 0xFFFFFE, 0xFFFFFF,
    };
    uint32_t r = next();
    switch (r % 6) {
    case 0: return edges[next() % (sizeof edges / sizeof edges[0])];
    case 1: return next() % 70;
    case 2: return (uint32_t)buf + next() % BUF_BYTES;
    case 3: return next() & 0xFFFFF000u;
    case 4: return next() % 0x3000;
    default: {
        uint32_t w = next();
        return mine(w) ? (uint32_t)buf : w;
    }
    }
}

/* A peer for a message: one that always answers, or none at all. */
static int32_t peer(void)
{
    uint32_t r = next() % 4;
    if (r == 0 && npeers)
        return peers[next() % npeers];
    if (r == 1)
        return 0x00FFFFF0 + (int32_t)(next() % 15);  /* pids nobody has */
    if (r == 2)
        return ant_getpid();
    return (int32_t)(next() & 0xFFFFFF);
}

static uint32_t run_word(void)
{
    uint32_t r = next() % 4;
    if (r == 0)
        return 0;
    if (r == 1 && icc_run)
        return icc_run;
    return word();
}

static int32_t one_message(uint32_t nr)
{
    struct ant_msg m = {{word(), word(), word(), word()}, run_word()};
    int32_t to = peer();
    if (m.w[0] == PM_WAIT)
        m.w[0] = PM_CHECK;          /* an answer that may never come */
    if (nr == SYS_RECV || nr == SYS_REPLYRECV) {
        /* A receive waits: from a live pid maybe for ever, from anyone
         * until the alarm's note a tick later. So mostly pids that do not
         * exist or my own (errors at once), now and then anyone. */
        if (next() % 32) {
            nr = nr == SYS_REPLYRECV ? SYS_REPLY : nr;
            to = next() & 1 ? ant_getpid() : 0x00FFFFF0 + (int32_t)(next() % 15);
        } else {
            to = nr == SYS_RECV ? 0 : to;
            ant_alarm(1);
        }
    }
    uint32_t eax = nr | (uint32_t)to << 8;
    if (!ant_has_sysenter() || (next() & 1))
        return ant_ipc_int80(eax, &m);
    return ant_ipc_sysenter(eax, &m);
}

static int32_t one_call(uint32_t nr)
{
    uint32_t a[4] = {word(), word(), word(), word()};
    switch (nr) {
    case SYS_SLEEP:                 /* a tick now and then; else too long (EINVAL) */
        a[0] = next() % 16 ? 0x80000000u | a[0] : 1;
        break;
    case SYS_ALARM: a[0] %= 50; break;
    case SYS_WRITE: a[1] %= 8; break;          /* the log stays readable */
    case SYS_MUNMAP:
        if (a[0] + a[1] < a[0] || (a[0] < OWN_HI && a[0] + a[1] > OWN_LO) ||
            a[0] + a[1] > STACK_LO - 0x100000u)
            a[0] = 0x20000000u;     /* not my program or stack */
        break;
    default: break;
    }
    if (next() & 1)
        return ant_syscall_int80(nr, a[0], a[1], a[2], a[3]);
    return ant_has_sysenter() ? ant_syscall_sysenter(nr, a[0], a[1], a[2], a[3])
                              : ant_syscall_int80(nr, a[0], a[1], a[2], a[3]);
}

static void find_peers(void)
{
    static const char *const names[] = {"pager", "disk"};
    int32_t pm = pm_pid();
    struct ant_msg m = {{PM_NAMESERVER, 0, 0, 0}, 0};
    if (pm > 0)
        peers[npeers++] = pm;
    if (pm_call(&m) == 0 && m.w[1])
        peers[npeers++] = (int32_t)m.w[1];
    for (uint32_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int32_t p = ns_lookup(names[i]);
        if (p > 0)
            peers[npeers++] = p;
    }
}

int main(const char *args)
{
    uint32_t seed = 0, n = 0, ok = 0, calls = 0;
    const char *p = args;
    while (*p >= '0' && *p <= '9')
        seed = seed * 10 + (uint32_t)(*p++ - '0');
    if (*p++ != ' ')
        return 0;                   /* not "SEED N": started by chance */
    while (*p >= '0' && *p <= '9')
        n = n * 10 + (uint32_t)(*p++ - '0');
    rng = seed * 2654435761u | 1;
    find_peers();
    void *page;
    if (ant_icc_alloc(1, &page) == 0)
        icc_run = ANT_ICC_RUN(page, 1);
    for (calls = 0; calls < n; calls++) {
        uint32_t nr = next() % (SYS_NCALLS + 8);
        if (next() % 64 == 0)
            nr = next();            /* far past the last */
        if (nr == SYS_EXIT)
            nr = SYS_GETPID;
        int ipc = nr >= SYS_SEND && nr <= SYS_REPLYRECV;
        int32_t r = ipc ? one_message(nr) : one_call(nr);
        ok += r >= 0;
        if (icc_run && next() % 256 == 0) {         /* is my run still mine? */
            if (ant_icc_free((void *)ANT_ICC_RUN_ADDR(icc_run), 1) == 0 &&
                ant_icc_alloc(1, &page) == 0)
                icc_run = ANT_ICC_RUN(page, 1);
            else
                icc_run = ant_icc_alloc(1, &page) == 0 ? ANT_ICC_RUN(page, 1) : 0;
        }
    }
    ant_alarm(0);
    ant_printf("fuzz: seed %u: %u calls, %u returned >= 0, the rest an error; I am still here\n",
               seed, calls, ok);
    return 0;
}
