/*
 * Threads and scheduling. The kernel is not preemptible: traps run with
 * interrupts off and the big lock held (kernel/lock.c), and a thread gives
 * up its CPU only by blocking, yielding, or on its way back to user mode
 * when its quantum has run out (or a more urgent thread woke). Each CPU
 * has its run queues and its idle thread (struct cpu); a thread runs on
 * the CPU it was placed on (smp_place) for its life, so its FPU state and
 * its TLB entries are on that CPU only. Priorities 0 (most urgent) to 7,
 * round robin inside a priority; the idle thread runs when every queue of
 * its CPU is empty. A thread woken for another CPU goes on that CPU's
 * queues, and an IPI tells that CPU if it is idle or runs something less
 * urgent.
 */
#include "kernel/sched.h"
#include "kernel/gdt.h"
#include "kernel/notify.h"
#include "kernel/lock.h"
#include "kernel/smp.h"
#include "boot/panic.h"
#include "kernel/proc.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "boot/x86.h"
#include "boot/bootinfo.h"
#include "lib/string.h"
#include "mm/kspace.h"
#include "mm/pool.h"

static struct thread threads[MAX_THREADS];

void thread_start_user(void);              /* trapstubs.asm */
void thread_kernel_run(void (*fn)(void *), void *arg);
void sched_after_switch(void);

static void rq_push_on(struct cpu *c, struct thread *t)
{
    struct runqueue *q = &c->rq[t->prio];
    t->rq_next = 0;
    if (q->tail)
        q->tail->rq_next = t;
    else
        q->head = t;
    q->tail = t;
}

/* A thread that was blocked goes ahead of the ones its level has queued,
 * if it has quantum left: the bounded boost on wake-up (docs/DESIGN.md
 * §4). Its quantum is not renewed by blocking, so it runs at most a
 * quantum before it goes to the back like everyone: a program that blocks
 * often (the shell, the console) runs next among CPU hogs of its
 * priority, and one that calls servers without pause cannot keep the head
 * of its level for ever. */
static void rq_push(struct thread *t)
{
    rq_push_on(&cpus[t->cpu], t);
}

static void rq_push_head(struct thread *t)
{
    struct runqueue *q = &cpus[t->cpu].rq[t->prio];
    t->rq_next = q->head;
    q->head = t;
    if (!q->tail)
        q->tail = t;
}

static struct thread *rq_pop(struct cpu *c)
{
    for (int p = 0; p < NPRIO; p++) {
        struct runqueue *q = &c->rq[p];
        struct thread *t = q->head;
        if (t) {
            q->head = t->rq_next;
            if (!q->head)
                q->tail = 0;
            return t;
        }
    }
    return 0;
}

static int anything_ready(const struct cpu *c)
{
    for (int p = 0; p < NPRIO; p++)
        if (c->rq[p].head)
            return 1;
    return 0;
}

static void rq_remove(struct thread *t)
{
    struct cpu *c = &cpus[t->cpu];
    struct runqueue *q = &c->rq[t->prio];
    struct thread *prev = 0;
    for (struct thread *i = q->head; i; prev = i, i = i->rq_next) {
        if (i != t)
            continue;
        if (prev)
            prev->rq_next = i->rq_next;
        else
            q->head = i->rq_next;
        if (q->tail == i)
            q->tail = prev;
        return;
    }
}

static uint32_t kstack_base(const struct thread *t)
{
    return KSTACK_VIRT + (uint32_t)t->tid * (KSTACK_PAGES + 1) * PAGE_SIZE + PAGE_SIZE;
}

static void free_kstack(struct thread *t)
{
    for (int i = 0; i < KSTACK_PAGES; i++) {
        uint32_t va = kstack_base(t) + (uint32_t)i * PAGE_SIZE;
        uint32_t pa = kspace_lookup(va);
        kspace_unmap(va);
        pool_free(pa);
    }
}

/* A free slot with a mapped kernel stack, or NULL. */
static struct thread *thread_alloc(int prio)
{
    struct thread *t = 0;
    for (int i = 1; i < MAX_THREADS && !t; i++)
        if (threads[i].state == T_FREE)
            t = &threads[i];
    if (!t)
        return 0;
    uint16_t tid = t->tid;
    fpu_forget(t);
    memset(t, 0, sizeof *t);
    t->tid = tid;
    for (int i = 0; i < KSTACK_PAGES; i++) {
        uint32_t pa = pool_alloc(FRAME_KERNEL, 0);
        if (!pa) {
            while (i--)
                pool_free(kspace_lookup(kstack_base(t) + (uint32_t)i * PAGE_SIZE)),
                    kspace_unmap(kstack_base(t) + (uint32_t)i * PAGE_SIZE);
            return 0;
        }
        kspace_map(kstack_base(t) + (uint32_t)i * PAGE_SIZE, pa);
        /* Zeroed: nothing of the frame's last user shows, and an emulator
         * forgets code it may once have run from it (QEMU otherwise takes
         * a slow path for every store to a page it translated code from). */
        memset((void *)(kstack_base(t) + (uint32_t)i * PAGE_SIZE), 0, PAGE_SIZE);
    }
    t->kstack_top = kstack_base(t) + KSTACK_PAGES * PAGE_SIZE - KSTACK_CPU_SLOT;
    thread_set_prio(t, prio);
    t->state = T_BLOCKED;
    return t;
}

/* Lay out a stack that switch_context "returns" into entry on. */
static void push_switch_frame(struct thread *t, uint32_t sp, void (*entry)(void))
{
    uint32_t *s = (uint32_t *)sp;
    *--s = (uint32_t)entry;                /* return address; FS, GS null */
    t->esp = (uint32_t)s;
}

struct thread *thread_create_kernel(void (*fn)(void *), void *arg, int prio)
{
    struct thread *t = thread_alloc(prio);
    if (!t)
        return 0;
    t->proc = &kernel_proc;
    t->cpu = (uint8_t)this_cpu()->index;
    KSTACK_CPU(t->kstack_top) = this_cpu();
    uint32_t *s = (uint32_t *)t->kstack_top;
    *--s = (uint32_t)arg;                  /* thread_kernel_run(fn, arg) */
    *--s = (uint32_t)fn;
    *--s = 0;                              /* its return address: none */
    push_switch_frame(t, (uint32_t)s, (void (*)(void))thread_kernel_run);
    return t;
}

struct thread *thread_create_user(struct proc *p, uint32_t eip, uint32_t esp, int prio, int cpu)
{
    struct thread *t = thread_alloc(prio);
    if (!t)
        return 0;
    t->proc = p;
    t->cr3 = p->vm.pd;
    t->cpu = (uint8_t)cpu;
    KSTACK_CPU(t->kstack_top) = &cpus[cpu];
    struct trap_frame *tf = (struct trap_frame *)(t->kstack_top - sizeof *tf);
    memset(tf, 0, sizeof *tf);
    tf->cs = SEL_UCODE;
    tf->ds = tf->es = tf->fs = tf->gs = tf->user_ss = SEL_UDATA;
    tf->eflags = EFLAGS_IF | EFLAGS_RESERVED1;
    tf->eip = eip;
    tf->user_esp = esp;
    push_switch_frame(t, (uint32_t)tf, thread_start_user);
    return t;
}

void sched_reap(struct cpu *c)
{
    struct thread *t = c->reap_pending;
    c->reap_pending = 0;
    free_kstack(t);
    t->state = T_FREE;
}

/* Run on the new thread's stack right after every switch. */
void sched_after_switch(void)
{
    struct cpu *c = this_cpu();
    if (c->reap_pending)
        sched_reap(c);
}

void sched_enter_user(void)
{
    sched_after_switch();
    bkl_drop();
}

/* First C code of a kernel thread (from thread_start_kernel). */
void thread_kernel_run(void (*fn)(void *), void *arg)
{
    sched_after_switch();
    sti();
    fn(arg);
    sched_exit_thread();
}

static void schedule(void)
{
    struct cpu *c = this_cpu();
    struct thread *prev = c->cur, *next = rq_pop(c);
    if (!next)
        next = prev->state == T_RUNNING ? prev : c->idle;
    c->need_resched = 0;
    if (!next->quantum)
        next->quantum = QUANTUM_TICKS;      /* a thread keeps what is left across blocking */
    if (next == prev) {
        prev->state = prev == c->idle ? T_READY : T_RUNNING;
        return;
    }
    if (next != c->idle)
        next->state = T_RUNNING;
    if (next->proc->doomed)
        c->need_resched = 1;                /* it ends at its next preempt point */
    sched_switch_threads(c, prev, next, 0);
}


void sched_requeue_current(struct cpu *c)
{
    c->cur->state = T_READY;
    rq_push_on(c, c->cur);
}

/* The timer wheel: a deadline waits in slot at % WHEEL_SLOTS, and each
 * tick looks at its own slot only, so the tick's cost does not grow with
 * the number of threads (a deadline a lap or more away is passed over). */
#define WHEEL_SLOTS 256
static struct timer *sleep_wheel[WHEEL_SLOTS], *alarm_wheel[WHEEL_SLOTS];

static void timer_add(struct timer **wheel, struct timer *tm, uint32_t at)
{
    struct timer **slot = &wheel[at % WHEEL_SLOTS];
    tm->at = at;
    tm->prev = 0;
    tm->next = *slot;
    if (*slot)
        (*slot)->prev = tm;
    *slot = tm;
}

static void timer_del(struct timer **wheel, struct timer *tm)
{
    if (tm->prev)
        tm->prev->next = tm->next;
    else
        wheel[tm->at % WHEEL_SLOTS] = tm->next;
    if (tm->next)
        tm->next->prev = tm->prev;
    tm->next = tm->prev = 0;
}

#define THREAD_OF(tm, field) ((struct thread *)((char *)(tm) - offsetof(struct thread, field)))

/* Off the wheel: its sleep (the caller clears wake_tick) and its alarm. */
static void timers_drop(struct thread *t)
{
    if (t->wake_tick)
        timer_del(sleep_wheel, &t->sleep_timer);
    if (t->alarm_tick)
        timer_del(alarm_wheel, &t->alarm_timer);
    t->wake_tick = t->alarm_tick = 0;
}

void sched_wake(struct thread *t, int32_t result)
{
    uint32_t fl = irq_save();
    if (t->state == T_BLOCKED) {
        t->state = T_READY;
        t->wait_result = result;
        if (t->wake_tick)
            timer_del(sleep_wheel, &t->sleep_timer);
        t->wake_tick = 0;
        if (t->quantum)
            rq_push_head(t);
        else
            rq_push(t);
        /* Only a more urgent thread preempts: one of the same priority
         * waits for the end of the running one's quantum (20 ms at most),
         * or its blocking. A receiver taking a blocked sender's message
         * wakes the sender; preempting the receiver for it would cost the
         * receiver its turn, and every send after it the fast path. */
        struct cpu *c = this_cpu(), *tc = &cpus[t->cpu];
        if (tc == c) {
            if (t->prio < c->cur->prio)
                c->need_resched = 1;
        } else if (tc->cur == tc->idle || t->prio < tc->cur->prio) {
            sched_kick(tc);                 /* it looks at its queues */
        }
    }
    irq_restore(fl);
}

void sched_kick(struct cpu *c)
{
    c->need_resched = 1;
    smp_ipi(c, VEC_RESCHED);
}

/* Is a thread more urgent than priority prio ready on c? None if prio is
 * at least the running thread's and no switch is due: a wake-up of a more
 * urgent one than that sets need_resched (sched_wake). */
static int more_urgent_ready(const struct cpu *c, int prio)
{
    if (prio <= c->cur->prio && !c->need_resched)
        return 0;
    for (int p = 0; p < prio; p++)
        if (c->rq[p].head)
            return 1;
    return 0;
}

int32_t sched_block_for(struct thread *t, int32_t result)
{
    uint32_t fl = irq_save();
    struct cpu *c = this_cpu();
    struct thread *me = c->cur;
    if (t == me || t->state != T_BLOCKED || t->cpu != c->index || more_urgent_ready(c, t->prio)) {
        sched_wake(t, result);
        irq_restore(fl);
        return sched_block();
    }
    t->wait_result = result;
    if (t->wake_tick)
        timer_del(sleep_wheel, &t->sleep_timer);
    t->wake_tick = 0;
    me->state = T_BLOCKED;
    sched_switch_to(c, me, t);
    irq_restore(fl);
    return me->wait_result;
}

int32_t sched_block(void)
{
    uint32_t fl = irq_save();
    struct thread *me = current;
    me->state = T_BLOCKED;
    schedule();
    irq_restore(fl);
    return me->wait_result;
}

void sched_yield(void)
{
    uint32_t fl = irq_save();
    if (current != this_cpu()->idle) {
        current->state = T_READY;
        rq_push(current);
    }
    schedule();
    irq_restore(fl);
}

void sched_sleep(uint32_t ticks)
{
    uint32_t fl = irq_save();
    current->wake_tick = timer_ticks() + (ticks ? ticks : 1);
    if (!current->wake_tick)
        current->wake_tick = 1;            /* 0 means "not sleeping" */
    timer_add(sleep_wheel, &current->sleep_timer, current->wake_tick);
    sched_block();
    irq_restore(fl);
}

void sched_tick_local(void)
{
    struct cpu *c = this_cpu();
    struct thread *t = c->cur;
    c->ticks++;
    t->cpu_ticks++;
    c->idle_ticks += t == c->idle;
    if (t->quantum && --t->quantum == 0)
        c->need_resched = 1;
}

void sched_tick(void)
{
    uint32_t now = timer_ticks();
    for (struct timer *tm = sleep_wheel[now % WHEEL_SLOTS], *next; tm; tm = next) {
        next = tm->next;
        if ((int32_t)(now - tm->at) >= 0)
            sched_wake(THREAD_OF(tm, sleep_timer), 0);     /* takes it off */
    }
    for (struct timer *tm = alarm_wheel[now % WHEEL_SLOTS], *next; tm; tm = next) {
        next = tm->next;
        if ((int32_t)(now - tm->at) >= 0) {
            struct thread *t = THREAD_OF(tm, alarm_timer);
            timer_del(alarm_wheel, tm);
            t->alarm_tick = 0;
            note_post(t->proc, ANT_NOTE_ALARM);
        }
    }
    sched_tick_local();
}

void sched_preempt_point(void)
{
    struct cpu *c = this_cpu();
    if (!c->need_resched || c->cur == c->idle)
        return;
    if (c->cur->proc->doomed)               /* killed from another CPU: end here */
        proc_exit(c->cur->proc, c->cur->proc->doomed_status);
    sched_yield();
}

void sched_exit_thread(void)
{
    cli();
    timers_drop(current);
    current->state = T_DEAD;
    this_cpu()->reap_pending = current;
    schedule();
    panic("sched_exit_thread: a dead thread ran again");
}

void sched_kill_thread(struct thread *t)
{
    uint32_t fl = irq_save();
    if (t == current)
        panic("sched_kill_thread: the current thread");
    if (t->state == T_READY)
        rq_remove(t);
    timers_drop(t);
    free_kstack(t);
    t->state = T_FREE;
    irq_restore(fl);
}

int proc_runs_elsewhere(const struct proc *p)
{
    return p->thread && p->thread->state == T_RUNNING && p->thread != current;
}

static int space_runs_elsewhere(const struct vm *vm)
{
    const struct proc *p = (const struct proc *)((const char *)vm - offsetof(struct proc, vm));
    return p != &kernel_proc && p->state == P_ALIVE && proc_runs_elsewhere(p);
}

struct thread *thread_at(int i)
{
    return &threads[i];
}

uint32_t sched_thread_count(void)
{
    uint32_t n = 0;
    for (int i = 0; i < MAX_THREADS; i++)
        n += threads[i].state != T_FREE && threads[i].state != T_DEAD;
    return n;
}


void sched_alarm(uint32_t ticks)
{
    uint32_t fl = irq_save();
    note_cancel(current->proc, ANT_NOTE_ALARM);     /* one not yet received is void */
    if (current->alarm_tick)
        timer_del(alarm_wheel, &current->alarm_timer);
    current->alarm_tick = ticks ? timer_ticks() + ticks : 0;
    if (ticks && !current->alarm_tick)
        current->alarm_tick = 1;                     /* 0 means "none" */
    if (current->alarm_tick)
        timer_add(alarm_wheel, &current->alarm_timer, current->alarm_tick);
    irq_restore(fl);
}

void sched_idle_end(void)
{
    struct cpu *c = this_cpu();
    if (c->idle_since) {
        c->idle_tsc += rdtsc() - c->idle_since;
        c->idle_since = 0;
    }
}

/* Zero a frame of the pool for pool_alloc_zero (docs/DESIGN.md §3): taken
 * out under the big lock, zeroed without it and with interrupts on, 128
 * bytes at a time, given up (back unzeroed) as soon as something is ready
 * here, put back under the lock. The time counts as idle (cpu.idle_tsc).
 * With the lock held and interrupts off on entry and on return; 0 if no
 * frame is left to zero. */
#define ZERO_CHUNK 128
#define ZERO_AHEAD 1024             /* frames kept zeroed (4 MB) */
#define ZERO_LOW 512                /* zeroing starts again below this */
static int zero_refilling;          /* between the two marks, on the way up */
static int idle_zero(struct cpu *c)
{
    /* Between two marks, so that the idle CPUs zero in bursts, rarely,
     * and halt otherwise: a burst of faults finds its frames zeroed, and
     * the CPUs are not kept busy (nor, under -icount, the clock run on). */
    uint32_t zeroed = pool_zeroed_count();
    if (zeroed >= ZERO_AHEAD || (!zero_refilling && zeroed >= ZERO_LOW)) {
        zero_refilling = 0;
        return 0;
    }
    zero_refilling = 1;
    uint32_t pa = pool_take_dirty();
    if (!pa)
        return 0;
    /* Any wake-up for this CPU sets need_resched (its idle thread is the
     * least urgent), which is one load a chunk; nothing is ready here, so
     * a flag still set is an old one. */
    c->need_resched = 0;
    bkl_drop();
    uint8_t *w = window_map(pa);
    uint32_t off = 0;
    int tsc = (boot_info.flags & BOOT_CPU_TSC) != 0;
    sti();
    while (off < PAGE_SIZE && !*(volatile uint8_t *)&c->need_resched) {
        if (tsc && !c->idle_since)
            c->idle_since = rdtsc();        /* idle time: an interrupt ends it */
        memset(w + off, 0, ZERO_CHUNK);
        off += ZERO_CHUNK;
    }
    cli();
    sched_idle_end();
    window_unmap(w);
    bkl_take(c, "the idle loop");
    pool_put_back(pa, off == PAGE_SIZE);
    return 1;
}

/* Every CPU's: it holds the big lock except while halted or zeroing, and
 * zeroes free frames while there are any; it takes the lock again only
 * when something is ready here (a wake-up for this CPU is
 * queued under the lock before its IPI is sent, so the IPI that ends the
 * halt comes after it). */
static void idle_loop(void *arg)
{
    (void)arg;
    struct cpu *c = this_cpu();
    int tsc = (boot_info.flags & BOOT_CPU_TSC) != 0;
    for (;;) {
        cli();
        if (anything_ready(c))
            sched_yield();
        if (idle_zero(c))
            continue;
        bkl_drop();
        do {
            if (tsc)
                c->idle_since = rdtsc();            /* the next interrupt ends it */
            __asm__ volatile("sti; hlt" ::: "memory");  /* no wake-up lost between */
            cli();
            sched_idle_end();                       /* woken by something else */
        } while (!anything_ready(c));
        bkl_take(c, "the idle loop");
    }
}

struct thread *sched_init_cpu(struct cpu *c)
{
    struct thread *t = thread_create_kernel(idle_loop, 0, PRIO_IDLE - 1);
    if (!t)
        return 0;
    t->cpu = (uint8_t)c->index;
    thread_set_prio(t, PRIO_IDLE - 1);
    t->state = T_READY;                    /* runs only when nothing else can */
    c->idle = t;
    return t;
}

void sched_init(void)
{
    struct cpu *c = this_cpu();
    for (int i = 0; i < MAX_THREADS; i++)
        threads[i].tid = (uint16_t)i;
    c->cur = &threads[0];                  /* the boot thread: kernel_main */
    c->cur->state = T_RUNNING;
    thread_set_prio(c->cur, 0);
    c->cur->proc = &kernel_proc;
    c->cur->kstack_top = (uint32_t)boot_stack + BOOT_STACK_SIZE;
    c->running = 1;
    vm_live_elsewhere = space_runs_elsewhere;
    bkl_take(c, "the boot");               /* the boot thread holds it from here */
    if (!sched_init_cpu(c))
        panic("sched_init: no memory for the idle thread");
    cpu_set_kernel_stack(c, c->cur->kstack_top);
}
