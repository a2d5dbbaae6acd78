/*
 * ipcpeer: the other end of the IPC tests and benchmarks. Its argument
 * picks a behaviour:
 *   echo            serve calls: reply w[i] + 1 and send back any pages
 *   sink            receive forever; free any pages that arrive
 *   relay PID       pass every message on to PID, pages and all
 *   bounce          receive a message and send it straight back to its sender
 *   hold            receive one message with pages, then sleep holding them
 *   check MAGIC     receive runs, check every word of every page is MAGIC
 *                   plus its page index, reply 1 if so, 0 if not
 */
#include "lib/ant.h"
#include "lib/string.h"

static int32_t number(const char *s)
{
    int32_t n = 0;
    while (*s >= '0' && *s <= '9')
        n = n * 10 + (*s++ - '0');
    return n;
}

static void echo(void)
{
    struct ant_msg m;
    int32_t from = ant_recv(0, &m);
    for (;;) {
        if (from <= 0) {
            from = ant_recv(0, &m);
            continue;
        }
        for (int i = 0; i < 4; i++)
            m.w[i]++;
        from = ant_replyrecv(from, &m);
    }
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

static void check(uint32_t magic)
{
    struct ant_msg m;
    int32_t from = ant_recv(0, &m);
    for (;;) {
        if (from <= 0) {
            from = ant_recv(0, &m);
            continue;
        }
        uint32_t ok = m.run != 0;
        if (m.run) {
            const uint32_t *p = (const uint32_t *)ANT_ICC_RUN_ADDR(m.run);
            for (uint32_t i = 0; i < ANT_ICC_RUN_PAGES(m.run) * 1024; i++)
                ok &= p[i] == magic + i / 1024;
        }
        m.w[0] = ok;
        from = ant_replyrecv(from, &m);
    }
}

int main(const char *args)
{
    if (!strcmp(args, "echo"))
        echo();
    else if (!strcmp(args, "sink"))
        sink();
    else if (!strncmp(args, "relay ", 6))
        relay(number(args + 6));
    else if (!strcmp(args, "bounce"))
        bounce();
    else if (!strncmp(args, "check ", 6))
        check((uint32_t)number(args + 6));
    else if (!strcmp(args, "hold")) {
        struct ant_msg m;
        ant_recv(0, &m);
        for (;;)
            ant_sleep(1000);
    }
    ant_printf("ipcpeer: unknown behaviour '%s'\n", args);
    return 2;
}
