/*
 * Physical memory at boot. Physical order (docs/DESIGN.md §2): low memory and the
 * I/O hole; the kernel text at 1MB and pool frames up to the end of the text
 * 4MB page; the data area (picked by early boot); the ICC region, one
 * contiguous run; the frame table; the rest of RAM is pool. Modules stay
 * reserved until their programs are loaded.
 */
#include "mm/mm.h"
#include "boot/bootinfo.h"
#include "boot/console.h"
#include "boot/panic.h"
#include "mm/kspace.h"
#include "mm/layout.h"
#include "mm/pool.h"

#define MIN_POOL_BYTES (1024 * 1024)
#define BUSY_MAX (4 + BOOT_MODS_MAX)

extern const char __kernel_phys_end[];     /* linker.ld */

struct mm_info mm;

uint64_t mm_default_icc_size(uint64_t usable)
{
    uint64_t s = (usable / 8) & ~(uint64_t)0xFFFFF;   /* 1/8 of RAM, whole MiB */
    if (s < 4 * 1024 * 1024)
        s = 4 * 1024 * 1024;
    return s > ICC_SIZE_LIMIT ? ICC_SIZE_LIMIT : s;
}

static int busy_ranges(struct mrange *b)
{
    int n = 0;
    b[n].base = 0;                                     /* frame 0, text */
    b[n++].end = (mm.text_phys_end + PAGE_SIZE - 1) & PTE_FRAME_MASK;
    b[n].base = mm.data_phys;
    b[n++].end = (uint64_t)mm.data_phys + KDATA_SIZE;
    for (uint32_t i = 0; i < boot_info.mod_count; i++) {
        b[n].base = boot_info.mods[i].start & PTE_FRAME_MASK;
        b[n++].end = ((uint64_t)boot_info.mods[i].end + PAGE_SIZE - 1) & PTE_FRAME_MASK;
    }
    return n;
}

static uint64_t busy_bytes(const struct mrange *b, int n)
{
    uint64_t sum = 0;
    for (int i = 0; i < n; i++)
        sum += b[i].end - b[i].base;
    return sum;
}

/* Find the ICC region; shrink a request that does not fit, with a report. */
static void reserve_icc(const struct kconfig *cfg, const struct mrange *busy, int nbusy,
                        uint64_t frametab)
{
    uint64_t usable = memmap_total(&mm.ram);
    uint64_t want = cfg->icc_size ? cfg->icc_size : mm_default_icc_size(usable);
    uint64_t spare = usable - busy_bytes(busy, nbusy) - frametab;
    uint64_t cap = spare > MIN_POOL_BYTES ? (spare - MIN_POOL_BYTES) & ~0xFFFULL : 0;
    uint64_t size = want, base = 0;
    if (size > cap)
        size = cap & ~(uint64_t)0xFFFFF;
    while (size >= ICC_SIZE_MIN &&
           memmap_find(&mm.ram, busy, nbusy, size, PAGE_SIZE, mm.data_phys, &base) &&
           memmap_find(&mm.ram, busy, nbusy, size, PAGE_SIZE, 0, &base))
        size /= 2;
    if (size < ICC_SIZE_MIN)
        panic("no room for an ICC region of even %u KiB", ICC_SIZE_MIN / 1024);
    if (size != want)
        kprintf("mem: icc_size %llu KiB does not fit; using %llu KiB\n",
                want / 1024, size / 1024);
    mm.icc_base = (uint32_t)base;
    mm.icc_size = (uint32_t)size;
}

static void place_frame_table(struct mrange *busy, int nbusy, uint32_t size)
{
    uint64_t base;
    if (memmap_find(&mm.ram, busy, nbusy, size, PAGE_SIZE, mm.icc_base, &base) &&
        memmap_find(&mm.ram, busy, nbusy, size, PAGE_SIZE, 0, &base))
        panic("no room for the frame table (%u KiB)", size / 1024);
    mm.frametab_phys = (uint32_t)base;
    mm.frametab_size = size;
    for (uint32_t off = 0; off < size; off += PAGE_SIZE)
        kspace_map(FRAMETAB_VIRT + off, mm.frametab_phys + off);
}

static uint32_t frames_in(uint64_t bytes)
{
    return (uint32_t)((bytes + PAGE_SIZE - 1) >> PAGE_SHIFT);
}

static void mark_range(uint64_t base, uint64_t end, enum frame_state s)
{
    uint32_t first = (uint32_t)(base >> PAGE_SHIFT);
    ft_mark(&frames, first, frames_in(end) - first, s);
}

static void fill_frame_table(uint32_t nframes)
{
    ft_init(&frames, (struct frame *)FRAMETAB_VIRT, nframes);
    for (int i = 0; i < mm.ram.n; i++)
        mark_range(mm.ram.avail[i].base, mm.ram.avail[i].end, FRAME_FREE);
    for (uint32_t i = 0; i < boot_info.mmap_count; i++) {
        const struct boot_mmap_entry *e = &boot_info.mmap[i];
        if (e->type != MMAP_AVAILABLE && e->base < PHYS_LIMIT)
            mark_range(e->base, e->base + e->len > PHYS_LIMIT ? PHYS_LIMIT : e->base + e->len,
                       FRAME_FIRMWARE);
    }
    ft_mark(&frames, 0, 1, FRAME_FIRMWARE);
    mark_range(KERNEL_PHYS_LOAD, mm.text_phys_end, FRAME_TEXT);
    mark_range(mm.data_phys, (uint64_t)mm.data_phys + KDATA_SIZE, FRAME_DATA);
    mark_range(mm.icc_base, (uint64_t)mm.icc_base + mm.icc_size, FRAME_ICC);
    for (uint32_t i = 0; i < boot_info.mod_count; i++)
        mark_range(boot_info.mods[i].start, boot_info.mods[i].end, FRAME_MODULE);
    mark_range(mm.frametab_phys, (uint64_t)mm.frametab_phys + mm.frametab_size, FRAME_KERNEL);
    ft_build_pool(&frames);
}

static void report(uint32_t nframes)
{
    kprintf("mem: %llu KiB usable RAM in %d ranges, top %08llx\n",
            memmap_total(&mm.ram) / 1024, mm.ram.n, memmap_top(&mm.ram));
    kprintf("mem: kernel text %08x-%08x at %08x: %u x 4MB read-only global\n",
            KERNEL_PHYS_LOAD, mm.text_phys_end, KERNEL_VIRT + KERNEL_PHYS_LOAD, TEXT_BIGPAGES);
    kprintf("mem: data area   %08x-%08x at %08x: 4MB read-write global\n",
            mm.data_phys, mm.data_phys + KDATA_SIZE, KDATA_VIRT);
    kprintf("mem: I/O alias   %08x-%08x at %08x: 4KB read-write global\n",
            IOHOLE_START, IOHOLE_END, IOALIAS_VIRT + IOHOLE_START);
    kprintf("mem: ICC region  %08x-%08x at %08x: %u KiB\n",
            mm.icc_base, mm.icc_base + mm.icc_size, ICC_VIRT, mm.icc_size / 1024);
    kprintf("mem: frame table %u frames, %u KiB at %08x\n",
            nframes, mm.frametab_size / 1024, FRAMETAB_VIRT);
    kprintf("mem: pool %u frames free (%u KiB), %u frames in modules\n",
            frames.count[FRAME_FREE], frames.count[FRAME_FREE] * 4, frames.count[FRAME_MODULE]);
}

void mm_init(const struct kconfig *cfg)
{
    struct mrange busy[BUSY_MAX];
    memmap_build(&mm.ram, boot_info.mmap, (int)boot_info.mmap_count);
    if (mm.ram.dropped)
        kprintf("mem: memory map too fragmented: %d ranges ignored\n", mm.ram.dropped);
    mm.data_phys = boot_info.data_phys;
    mm.text_phys_end = (uint32_t)__kernel_phys_end;
    uint64_t top = memmap_top(&mm.ram);
    uint32_t nframes = frames_in(top);
    uint32_t ftsize = (nframes * (uint32_t)sizeof(struct frame) + PAGE_SIZE - 1) & PTE_FRAME_MASK;
    int nbusy = busy_ranges(busy);
    reserve_icc(cfg, busy, nbusy, ftsize);
    busy[nbusy].base = mm.icc_base;
    busy[nbusy++].end = (uint64_t)mm.icc_base + mm.icc_size;
    place_frame_table(busy, nbusy, ftsize);
    fill_frame_table(nframes);
    report(nframes);
}
