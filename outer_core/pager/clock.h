/*
 * The pager's bookkeeping, as pure logic (no system calls: the host tests
 * in tests/host/test_clock.c run it as it is).
 *
 * Frame table. One entry per frame the pager holds: on its free list, or
 * mapped at a page of a process. Entries whose frame went away (its process
 * ended: the inner core gave it back to the pool) are kept for reuse.
 *
 * Clock. A hand sweeps the table in order. Free and pinned entries are
 * passed; a mapped entry whose reference bit is set has it cleared and is
 * passed too (it ages); the first whose bit is clear is the victim. File
 * pages (program image: the image can give them back) are stolen before
 * working storage: the hand looks for a file page first, for up to two
 * revolutions (so a bit cleared in the first can be taken in the second),
 * and only then for a page of any class. The caller reads and clears the
 * reference bits (a callback), so a test can feed it traces.
 *
 * Paging slots. Page-sized places on the paging disk, handed out only when
 * a page is first written out (deferred allocation), and kept by the page
 * until its process ends: a page read back and not written since can be
 * dropped again without a write. A map finds a page's slot by (pid, page).
 *
 * The caller provides all storage (sized at start-up), so the same code
 * runs on the host with small arrays.
 */
#ifndef OUTER_CORE_PAGER_CLOCK_H
#define OUTER_CORE_PAGER_CLOCK_H
#include <stdint.h>

#define PG_NONE 0xFFFFFFFFu

enum pg_state {
    PG_ABSENT,          /* no frame: the entry is spare */
    PG_FREE,            /* a frame on the free list */
    PG_TAKEN,           /* off the free list, being filled (not yet mapped) */
    PG_USED,            /* mapped at (pid, va): the clock looks at it */
};

#define PG_FILE   0x1   /* class: a page of a program image, else working storage */
#define PG_PINNED 0x2   /* never chosen */
/* Marks for the caller (clock_mark), which the clock keeps with the page
 * and can be told to pass (clock_ops.skip): */
#define PG_NEEDSLOT 0x4 /* written, and no paging slot yet */
#define PG_RECENT 0x8   /* just brought in */

struct pg_frame {
    uint32_t phys;      /* the frame (not PG_ABSENT) */
    uint32_t pid, va;   /* where it is mapped (PG_USED) */
    uint16_t state;     /* enum pg_state */
    uint16_t flags;     /* PG_FILE, PG_PINNED, marks */
    uint32_t next;      /* free or spare list link */
};

struct clock {
    struct pg_frame *f;
    uint32_t cap;       /* entries there is room for */
    uint32_t n;         /* entries ever used: the hand goes round 0 .. n-1 */
    uint32_t hand;
    uint32_t free_head, spare_head;
    uint32_t held;      /* frames held: free, taken and used */
    uint32_t nfree;     /* on the free list */
    uint32_t nfile;     /* used entries of class file */
    uint32_t sweeps;    /* times the hand went round */
};

/* How the clock learns about pages. referenced: the page's reference bit,
 * cleared as it is read (1: it was set). eligible (may be NULL: all are),
 * asked of a page whose bit was clear, just after: whether it may be taken
 * now (say, only pages that need no new paging slot when none is left); an
 * ineligible page is passed. skip: flags of pages to pass without a look,
 * as pinned ones are (the caller's marks: say, PG_NEEDSLOT). */
struct clock_ops {
    int (*referenced)(void *ctx, const struct pg_frame *e);
    int (*eligible)(void *ctx, const struct pg_frame *e);
    uint16_t skip;      /* pages with any of these flags are passed unlooked at */
};

void clock_init(struct clock *c, struct pg_frame *mem, uint32_t cap);
/* A new frame onto the free list; its entry, or -1 when the table is full. */
int32_t clock_add(struct clock *c, uint32_t phys);
/* A frame off the free list (entry now PG_TAKEN); -1 when it is empty. */
int32_t clock_take(struct clock *c);
/* Taken entry i is now mapped at (pid, va), class per flags (PG_FILE). */
void clock_use(struct clock *c, uint32_t i, uint32_t pid, uint32_t va, uint16_t flags);
/* Entry i (taken or used) goes back onto the free list: its frame is mine. */
void clock_release(struct clock *c, uint32_t i);
/* Entry i's frame is gone (back in the pool): the entry becomes spare. */
void clock_forget(struct clock *c, uint32_t i);
/* Forget every used entry of pid; returns how many. */
uint32_t clock_forget_pid(struct clock *c, uint32_t pid);
/* A frame already mapped at (pid, va) (a predecessor's page): its entry,
 * or -1 when the table is full. */
int32_t clock_adopt(struct clock *c, uint32_t phys, uint32_t pid, uint32_t va, uint16_t flags);
/* Mark entry i with flag (PG_NEEDSLOT), or clear it. */
static inline void clock_mark(struct clock *c, uint32_t i, uint16_t flag, int on)
{
    if (on)
        c->f[i].flags |= flag;
    else
        c->f[i].flags &= (uint16_t)~flag;
}
/* Pin or unpin entry i. */
void clock_pin(struct clock *c, uint32_t i, int pinned);
/* The entry mapped at (pid, va), or -1. */
int32_t clock_find(const struct clock *c, uint32_t pid, uint32_t va);
/* The page to steal, by the rules above; -1 if none (all free, pinned,
 * ineligible, or referenced again on every look). It stays PG_USED: the
 * caller unmaps it, then calls clock_release (or clock_forget). */
int32_t clock_victim(struct clock *c, const struct clock_ops *ops, void *ctx);

struct pg_slot {
    uint32_t pid, va;   /* the page it holds (pid 0: none, or retired) */
    uint32_t next;      /* hash chain */
};

struct slots {
    uint32_t *bits;     /* (n + 31) / 32 words: 1 = in use or retired */
    struct pg_slot *own;    /* n entries */
    uint32_t *heads;    /* nheads chains (a power of two) */
    uint32_t n, nheads;
    uint32_t used;      /* bits set */
    uint32_t hint;      /* where the next search starts */
};

/* n slots; nheads a power of two (about n / 2 is plenty). */
void slots_init(struct slots *s, uint32_t n, uint32_t *bits, struct pg_slot *own,
                uint32_t *heads, uint32_t nheads);
/* The slot of (pid, va), allocating one if it has none; -1: none free. */
int32_t slots_alloc(struct slots *s, uint32_t pid, uint32_t va);
/* The slot of (pid, va), or -1. */
int32_t slots_find(const struct slots *s, uint32_t pid, uint32_t va);
/* Record that slot holds (pid, va) (the inner core said so at a fault);
 * 0, or -1 if the slot is out of range or another page's. */
int slots_claim(struct slots *s, uint32_t slot, uint32_t pid, uint32_t va);
/* Slot is free again. */
void slots_free(struct slots *s, uint32_t slot);
/* Free every slot of pid; returns how many. */
uint32_t slots_free_pid(struct slots *s, uint32_t pid);
/* Take slot out of use for good (the disk could not write it). */
void slots_retire(struct slots *s, uint32_t slot);
/* Is slot in use? If so, *pid and *va say whose (pid 0: retired). */
int slots_owner(const struct slots *s, uint32_t slot, uint32_t *pid, uint32_t *va);

#endif
