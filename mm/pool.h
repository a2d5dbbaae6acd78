/* The kernel's page pool: 4KB frames, O(1) allocate and free. */
#ifndef MM_POOL_H
#define MM_POOL_H
#include <stdint.h>
#include "mm/frame.h"

extern struct frame_table frames;   /* the one frame table */

/* Take a frame (physical address) for the kernel or a process; 0 if empty. */
uint32_t pool_alloc(enum frame_state s, uint16_t owner);
/* Give a frame back. A frame that was not taken is a kernel bug: panic. */
void pool_free(uint32_t pa);
/* Frames in the pool now. */
uint32_t pool_free_count(void);
/* Entry for the frame holding physical address pa (NULL past the table). */
struct frame *frame_of(uint32_t pa);

#endif
