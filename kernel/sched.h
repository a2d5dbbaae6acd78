/* Threads and the scheduler: priorities, round robin, blocking, sleeping;
 * run queues per CPU, a thread on one CPU for its life. */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H
#include <stdint.h>
#include "kernel/cpu.h"
#include "kernel/fpu.h"
#include "kernel/gdt.h"
#include "kernel/proc.h"
#include "boot/x86.h"
#include "mm/layout.h"

#define PRIO_DEFAULT 4
#define PRIO_IDLE NPRIO         /* the idle thread only */
#define QUANTUM_TICKS 2
#define MAX_THREADS 128
#define KSTACK_PAGES 2          /* per thread; a guard page below each */
/* The top 16 bytes of a thread's kernel stack, above kstack_top (and so
 * right above the trap frame of every entry from ring 3), hold its CPU's
 * struct cpu *, fixed for its life: the entry code and the IPC calls find
 * their CPU with one load (KSTACK_CPU) instead of the task register. */
#define KSTACK_CPU_SLOT 16
#define KSTACK_CPU(top) (*(struct cpu **)(top))

enum thread_state { T_FREE, T_READY, T_RUNNING, T_BLOCKED, T_DEAD };

/* What a thread blocked in IPC waits for (ipc/ipc.c). */
enum ipc_state {
    IPC_NONE,
    IPC_RECV,                   /* a message from anyone (ipc_peer 0) */
    IPC_SEND,                   /* ipc_peer to receive my message */
    IPC_CALL,                   /* the same, then its reply */
    IPC_REPLY_WAIT,             /* the reply of ipc_peer, which has my call */
    IPC_FAULT,                  /* the pager, for a page (kernel/paging.c) */
    IPC_RECV_FROM,              /* a message from ipc_peer only (the
                                   fastpath takes IPC_RECV only) */
};

struct proc;

/* A deadline on the timer wheel (kernel/sched.c): a link and its tick. */
struct timer {
    struct timer *next, *prev;
    uint32_t at;
};

struct thread {
    uint32_t esp;               /* saved kernel stack pointer (switch.asm) */
    uint32_t kstack_top;
    /* One aligned word, that the IPC fastpath compares and sets whole: */
    uint8_t ipc_state;          /* enum ipc_state */
    uint8_t state;              /* enum thread_state */
    uint8_t ipc_key;            /* prio, or THREAD_KEY_IO: see below */
    uint8_t cpu;                /* the CPU it runs on (index), for its life */
    uint16_t tid;
    uint8_t prio;
    uint16_t fs, gs;            /* its program's FS and GS, while it does not
                                   run (switch.asm, ipc/fastpath.asm) */
    uint32_t cr3;               /* proc->vm.pd, for the fastpath */
    uint32_t quantum;
    uint32_t cpu_ticks;         /* ticks charged while running */
    uint32_t wake_tick;         /* when sleeping; 0 if not */
    struct proc *proc;
    uint32_t pid;               /* proc->pid (0: a kernel thread), for the
                                   entry's getpid and the fastpath */
    struct thread *rq_next;     /* run queue or wait queue link */
    int32_t wait_result;        /* what woke a blocked thread */
    uint32_t pending;           /* messages from pid 0 not yet received: bit n
                                   for w0 = n (an IRQ, or an ANT_NOTE_*) */
    uint32_t alarm_tick;        /* SYS_ALARM: when ANT_NOTE_ALARM is due; 0: none */
    struct timer sleep_timer;   /* on the wheel while wake_tick is set */
    struct timer alarm_timer;   /* on the wheel while alarm_tick is set */
    uint32_t ipc_peer;          /* process id, see enum ipc_state */
    struct thread *sendq_head, *sendq_tail;     /* blocked sending to me */
    struct thread *sendq_next;
    struct thread *fault_next;  /* the queue of faults for the pager */
    uint32_t fault;             /* page address | VM_F_* | FAULT_SENT */
    uint8_t fpu_used;           /* fpu holds its state (else it starts clean) */
    struct fpu_state fpu;       /* x87/MMX/SSE, while another thread has the FPU */
};

/* The fastpath takes a message only between two threads whose ipc_key
 * bytes are equal: the priority, for a thread without I/O rights; for one
 * with them (an I/O bitmap to load on the switch) a key no other thread
 * has, so that such a pair always goes the general way. */
#define THREAD_KEY_IO(t) ((uint8_t)(0x80 | (t)->tid))
_Static_assert(MAX_THREADS <= 0x80 && NPRIO < 0x80, "THREAD_KEY_IO is unique and no priority");
/* Set t's priority (the key follows it, unless t has I/O rights). */
static inline void thread_set_prio(struct thread *t, int prio)
{
    t->prio = (uint8_t)prio;
    if (!(t->ipc_key & 0x80))
        t->ipc_key = (uint8_t)prio;
}

/* A user thread's saved user registers: both kernel entries (int 0x80 and
 * sysenter) build this frame at the top of its kernel stack. For a thread
 * blocked in IPC they are its message registers. */
#define THREAD_UFRAME(t) ((struct trap_frame *)((t)->kstack_top - sizeof(struct trap_frame)))

/* The thread running on this CPU. */
#define current (this_cpu()->cur)
/* The stack kernel_main starts on (boot/entry.asm), in the data area: the
 * boot thread's kernel stack. */
extern uint8_t boot_stack[BOOT_STACK_SIZE];

void sched_init(void);
/* CPU c's idle thread (c->idle); NULL if no memory. */
struct thread *sched_init_cpu(struct cpu *c);
/* A kernel thread running fn(arg) on this CPU; NULL if no memory. */
struct thread *thread_create_kernel(void (*fn)(void *), void *arg, int prio);
/* A thread on CPU cpu whose first run enters user mode at eip with stack esp. */
struct thread *thread_create_user(struct proc *p, uint32_t eip, uint32_t esp, int prio, int cpu);
/* switch.asm: save prev's callee-saved registers on its stack, and FS and
 * GS in it; go on with next, from where it was saved. */
void switch_context(struct thread *prev, struct thread *next);
/* The same with no thread to save (a CPU's first switch). */
void switch_context_first(struct thread *next) __attribute__((noreturn));
void sched_reap(struct cpu *c);

/* On CPU c (this one), leave prev (the current thread) for next: kernel stack, address space
 * (other_space: known to differ), I/O permissions, registers. Returns when
 * prev runs again. Inline: the IPC fast path is built on it. */
static inline __attribute__((always_inline)) void sched_switch_threads(struct cpu *c,
                                                                       struct thread *prev,
                                                                       struct thread *next,
                                                                       int other_space)
{
    struct proc *np = next->proc, *pp = prev->proc;
    cpu_set_kernel_stack(c, next->kstack_top);
    if (other_space || np->vm.pd != pp->vm.pd)
        write_cr3(np->vm.pd);
    if (np->io_on | pp->io_on)
        tss_set_iomap(c, np->io_on ? &np->iomap : 0);
    fpu_switch(c);
    c->cur = next;
    __asm__("incl %0" : "+m"(c->switches));     /* one instruction (i586 splits ++) */
    switch_context(prev, next);
    if (c->reap_pending)
        sched_reap(c);
}

/* Switch from me (the current thread) straight to t, a thread of another
 * process on this CPU blocked until now, with no scheduler pass; t gets
 * what is left of my quantum.
 * The caller has already blocked or requeued me; returns when I run again. */
static inline __attribute__((always_inline)) void sched_switch_to(struct cpu *c,
                                                                  struct thread *me,
                                                                  struct thread *t)
{
    t->state = T_RUNNING;
    t->quantum = me->quantum;
    if (t->proc->doomed)
        c->need_resched = 1;        /* it ends at its preempt point, as schedule() does */
    sched_switch_threads(c, me, t, 1);
}
/* Put the current thread of CPU c (this one) at the tail of its run queue
 * (still running). */
void sched_requeue_current(struct cpu *c);
/* Make t runnable. */
void sched_wake(struct thread *t, int32_t result);
/* Block the current thread until sched_wake; returns its result. */
int32_t sched_block(void);
/* sched_wake(t, result), then sched_block(), as one: when t is blocked on
 * this CPU and nothing more urgent is ready here, a switch straight to t
 * with no scheduler pass (t runs in what is left of my quantum, as in
 * sched_switch_to). For the fault path's two hand-overs: the faulting
 * thread to the pager, the pager to the thread it has resolved. */
int32_t sched_block_for(struct thread *t, int32_t result);
/* Give up the CPU to threads of the same or higher priority. */
void sched_yield(void);
/* Sleep for ticks timer ticks. */
void sched_sleep(uint32_t ticks);
/* Called by the system timer every tick (CPU 0): deadlines, and this CPU's
 * quantum. */
void sched_tick(void);
/* Called by another CPU's own timer every tick: its quantum. */
void sched_tick_local(void);
/* Reschedule if the quantum ran out (on the way back to user mode). */
void sched_preempt_point(void);
/* End the current thread; never returns. Its stack is freed later. */
void sched_exit_thread(void) __attribute__((noreturn));
/* Remove a not-running thread from the system (its process is dying). */
void sched_kill_thread(struct thread *t);
/* Thread slot i (0 <= i < MAX_THREADS), whatever its state. */
struct thread *thread_at(int i);
/* Threads alive now. */
uint32_t sched_thread_count(void);
/* SYS_ALARM for the current thread: ANT_NOTE_ALARM after ticks (0: none,
 * and one not yet received is dropped). */
void sched_alarm(uint32_t ticks);
/* An interrupt arrived: if the CPU was halted in the idle loop, count the
 * time it was. */
void sched_idle_end(void);
/* The first return to user mode of a new thread (trapstubs.asm). */
void sched_enter_user(void);
/* A process ended on another CPU while it ran there (proc_exit): that CPU
 * switches away from it at once. */
void sched_kick(struct cpu *c);

#endif
