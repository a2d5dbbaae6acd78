/* The frame table and the page pool, on the real machine's memory. */
#include "boot/bootinfo.h"
#include "boot/cmdline.h"
#include "kernel/probe.h"
#include "boot/x86.h"
#include "lib/string.h"
#include "mm/kspace.h"
#include "mm/mm.h"
#include "mm/pool.h"
#include "tests/kernel/ktest.h"

#define TEST_OWNER 0xA17

static enum frame_state state_at(uint64_t pa)
{
    return (enum frame_state)frames.f[pa >> PAGE_SHIFT].state;
}

KTEST(frame_table_consistent)
{
    char why[96];
    uint32_t sum = 0;
    if (ft_check(&frames, why, sizeof why))
        KFAIL("%s", why);
    for (int s = 0; s < FRAME_NSTATES; s++)
        sum += frames.count[s];
    KASSERT(sum == frames.n);
    KASSERT(frames.n == (uint32_t)((memmap_top(&mm.ram) + PAGE_SIZE - 1) >> PAGE_SHIFT));
}

KTEST(pool_alloc_all_free_all)
{
    char why[96];
    uint32_t before = pool_free_count(), got = 0, pa;
    while ((pa = pool_alloc(FRAME_KERNEL, TEST_OWNER)) != 0)
        got++;
    KASSERT(got == before);
    KASSERT(pool_free_count() == 0);
    KASSERT(frames.free_head == FRAME_NONE);
    for (uint32_t i = 0; i < frames.n; i++)
        if (frames.f[i].state == FRAME_KERNEL && frames.f[i].owner == TEST_OWNER)
            pool_free(i << PAGE_SHIFT);
    KASSERT(pool_free_count() == before);
    if (ft_check(&frames, why, sizeof why))
        KFAIL("%s", why);
}

KTEST(pool_lifo_o1)
{
    uint32_t a = pool_alloc(FRAME_USER, 7);
    KASSERT(a != 0 && frame_of(a)->state == FRAME_USER && frame_of(a)->owner == 7);
    pool_free(a);
    KASSERT(frame_of(a)->state == FRAME_FREE);
    uint32_t b = pool_alloc(FRAME_KERNEL, 0);
    KASSERT(b == a);                                  /* head of the list */
    pool_free(b);
}

KTEST(pool_excludes_reserved)
{
    KASSERT(state_at(0) == FRAME_FIRMWARE);
    for (uint64_t pa = KERNEL_PHYS_LOAD; pa < mm.text_phys_end; pa += PAGE_SIZE)
        KASSERT(state_at(pa) == FRAME_TEXT);
    for (uint64_t pa = mm.data_phys; pa < (uint64_t)mm.data_phys + KDATA_SIZE; pa += PAGE_SIZE)
        KASSERT(state_at(pa) == FRAME_DATA);
    for (uint64_t pa = mm.frametab_phys; pa < (uint64_t)mm.frametab_phys + mm.frametab_size;
         pa += PAGE_SIZE)
        KASSERT(state_at(pa) == FRAME_KERNEL);
    for (uint32_t i = 0; i < boot_info.mod_count; i++)
        for (uint64_t pa = boot_info.mods[i].start; pa < boot_info.mods[i].end; pa += PAGE_SIZE)
            KASSERT(state_at(pa) == FRAME_MODULE);
}

KTEST(pool_includes_text_page_tail)
{
    uint32_t tail = (mm.text_phys_end + PAGE_SIZE - 1) & PTE_FRAME_MASK, pooled = 0;
    for (uint64_t pa = tail; pa < TEXT_BIGPAGES * BIGPAGE_SIZE; pa += PAGE_SIZE) {
        enum frame_state s = state_at(pa);
        if (!memmap_contains(&mm.ram, pa, pa + PAGE_SIZE))
            continue;
        KASSERT(s == FRAME_FREE || s == FRAME_KERNEL || s == FRAME_USER || s == FRAME_MODULE);
        pooled += s != FRAME_MODULE;
    }
    KASSERT(pooled > 0);
}

KTEST(pool_frames_are_ram)
{
    for (uint32_t i = 0; i < frames.n; i++) {
        uint64_t pa = (uint64_t)i << PAGE_SHIFT;
        enum frame_state s = (enum frame_state)frames.f[i].state;
        int ram = memmap_contains(&mm.ram, pa, pa + PAGE_SIZE);
        int reserved = memmap_raw_reserved(boot_info.mmap, (int)boot_info.mmap_count,
                                           pa, pa + PAGE_SIZE);
        if (s == FRAME_FREE && (!ram || reserved))
            KFAIL("free frame %08llx is not usable RAM", pa);
        if (reserved && s != FRAME_FIRMWARE)
            KFAIL("reserved frame %08llx is %s", pa, ft_state_name(s));
        if (!ram && !reserved && s != FRAME_ABSENT && s != FRAME_FIRMWARE)
            KFAIL("frame %08llx outside the map is %s", pa, ft_state_name(s));
    }
}

KTEST(icc_region_contiguous_outside_pool)
{
    uint32_t end = mm.icc_base + mm.icc_size;
    KASSERT(mm.icc_base % PAGE_SIZE == 0 && mm.icc_size % PAGE_SIZE == 0);
    KASSERT(mm.icc_size >= ICC_SIZE_MIN && mm.icc_size <= ICC_MAX);
    KASSERT(memmap_contains(&mm.ram, mm.icc_base, end));
    KASSERT(frames.count[FRAME_ICC] == mm.icc_size / PAGE_SIZE);
    for (uint64_t pa = mm.icc_base; pa < end; pa += PAGE_SIZE)
        KASSERT(state_at(pa) == FRAME_ICC);
    for (uint32_t i = frames.free_head; i != FRAME_NONE; i = frames.f[i].next)
        KASSERT((uint64_t)i << PAGE_SHIFT < mm.icc_base || (uint64_t)i << PAGE_SHIFT >= end);
    KASSERT(end <= mm.data_phys || mm.icc_base >= mm.data_phys + KDATA_SIZE);
}

KTEST(icc_size_default_or_requested)
{
    uint64_t want = boot_config.icc_size ? boot_config.icc_size
                                         : mm_default_icc_size(memmap_total(&mm.ram));
    KASSERT(mm.icc_size == want);
    if (!boot_config.icc_size)
        KASSERT(mm.icc_size >= 4 * 1024 * 1024);
}

KTEST(kspace_map_unmap_invlpg)
{
    uint32_t pa = pool_alloc(FRAME_KERNEL, 0), va = KDYN_VIRT, after;
    KASSERT(pa != 0);
    kspace_map(va, pa);
    KASSERT(kspace_lookup(va) == pa);
    *(volatile uint32_t *)va = 0x5A5AA5A5;
    uint32_t *w = window_map(pa);
    uint32_t seen = *w;
    window_unmap(w);
    kspace_unmap(va);
    int gone = probe_read32(va, &after) == -1;   /* the TLB entry went too */
    pool_free(pa);
    KASSERT(seen == 0x5A5AA5A5);
    KASSERT(gone);
    KASSERT(kspace_lookup(va) == 0);
}

KTEST(windows_distinct_and_reused)
{
    uint32_t a = pool_alloc(FRAME_KERNEL, 0), b = pool_alloc(FRAME_KERNEL, 0);
    KASSERT(a && b);
    uint32_t *wa = window_map(a), *wb = window_map(b);
    wa[0] = 1;
    wb[0] = 2;
    int distinct = wa != wb && wa[0] == 1 && wb[0] == 2;
    window_unmap(wb);
    uint32_t *wc = window_map(b);
    int reused = wc == wb && wc[0] == 2;
    window_unmap(wc);
    window_unmap(wa);
    pool_free(a);
    pool_free(b);
    KASSERT(distinct);
    KASSERT(reused);
}

KTEST(modules_reserved_and_intact)
{
    for (uint32_t i = 0; i < boot_info.mod_count; i++) {
        const struct boot_module *m = &boot_info.mods[i];
        KASSERT(m->start % PAGE_SIZE == 0 && m->end >= m->start);
        if (strcmp(m->name, "testmod"))
            continue;
        /* scripts/mkiso.sh's test module: word k holds k ^ 0xA5A5A5A5. */
        for (uint32_t off = 0; off + 4 <= m->end - m->start; off += PAGE_SIZE) {
            uint32_t *w = window_map(m->start + off);
            uint32_t k = off / 4, got = w[0];
            window_unmap(w);
            if (got != (k ^ 0xA5A5A5A5))
                KFAIL("module word %u is %08x", k, got);
        }
    }
}
