/*
 * disktest: the disk driver ("disk": outer_core/ahci or outer_core/ata)
 * against its specification (include/ant/servers.h, DISK_*), in a boot
 * with the name server and the driver but no pager (init=disk). Only the
 * pager may read or write a paging space, so disktest first checks that it
 * is refused, then becomes the pager itself (SYS_VM_PAGER: it is started
 * privileged) and writes patterns over paging space 0: its first and last
 * slots, random slots, runs of 1, 8, 64 and 256 pages, a run longer than
 * the request; reads them back and checks that a read fills exactly the
 * slots asked for and every run comes back; the errors (EINVAL out of the
 * space, ENOENT, ENOSYS, EPERM); a child that is not the pager (EPERM);
 * then times reads and writes of 4 KB and 64 KB.
 *
 * One line a test: "disktest: PASS name" or "disktest: FAIL name: why",
 * then "disktest: done". Arguments (init=disk,ARG,...): "eio N" (the
 * emulator fails slot N of the space: EIO for it, the slots around work,
 * the driver goes on), "dead" (the disk stops answering: ETIMEDOUT in
 * bounded time, the driver still answers), "nospace" (no paging space:
 * ENOENT for every space), "bench" (the timing only, as make bench lines).
 *
 * Every sector written starts with a header (DT_MAGIC, its slot, its
 * sector in the slot, a seed) and the rest follows from those, so the disk
 * image can be checked from the host afterwards (checkimg.py here).
 */
#include "lib/svc.h"
#include "lib/string.h"

#define SECTOR      512
#define PAGE        4096
#define SPP         (PAGE / SECTOR)     /* sectors a page (a slot) */
#define BUF_PAGES   256
#define DT_MAGIC    0x44544E41u         /* "ANTD" */
#define POISON      0xCC
#define RANDOM_SLOTS 32
#define TIME_ROUNDS 50
#define DEAD_TICKS  2000               /* 20 s: a time-out and a reset */
#define MIN_SLOTS   512                /* the timing uses slots 256-511 */

struct header {
    uint32_t magic, slot, sector, seed;
};

static uint8_t *wbuf, *rbuf;            /* BUF_PAGES each: data out, data back */
static uint32_t slots;                  /* of space 0 */
static uint32_t space;                  /* its id, the name requests give it */
static uint32_t seed;
static uint32_t passed, failed;
static uint32_t rng = 2463534242u;

static void pass(const char *name)
{
    passed++;
    ant_printf("disktest: PASS %s\n", name);
}

static int fail(const char *name, const char *why, uint32_t a, uint32_t b)
{
    failed++;
    ant_printf("disktest: FAIL %s: %s (%u, %u)\n", name, why, (unsigned)a, (unsigned)b);
    return 0;
}

static void test(const char *name, int ok)
{
    if (ok)
        pass(name);
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

/* Byte i of sector k of slot s written with seed z (past the header). */
static uint8_t pattern(uint32_t s, uint32_t k, uint32_t z, uint32_t i)
{
    return (uint8_t)(s * 7 + k * 11 + i * 13 + z + (i >> 8));
}

static void fill(uint8_t *buf, uint32_t slot, uint32_t n, uint32_t z)
{
    for (uint32_t s = 0; s < n; s++) {
        for (uint32_t k = 0; k < SPP; k++, buf += SECTOR) {
            struct header h = {DT_MAGIC, slot + s, k, z};
            memcpy(buf, &h, sizeof h);
            for (uint32_t i = sizeof h; i < SECTOR; i++)
                buf[i] = pattern(slot + s, k, z, i);
        }
    }
}

/* The first slot of buf that is not the pattern of (slot + s, z), or n. */
static uint32_t mismatch(const uint8_t *buf, uint32_t slot, uint32_t n, uint32_t z)
{
    static uint8_t want[PAGE];
    for (uint32_t s = 0; s < n; s++) {
        fill(want, slot + s, 1, z);
        if (memcmp(buf + s * PAGE, want, PAGE))
            return s;
    }
    return n;
}

/* One request on space sp with a run of pages at buf (0 pages: no run).
 * The run must come back unchanged; *back says whether it did. */
static int32_t disk_sp(uint32_t op, uint32_t sp, uint32_t first, uint32_t n, uint8_t *buf,
                       uint32_t pages, int *back)
{
    uint32_t run = pages ? ANT_ICC_RUN(buf, pages) : 0;
    struct ant_msg m = {{op, sp, first, n}, run};
    int32_t r = svc_call("disk", &m);
    *back = m.run == run;
    return r;
}

static int32_t disk(uint32_t op, uint32_t first, uint32_t n, uint8_t *buf, uint32_t pages,
                    int *back)
{
    return disk_sp(op, space, first, n, buf, pages, back);
}

/* Write n slots at first with seed z from a run of pages, read them back
 * into a poisoned run of the same size, compare; the pages past the slots
 * must stay poisoned. */
static int write_read(const char *name, uint32_t first, uint32_t n, uint32_t pages, uint32_t z)
{
    int back;
    fill(wbuf, first, n, z);
    int32_t r = disk(DISK_WRITE, first, n, wbuf, pages, &back);
    if (r < 0 || !back)
        return fail(name, r < 0 ? ant_strerror(r) : "write: run not given back", first, n);
    memset(rbuf, POISON, pages * PAGE);
    r = disk(DISK_READ, first, n, rbuf, pages, &back);
    if (r < 0 || !back)
        return fail(name, r < 0 ? ant_strerror(r) : "read: run not given back", first, n);
    uint32_t k = mismatch(rbuf, first, n, z);
    if (k != n)
        return fail(name, "data differs at slot (slot, index)", first + k, k);
    for (uint32_t i = n * PAGE; i < pages * PAGE; i++)
        if (rbuf[i] != POISON)
            return fail(name, "read past the slots asked for at byte (slot, offset)", first, i);
    return 1;
}

/* A request that must fail with want, giving the run back. */
static void expect_sp(const char *name, int32_t want, uint32_t op, uint32_t sp, uint32_t first,
                      uint32_t n, uint32_t pages)
{
    int back;
    int32_t r = disk_sp(op, sp, first, n, wbuf, pages, &back);
    if (r != want)
        fail(name, ant_strerror(r), first, n);
    else if (!back)
        fail(name, "run not given back", first, n);
    else
        pass(name);
}

static void expect(const char *name, int32_t want, uint32_t op, uint32_t first, uint32_t n,
                   uint32_t pages)
{
    expect_sp(name, want, op, space, first, n, pages);
}

/* ---- the tests ---- */

static void test_info(void)
{
    struct ant_msg m = {{DISK_INFO, 0, 0, 0}, 0};
    int32_t r = svc_call("disk", &m);
    if (r < 0 || !m.w[1]) {
        fail("info", r < 0 ? ant_strerror(r) : "no slots", (uint32_t)r, m.w[1]);
        return;
    }
    slots = m.w[1];
    space = m.w[2];
    ant_printf("disktest: paging space 0 (id %08x) has %u slots (%u MiB)\n", (unsigned)space,
               (unsigned)slots, (unsigned)(slots / 256));
    pass("info");
    uint32_t n = 1;
    for (; n < 8; n++) {
        m = (struct ant_msg){{DISK_INFO, n, 0, 0}, 0};
        if (svc_call("disk", &m) == -ANT_ENOENT)
            break;
    }
    test("info_enoent_past_the_last", n < 8 ? 1 : fail("info_enoent_past_the_last",
                                                        "8 spaces or more", n, 0));
}

static void test_ping(void)
{
    struct ant_msg m = {{SVC_PING, 0, 0, 0}, 0};
    int32_t r = svc_call("disk", &m);
    test("ping", r == 0 && m.w[1] >= 1 ? 1 : fail("ping", "status, version", (uint32_t)r, m.w[1]));
}

static void test_ends(void)
{
    test("first_slot", write_read("first_slot", 0, 1, 1, seed + 1));
    test("last_slot", write_read("last_slot", slots - 1, 1, 1, seed + 2));
    test("last_8_slots", write_read("last_8_slots", slots - 8, 8, 8, seed + 3));
}

/* RANDOM_SLOTS single slots, each written alone, then all read back. */
static void test_random(void)
{
    uint32_t at[RANDOM_SLOTS];
    int back, ok = 1;
    for (int i = 0; i < RANDOM_SLOTS && ok; i++) {
        at[i] = next_random() % slots;
        for (int j = 0; j < i; j++)
            if (at[j] == at[i])
                at[i] = (at[i] + 1) % slots, j = -1;
        fill(wbuf, at[i], 1, seed + 4);
        int32_t r = disk(DISK_WRITE, at[i], 1, wbuf, 1, &back);
        if (r < 0 || !back)
            ok = fail("random_slots", "write (status, slot)", (uint32_t)r, at[i]);
    }
    for (int i = 0; i < RANDOM_SLOTS && ok; i++) {
        int32_t r = disk(DISK_READ, at[i], 1, rbuf, 1, &back);
        if (r < 0 || !back)
            ok = fail("random_slots", "read (status, slot)", (uint32_t)r, at[i]);
        else if (mismatch(rbuf, at[i], 1, seed + 4) != 1)
            ok = fail("random_slots", "data differs (slot, i)", at[i], (uint32_t)i);
    }
    test("random_slots", ok);
}

/* Runs of 1, 8, 64 and 256 slots at random places (256 slots: 2048
 * sectors, several commands on IDE), and 3 slots in an 8-page run. */
static void test_runs(void)
{
    static const uint32_t sizes[] = {1, 8, 64, BUF_PAGES};
    static const char *const names[] = {"run_1_slot", "run_8_slots", "run_64_slots",
                                        "run_256_slots"};
    for (int i = 0; i < 4; i++) {
        uint32_t n = sizes[i], first = next_random() % (slots - n + 1);
        test(names[i], write_read(names[i], first, n, n, seed + 5 + (uint32_t)i));
    }
    test("partial_run_3_of_8", write_read("partial_run_3_of_8", 100, 3, 8, seed + 9));
}

/* Writing one slot leaves its neighbours as they were. */
static void test_neighbours(void)
{
    uint32_t s = slots / 2;
    int back, ok = write_read("neighbours", s - 1, 3, 3, seed + 10);
    fill(wbuf, s, 1, seed + 11);
    if (ok && disk(DISK_WRITE, s, 1, wbuf, 1, &back) < 0)
        ok = fail("neighbours", "write", s, 1);
    if (ok && (disk(DISK_READ, s - 1, 3, rbuf, 3, &back) < 0 || !back))
        ok = fail("neighbours", "read", s - 1, 3);
    if (ok && (mismatch(rbuf, s - 1, 1, seed + 10) != 1 ||
               mismatch(rbuf + PAGE, s, 1, seed + 11) != 1 ||
               mismatch(rbuf + 2 * PAGE, s + 1, 1, seed + 10) != 1))
        ok = fail("neighbours", "a neighbour changed", s - 1, 3);
    test("neighbours", ok);
}

static void test_errors(void)
{
    expect("einval_read_past_end", -ANT_EINVAL, DISK_READ, slots, 1, 1);
    expect("einval_write_past_end", -ANT_EINVAL, DISK_WRITE, slots, 1, 1);
    expect("einval_write_across_end", -ANT_EINVAL, DISK_WRITE, slots - 1, 2, 2);
    expect("einval_write_wrapping", -ANT_EINVAL, DISK_WRITE, 0xFFFFFFFFu, 2, 2);
    expect("einval_write_huge_count", -ANT_EINVAL, DISK_WRITE, 1, 0xFFFFFFFFu, 1);
    expect("einval_read_run_too_small", -ANT_EINVAL, DISK_READ, 0, 2, 1);
    expect("einval_write_run_too_small", -ANT_EINVAL, DISK_WRITE, 0, 9, 8);
    expect("einval_no_slots", -ANT_EINVAL, DISK_READ, 0, 0, 1);
    expect("einval_no_run", -ANT_EINVAL, DISK_WRITE, 0, 1, 0);
    expect_sp("enoent_no_such_space", -ANT_ENOENT, DISK_WRITE, space ^ 0x5A5A5A5Au, 0, 1, 1);
    expect_sp("enoent_space_by_index_not_id", -ANT_ENOENT, DISK_WRITE, 0, 0, 1, 1);
    expect("enosys_unknown_op", -ANT_ENOSYS, 99, 0, 0, 0);
    expect("eperm_crash_not_from_pm", -ANT_EPERM, SVC_CRASH, 0, 0, 0);
    expect("eperm_handover_not_successor", -ANT_EPERM, SVC_HANDOVER, 0, 0, 0);
}

/* A process that is not the pager gets nothing but the sizes. */
static int intruder(void)
{
    void *page;
    int back, bad = 0;
    if (ant_icc_alloc(1, &page) < 0)
        return 10;
    wbuf = page;
    memset(wbuf, 0x5A, PAGE);
    bad |= disk(DISK_WRITE, 0, 1, wbuf, 1, &back) != -ANT_EPERM || !back;
    bad |= (disk(DISK_READ, 0, 1, wbuf, 1, &back) != -ANT_EPERM || !back) << 1;
    bad |= (disk(DISK_WRITE, 0xFFFFFFFFu, 1, wbuf, 1, &back) != -ANT_EPERM) << 2;
    bad |= (disk(DISK_INFO, 0, 0, 0, 0, &back) != 0) << 3;
    bad |= (ant_vm_pager() != -ANT_EPERM) << 4;     /* no rights to become one */
    return bad;
}

static void test_intruder(void)
{
    int32_t st = -1, pid = ant_spawn("disktest", "intruder", 4);
    if (pid < 0 || ant_wait(pid, &st) != pid || st != 0)
        fail("eperm_from_a_process_not_the_pager", "child status (bits: write read wrap info "
             "pager)", (uint32_t)pid, (uint32_t)st);
    else
        pass("eperm_from_a_process_not_the_pager");
}

/* Idle TSC cycles so far (the CPU halted, waiting for the disk). */
static uint64_t idle_now(void)
{
    struct ant_cpuinfo c;
    return ant_cpuinfo(0, &c) == 0 ? (c.idle_lo | (uint64_t)c.idle_hi << 32) : 0;
}

/* Average TSC ticks of TIME_ROUNDS requests of pages at slot, and the
 * idle part of them. */
static uint64_t time_op(uint32_t op, uint32_t slot, uint32_t pages, uint64_t *idle, int *ok)
{
    int back;
    uint64_t i0 = idle_now(), c0 = rdtsc();
    for (int i = 0; i < TIME_ROUNDS && *ok; i++)
        if (disk(op, slot, pages, wbuf, pages, &back) < 0 || !back)
            *ok = 0;
    uint64_t c = rdtsc() - c0;
    *idle = (idle_now() - i0) / TIME_ROUNDS;
    return c / TIME_ROUNDS;
}

static void report(const char *what, uint64_t ticks, uint64_t idle, int bench)
{
    if (bench)
        ant_printf("bench: %s instructions %u\nbench: %s_idle cycles %u\n", what,
                   (unsigned)(ticks - idle), what, (unsigned)idle);
    else
        ant_printf("disktest: time %s: %u tsc, of which %u idle\n", what, (unsigned)ticks,
                   (unsigned)idle);
}

static void test_timing(int bench)
{
    int ok = 1;
    uint64_t idle;
    fill(wbuf, 256, BUF_PAGES, seed + 12);
    time_op(DISK_READ, 256, 16, &idle, &ok);        /* warm up */
    uint64_t t = time_op(DISK_WRITE, 256, 1, &idle, &ok);
    report("disk_write_4k", t, idle, bench);
    t = time_op(DISK_READ, 256, 1, &idle, &ok);
    report("disk_read_4k", t, idle, bench);
    t = time_op(DISK_READ, 256, 16, &idle, &ok);
    report("disk_read_64k", t, idle, bench);
    t = time_op(DISK_WRITE, 256, 16, &idle, &ok);
    report("disk_write_64k", t, idle, bench);
    test("timing", ok ? 1 : fail("timing", "a timed request failed", 0, 0));
}

/* "eio N": slot N fails, its neighbours do not, and the driver goes on. */
static void test_eio(uint32_t bad)
{
    int back;
    expect("eio_read_bad_slot", -ANT_EIO, DISK_READ, bad, 1, 1);
    expect("eio_read_run_over_bad_slot", -ANT_EIO, DISK_READ, bad - 2, 4, 4);
    expect("eio_write_bad_slot", -ANT_EIO, DISK_WRITE, bad, 1, 1);
    test("eio_neighbours_work", write_read("eio_neighbours_work", bad + 1, 4, 4, seed + 13));
    int32_t r = disk(DISK_READ, 0, 1, rbuf, 1, &back);
    test("eio_then_serving", r == 0 && back ? 1 : fail("eio_then_serving", ant_strerror(r), 0, 1));
}

/* "dead": the disk stops answering (the emulator throttles it to a crawl:
 * one request of 64 slots passes, the next waits for minutes): a request
 * ends with ETIMEDOUT or EIO in bounded time, and the driver answers. */
static void test_dead(void)
{
    int back;
    disk(DISK_READ, 0, 64, rbuf, 64, &back);
    uint32_t t0 = ant_uptime();
    int32_t r = disk(DISK_READ, 0, 1, rbuf, 1, &back);
    uint32_t ticks = ant_uptime() - t0;
    ant_printf("disktest: a read of the dead disk took %u ticks: %s\n", (unsigned)ticks,
               ant_strerror(r));
    test("dead_read_fails_in_time", (r == -ANT_ETIMEDOUT || r == -ANT_EIO) && back &&
                                    ticks < DEAD_TICKS
                                    ? 1 : fail("dead_read_fails_in_time", ant_strerror(r), ticks,
                                               (uint32_t)back));
    struct ant_msg m = {{SVC_PING, 0, 0, 0}, 0};
    r = svc_call("disk", &m);
    test("dead_still_serving", r == 0 ? 1 : fail("dead_still_serving", ant_strerror(r), 0, 0));
}

/* "two": two paging spaces, each named by its id: what is written to
 * one is not in the other. */
static void test_two_spaces(void)
{
    struct ant_msg m = {{DISK_INFO, 1, 0, 0}, 0};
    int back;
    if (svc_call("disk", &m) < 0) {
        fail("two_spaces", "no second paging space", 0, 0);
        return;
    }
    uint32_t other = m.w[2];
    test("two_spaces_ids_differ", other != space ? 1 : fail("two_spaces_ids_differ", "same id",
                                                                space, other));
    fill(wbuf, 7, 1, seed + 20);
    int ok = disk_sp(DISK_WRITE, space, 7, 1, wbuf, 1, &back) == 0;
    fill(wbuf, 7, 1, seed + 21);
    ok = ok && disk_sp(DISK_WRITE, other, 7, 1, wbuf, 1, &back) == 0;
    ok = ok && disk_sp(DISK_READ, space, 7, 1, rbuf, 1, &back) == 0 &&
         mismatch(rbuf, 7, 1, seed + 20) == 1;
    ok = ok && disk_sp(DISK_READ, other, 7, 1, rbuf, 1, &back) == 0 &&
         mismatch(rbuf, 7, 1, seed + 21) == 1;
    test("two_spaces_each_by_its_id", ok ? 1 : fail("two_spaces_each_by_its_id",
                                                    "a slot came from the other space", 0, 0));
}

static int has_word(const char *args, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = args; *p; p++)
        if ((p == args || p[-1] == ' ') && !strncmp(p, word, n) && (!p[n] || p[n] == ' '))
            return 1;
    return 0;
}

static uint32_t number_after(const char *args, const char *word)
{
    uint32_t n = 0;
    const char *p = args;
    while (*p && strncmp(p, word, strlen(word)))
        p++;
    for (p += *p ? strlen(word) : 0; *p == ' '; p++)
        ;
    while (*p >= '0' && *p <= '9')
        n = n * 10 + (uint32_t)(*p++ - '0');
    return n;
}

/* Refused before I am the pager; then I become it. */
static int become_pager(void)
{
    expect("eperm_write_before_pager", -ANT_EPERM, DISK_WRITE, 0, 1, 1);
    expect("eperm_read_before_pager", -ANT_EPERM, DISK_READ, 0, 1, 1);
    int32_t r = ant_vm_pager();
    return r == 0 ? 1 : fail("setup", "cannot become the pager (started privileged?)",
                             (uint32_t)-r, 0);
}

static void run_tests(const char *args)
{
    test_ping();
    if (has_word(args, "nospace")) {
        struct ant_msg m = {{DISK_INFO, 0, 0, 0}, 0};
        int32_t r = svc_call("disk", &m);
        test("nospace_info_enoent", r == -ANT_ENOENT ? 1 : fail("nospace_info_enoent",
                                                                ant_strerror(r), 0, 0));
        expect("nospace_write_refused", -ANT_EPERM, DISK_WRITE, 0, 1, 1);
        if (become_pager())
            expect("nospace_write_enoent", -ANT_ENOENT, DISK_WRITE, 0, 1, 1);
        return;
    }
    test_info();
    if (!slots || !become_pager())
        return;
    if (has_word(args, "dead")) {
        test_dead();
    } else if (has_word(args, "two")) {
        test_two_spaces();
    } else if (has_word(args, "eio")) {
        test_eio(number_after(args, "eio"));
    } else if (slots < MIN_SLOTS) {
        fail("size", "the space is too small for the tests (slots, wanted)", slots, MIN_SLOTS);
    } else if (has_word(args, "bench")) {
        test_timing(1);
    } else {
        test_intruder();
        test_ends();
        test_random();
        test_runs();
        test_neighbours();
        test_errors();
        test_timing(0);
    }
}

int main(const char *args)
{
    void *w, *r;
    if (!strcmp(args, "intruder"))
        return intruder();
    seed = ant_uptime() * 2654435761u;
    rng ^= seed;
    ant_printf("disktest: seed %u\n", (unsigned)seed);
    if (ant_icc_alloc(BUF_PAGES, &w) < 0 || ant_icc_alloc(BUF_PAGES, &r) < 0) {
        fail("setup", "no ICC pages for two runs of (pages, runs)", BUF_PAGES, 2);
    } else {
        wbuf = w;
        rbuf = r;
        run_tests(args);
    }
    ant_printf("disktest: done: %u passed, %u failed\n", (unsigned)passed, (unsigned)failed);
    return failed ? 1 : 0;
}
