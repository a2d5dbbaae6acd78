/*
 * disktest: the disk driver (outer_core/ata, name "disk") against its
 * specification in include/ant/servers.h. Writes patterns across the disk
 * (first and last sectors, random sectors, runs of 1, 8, 64 and 256 pages,
 * commands split at 256 sectors), reads them back, checks that a read
 * fills exactly the sectors asked for, that every run comes back, and the
 * errors (EINVAL past the end and for bad runs, ENOSYS, EPERM); then times
 * 4 KiB and 1 MiB reads and writes. One line a test:
 * "disktest: PASS name" or "disktest: FAIL name: why", then "disktest: done".
 *
 * Arguments for other set-ups: "nodisk" (no disk on the primary channel:
 * every request but PING fails with EIO) and "eio N" (the emulator fails
 * reads and writes of sector N: EIO for it, the sectors around still work)
 * and "dead" (the disk stops answering: EIO in bounded time). It writes
 * all over the disk, so it refuses to run while a pager keeps its paging
 * space there, unless told "force".
 *
 * Every sector written starts with a header (DT_MAGIC, its own sector
 * number, a seed) and the rest is a function of the three, so the disk
 * image can be checked from the host afterwards (checkimg.py here).
 */
#include "lib/svc.h"
#include "lib/string.h"

#define SECTOR      512
#define PAGE        4096
#define SPP         (PAGE / SECTOR)     /* sectors a page */
#define BUF_PAGES   256
#define DT_MAGIC    0x44544E41u         /* "ANTD" */
#define POISON      0xCC
#define RANDOM_SECTORS 32
#define TIME_ROUNDS 50
#define DEAD_TICKS  2000               /* 20 s: a few timeouts and a reset */
#define MIN_SECTORS 4096               /* the timing uses sectors 2048-4095 */

struct header {
    uint32_t magic, lba, seed;
};

static uint8_t *wbuf, *rbuf;            /* BUF_PAGES each: data out, data back */
static uint32_t sectors;                /* of the disk */
static uint32_t seed;
static uint32_t passed, failed;
static uint32_t rng = 2463534242u;

static void pass(const char *name)
{
    passed++;
    con_printf("disktest: PASS %s\n", name);
}

static int fail(const char *name, const char *why, uint32_t a, uint32_t b)
{
    failed++;
    con_printf("disktest: FAIL %s: %s (%u, %u)\n", name, why, (unsigned)a, (unsigned)b);
    return 0;
}

static uint32_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* Byte i of sector lba written with seed s (past the header). */
static uint8_t pattern(uint32_t lba, uint32_t s, uint32_t i)
{
    return (uint8_t)(lba * 7 + i * 13 + s + (i >> 8));
}

static void fill(uint8_t *buf, uint32_t lba, uint32_t count, uint32_t s)
{
    for (uint32_t k = 0; k < count; k++, buf += SECTOR) {
        struct header h = {DT_MAGIC, lba + k, s};
        memcpy(buf, &h, sizeof h);
        for (uint32_t i = sizeof h; i < SECTOR; i++)
            buf[i] = pattern(lba + k, s, i);
    }
}

/* The first sector of buf that is not the pattern of (lba + k, s), or count. */
static uint32_t mismatch(const uint8_t *buf, uint32_t lba, uint32_t count, uint32_t s)
{
    uint8_t want[SECTOR];
    for (uint32_t k = 0; k < count; k++) {
        fill(want, lba + k, 1, s);
        if (memcmp(buf + k * SECTOR, want, SECTOR))
            return k;
    }
    return count;
}

/* One request with a run of pages at buf (0 pages: no run). The run must
 * come back unchanged; *back says whether it did. Returns the status. */
static int32_t disk(uint32_t op, uint32_t first, uint32_t count, uint8_t *buf, uint32_t pages,
                    int *back)
{
    uint32_t run = pages ? ANT_ICC_RUN(buf, pages) : 0;
    struct ant_msg m = {{op, first, count, 0}, run};
    int32_t r = svc_call("disk", &m);
    *back = m.run == run;
    return r;
}

/* Write count sectors at lba with seed s from a run of pages, read them
 * back into a poisoned run of the same size, compare; the bytes past the
 * sectors must stay poisoned. */
static int write_read(const char *name, uint32_t lba, uint32_t count, uint32_t pages, uint32_t s)
{
    int back;
    fill(wbuf, lba, count, s);
    int32_t r = disk(DISK_WRITE, lba, count, wbuf, pages, &back);
    if (r < 0 || !back)
        return fail(name, r < 0 ? ant_strerror(r) : "write: run not given back", lba, count);
    memset(rbuf, POISON, pages * PAGE);
    r = disk(DISK_READ, lba, count, rbuf, pages, &back);
    if (r < 0 || !back)
        return fail(name, r < 0 ? ant_strerror(r) : "read: run not given back", lba, count);
    uint32_t k = mismatch(rbuf, lba, count, s);
    if (k != count)
        return fail(name, "data differs at sector (lba, index)", lba + k, k);
    for (uint32_t i = count * SECTOR; i < pages * PAGE; i++)
        if (rbuf[i] != POISON)
            return fail(name, "read past the sectors asked for at byte (lba, offset)", lba, i);
    return 1;
}

static void test(const char *name, int ok)
{
    if (ok)
        pass(name);
}

static void test_info(void)
{
    struct ant_msg m = {{DISK_INFO, 0, 0, 0}, 0};
    int32_t r = svc_call("disk", &m);
    if (r < 0 || !m.w[1]) {
        fail("info", r < 0 ? ant_strerror(r) : "no sectors", (uint32_t)r, m.w[1]);
        return;
    }
    sectors = m.w[1];
    con_printf("disktest: the disk has %u sectors (%u MiB)\n", (unsigned)sectors,
               (unsigned)(sectors / 2048));
    pass("info");
}

static void test_ping(void)
{
    struct ant_msg m = {{SVC_PING, 0, 0, 0}, 0};
    int32_t r = svc_call("disk", &m);
    test("ping", r == 0 && m.w[1] >= 1 ? 1 : fail("ping", "status, version", (uint32_t)r, m.w[1]));
}

static void test_ends(void)
{
    test("first_sector", write_read("first_sector", 0, 1, 1, seed + 1));
    test("last_sector", write_read("last_sector", sectors - 1, 1, 1, seed + 2));
    test("last_8_pages", write_read("last_8_pages", sectors - 8 * SPP, 8 * SPP, 8, seed + 3));
}

/* RANDOM_SECTORS single sectors, each written alone, then all read back. */
static void test_random(void)
{
    uint32_t lba[RANDOM_SECTORS];
    int back, ok = 1;
    for (int i = 0; i < RANDOM_SECTORS && ok; i++) {
        lba[i] = next_random() % sectors;
        fill(wbuf, lba[i], 1, seed + 4);
        int32_t r = disk(DISK_WRITE, lba[i], 1, wbuf, 1, &back);
        if (r < 0 || !back)
            ok = fail("random_sectors", "write (status, lba)", (uint32_t)r, lba[i]);
    }
    for (int i = 0; i < RANDOM_SECTORS && ok; i++) {
        int32_t r = disk(DISK_READ, lba[i], 1, rbuf, 1, &back);
        if (r < 0 || !back)
            ok = fail("random_sectors", "read (status, lba)", (uint32_t)r, lba[i]);
        else if (mismatch(rbuf, lba[i], 1, seed + 4) != 1)
            ok = fail("random_sectors", "data differs (lba, i)", lba[i], (uint32_t)i);
    }
    test("random_sectors", ok);
}

/* Full runs of 1, 8, 64 and 256 pages at random places (64 pages: 512
 * sectors, two commands; 256 pages: eight), and a 300-sector request in a
 * 40-page run (a command boundary, and a run not filled to its end). */
static void test_runs(void)
{
    static const uint32_t sizes[] = {1, 8, 64, BUF_PAGES};
    static const char *const names[] = {"run_1_page", "run_8_pages", "run_64_pages",
                                        "run_256_pages"};
    for (int i = 0; i < 4; i++) {
        uint32_t n = sizes[i] * SPP;
        uint32_t lba = next_random() % (sectors - n + 1);
        test(names[i], write_read(names[i], lba, n, sizes[i], seed + 5 + (uint32_t)i));
    }
    test("partial_run_300_sectors",
         write_read("partial_run_300_sectors", 1000, 300, 40, seed + 9));
}

/* Writing one sector leaves its neighbours as they were. */
static void test_neighbours(void)
{
    uint32_t lba = sectors / 2;
    int back, ok = write_read("neighbours", lba - 1, 3, 1, seed + 10);
    fill(wbuf, lba, 1, seed + 11);
    if (ok && disk(DISK_WRITE, lba, 1, wbuf, 1, &back) < 0)
        ok = fail("neighbours", "write", lba, 1);
    if (ok && (disk(DISK_READ, lba - 1, 3, rbuf, 1, &back) < 0 || !back))
        ok = fail("neighbours", "read", lba - 1, 3);
    if (ok && (mismatch(rbuf, lba - 1, 1, seed + 10) != 1 ||
               mismatch(rbuf + SECTOR, lba, 1, seed + 11) != 1 ||
               mismatch(rbuf + 2 * SECTOR, lba + 1, 1, seed + 10) != 1))
        ok = fail("neighbours", "a neighbour changed", lba - 1, 3);
    test("neighbours", ok);
}

/* A request that must fail with want, giving the run back. */
static void expect(const char *name, int32_t want, uint32_t op, uint32_t first, uint32_t count,
                   uint32_t pages)
{
    int back;
    int32_t r = disk(op, first, count, wbuf, pages, &back);
    if (r != want)
        fail(name, ant_strerror(r), first, count);
    else if (!back)
        fail(name, "run not given back", first, count);
    else
        pass(name);
}

static void test_errors(void)
{
    expect("einval_read_past_end", -ANT_EINVAL, DISK_READ, sectors, 1, 1);
    expect("einval_write_past_end", -ANT_EINVAL, DISK_WRITE, sectors, 1, 1);
    expect("einval_write_across_end", -ANT_EINVAL, DISK_WRITE, sectors - 1, 2, 1);
    expect("einval_read_wrapping", -ANT_EINVAL, DISK_READ, 0xFFFFFFFFu, 2, 1);
    expect("einval_read_run_too_small", -ANT_EINVAL, DISK_READ, 0, SPP + 1, 1);
    expect("einval_write_run_too_small", -ANT_EINVAL, DISK_WRITE, 0, 8 * SPP + 1, 8);
    expect("einval_no_sectors", -ANT_EINVAL, DISK_READ, 0, 0, 1);
    expect("einval_no_run", -ANT_EINVAL, DISK_READ, 0, 1, 0);
    expect("enosys_unknown_op", -ANT_ENOSYS, 99, 0, 0, 0);
    expect("eperm_crash_not_from_pm", -ANT_EPERM, SVC_CRASH, 0, 0, 0);
    expect("eperm_handover_not_successor", -ANT_EPERM, SVC_HANDOVER, 0, 0, 0);
}

/* TSC ticks in one 10 ms tick of uptime. */
static uint64_t tsc_per_tick(void)
{
    uint32_t t = ant_uptime();
    while (ant_uptime() == t)
        ;
    uint64_t c0 = rdtsc();
    t = ant_uptime();
    while (ant_uptime() - t < 20)
        ;
    return (rdtsc() - c0) / 20;
}

/* Average TSC ticks of TIME_ROUNDS requests of pages at lba. */
static uint64_t time_op(uint32_t op, uint32_t lba, uint32_t pages, int *ok)
{
    int back;
    uint64_t c0 = rdtsc();
    for (int i = 0; i < TIME_ROUNDS && *ok; i++)
        if (disk(op, lba, pages * SPP, wbuf, pages, &back) < 0 || !back)
            *ok = 0;
    return (rdtsc() - c0) / TIME_ROUNDS;
}

static void report(const char *what, uint64_t ticks, uint64_t per_tick)
{
    uint64_t us = per_tick ? ticks * 10000 / per_tick : 0;
    con_printf("disktest: time %s: %u tsc (about %u us)\n", what, (unsigned)ticks, (unsigned)us);
}

static void test_timing(void)
{
    int ok = 1;
    uint64_t per_tick = tsc_per_tick();
    fill(wbuf, 2048, BUF_PAGES * SPP, seed + 12);
    report("write_4k", time_op(DISK_WRITE, 2048, 1, &ok), per_tick);
    report("read_4k", time_op(DISK_READ, 2048, 1, &ok), per_tick);
    report("write_1m", time_op(DISK_WRITE, 2048, BUF_PAGES, &ok), per_tick);
    report("read_1m", time_op(DISK_READ, 2048, BUF_PAGES, &ok), per_tick);
    con_printf("disktest: tsc per 10 ms tick: %u\n", (unsigned)per_tick);
    test("timing", ok ? 1 : fail("timing", "a timed request failed", 0, 0));
}

/* "nodisk": the driver runs without a disk and says so to every request. */
static void test_nodisk(void)
{
    struct ant_msg m = {{DISK_INFO, 0, 0, 0}, 0};
    int32_t r = svc_call("disk", &m);
    test("nodisk_info_eio", r == -ANT_EIO ? 1 : fail("nodisk_info_eio", ant_strerror(r), 0, 0));
    expect("nodisk_read_eio", -ANT_EIO, DISK_READ, 0, 1, 1);
    expect("nodisk_write_eio", -ANT_EIO, DISK_WRITE, 0, 1, 1);
}

/* "eio N": sector N fails (read and write), its neighbours do not, and the
 * driver goes on serving. */
static void test_eio(uint32_t bad)
{
    int back;
    expect("eio_read_bad_sector", -ANT_EIO, DISK_READ, bad, 1, 1);
    expect("eio_read_run_over_bad_sector", -ANT_EIO, DISK_READ, bad - 4, 8, 1);
    expect("eio_write_bad_sector", -ANT_EIO, DISK_WRITE, bad, 1, 1);
    test("eio_neighbours_work", write_read("eio_neighbours_work", bad + 1, 8, 1, seed + 13));
    int32_t r = disk(DISK_READ, 0, 1, rbuf, 1, &back);
    test("eio_then_serving", r == 0 && back ? 1 : fail("eio_then_serving", ant_strerror(r), 0, 1));
}

static void test_all(void)
{
    test_ends();
    test_random();
    test_runs();
    test_neighbours();
    test_errors();
    test_timing();
}

/* "dead": the disk stops answering (the emulator throttled to a crawl):
 * a request ends with EIO within DEAD_TICKS, and the driver still answers. */
static void test_dead(void)
{
    int back;
    uint32_t t0 = ant_uptime();
    int32_t r = disk(DISK_READ, 0, SPP, rbuf, 1, &back);
    uint32_t ticks = ant_uptime() - t0;
    con_printf("disktest: a read of the dead disk took %u ticks: %s\n", (unsigned)ticks,
               ant_strerror(r));
    test("dead_read_eio", r == -ANT_EIO && back && ticks < DEAD_TICKS ? 1
                          : fail("dead_read_eio", ant_strerror(r), ticks, (uint32_t)back));
    struct ant_msg m = {{SVC_PING, 0, 0, 0}, 0};
    r = svc_call("disk", &m);
    test("dead_still_serving", r == 0 ? 1 : fail("dead_still_serving", ant_strerror(r), 0, 0));
    m = (struct ant_msg){{DISK_INFO, 0, 0, 0}, 0};
    r = svc_call("disk", &m);
    con_printf("disktest: DISK_INFO after that: %s, %u sectors\n", ant_strerror(r),
               (unsigned)m.w[1]);
}

/* Whether word is one of the words of args. */
static int has_word(const char *args, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = args; *p; p++)
        if ((p == args || p[-1] == ' ') && !strncmp(p, word, n) && (!p[n] || p[n] == ' '))
            return 1;
    return 0;
}

static uint32_t number(const char *s)
{
    uint32_t n = 0;
    while (*s >= '0' && *s <= '9')
        n = n * 10 + (uint32_t)(*s++ - '0');
    return n;
}

/* The tests args asks for (see the top of the file). */
static void run_tests(const char *args)
{
    test_ping();
    if (has_word(args, "nodisk")) {
        test_nodisk();
    } else if (has_word(args, "dead")) {
        test_dead();
    } else if (!strncmp(args, "eio ", 4)) {
        test_info();
        test_eio(number(args + 4));
    } else {
        test_info();
        if (sectors >= MIN_SECTORS)
            test_all();
        else if (sectors)
            fail("size", "the disk is too small for the tests (sectors, wanted)", sectors,
                 MIN_SECTORS);
    }
}

/* The pid of a running pager (a process of module pager or pager.v2 that
 * holds the name), or 0. */
static int32_t pager_pid(void)
{
    struct ant_procinfo info;
    int32_t pid = ns_lookup("pager");
    if (pid <= 0 || ant_procinfo((uint32_t)pid % 64, &info) || info.pid != (uint32_t)pid)
        return 0;
    return strncmp(info.name, "pager", 5) || (info.name[5] && info.name[5] != '.') ? 0 : pid;
}

/* Whether I may write all over the disk; else a FAIL line. */
static int may_run(const char *args)
{
    void *w, *r;
    if (ant_icc_alloc(BUF_PAGES, &w) < 0 || ant_icc_alloc(BUF_PAGES, &r) < 0)
        return fail("setup", "no ICC pages for two runs of (pages, runs)", BUF_PAGES, 2);
    wbuf = w;
    rbuf = r;
    int32_t pager = pager_pid();
    if (pager > 0 && !has_word(args, "force"))
        return fail("setup", "the pager keeps its paging space on this disk, which I would "
                    "overwrite: boot without the pager, or run disktest force (pid, -)",
                    (uint32_t)pager, 0);
    return 1;
}

int main(const char *args)
{
    seed = ant_uptime() * 2654435761u;
    rng ^= seed;
    con_printf("disktest: seed %u\n", (unsigned)seed);
    if (may_run(args))
        run_tests(args);
    con_printf("disktest: done: %u passed, %u failed\n", (unsigned)passed, (unsigned)failed);
    return failed ? 1 : 0;
}
