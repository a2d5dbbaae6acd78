/*
 * Notes (kernel/notify.h), and IRQs bound to drivers: a bound line stays
 * masked from its interrupt until the driver acknowledges it (SYS_IRQ_ACK),
 * so a driver never sees one IRQ twice, and a slow one holds only its own.
 * The fault note's words come from the pager's queue (kernel/paging.c).
 */
#include "kernel/notify.h"
#include "include/ant/syscall.h"
#include "kernel/paging.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/trap.h"

#define IRQ_LINES 16
#define NOTE_BIT(note) (IRQ_LINES + (note) - ANT_NOTE_BASE)
_Static_assert(NOTE_BIT(ANT_NOTE_LAST) < 32, "every note has a bit of thread.pending");

static struct proc *irq_owner[IRQ_LINES];

static int note_take(struct thread *t, uint32_t w[4]);

int note_waiting(const struct thread *t)
{
    return t->ipc_state == IPC_RECV || (t->ipc_state == IPC_RECV_FROM && t->ipc_peer == ANT_PID_NOTES);
}

/* Post bit to p; its thread if that took the note at once (its receive
 * returns, from pid 0, once woken with 0), else NULL. */
static struct thread *post_bit_take(struct proc *p, uint32_t bit)
{
    struct thread *t = p->thread;
    t->pending |= 1u << bit;
    if (note_waiting(t) && note_deliver(t, THREAD_UFRAME(t))) {
        t->ipc_state = IPC_NONE;
        return t;
    }
    return 0;
}

static void post_bit(struct proc *p, uint32_t bit)
{
    struct thread *t = post_bit_take(p, bit);
    if (t)
        sched_wake(t, 0);
}

struct thread *note_post_take(struct proc *p, uint32_t note)
{
    return post_bit_take(p, NOTE_BIT(note));
}

int note_can_give(const struct proc *p)
{
    return !p->thread->pending && note_waiting(p->thread);
}

/* A note's words as a received message in tf (no run). */
static void put_note(struct trap_frame *tf, const uint32_t w[4])
{
    tf->ebx = w[0];
    tf->esi = w[1];
    tf->edi = w[2];
    tf->ebp = w[3];
    tf->edx = 0;
}

struct thread *note_give(struct proc *p, const uint32_t w[4])
{
    struct thread *t = p->thread;
    put_note(THREAD_UFRAME(t), w);
    t->ipc_state = IPC_NONE;
    return t;
}

void note_post(struct proc *p, uint32_t note)
{
    post_bit(p, NOTE_BIT(note));
}

void note_cancel(struct proc *p, uint32_t note)
{
    p->thread->pending &= ~(1u << NOTE_BIT(note));
}

/* The next note of t as message words; 0 when none is posted. */
static int note_take(struct thread *t, uint32_t w[4])
{
    while (t->pending) {
        uint32_t bit = (uint32_t)__builtin_ctz(t->pending);
        t->pending &= ~(1u << bit);
        w[0] = bit < IRQ_LINES ? bit : bit - IRQ_LINES + ANT_NOTE_BASE;
        w[1] = w[2] = w[3] = 0;
        if (bit != NOTE_BIT(ANT_NOTE_FAULT))
            return 1;
        int more;
        if (paging_fault_note(t->proc, &w[1], &more)) {
            if (more)
                t->pending |= 1u << bit;
            return 1;
        }
    }
    return 0;
}

int note_deliver(struct thread *t, struct trap_frame *tf)
{
    uint32_t w[4];
    if (!note_take(t, w))
        return 0;
    put_note(tf, w);
    return 1;
}

/* A bound interrupt: masked until the driver acknowledges it. */
static void irq_note(int irq)
{
    irq_mask(irq, 1);
    if (irq_owner[irq])
        post_bit(irq_owner[irq], (uint32_t)irq);
}

int32_t SYSCALL_ABI sys_irq_bind(struct trap_frame *tf)
{
    uint32_t irq = tf->ebx;
    struct proc *me = current->proc;
    if (!me->priv)
        return -ANT_EPERM;
    if (irq >= IRQ_LINES || irq == 2)
        return -ANT_EINVAL;             /* 2: the cascade */
    if (irq_owner[irq] == me)
        return 0;
    if (irq == 0 || irq_owner[irq] || irq_in_use((int)irq))
        return -ANT_EBUSY;              /* 0: the PIT's, the kernel's even when it
                                           ticks from the local APIC timer */
    irq_owner[irq] = me;
    irq_set_handler((int)irq, irq_note);
    return 0;
}

int32_t SYSCALL_ABI sys_irq_ack(struct trap_frame *tf)
{
    uint32_t irq = tf->ebx;
    if (irq >= IRQ_LINES)
        return -ANT_EINVAL;
    if (irq_owner[irq] != current->proc)
        return -ANT_EPERM;
    irq_mask((int)irq, 0);
    return 0;
}

void notify_exit(struct proc *p)
{
    if (p->thread)
        p->thread->pending = 0;
    for (int irq = 0; irq < IRQ_LINES; irq++) {
        if (irq_owner[irq] == p) {
            irq_owner[irq] = 0;
            irq_set_handler(irq, 0);
        }
    }
}
