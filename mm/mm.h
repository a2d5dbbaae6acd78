/* Physical memory set-up at boot, and what it decided. */
#ifndef MM_MM_H
#define MM_MM_H
#include <stdint.h>
#include "boot/cmdline.h"
#include "mm/memmap.h"

struct mm_info {
    struct memmap ram;          /* usable RAM below 4GB */
    uint32_t data_phys;         /* kernel data area, 4MB */
    uint32_t text_phys_end;     /* end of the kernel image */
    uint32_t icc_base, icc_size;
    uint32_t frametab_phys, frametab_size;
};
extern struct mm_info mm;

/* Reserve the ICC region, build the frame table and the pool. */
void mm_init(const struct kconfig *cfg);
/* The default ICC size for this much usable RAM. */
uint64_t mm_default_icc_size(uint64_t usable);

#endif
