/*
 * vmtest: the paging suite, run by init=vm on a small machine (make test
 * boots it with -m 24 and a paging disk) with the name server, the disk
 * driver and the pager. One line per test over serial (lib/check.h).
 *
 * As a child ("hog N") it touches N lazy pages, for the test that running
 * out of RAM and paging space kills only the program that asked; "work N"
 * writes N lazy pages and reads them back.
 *
 * Arguments (init=vm,ARG): "quick", the paging itself only (for the boots
 * that check which disks are used); "fault", where the emulator fails the
 * first read of slot 0 and the first write of slot 3: the program whose
 * page cannot be read back is killed, with a line saying why, the page
 * that could not be written stays in memory, and the next program pages
 * as if nothing had happened.
 */
#include "lib/check.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "lib/svc.h"

#define PAGE 4096u
#define DEFER_BASE 0x10000000u      /* 1 GiB reserved, 3 pages touched */
#define DEFER_LEN 0x40000000u
#define BIG_BASE 0x50000000u        /* the over-committed range */
#define HOG_BASE 0x08000000u        /* below the 1 GiB reservation */

static struct pager_stats stats;
static void *stats_page;

static int get_stats(void)
{
    if (!stats_page && ant_icc_alloc(1, &stats_page))
        return -1;
    struct ant_msg m = {{PAGER_STATS, 0, 0, 0}, ANT_ICC_RUN(stats_page, 1)};
    int32_t r = svc_call("pager", &m);
    stats_page = m.run ? (void *)ANT_ICC_RUN_ADDR(m.run) : 0;
    if (r < 0 || !stats_page)
        return -1;
    memcpy(&stats, stats_page, sizeof stats);
    return 0;
}

static int vminfo(struct ant_vminfo *info)
{
    return ant_syscall(SYS_VM_INFO, 0, (uint32_t)info, 0, 0);
}

/* The word at offset i of page p, for pass: no two pages alike. */
static uint32_t pattern(uint32_t p, uint32_t i)
{
    return (p * 2654435761u) ^ (i * 40503u) ^ 0xA5A55A5Au;
}

static void t_deferred_allocation(void)
{
    struct ant_vminfo info;
    CHECK(get_stats() == 0);
    uint32_t slots = stats.slots_used, outs = stats.page_outs;
    CHECK(ant_mmap(DEFER_BASE, DEFER_LEN, ANT_PROT_WRITE | ANT_PROT_LAZY) == 0);
    CHECK(vminfo(&info) == 0 && info.reserved_pages == DEFER_LEN / PAGE && info.resident_pages == 0);
    volatile uint32_t *a = (uint32_t *)DEFER_BASE;
    a[0] = 1;
    a[(DEFER_LEN / 2) / 4] = 2;
    a[(DEFER_LEN - PAGE) / 4] = 3;
    CHECK(vminfo(&info) == 0 && info.resident_pages == 3);
    CHECK(a[0] == 1 && a[(DEFER_LEN / 2) / 4] == 2 && a[(DEFER_LEN - PAGE) / 4] == 3);
    CHECK(a[1] == 0);               /* demand-zero */
    CHECK(get_stats() == 0 && stats.slots_used == slots && stats.page_outs == outs);
    CHECK(ant_munmap(DEFER_BASE, PAGE) == -ANT_EBUSY);     /* lazy ranges stay */
    /* ... wherever the range given starts: inside, at the end, across it */
    CHECK(ant_munmap(DEFER_BASE + DEFER_LEN / 2, PAGE) == -ANT_EBUSY);
    CHECK(ant_munmap(DEFER_BASE + DEFER_LEN - PAGE, 4 * PAGE) == -ANT_EBUSY);
    CHECK(ant_munmap(DEFER_BASE - PAGE, DEFER_LEN + 2 * PAGE) == -ANT_EBUSY);
    CHECK(a[0] == 1 && a[(DEFER_LEN / 2) / 4] == 2 && a[(DEFER_LEN - PAGE) / 4] == 3);
}

static void t_lazy_refusals(void)
{
    CHECK(ant_mmap(DEFER_BASE, PAGE, ANT_PROT_LAZY) == -ANT_EBUSY);     /* overlaps */
    CHECK(ant_mmap(DEFER_BASE + PAGE, PAGE, ANT_PROT_WRITE) == -ANT_EBUSY);   /* inside */
    CHECK(ant_mmap(DEFER_BASE + 2 * PAGE, PAGE, ANT_PROT_WRITE | ANT_PROT_LAZY) == -ANT_EBUSY);
    CHECK(ant_mmap(DEFER_BASE + DEFER_LEN - PAGE, 2 * PAGE, ANT_PROT_WRITE) == -ANT_EBUSY);
    CHECK(ant_mmap(0x3000, PAGE, 0x80 | ANT_PROT_LAZY) == -ANT_EINVAL);
    CHECK(ant_syscall(SYS_VM_PAGER, 0, 0, 0, 0) == -ANT_EPERM);          /* not privileged */
    CHECK(ant_syscall(SYS_VM_FRAME, VM_GRAB, 0, 0, 0) == -ANT_EPERM);    /* not the pager */
    uint32_t grabbed[4] = {0, 0, 0, 0};
    CHECK(ant_vm_frame(VM_GRAB_MANY | 4 << 8, (uint32_t)grabbed) == -ANT_EPERM && !grabbed[0]);
    CHECK(ant_syscall(SYS_VM_MAP, (uint32_t)ant_getpid(), DEFER_BASE, 0x100000, 0) == -ANT_EPERM);
    CHECK(ant_syscall(SYS_VM_RESOLVE, (uint32_t)ant_getpid(), 0, 0, 0) == -ANT_EPERM);
    struct ant_msg m = {{0x5A5A, 1, 2, 3}, 0};                           /* not the pager: */
    CHECK(ant_vm_resolve_recv(ant_getpid(), &m) == -ANT_EPERM);          /* nothing received */
    CHECK(m.w[0] == 0x5A5A && m.w[3] == 3 && m.run == 0);
}

/* Read-only touches of never-written pages: zero, and dropped when stolen,
 * never written out. */
static void t_clean_pages_need_no_slot(void)
{
    struct ant_meminfo mi;
    CHECK(ant_meminfo(&mi) == 0 && get_stats() == 0);
    uint32_t n = 2 * stats.frames_managed + 64, slots = stats.slots_used;
    uint32_t outs = stats.page_outs;
    CHECK(ant_mmap(HOG_BASE, n * PAGE, ANT_PROT_LAZY) == 0);
    volatile uint32_t *a = (uint32_t *)HOG_BASE;
    for (uint32_t p = 0; p < n; p++)
        CHECK(a[p * (PAGE / 4) + p % 1024] == 0);
    CHECK(get_stats() == 0);
    CHECK(stats.slots_used == slots && stats.page_outs == outs);
}

/* Four times the memory the pager has, written then read back. */
static void t_overcommit(void)
{
    struct ant_meminfo mi;
    CHECK(ant_meminfo(&mi) == 0 && get_stats() == 0);
    uint32_t n = 4 * mi.pool_total, ins = stats.page_ins, outs = stats.page_outs;
    uint32_t slots = stats.slots_used;
    CHECK(ant_mmap(BIG_BASE, n * PAGE, ANT_PROT_WRITE | ANT_PROT_LAZY) == 0);
    uint32_t *a = (uint32_t *)BIG_BASE;
    for (uint32_t p = 0; p < n; p++)
        for (uint32_t i = 0; i < PAGE / 4; i += 97)
            a[p * (PAGE / 4) + i] = pattern(p, i);
    for (uint32_t p = 0; p < n; p++)
        for (uint32_t i = 0; i < PAGE / 4; i += 97)
            CHECK(a[p * (PAGE / 4) + i] == pattern(p, i));
    for (uint32_t p = 0; p < n; p += 7)     /* untouched words stayed zero */
        CHECK(a[p * (PAGE / 4) + 1] == 0);
    CHECK(get_stats() == 0);
    ant_printf("vmtest: %u pages (pool %u frames): %u page-outs, %u page-ins, %u slots\n", n,
               mi.pool_total, stats.page_outs - outs, stats.page_ins - ins, stats.slots_used);
    CHECK(stats.page_outs > outs && stats.page_ins > ins);
    /* A slot only for a page written out: at most the n pages written here
     * and the 3 of deferred_allocation; the clean pages read by
     * clean_pages_need_no_slot never get one. */
    CHECK(stats.slots_used - slots <= n + 3);
    CHECK(stats.slots_used - slots <= stats.page_outs - outs);
}

/* A program that wants more than RAM and paging space is killed; I am not,
 * and the pager carries on. */
static void t_exhaustion_kills_only_the_hog(void)
{
    char args[32];
    int32_t status = 0;
    CHECK(get_stats() == 0);
    uint32_t want = stats.frames_managed + stats.slots_total + 256, kills = stats.kills;
    fmt_snprintf(args, sizeof args, "hog %u", want);
    int32_t pid = ant_spawn("vmtest", args, 4);
    CHECK(pid > 0);
    CHECK(ant_wait(pid, &status) == pid);
    CHECK(status != 0 && status != 7);     /* 7: the hog got everything */
    CHECK(get_stats() == 0 && stats.kills == kills + 1);
    volatile uint32_t *a = (uint32_t *)BIG_BASE;
    CHECK(a[0] == pattern(0, 0));          /* my pages still come back */
}

/* Both classes at once: a child whose own program text is file pages
 * (ANT_SPAWN_PAGED) works through more memory than there is. File pages
 * are dropped (and read again from the program image) as well as working
 * pages written out, and the child's results are right. */
static void t_page_classes(void)
{
    char args[32];
    int32_t status = -1;
    CHECK(get_stats() == 0);
    struct pager_stats before = stats;
    struct ant_meminfo mi;
    CHECK(ant_meminfo(&mi) == 0);
    fmt_snprintf(args, sizeof args, "work %u", 2 * mi.pool_total);   /* more than there is */
    int32_t pid = ant_spawn("vmtest", args, 4 | ANT_SPAWN_PAGED);
    CHECK(pid > 0);
    CHECK(ant_wait(pid, &status) == pid);
    if (status != 0)
        ant_printf("vmtest: classes: the child ended with status 0x%x\n", (unsigned)status);
    CHECK(status == 0);
    CHECK(get_stats() == 0);
    ant_printf("vmtest: classes: %u file pages stolen, %u working pages stolen, %u file fills\n",
               stats.steals_file - before.steals_file, stats.steals_work - before.steals_work,
               stats.file_fills - before.file_fills);
    CHECK(stats.file_fills > before.file_fills);
    CHECK(stats.steals_file > before.steals_file && stats.steals_work > before.steals_work);
}

/* The child of t_page_classes: write n pages, read them back twice. */
static int work(uint32_t n)
{
    if (ant_mmap(HOG_BASE, n * PAGE, ANT_PROT_WRITE | ANT_PROT_LAZY))
        return 3;
    uint32_t *a = (uint32_t *)HOG_BASE;
    for (uint32_t p = 0; p < n; p++)
        a[p * (PAGE / 4) + 5] = pattern(p, 5);
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t p = 0; p < n; p++) {
            if (a[p * (PAGE / 4) + 5] != pattern(p, 5)) {
                ant_printf("vmtest: work: page %u of %u is wrong\n", p, n);
                return 4;
            }
        }
    }
    ant_printf("vmtest: work: %u pages written and read back twice, all right\n", n);
    return 0;
}

static int hog(uint32_t n)
{
    if (ant_mmap(HOG_BASE, n * PAGE, ANT_PROT_WRITE | ANT_PROT_LAZY))
        return 3;
    volatile uint32_t *a = (uint32_t *)HOG_BASE;
    for (uint32_t p = 0; p < n; p++)
        a[p * (PAGE / 4)] = p + 1;
    return 7;
}

/* Nobody but the pager reads or writes the paging space (the disk driver
 * asks the inner core who the pager is); the sizes are public. */
static void t_disk_refuses_others(void)
{
    void *page;
    CHECK(ant_icc_alloc(1, &page) == 0);
    memset(page, 0x5A, PAGE);
    struct ant_msg m = {{DISK_WRITE, 0, 0, 1}, ANT_ICC_RUN(page, 1)};
    CHECK(svc_call("disk", &m) == -ANT_EPERM && m.run == ANT_ICC_RUN(page, 1));
    m = (struct ant_msg){{DISK_READ, 0, 0, 1}, ANT_ICC_RUN(page, 1)};
    CHECK(svc_call("disk", &m) == -ANT_EPERM && m.run == ANT_ICC_RUN(page, 1));
    CHECK(((uint8_t *)page)[100] == 0x5A);          /* nothing was read into it */
    m = (struct ant_msg){{DISK_INFO, 0, 0, 0}, 0};
    CHECK(svc_call("disk", &m) == 0 && m.w[1] > 0);
    CHECK(ant_icc_free(page, 1) == 0);
}

/* A child paging 2 x the pool; its exit status. */
static int32_t worker(void)
{
    char args[32];
    int32_t status = -1;
    struct ant_meminfo mi;
    if (ant_meminfo(&mi))
        return -1;
    fmt_snprintf(args, sizeof args, "work %u", 2 * mi.pool_total);
    int32_t pid = ant_spawn("vmtest", args, 4);
    if (pid < 0 || ant_wait(pid, &status) != pid)
        return -1;
    return status;
}

/* init=vm,fault: the first read of slot 0 fails (the first worker's first
 * page out), as does the first write of slot 3. */
static void t_disk_fault_kills_only_its_process(void)
{
    CHECK(get_stats() == 0);
    uint32_t kills = stats.kills;
    CHECK(worker() == ANT_KILLED_BASE + 14);        /* killed: its page is lost */
    CHECK(get_stats() == 0 && stats.kills == kills + 1);
    CHECK(worker() == 0);                           /* the next one pages as usual */
    CHECK(get_stats() == 0 && stats.kills == kills + 1);
}

/* init=vm,nopaging: no disk driver found a controller; the pager runs
 * without a paging space and lazy memory works within RAM. */
static void t_no_paging_space(void)
{
    CHECK(get_stats() == 0 && stats.slots_total == 0);
    CHECK(ant_mmap(HOG_BASE, 64 * PAGE, ANT_PROT_WRITE | ANT_PROT_LAZY) == 0);
    volatile uint32_t *a = (uint32_t *)HOG_BASE;
    for (uint32_t p = 0; p < 64; p++)
        a[p * (PAGE / 4)] = pattern(p, 0);
    for (uint32_t p = 0; p < 64; p++)
        CHECK(a[p * (PAGE / 4)] == pattern(p, 0) && a[p * (PAGE / 4) + 1] == 0);
    CHECK(get_stats() == 0 && stats.zero_fills >= 64 && stats.page_outs == 0);
}

static void t_overcommit_2x(void)
{
    CHECK(worker() == 0);
    CHECK(get_stats() == 0 && stats.page_outs > 0 && stats.page_ins > 0);
}

static void run(const char *name, void (*test)(void))
{
    test();
    check_report("vmtest", name);
}

int main(const char *args)
{
    if (!strncmp(args, "hog ", 4))
        return hog(str_decimal(args + 4));
    if (!strncmp(args, "work ", 5))
        return work(str_decimal(args + 5));
    if (get_stats())
        ant_printf("vmtest: no pager: every test will fail\n");
    if (!strcmp(args, "nopaging")) {
        run("no_paging_space", t_no_paging_space);
        ant_printf("vmtest: done: %d passed, %d failed\n", check_passed, check_failed);
        return check_failed ? 1 : 0;
    }
    if (!strcmp(args, "quick") || !strcmp(args, "fault")) {
        run("disk_refuses_others", t_disk_refuses_others);
        if (!strcmp(args, "fault"))
            run("disk_fault_kills_only_its_process", t_disk_fault_kills_only_its_process);
        else
            run("overcommit_2x", t_overcommit_2x);
        ant_printf("vmtest: done: %d passed, %d failed\n", check_passed, check_failed);
        return check_failed ? 1 : 0;
    }
    run("disk_refuses_others", t_disk_refuses_others);
    run("deferred_allocation", t_deferred_allocation);
    run("lazy_refusals", t_lazy_refusals);
    run("clean_pages_need_no_slot", t_clean_pages_need_no_slot);
    run("page_classes", t_page_classes);    /* before overcommit fills the slots */
    run("overcommit_4x", t_overcommit);
    run("exhaustion_kills_only_the_hog", t_exhaustion_kills_only_the_hog);
    ant_printf("vmtest: done: %d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}
