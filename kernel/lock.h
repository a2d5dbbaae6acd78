/* The big kernel lock (docs/DESIGN.md §4): one spinlock, held by a CPU for
 * the whole of every kernel entry from ring 3 or from the idle loop, with
 * interrupts off. It records its holder; a CPU that waits for it longer
 * than LOCK_PATIENCE_MS panics and names the holder instead of hanging. */
#ifndef KERNEL_LOCK_H
#define KERNEL_LOCK_H
#include <stdint.h>
#include "kernel/cpu.h"

#define LOCK_PATIENCE_MS 5000

struct spinlock {
    volatile uint32_t holder;       /* the holding struct cpu *; 0: free */
    const char *where;              /* what the holder took it for; 0: a
                                       system call by sysenter */
    uint32_t spins;                 /* acquisitions that had to wait */
};
extern struct spinlock big_lock;

/* Wait for the lock (the contended case); also answers TLB flushes asked
 * of this CPU while it waits, so a holder waiting for them never
 * deadlocks. */
void lock_spin(struct spinlock *l, struct cpu *c);

/* Take the big lock on CPU c (interrupts off). */
static inline void bkl_take(struct cpu *c, const char *where)
{
    uint32_t free = 0;
    if (!__atomic_compare_exchange_n(&big_lock.holder, &free, (uint32_t)c, 0, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED))
        lock_spin(&big_lock, c);
    big_lock.where = where;
}

static inline void bkl_drop(void)
{
    big_lock.where = 0;
    __atomic_store_n(&big_lock.holder, 0, __ATOMIC_RELEASE);
}

static inline int bkl_held(const struct cpu *c)
{
    return big_lock.holder == (uint32_t)c;
}

/* Has a wait that began at TSC t0 (or spins loops ago, without a TSC)
 * outlasted LOCK_PATIENCE_MS? */
int lock_overdue(uint64_t t0, uint32_t spins);
/* Set the TSC rate for the patience bound (cycles per second; 0: none). */
void lock_set_tsc_rate(uint64_t hz);

#endif
