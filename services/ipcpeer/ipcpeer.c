/*
 * ipcpeer: the other end of the IPC tests and benchmarks. Its argument
 * picks a behaviour:
 *   echo            serve calls: reply w[i] + 1 and send back any pages
 *   sink            receive forever; free any pages that arrive
 *   relay PID       pass every message on to PID, pages and all
 *   bounce          receive a message and send it straight back to its sender
 *   random SEED     the other end of ipctest's random messages: the same
 *                   generator from SEED tells it every message to expect
 *                   (a call or a send, its words, a run of stamped pages);
 *                   it checks each, answers a call with the words mixed
 *                   and any pages back (a send's it frees), and ends with
 *                   0 after the last,
 *                   or with the number of the first that was wrong + 16
 *   hold            receive one message with pages, then sleep holding them
 *   check MAGIC     serve calls with runs: reply w0 = 1 if every word of
 *                   every page is MAGIC plus its page index, else 0; w1 =
 *                   the value behind the pointer in the run's first word;
 *                   w2 = the physical address of the run; pages go back
 *   flags           set EFLAGS.AC and ID, then yield through int 0x80 forever
 *   caller PID      call PID once; exit with the negated result
 *   callrun PID     call PID with a page; exit 0 if released with ESRCH,
 *                   the run 0 and the page no longer mine
 *   touch SINK      allocate a page, send it to SINK, then read it: must die
 *   stress COORD    a worker of the ICC stress test (see stress() below)
 *   rtc N           an RTC driver: N periodic interrupts as messages
 *   inb             read an I/O port without permission: must die
 */
#include "lib/ant.h"
#include "lib/io.h"
#include "lib/string.h"

/* A server: answer every call with handle's reply, forever. */
static void serve(void (*handle)(struct ant_msg *m))
{
    struct ant_msg m;
    int32_t from = ant_recv(0, &m);
    for (;;) {
        if (from <= 0) {
            from = ant_recv(0, &m);
            continue;
        }
        handle(&m);
        from = ant_replyrecv(from, &m);
    }
}

static void echo(struct ant_msg *m)
{
    for (int i = 0; i < 4; i++)
        m->w[i]++;
}

static void sink(void)
{
    struct ant_msg m;
    for (;;)
        if (ant_recv(0, &m) > 0 && m.run)
            ant_icc_free((void *)ANT_ICC_RUN_ADDR(m.run), ANT_ICC_RUN_PAGES(m.run));
}

static void relay(int32_t to)
{
    struct ant_msg m;
    for (;;)
        if (ant_recv(0, &m) > 0)
            ant_send(to, &m);
}

static void bounce(void)
{
    struct ant_msg m;
    for (;;) {
        int32_t from = ant_recv(0, &m);
        if (from > 0)
            ant_send(from, &m);
    }
}

static uint32_t check_magic;

static void check(struct ant_msg *m)
{
    uint32_t magic = check_magic;
    uint32_t ok = m->run != 0, behind = 0, pa = 0;
    if (m->run) {
        uint32_t *p = (uint32_t *)ANT_ICC_RUN_ADDR(m->run);
        uint32_t first = p[0];
        p[0] = magic;               /* the pointer's slot: checked apart */
        for (uint32_t i = 0; i < ANT_ICC_RUN_PAGES(m->run) * 1024; i++)
            ok &= p[i] == magic + i / 1024;
        p[0] = first;
        if (first >= ANT_ICC_RUN_ADDR(m->run) &&
            first < ANT_ICC_RUN_ADDR(m->run) + ANT_ICC_RUN_PAGES(m->run) * 4096 - 3)
            behind = *(const uint32_t *)first;
        ant_icc_phys(p, &pa);
    }
    m->w[0] = ok;
    m->w[1] = behind;
    m->w[2] = pa;
}

static int touch_after_send(int32_t sink)
{
    struct ant_msg m = { { 0 }, 0 };
    volatile uint32_t *p;
    if (ant_icc_alloc(1, (void **)&p))
        return 3;
    p[0] = 42;
    m.run = ANT_ICC_RUN(p, 1);
    if (ant_send(sink, &m))
        return 4;
    return p[0] == 42 ? 0 : 1;          /* must fault before returning */
}

/* The stress test: the coordinator sends each worker the four workers'
 * pids, then one token, a message with a run of pages. Its holder checks
 * the tag stamped in each page, now and then trades the run for a fresh
 * one of another size, stamps a new tag and sends it to a random other
 * worker. w0 counts pages passed; past the goal in w1 the token goes back
 * to the coordinator. One token, so synchronous sends cannot deadlock. */
static uint32_t rng;
static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 16;
}

static void stamp(uint32_t run, uint32_t tag)
{
    uint32_t *p = (uint32_t *)ANT_ICC_RUN_ADDR(run);
    for (uint32_t i = 0; i < ANT_ICC_RUN_PAGES(run); i++)
        p[i * 1024] = p[i * 1024 + 1023] = tag + i;
}

static int stamped(uint32_t run, uint32_t tag)
{
    const uint32_t *p = (const uint32_t *)ANT_ICC_RUN_ADDR(run);
    for (uint32_t i = 0; i < ANT_ICC_RUN_PAGES(run); i++)
        if (p[i * 1024] != tag + i || p[i * 1024 + 1023] != tag + i)
            return 0;
    return 1;
}

static int stress(int32_t coord)
{
    struct ant_msg m;
    int32_t peers[4], me = ant_getpid();
    if (ant_recv(coord, &m) != coord)
        return 3;
    for (int i = 0; i < 4; i++)
        peers[i] = (int32_t)m.w[i];
    rng = (uint32_t)me * 2654435761u;
    for (;;) {
        if (ant_recv(0, &m) <= 0 || !m.run)
            return 4;
        if (!stamped(m.run, m.w[2])) {
            ant_printf("ipcpeer: stress: pid %d got a page with a wrong tag\n", me);
            return 5;
        }
        m.w[0] += ANT_ICC_RUN_PAGES(m.run);
        m.w[3]++;
        if (m.w[0] >= m.w[1]) {
            if (ant_send(coord, &m))
                return 6;
            continue;
        }
        if (rnd() % 32 == 0) {
            void *fresh;
            uint32_t n = 1 + rnd() % 128;
            if (ant_icc_free((void *)ANT_ICC_RUN_ADDR(m.run), ANT_ICC_RUN_PAGES(m.run)) ||
                ant_icc_alloc(n, &fresh))
                return 7;
            m.run = ANT_ICC_RUN(fresh, n);
        }
        m.w[2] = rnd() << 8;
        stamp(m.run, m.w[2]);
        int32_t to;
        do
            to = peers[rnd() % 4];
        while (to == me);
        if (ant_send(to, &m))
            return 8;
    }
}

/* ipctest's random messages, as both ends see them (ipctest.c has the same
 * generator): message i is a send or a call, four words, maybe a run. */
#define RANDOM_MESSAGES 1000000u

static uint32_t mix(uint32_t w, uint32_t i)
{
    return (w ^ 0x5A5A5A5Au) + i;
}

static int random_messages(uint32_t seed)
{
    struct ant_msg m;
    uint32_t r = seed;
    int32_t from = ant_recv(0, &m);
    for (uint32_t i = 0; i < RANDOM_MESSAGES; i++) {
        uint32_t w[4];
        for (int k = 0; k < 4; k++) {
            r = r * 1103515245u + 12345u;
            w[k] = r ^ (r >> 15);
        }
        int is_send = (w[0] & 7) == 0, with_run = (w[1] & 15) == 0;
        if (from <= 0 || m.w[0] != w[0] || m.w[1] != w[1] || m.w[2] != w[2] || m.w[3] != w[3])
            return (int)(i + 16);
        if (with_run != (m.run != 0) || (m.run && !stamped(m.run, w[2])))
            return (int)(i + 16);
        if (is_send && m.run &&                 /* a send's pages stay here: let them go */
            ant_icc_free((void *)ANT_ICC_RUN_ADDR(m.run), ANT_ICC_RUN_PAGES(m.run)))
            return 14;
        if (i + 1 == RANDOM_MESSAGES && is_send)
            return 0;
        if (is_send) {
            from = ant_recv(0, &m);
            continue;
        }
        for (int k = 0; k < 4; k++)
            m.w[k] = mix(m.w[k], i);
        if (i + 1 == RANDOM_MESSAGES)
            return ant_reply(from, &m) == 0 ? 0 : 15;
        from = ant_replyrecv(from, &m);
    }
    return 0;
}

static uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
    outb(0x70, reg);
    outb(0x71, v);
}

/* Periodic RTC interrupts (IRQ 8) as messages: each is acknowledged by
 * reading register C and then ant_irq_ack. Exit 0 after n of them. */
static int rtc(int32_t n)
{
    struct ant_msg m;
    if (ant_ioperm(0x70, 2) || ant_irq_bind(8))
        return 3;
    cmos_write(0x0A, (uint8_t)((cmos_read(0x0A) & 0xF0) | 6));   /* 1024 Hz */
    cmos_write(0x0B, (uint8_t)(cmos_read(0x0B) | 0x40));         /* periodic on */
    cmos_read(0x0C);
    int32_t got = 0;
    while (got < n) {
        int32_t from = ant_recv(0, &m);
        if (from != 0 || m.w[0] != 8)
            return 4;
        got++;
        cmos_read(0x0C);
        if (ant_irq_ack(8))
            return 5;
        if (got == n / 2)
            ant_sleep(2);               /* the next IRQ comes while not receiving */
    }
    cmos_write(0x0B, (uint8_t)(cmos_read(0x0B) & ~0x40));
    cmos_read(0x0C);
    return 0;
}

/* "GRANT PROBE": take port GRANT, let the other I/O processes run (the
 * TSS bitmap changes hands), then read port PROBE: it must fault unless it
 * is GRANT. */
static int ports(const char *args)
{
    uint32_t grant = (int32_t)str_decimal(args), probe = 0;
    const char *p = args;
    while (*p && *p != ' ')
        p++;
    probe = (int32_t)str_decimal(p + (*p == ' '));
    if (ant_ioperm(grant, 1))
        return 3;
    for (int i = 0; i < 5; i++)
        ant_sleep(1);
    inb((uint16_t)grant);
    inb((uint16_t)probe);
    return 0;
}

int main(const char *args)
{
    if (!strcmp(args, "echo"))
        serve(echo);
    else if (!strcmp(args, "sink"))
        sink();
    else if (!strncmp(args, "relay ", 6))
        relay((int32_t)str_decimal(args + 6));
    else if (!strncmp(args, "random ", 7))
        return random_messages((uint32_t)str_decimal(args + 7));
    else if (!strcmp(args, "bounce"))
        bounce();
    else if (!strncmp(args, "check ", 6)) {
        check_magic = (uint32_t)(int32_t)str_decimal(args + 6);
        serve(check);
    }
    else if (!strcmp(args, "flags")) {       /* AC and ID set, yielding forever */
        __asm__ volatile("pushfl; orl $0x240000, (%%esp); popfl" ::: "memory", "cc");
        for (;;)
            ant_syscall_int80(SYS_YIELD, 0, 0, 0, 0);
    } else if (!strncmp(args, "callrun ", 8)) {
        struct ant_msg m = { { 0 }, 0 };
        void *p;
        if (ant_icc_alloc(1, &p))
            return 3;
        m.run = ANT_ICC_RUN(p, 1);
        uint32_t pa;
        int32_t r = ant_call((int32_t)str_decimal(args + 8), &m);
        return r == -ANT_ESRCH && m.run == 0 && ant_icc_phys(p, &pa) == -ANT_EPERM ? 0 : 1;
    } else if (!strncmp(args, "caller ", 7)) {
        struct ant_msg m = { { 0 }, 0 };
        return -ant_call((int32_t)str_decimal(args + 7), &m);
    } else if (!strncmp(args, "touch ", 6))
        return touch_after_send((int32_t)str_decimal(args + 6));
    else if (!strncmp(args, "stress ", 7))
        return stress((int32_t)str_decimal(args + 7));
    else if (!strncmp(args, "rtc ", 4))
        return rtc((int32_t)str_decimal(args + 4));
    else if (!strcmp(args, "inb"))
        return inb(0x71) == 0xEE ? 0 : 1;   /* must fault first */
    else if (!strncmp(args, "ports ", 6))
        return ports(args + 6);
    else if (!strncmp(args, "icc_exit ", 9)) {     /* hold pages, then end */
        void *p;
        return ant_icc_alloc((int32_t)str_decimal(args + 9), &p) == 0 ? 0 : 3;
    } else if (!strncmp(args, "icc_exit_io ", 12)) {  /* the same, with a device's port */
        void *p;
        return ant_ioperm(0x70, 2) == 0 && ant_icc_alloc((int32_t)str_decimal(args + 12), &p) == 0 ? 0 : 3;
    }
    else if (!strcmp(args, "hold")) {
        struct ant_msg m;
        ant_recv(0, &m);
        for (;;)
            ant_sleep(1000);
    }
    ant_printf("ipcpeer: unknown behaviour '%s'\n", args);
    return 2;
}
