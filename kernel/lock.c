/*
 * The big kernel lock (docs/DESIGN.md §4). One rule for interrupts and the
 * lock: it is taken with interrupts off, by a CPU entering the kernel from
 * ring 3 or from the idle loop, and given back on the way out; every
 * thread switch happens with it held, and the thread switched to gives it
 * back when it leaves for ring 3 (or the idle loop, before it halts). A
 * trap taken while this CPU holds it (a kernel thread with interrupts on)
 * does not take it again. Waiting for it, a CPU still answers TLB
 * flushes (smp_flush_kernel), and it gives up with a panic that names the
 * holder after LOCK_PATIENCE_MS, instead of hanging.
 */
#include "kernel/lock.h"
#include "boot/bootinfo.h"
#include "boot/panic.h"
#include "boot/x86.h"
#include "kernel/sched.h"
#include "kernel/smp.h"

struct spinlock big_lock;
static uint64_t patience;           /* TSC cycles; 0: counted in spins */

#define SPINS_PATIENCE 0x40000000u  /* without a TSC */

void lock_set_tsc_rate(uint64_t hz)
{
    patience = hz * LOCK_PATIENCE_MS / 1000;
}

int lock_overdue(uint64_t t0, uint32_t spins)
{
    if (patience && (boot_info.flags & BOOT_CPU_TSC))
        return rdtsc() - t0 > patience;
    return spins >= SPINS_PATIENCE;
}

static void __attribute__((noreturn)) overdue(struct spinlock *l, struct cpu *c)
{
    struct cpu *h = (struct cpu *)l->holder;
    struct thread *t = h ? h->cur : 0;
    panic("lock: CPU %u waited over %u ms for the kernel lock, held by CPU %u for %s "
          "(thread %u of %s, pid %u)", c->index, LOCK_PATIENCE_MS, h ? h->index : 99,
          l->where ? l->where : "a system call", t ? t->tid : 0, t && t->proc ? t->proc->name : "?",
          t && t->proc ? t->proc->pid : 0);
}

void lock_spin(struct spinlock *l, struct cpu *c)
{
    if ((struct cpu *)l->holder == c)
        panic("lock: CPU %u takes the kernel lock it holds (%s)", c->index,
              l->where ? l->where : "a system call");
    __atomic_add_fetch(&l->spins, 1, __ATOMIC_RELAXED);
    uint64_t t0 = (boot_info.flags & BOOT_CPU_TSC) ? rdtsc() : 0;
    for (uint32_t spins = 0;; spins++) {
        uint32_t free = 0;
        if (!l->holder && __atomic_compare_exchange_n(&l->holder, &free, (uint32_t)c, 0,
                                                      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return;
        if (c->flush_req)
            smp_flush_answer(c);
        __asm__ volatile("pause" ::: "memory");
        if ((spins & 0xFFFF) == 0xFFFF && lock_overdue(t0, spins))
            overdue(l, c);
    }
}
