/*
 * pipeline: the zero-copy demonstration. Three processes pass buffers of
 * ICC pages along a chain, and the last one proves that no byte moved:
 *
 *   producer --run--> filter --same run--> consumer
 *
 *   pipeline [N [P [quiet]]]     the producer (N buffers of P pages): starts
 *                                the other two as its children, fills and
 *                                sends each buffer, ends with the
 *                                consumer's status
 *   pipeline filter CONSUMER     XORs the data bytes of each buffer in
 *                                place and passes the run on
 *   pipeline consumer N P [quiet]  checks each buffer: sequence, every data
 *                                word, and the physical address of every
 *                                page against the one the producer saw
 *
 * A buffer's first page starts with a header (struct header); the data are
 * every word after it, a pattern of the sequence number and the offset.
 * A message: w0 = MSG_BUFFER with the run, or MSG_END (no run) after the
 * last. Any process that fails prints one "pipeline: FAILED" line and
 * ends; its neighbours see ESRCH and end too.
 */
#include "lib/svc.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define PAGE 4096u
#define MAGIC 0x50495045u           /* "PIPE" */
#define XOR_WORD 0x5A5A5A5Au        /* the filter's change: 0x5A in every byte */
#define N_DEFAULT 64
#define N_MAX 100000u
#define P_DEFAULT 4
#define P_MAX 64
#define TICK_MS 10
#define MAX_ARGS 4
#define PRIO 4                      /* the process manager's, for programs */

enum { MSG_BUFFER = 1, MSG_END };

/* How the producer's part ended. */
enum { SENT_ALL, MY_FAILURE, CHILD_GONE };

struct header {
    uint32_t magic;
    uint32_t seq;
    uint32_t npages;
    uint32_t phys[P_MAX];           /* of each page, as the producer saw it */
};
#define DATA_FIRST (sizeof(struct header) / 4)   /* first data word */

/* What the producer writes in data word w of buffer seq. */
static uint32_t pattern(uint32_t seq, uint32_t w)
{
    return w * 0x9E3779B1u + seq * 0x85EBCA77u + 1;
}

/* Split args in place on spaces; returns the number of words. */
static int split(char *s, char **words)
{
    int n = 0;
    while (*s && n < MAX_ARGS) {
        while (*s == ' ')
            *s++ = 0;
        if (*s)
            words[n++] = s;
        while (*s && *s != ' ')
            s++;
    }
    return n;
}

/* A decimal in 1..max; 0 if s is anything else. */
static uint32_t number(const char *s, uint32_t max)
{
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        v = v * 10 + (uint64_t)(*p - '0');
        if (*p < '0' || *p > '9' || v > max)
            return 0;
    }
    return (uint32_t)v;
}

static int failed(const char *what, uint32_t seq, int32_t err)
{
    con_printf("pipeline: FAILED: %s (buffer %u): %s\n", what, seq, ant_strerror(err));
    return 1;
}

/* ---- the producer ---- */

/* Buffer seq in a fresh run of p pages: the header, then the pattern. */
static int32_t fill(uint32_t seq, uint32_t p, uint32_t *run)
{
    void *addr;
    int32_t r = ant_icc_alloc(p, &addr);
    if (r < 0)
        return r;
    struct header *h = addr;
    uint32_t *word = addr;
    h->magic = MAGIC;
    h->seq = seq;
    h->npages = p;
    for (uint32_t k = 0; k < p && !r; k++)
        r = ant_icc_phys((char *)addr + k * PAGE, &h->phys[k]);
    if (r < 0) {
        ant_icc_free(addr, p);
        return r;
    }
    for (uint32_t w = DATA_FIRST; w < p * PAGE / 4; w++)
        word[w] = pattern(seq, w);
    *run = ANT_ICC_RUN(addr, p);
    return 0;
}

/* Send n buffers of p pages to the filter, then the end. */
static int produce(int32_t filter, uint32_t n, uint32_t p)
{
    for (uint32_t seq = 0; seq < n; seq++) {
        struct ant_msg m = {{MSG_BUFFER, seq, 0, 0}, 0};
        int32_t r = fill(seq, p, &m.run);
        if (r < 0) {
            failed("fill", seq, r);
            return MY_FAILURE;
        }
        if (ant_send(filter, &m) < 0) {
            ant_icc_free((void *)ANT_ICC_RUN_ADDR(m.run), p);
            return CHILD_GONE;      /* the one that failed has said why */
        }
    }
    struct ant_msg end = {{MSG_END, n, 0, 0}, 0};
    return ant_send(filter, &end) < 0 ? CHILD_GONE : SENT_ALL;
}

/* Wait for both children, stopping them first unless all went well (one
 * may wait for a peer that has gone); the consumer's status, or 1 for my
 * own failure. */
static int finish(int32_t consumer, int32_t filter, int how)
{
    int32_t status = 1, ignored;
    if (how != SENT_ALL) {
        ant_kill(filter);
        ant_kill(consumer);
    }
    if (filter > 0)
        ant_wait(filter, &ignored);
    if (ant_wait(consumer, &status) != consumer)
        status = 1;
    return how == MY_FAILURE ? 1 : status;
}

/* Start myself in another role; the pid, or -error said on the console. */
static int32_t start(const char *role, const char *args)
{
    int32_t pid = ant_spawn("pipeline", args, PRIO);
    if (pid < 0)
        con_printf("pipeline: FAILED: cannot start the %s: %s\n", role, ant_strerror(pid));
    return pid;
}

static int producer(uint32_t n, uint32_t p, int quiet)
{
    char args[48];
    fmt_snprintf(args, sizeof args, "consumer %u %u%s", n, p, quiet ? " quiet" : "");
    int32_t consumer = start("consumer", args);
    if (consumer < 0)
        return 1;
    fmt_snprintf(args, sizeof args, "filter %d", consumer);
    int32_t filter = start("filter", args);
    if (filter < 0)
        return finish(consumer, filter, MY_FAILURE);
    con_printf("pipeline: producer pid %d, filter pid %d, consumer pid %d, %u buffers of %u pages\n",
               ant_getpid(), filter, consumer, n, p);
    return finish(consumer, filter, produce(filter, n, p));
}

/* ---- the filter ---- */

/* My parent: the producer, the only one who sends to me. */
static int32_t parent(void)
{
    struct ant_procinfo info;
    int32_t me = ant_getpid();
    if (ant_procinfo((uint32_t)me % 64, &info) < 0 || info.pid != (uint32_t)me)
        return 0;
    return (int32_t)info.ppid;
}

static int filter(int32_t consumer)
{
    int32_t producer = parent();
    for (;;) {
        struct ant_msg m;
        if (ant_recv(producer, &m) < 0)
            return 1;               /* the producer is gone */
        uint32_t *word = (uint32_t *)ANT_ICC_RUN_ADDR(m.run);
        uint32_t words = m.run ? ANT_ICC_RUN_PAGES(m.run) * PAGE / 4 : 0;
        for (uint32_t w = DATA_FIRST; w < words; w++)
            word[w] ^= XOR_WORD;
        if (ant_send(consumer, &m) < 0) {
            if (m.run)
                ant_icc_free(word, ANT_ICC_RUN_PAGES(m.run));
            return 1;               /* the consumer failed, and said why */
        }
        if (m.w[0] == MSG_END)
            return 0;
    }
}

/* ---- the consumer ---- */

struct tally {
    uint32_t n, p, quiet;
    uint32_t seq;                   /* next expected */
    uint32_t first, last;           /* uptime at the first and last receive */
};

/* The buffer in run is buffer t->seq, whole, and never copied: 0 or a
 * failure printed. */
static int check(const struct tally *t, uint32_t run)
{
    const struct header *h = (const struct header *)ANT_ICC_RUN_ADDR(run);
    const uint32_t *word = (const uint32_t *)h;
    uint32_t pa = 0;
    if (!run || ANT_ICC_RUN_PAGES(run) != t->p || h->magic != MAGIC || h->npages != t->p)
        return failed("not a buffer", t->seq, -ANT_EINVAL);
    if (h->seq != t->seq) {
        con_printf("pipeline: FAILED: buffer %u arrived where %u was due\n", h->seq, t->seq);
        return 1;
    }
    for (uint32_t k = 0; k < t->p; k++) {
        if (ant_icc_phys((const char *)h + k * PAGE, &pa) < 0 || pa != h->phys[k]) {
            con_printf("pipeline: FAILED: buffer %u page %u at phys %08x, sent from %08x\n",
                       t->seq, k, pa, h->phys[k]);
            return 1;
        }
    }
    for (uint32_t w = DATA_FIRST; w < t->p * PAGE / 4; w++) {
        if (word[w] != (pattern(t->seq, w) ^ XOR_WORD)) {
            con_printf("pipeline: FAILED: buffer %u byte %u: %08x, expected %08x\n", t->seq,
                       w * 4, word[w], pattern(t->seq, w) ^ XOR_WORD);
            return 1;
        }
    }
    if (!t->quiet)
        con_printf("pipeline: buffer %u ok: %u pages at phys %08x (unchanged)\n", t->seq, t->p,
                   h->phys[0]);
    return 0;
}

/* The closing line, written in one piece so no other output splits it. */
static void summary(const struct tally *t)
{
    uint64_t pages = (uint64_t)t->n * t->p, bytes = pages * PAGE;
    uint32_t ms = (t->last - t->first) * TICK_MS;
    char time[96];
    if (ms)
        fmt_snprintf(time, sizeof time, "%u ms of guest time: %llu pages/s, %llu KB/s", ms,
                     (unsigned long long)(pages * 1000 / ms),
                     (unsigned long long)(bytes / 1024 * 1000 / ms));
    else
        fmt_snprintf(time, sizeof time, "< %u ms of guest time", TICK_MS);
    con_printf("pipeline: done: %u buffers, %llu pages, %llu bytes in %s; "
               "0 bytes copied (every physical address unchanged)\n",
               t->n, (unsigned long long)pages, (unsigned long long)bytes, time);
}

static int consumer(uint32_t n, uint32_t p, int quiet)
{
    struct tally t = {n, p, (uint32_t)quiet, 0, 0, 0};
    int32_t from = 0;               /* anyone until the filter is known */
    for (;;) {
        struct ant_msg m;
        int32_t r = ant_recv(from, &m);
        if (r <= 0)
            return failed("receive", t.seq, r ? r : -ANT_EINVAL);
        from = r;
        if (m.w[0] == MSG_END)
            break;
        t.last = ant_uptime();
        if (!t.seq)
            t.first = t.last;
        int bad = t.seq >= n ? failed("one buffer too many", t.seq, -ANT_EINVAL)
                             : check(&t, m.run);
        if (m.run)
            ant_icc_free((void *)ANT_ICC_RUN_ADDR(m.run), ANT_ICC_RUN_PAGES(m.run));
        if (bad)
            return 1;
        t.seq++;
    }
    if (t.seq != n) {
        con_printf("pipeline: FAILED: %u of %u buffers arrived\n", t.seq, n);
        return 1;
    }
    summary(&t);
    return 0;
}

/* ---- roles ---- */

static int usage(void)
{
    con_printf("pipeline: usage: pipeline [N [P [quiet]]] (N 1-%u buffers, P 1-%u pages)\n",
               N_MAX, P_MAX);
    return 2;
}

int main(const char *args)
{
    char buf[ANT_ARGS_MAX], *w[MAX_ARGS];
    strncpy_safe(buf, args, sizeof buf);
    int n = split(buf, w);
    if (n >= 1 && !strcmp(w[0], "filter")) {
        int32_t c = n == 2 ? (int32_t)number(w[1], 0x7FFFFFFF) : 0;
        return c ? filter(c) : usage();
    }
    int role = n >= 1 && !strcmp(w[0], "consumer");
    char **a = w + role;
    n -= role;
    uint32_t bufs = n >= 1 ? number(a[0], N_MAX) : N_DEFAULT;
    uint32_t pages = n >= 2 ? number(a[1], P_MAX) : P_DEFAULT;
    int quiet = n >= 3 && !strcmp(a[2], "quiet");
    if (!bufs || !pages || n > 3 || (n == 3 && !quiet))
        return usage();
    return role ? consumer(bufs, pages, quiet) : producer(bufs, pages, quiet);
}
