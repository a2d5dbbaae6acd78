/*
 * Synchronous IPC. A message goes from the sender's saved user registers
 * to the receiver's: four words and an ICC run, whose pages are re-mapped
 * from one address space to the other (mm/icc.c). Nothing is buffered in
 * the kernel: a sender whose receiver is not waiting blocks on the
 * receiver's send queue, and its message stays in its own registers (and
 * its pages in its own space) until the receiver takes it.
 *
 * Fast path: when the receiver is already waiting and has the sender's
 * priority, the sender switches straight to it (sched_switch_to), with no
 * scheduler pass. Call + reply-and-receive is then two kernel entries and
 * two address-space switches.
 *
 * The kernel runs with interrupts off, so nothing here needs a lock.
 *
 * This layer has no header: what it offers is its system calls (SYS_SEND
 * to SYS_REPLYRECV, declared with every handler in kernel/syscall.h from
 * the list in include/ant/syscall.h), and what it does when a process
 * ends (PROC_EXIT_HOOK, below). Notes, the messages from pid 0, are
 * kernel/notify.h's; a receive from anyone takes them first.
 */
#include "include/ant/syscall.h"
#include "kernel/notify.h"
#include "kernel/paging.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/trap.h"
#include "mm/icc.h"

static void sendq_push(struct thread *r, struct thread *s)
{
    s->sendq_next = 0;
    if (r->sendq_tail)
        r->sendq_tail->sendq_next = s;
    else
        r->sendq_head = s;
    r->sendq_tail = s;
}

/* Take the first sender from `from` (0: anyone) off r's queue. */
static struct thread *sendq_take(struct thread *r, uint32_t from)
{
    struct thread *prev = 0;
    for (struct thread *s = r->sendq_head; s; prev = s, s = s->sendq_next) {
        if (from && s->proc->pid != from)
            continue;
        if (prev)
            prev->sendq_next = s->sendq_next;
        else
            r->sendq_head = s->sendq_next;
        if (r->sendq_tail == s)
            r->sendq_tail = prev;
        s->sendq_next = 0;
        return s;
    }
    return 0;
}

/* The predicates of both paths. Would r take a message from pid now? */
static inline int accepts(const struct thread *r, uint32_t pid)
{
    return r->ipc_state == IPC_RECV || (r->ipc_state == IPC_RECV_FROM && r->ipc_peer == pid);
}

/* Does c wait for my reply to its call? */
static inline int awaits_reply(const struct thread *c, uint32_t mine)
{
    return c->ipc_state == IPC_REPLY_WAIT && c->ipc_peer == mine;
}

/*
 * The hand-off, in one place: `to` has just got my message (its receive or
 * call returns my pid); I wait in `state` for `peer` (IPC_NONE: a send, I
 * stay ready), and `to` runs at once in what is left of my quantum, with
 * no scheduler pass. Only between equal priorities: pass_on leaves the
 * choice to the scheduler otherwise. Returns what I am woken with (0 for a
 * send: it is done).
 */
static inline __attribute__((always_inline)) int32_t hand_off(struct cpu *cpu, struct thread *me,
                                                              struct thread *to, uint8_t state,
                                                              uint32_t peer)
{
    to->ipc_state = IPC_NONE;
    to->wait_result = (int32_t)me->proc->pid;
    me->ipc_state = state;
    me->ipc_peer = peer;
    if (state == IPC_NONE)
        sched_requeue_current(cpu);
    else
        me->state = T_BLOCKED;
    sched_switch_to(cpu, me, to);
    return state == IPC_NONE ? 0 : me->wait_result;
}

/* The CPU of the thread whose entry from ring 3 built tf: the word above
 * the frame (KSTACK_CPU, kernel/sched.h), one load. */
static inline struct cpu *cpu_of(const struct trap_frame *tf)
{
    return KSTACK_CPU((uint32_t)(tf + 1));
}

/* One more IPC call on CPU c (SYS_CPUINFO): one instruction, where i586
 * code would split ++ into three. */
static inline void count_ipc(struct cpu *c)
{
    __asm__("incl %0" : "+m"(c->ipcs));
}

/* Do a and b have one priority and one CPU: may a hand its CPU to b? */
static inline int same_level(const struct thread *a, const struct thread *b)
{
    return a->prio == b->prio && a->cpu == b->cpu;
}

static inline __attribute__((always_inline)) int32_t pass_on(struct cpu *cpu, struct thread *me,
                                                             struct thread *to, uint8_t state,
                                                             uint32_t peer)
{
    if (same_level(to, me))
        return hand_off(cpu, me, to, state, peer);
    to->ipc_state = IPC_NONE;
    sched_wake(to, (int32_t)me->proc->pid);
    me->ipc_state = state;
    me->ipc_peer = peer;
    return state == IPC_NONE ? 0 : sched_block();
}

/* Move the message in frame sf (of process sp; a run in the area) to r's
 * registers. Fails for a run not all sp's (-ANT_EPERM, checked as it
 * moves) or for lack of a page table: nothing changes. */
static int transfer(struct proc *sp, const struct trap_frame *sf, struct thread *r)
{
    uint32_t run = sf->edx;
    struct trap_frame *rf = THREAD_UFRAME(r);
    if (run) {
        if (!icc_run_ends_owned(&sp->vm, run))
            return -ANT_EPERM;
        int err = icc_prepare(&r->proc->vm, run);
        if (!err)
            err = icc_move(&sp->vm, &r->proc->vm, run);
        if (err)
            return err;
    }
    rf->ebx = sf->ebx;
    rf->esi = sf->esi;
    rf->edi = sf->edi;
    rf->ebp = sf->ebp;
    rf->edx = run;
    return 0;
}

/* The registers of a message without pages, straight across. */
static inline void copy_words(struct trap_frame *to, const struct trap_frame *from)
{
    to->ebx = from->ebx;
    to->esi = from->esi;
    to->edi = from->edi;
    to->ebp = from->ebp;
    to->edx = 0;
}

/* The destination of a send or call in tf, and its run checked. (It
 * reads its own process from tf: passed in by send_or_call instead, the
 * compiler spills it, 3 to 10 instructions more a send.) */
static inline __attribute__((always_inline)) int check_send(const struct trap_frame *tf,
                                                            struct thread **dst)
{
    uint32_t pid = tf->eax >> 8;
    struct proc *p = pid ? proc_alive(pid) : 0, *mine = cpu_of(tf)->cur->proc;
    if (!p)
        return -ANT_ESRCH;
    if (p == mine)
        return -ANT_EINVAL;         /* it would wait for itself */
    if (tf->edx) {
        int err = icc_run_valid(tf->edx);   /* owned: as it moves, or before it waits */
        if (err)
            return err;
    }
    *dst = p->thread;
    return 0;
}

/* The caller blocked in a call on me (process mine), or NULL. */
static struct thread *caller(uint32_t pid, const struct proc *mine)
{
    struct proc *p = pid ? proc_alive(pid) : 0;
    struct thread *c = p ? p->thread : 0;
    return c && awaits_reply(c, mine->pid) ? c : 0;
}

static int32_t receive(struct thread *me, struct trap_frame *tf, uint32_t from)
{
    for (;;) {
        if (me->pending && (!from || from == ANT_PID_NOTES) && note_deliver(me, tf))
            return 0;               /* from pid 0 */
        struct thread *s = from == ANT_PID_NOTES ? 0 : sendq_take(me, from);
        if (!s)
            break;
        int err = transfer(s->proc, THREAD_UFRAME(s), me);
        if (err) {                  /* the sender learns; I wait on */
            s->ipc_state = IPC_NONE;
            sched_wake(s, err);
            continue;
        }
        if (s->ipc_state == IPC_CALL) {
            s->ipc_state = IPC_REPLY_WAIT;      /* ipc_peer is already me */
        } else {
            s->ipc_state = IPC_NONE;
            sched_wake(s, 0);
        }
        return (int32_t)s->proc->pid;
    }
    me->ipc_state = from ? IPC_RECV_FROM : IPC_RECV;
    me->ipc_peer = from;
    return sched_block();
}

/* Deliver the message in tf to its destination, or wait on its queue until
 * it receives; with call, then wait for the reply. Inline in both users,
 * for a constant `call`. */
static inline __attribute__((always_inline)) int32_t send_or_call(struct cpu *cpu,
                                                                  struct trap_frame *tf, int call)
{
    struct thread *me = cpu->cur, *r;
    int err = check_send(tf, &r);
    if (err)
        return err;
    uint32_t dest = r->proc->pid;
    if (!accepts(r, me->proc->pid)) {
        if (tf->edx && (err = icc_run_owned(&me->proc->vm, tf->edx)))
            return err;             /* it waits with its own pages only */
        me->ipc_state = call ? IPC_CALL : IPC_SEND;
        me->ipc_peer = dest;
        sendq_push(r, me);
        return sched_block();
    }
    err = transfer(me->proc, tf, r);
    if (err)
        return err;
    return pass_on(cpu, me, r, call ? IPC_REPLY_WAIT : IPC_NONE, dest);
}

int32_t SYSCALL_ABI sys_send(struct trap_frame *tf)
{
    struct cpu *cpu = cpu_of(tf);
    count_ipc(cpu);
    return send_or_call(cpu, tf, 0);
}

static __attribute__((noinline)) int32_t call_slow(struct trap_frame *tf)
{
    return send_or_call(cpu_of(tf), tf, 1);
}

/* The fast paths below are guard clauses over the predicates above: the
 * first one that does not hold hands the call to the general path. They
 * are small leaf-like functions, so they need few registers and no frame
 * pointer. */
#define FAST_PATH __attribute__((optimize("omit-frame-pointer")))

/* A call without pages to a process of my priority waiting for it. */
FAST_PATH int32_t SYSCALL_ABI sys_call(struct trap_frame *tf)
{
    struct cpu *cpu = cpu_of(tf);
    struct thread *me = cpu->cur;
    count_ipc(cpu);
    uint32_t pid = tf->eax >> 8;
    struct proc *p = proc_alive(pid);
    if (!p || tf->edx)
        return call_slow(tf);
    struct thread *r = p->thread;
    if (!accepts(r, me->proc->pid) || !same_level(r, me))
        return call_slow(tf);
    copy_words(THREAD_UFRAME(r), tf);
    return hand_off(cpu, me, r, IPC_REPLY_WAIT, pid);
}

int32_t SYSCALL_ABI sys_recv(struct trap_frame *tf)
{
    uint32_t from = tf->eax >> 8;
    struct cpu *cpu = cpu_of(tf);
    count_ipc(cpu);
    if (from && from == cpu->cur->proc->pid)
        return -ANT_EINVAL;
    if (from && from != ANT_PID_NOTES && !proc_alive(from))
        return -ANT_ESRCH;
    return receive(cpu->cur, tf, from);
}

/* Check and deliver a reply in tf by process mine; the caller is left
 * blocked. */
static int reply_to(struct trap_frame *tf, struct proc *mine, struct thread **out)
{
    struct thread *c = caller(tf->eax >> 8, mine);
    if (!c)
        return -ANT_ESRCH;
    if (tf->edx) {
        int err = icc_run_valid(tf->edx);   /* owned: as it moves */
        if (err)
            return err;
    }
    int err = transfer(mine, tf, c);
    if (err)
        return err;
    *out = c;
    return 0;
}

int32_t SYSCALL_ABI sys_reply(struct trap_frame *tf)
{
    struct thread *c;
    struct cpu *cpu = cpu_of(tf);
    count_ipc(cpu);
    int err = reply_to(tf, cpu->cur->proc, &c);
    if (err)
        return err;
    c->ipc_state = IPC_NONE;
    sched_wake(c, (int32_t)cpu->cur->proc->pid);
    return 0;
}

/* Reply, then receive from anyone: straight to the caller when nothing
 * waits for me (the next message will come to a blocked receiver). */
static __attribute__((noinline)) int32_t replyrecv_slow(struct trap_frame *tf)
{
    struct cpu *cpu = cpu_of(tf);
    struct thread *me = cpu->cur, *c;
    int err = reply_to(tf, me->proc, &c);
    if (err)
        return err;
    if (!me->pending && !me->sendq_head)
        return pass_on(cpu, me, c, IPC_RECV, 0);
    c->ipc_state = IPC_NONE;
    sched_wake(c, (int32_t)me->proc->pid);
    return receive(me, tf, 0);
}

/* A reply without pages to a caller of my priority, when nothing else
 * waits to be received. */
FAST_PATH int32_t SYSCALL_ABI sys_replyrecv(struct trap_frame *tf)
{
    struct cpu *cpu = cpu_of(tf);
    struct thread *me = cpu->cur;
    count_ipc(cpu);
    uint32_t pid = tf->eax >> 8;
    if (!pid)
        return receive(me, tf, 0);
    struct proc *p = proc_alive(pid);
    if (!p || tf->edx || me->sendq_head || me->pending)
        return replyrecv_slow(tf);
    struct thread *c = p->thread;
    if (!awaits_reply(c, me->proc->pid) || !same_level(c, me))
        return replyrecv_slow(tf);
    copy_words(THREAD_UFRAME(c), tf);
    return hand_off(cpu, me, c, IPC_RECV, 0);
}

static void release(struct thread *t, int32_t err)
{
    t->ipc_state = IPC_NONE;
    sched_wake(t, err);
}

/* p is ending: off the queue it waits on; the threads waiting on it are
 * released with -ANT_ESRCH (senders keep their pages; a run a caller had
 * sent is gone with p). */
static void ipc_exit(struct proc *p)
{
    struct thread *t = p->thread, *s;
    if (t) {
        if (t->ipc_state == IPC_SEND || t->ipc_state == IPC_CALL) {
            struct proc *dp = proc_alive(t->ipc_peer);
            if (dp)
                sendq_take(dp->thread, p->pid);
        }
        t->ipc_state = IPC_NONE;
        while ((s = sendq_take(t, 0)))
            release(s, -ANT_ESRCH);     /* they keep their pages */
    }
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *u = thread_at(i);
        if (u->state == T_BLOCKED && u->ipc_peer == p->pid &&
            (u->ipc_state == IPC_REPLY_WAIT || u->ipc_state == IPC_RECV_FROM)) {
            THREAD_UFRAME(u)->edx = 0;  /* a run it had sent is gone with p */
            release(u, -ANT_ESRCH);
        }
    }
}
PROC_EXIT_HOOK(ipc_exit);

/* The pager's "the page is mapped: run it again, and give me the next
 * message" as one call, so that the fault path costs one entry: with no
 * note and no sender waiting, the faulting thread runs at once
 * (sched_block_for) while I wait; else as VM_RESOLVE then RECV. An error of
 * the resolve is returned with nothing received. */
int32_t SYSCALL_ABI sys_vm_resolve_recv(struct trap_frame *tf)
{
    struct cpu *cpu = cpu_of(tf);
    struct thread *me = cpu->cur, *t;
    count_ipc(cpu);
    int32_t err = paging_resolve(tf->eax >> 8, tf->ebx, &t);
    if (err)
        return err;
    if (t && !me->pending && !me->sendq_head) {
        me->ipc_state = IPC_RECV;
        me->ipc_peer = 0;
        return sched_block_for(t, 0);
    }
    if (t)
        sched_wake(t, 0);
    return receive(me, tf, 0);
}
