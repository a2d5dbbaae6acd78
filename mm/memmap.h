/* The physical memory map: usable RAM below 4GB, and finding room in it. */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H
#include <stdint.h>
#include "boot/bootinfo.h"

#define MEMMAP_MAX 128
#define PHYS_LIMIT 0x100000000ULL   /* non-PAE: nothing above 4GB is reachable */

struct mrange {
    uint64_t base, end;             /* [base, end), page aligned */
};

struct memmap {
    struct mrange avail[MEMMAP_MAX]; /* sorted, merged, disjoint */
    int n;
    int dropped;                    /* ranges lost for lack of room (reported) */
};

/* Usable RAM from raw entries: available entries minus every reserved one,
 * clipped to 4GB, shrunk to whole pages, sorted and merged. */
void memmap_build(struct memmap *m, const struct boot_mmap_entry *e, int n);
/* Total usable bytes and the end of the highest usable range. */
uint64_t memmap_total(const struct memmap *m);
uint64_t memmap_top(const struct memmap *m);
/* Is [a, b) wholly usable? */
int memmap_contains(const struct memmap *m, uint64_t a, uint64_t b);
/* Is [a, b) listed as reserved (not available) by the raw map? */
int memmap_raw_reserved(const struct boot_mmap_entry *e, int n, uint64_t a, uint64_t b);
/*
 * Lowest address >= from, a multiple of align, where [a, a + size) is usable
 * and meets none of the busy ranges. Returns 0 and sets *out, or -1.
 */
int memmap_find(const struct memmap *m, const struct mrange *busy, int nbusy,
                uint64_t size, uint64_t align, uint64_t from, uint64_t *out);

#endif
