/* The kernel instance of the frame table and page pool. */
#include "mm/pool.h"
#include "boot/panic.h"
#include "boot/x86.h"

struct frame_table frames;

uint32_t pool_alloc(enum frame_state s, uint16_t owner)
{
    uint32_t fl = irq_save();
    uint32_t i = ft_alloc(&frames, s, owner);
    irq_restore(fl);
    return i == FRAME_NONE ? 0 : i << PAGE_SHIFT;
}

uint32_t pool_alloc_zero(enum frame_state s, uint16_t owner)
{
    uint32_t fl = irq_save();
    uint32_t i = ft_alloc_zero(&frames, s, owner);
    irq_restore(fl);
    return i == FRAME_NONE ? 0 : i << PAGE_SHIFT;
}

uint32_t pool_zeroed_count(void)
{
    return frames.zeroed;
}

uint32_t pool_take_dirty(void)
{
    uint32_t fl = irq_save();
    uint32_t i = ft_take_dirty(&frames);
    irq_restore(fl);
    return i == FRAME_NONE ? 0 : i << PAGE_SHIFT;
}

void pool_put_back(uint32_t pa, int zeroed)
{
    uint32_t fl = irq_save();
    ft_put_back(&frames, pa >> PAGE_SHIFT, zeroed);
    irq_restore(fl);
}

void pool_free(uint32_t pa)
{
    uint32_t fl = irq_save();
    int r = ft_free(&frames, pa >> PAGE_SHIFT);
    irq_restore(fl);
    if (r)
        panic("pool_free: frame %08x is not allocated (%s)", pa,
              pa >> PAGE_SHIFT < frames.n ? ft_state_name(frames.f[pa >> PAGE_SHIFT].state)
                                          : "beyond RAM");
}

uint32_t pool_free_count(void)
{
    return frames.count[FRAME_FREE] + frames.zeroing;
}

struct frame *frame_of(uint32_t pa)
{
    uint32_t i = pa >> PAGE_SHIFT;
    return i < frames.n ? &frames.f[i] : 0;
}
