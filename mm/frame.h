/*
 * The frame table: one entry per physical 4KB frame, with its state and
 * owner, and the page pool threaded through it as a free list, so that
 * allocating and freeing a frame are O(1). Pure code (host-tested); the
 * kernel's single instance and its locking are in mm/pool.h.
 */
#ifndef MM_FRAME_H
#define MM_FRAME_H
#include <stddef.h>
#include <stdint.h>

enum frame_state {
    FRAME_ABSENT,       /* not RAM: a hole in the memory map */
    FRAME_FIRMWARE,     /* reserved by the memory map, or the first frame */
    FRAME_TEXT,         /* kernel image */
    FRAME_DATA,         /* kernel data area */
    FRAME_ICC,          /* ICC region */
    FRAME_MODULE,       /* a boot module not yet released */
    FRAME_KERNEL,       /* taken from the pool by the kernel */
    FRAME_USER,         /* taken from the pool for a process */
    FRAME_FREE,         /* in the pool */
    FRAME_NSTATES
};

#define FRAME_F_PINNED 0x01 /* never stolen by the pager */
#define FRAME_F_REF    0x02 /* reference bit, for the clock */
#define FRAME_F_LOOSE  0x04 /* the pager's, mapped nowhere (kernel/paging.c) */
#define FRAME_F_ZERO   0x08 /* holds zeros: on the zeroed list, or taken from it
                               and not written since */
#define FRAME_F_MARK   0x80 /* scratch bit for consistency checks */
#define FRAME_NONE     0xFFFFFFFFu

struct frame {
    uint32_t next;          /* free list link: frame number or FRAME_NONE */
    uint16_t owner;         /* process id for FRAME_USER */
    uint8_t state;          /* enum frame_state */
    uint8_t flags;          /* FRAME_F_* */
};

struct frame_table {
    struct frame *f;
    uint32_t n;             /* frames described: 0 .. n-1 */
    uint32_t free_head;     /* the pool, in two lists: frames of any content */
    uint32_t zero_head;     /* and frames known to hold zeros (FRAME_F_ZERO) */
    uint32_t zeroed;        /* frames on the zeroed list */
    uint32_t zeroing;       /* frames taken out to be zeroed (ft_take_dirty) */
    int pooled;             /* the free list has been built */
    uint32_t count[FRAME_NSTATES];
};

_Static_assert(sizeof(struct frame) == 8, "frame entry is 8 bytes");

/* Every frame starts ABSENT. */
void ft_init(struct frame_table *t, struct frame *mem, uint32_t n);
/* Set the state of frames [first, first+count) (clipped to the table).
 * Boot only: before ft_build_pool. */
void ft_mark(struct frame_table *t, uint32_t first, uint32_t count, enum frame_state s);
/* Thread every FREE frame into the pool; lowest frames are handed out last. */
void ft_build_pool(struct frame_table *t);
/* Take a frame from the pool for s (FRAME_KERNEL or FRAME_USER), O(1):
 * one of any content first, so the zeroed ones are kept for ft_alloc_zero. */
uint32_t ft_alloc(struct frame_table *t, enum frame_state s, uint16_t owner);
/* The same, a zeroed frame first: its flags say FRAME_F_ZERO if it is. */
uint32_t ft_alloc_zero(struct frame_table *t, enum frame_state s, uint16_t owner);
/* Take a frame of any content out of the pool to zero it (FRAME_KERNEL
 * meanwhile); FRAME_NONE if there is none. ft_put_back returns it, to the
 * zeroed list if zeroed. Frames out for zeroing count in t->zeroing. */
uint32_t ft_take_dirty(struct frame_table *t);
void ft_put_back(struct frame_table *t, uint32_t frame, int zeroed);
/* Return a frame taken by ft_alloc, or release a MODULE frame, O(1).
 * Returns -1 (and changes nothing) for a frame that cannot be freed. */
int ft_free(struct frame_table *t, uint32_t frame);
/* Check: counts add up, the two free lists hold exactly the FREE frames,
 * each once, the zeroed list its count, all marked FRAME_F_ZERO. Returns 0,
 * or -1 with a reason in why. */
int ft_check(struct frame_table *t, char *why, size_t len);

const char *ft_state_name(enum frame_state s);

#endif
