/*
 * paging [PAGES]: the demand-paging demonstration, for a person at the
 * shell. It reserves a lazy range of PAGES pages (default: twice the
 * memory there is), writes a word into every page, then reads them all
 * back and checks them: with more pages than frames, the pager writes some
 * out to the paging space and reads them in again. `vmstat` shows it; so
 * do its own lines, which give the pager's counters before and after.
 *   QEMU_RUN_MEM=24 make run, then: run paging, then: vmstat
 */
#include "lib/ant.h"
#include "lib/string.h"
#include "lib/svc.h"

#define BASE 0x10000000u
#define PAGE 4096u
#define PAGES_MAX ((0x70000000u - BASE) / PAGE)

/* The pager's counters into *ps; 0, or -error without a pager. */
static int32_t pager_stats(struct pager_stats *ps, void *page)
{
    struct ant_msg m = {{PAGER_STATS, 0, 0, 0}, ANT_ICC_RUN(page, 1)};
    int32_t r = svc_call("pager", &m);
    if (r == 0)
        *ps = *(const struct pager_stats *)page;
    return r;
}

static uint32_t pattern(uint32_t p)
{
    return p * 2654435761u ^ 0x5A5A0000u;
}

int main(const char *args)
{
    struct ant_meminfo mi;
    struct pager_stats before, after;
    void *page;
    if (ant_meminfo(&mi) || ant_icc_alloc(1, &page))
        return 1;
    uint32_t n = str_decimal(args);
    if (!n)
        n = 2 * mi.pool_total;
    if (n > PAGES_MAX)
        n = PAGES_MAX;
    int32_t r = pager_stats(&before, page);
    if (r) {
        con_printf("paging: no pager (%s): nothing to show\n", ant_strwords(r));
        return 2;
    }
    con_printf("paging: %u pages (%u MiB) in a lazy range, with %u frames of memory and %u "
               "paging slots\n", n, n / 256, mi.pool_total, before.slots_total);
    r = ant_mmap(BASE, n * PAGE, ANT_PROT_WRITE | ANT_PROT_LAZY);
    if (r) {
        con_printf("paging: mmap: %s (%s)\n", ant_strwords(r), ant_strerror(r));
        return 3;
    }
    volatile uint32_t *a = (volatile uint32_t *)BASE;
    for (uint32_t p = 0; p < n; p++) {
        a[p * (PAGE / 4)] = pattern(p);
        if ((p + 1) % (n / 4 ? n / 4 : 1) == 0)
            con_printf("paging: written %u of %u pages\n", p + 1, n);
    }
    uint32_t wrong = 0;
    for (uint32_t p = 0; p < n; p++)
        wrong += a[p * (PAGE / 4)] != pattern(p);
    if (pager_stats(&after, page))
        after = before;
    con_printf("paging: read back %u pages, %u wrong; the pager meanwhile: %u faults, "
               "%u page-outs, %u page-ins, %u slots in use\n", n, wrong,
               after.faults - before.faults, after.page_outs - before.page_outs,
               after.page_ins - before.page_ins, after.slots_used);
    return wrong ? 4 : 0;
}
