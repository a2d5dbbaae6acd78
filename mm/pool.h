/* The kernel's page pool: 4KB frames, O(1) allocate and free. */
#ifndef MM_POOL_H
#define MM_POOL_H
#include <stdint.h>
#include "mm/frame.h"

extern struct frame_table frames;   /* the one frame table */

/* Take a frame (physical address) for the kernel or a process; 0 if empty. */
uint32_t pool_alloc(enum frame_state s, uint16_t owner);
/* The same, zeros preferred: frame_of(pa)->flags has FRAME_F_ZERO if the
 * frame holds zeros (the idle CPUs zero free frames ahead, kernel/sched.c). */
uint32_t pool_alloc_zero(enum frame_state s, uint16_t owner);
/* A frame of any content taken out of the pool to be zeroed, or 0; back
 * with pool_put_back, on the zeroed list if zeroed. Under the big lock;
 * the zeroing itself needs no lock. */
uint32_t pool_take_dirty(void);
/* Frames on the zeroed list now. */
uint32_t pool_zeroed_count(void);
void pool_put_back(uint32_t pa, int zeroed);
/* Give a frame back. A frame that was not taken is a kernel bug: panic. */
void pool_free(uint32_t pa);
/* Frames in the pool now. Those out for zeroing count (one at most an
 * idle CPU): a reserve check may pass by them and the allocation then
 * fail, which every caller handles. */
uint32_t pool_free_count(void);
/* Entry for the frame holding physical address pa (NULL past the table). */
struct frame *frame_of(uint32_t pa);

#endif
