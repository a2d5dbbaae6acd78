/*
 * Processes. Each has its own address space and (for now) one thread. A
 * process ends by exiting, by a fault, or by being killed; in every case all
 * its frames go back to the pool at once, and only a small zombie record
 * stays until the parent collects the exit status.
 */
#include "kernel/proc.h"
#include "kernel/smp.h"
#include "boot/console.h"
#include "kernel/elf.h"
#include "kernel/module.h"
#include "boot/panic.h"
#include "kernel/sched.h"
#include "boot/x86.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "mm/kspace.h"
#include "mm/layout.h"
#include "kernel/notify.h"
#include "kernel/paging.h"
#include "mm/icc.h"
#include "mm/pool.h"

struct proc kernel_proc;
struct proc *proc_manager;
struct proc proc_table[MAX_PROCS];
#define procs proc_table
static uint32_t last_pid;          /* pids count up, slot = pid % MAX_PROCS */
static struct proc *screen_owner;  /* the console driver, or NULL */

static uint32_t frame_reserve;      /* set once, from the pool at start */

struct thread *proc_live[PROC_LIVE_SLOTS];
static struct thread no_thread;     /* pid ~0: no process has it */

static void live_set(struct proc *p, struct thread *t)
{
    proc_live[p->pid % PROC_LIVE_SLOTS] = t ? t : &no_thread;
}

void proc_init(void)
{
    uint32_t pool = pool_free_count();
    frame_reserve = pool / 8 < FRAME_RESERVE_MAX ? pool / 8 : FRAME_RESERVE_MAX;
    kernel_proc.state = P_ALIVE;
    kernel_proc.vm.pd = read_cr3();
    strncpy_safe(kernel_proc.name, "kernel", sizeof kernel_proc.name);
    for (int i = 0; i < MAX_PROCS; i++)
        procs[i].tag = (uint16_t)(i + 1);
    no_thread.pid = ~0u;
    for (int i = 0; i < PROC_LIVE_SLOTS; i++)
        proc_live[i] = &no_thread;
}

struct proc *proc_find(uint32_t pid)
{
    struct proc *p = &procs[pid % MAX_PROCS];
    return p->state != P_FREE && p->pid == pid ? p : 0;
}

/* The next pid for slot i: above every pid given so far (so they only
 * grow), congruent to i, and below 2^24 (after which they start again). */
static uint32_t next_pid(uint32_t i)
{
    uint32_t pid = last_pid + 1 + (i + MAX_PROCS - (last_pid + 1) % MAX_PROCS) % MAX_PROCS;
    if (pid > PID_MAX)
        pid = i ? i : MAX_PROCS;
    return last_pid = pid;
}

uint32_t proc_frame_reserve(void)
{
    return frame_reserve;
}

uint32_t proc_free_slots(void)
{
    uint32_t n = 0;
    for (int i = 0; i < MAX_PROCS; i++)
        n += procs[i].state == P_FREE;
    return n;
}

uint32_t proc_count(void)
{
    uint32_t n = 0;
    for (int i = 0; i < MAX_PROCS; i++)
        n += procs[i].state == P_ALIVE;
    return n;
}

/* The file bytes of segment s that fall in the page at va, into w. */
static void fill_page(uint8_t *w, const struct module *m, const struct elf_segment *s, uint32_t va)
{
    memset(w, 0, PAGE_SIZE);
    uint32_t seg_lo = s->vaddr, seg_file_hi = s->vaddr + s->filesz;
    uint32_t lo = va > seg_lo ? va : seg_lo, hi = va + PAGE_SIZE;
    if (hi > seg_file_hi)
        hi = seg_file_hi;
    if (lo < hi)
        memcpy(w + (lo - va), m->data + s->offset + (lo - seg_lo), hi - lo);
}

void proc_image_fill(const struct proc *p, const struct vm_range *r, uint32_t va, uint8_t *w)
{
    fill_page(w, p->image, &p->elf.seg[r->seg], va);
}

/* One page of a segment into a fresh frame. */
static int load_page(struct proc *p, const struct module *m, const struct elf_segment *s,
                     uint32_t va)
{
    uint32_t pa = pool_alloc(FRAME_USER, p->tag);
    if (!pa)
        return -ANT_ENOMEM;
    uint8_t *w = window_map(pa);
    fill_page(w, m, s, va);
    window_unmap(w);
    int err = vm_map(&p->vm, va, pa, s->writable ? PTE_W : 0);
    if (err)
        pool_free(pa);
    else
        p->vm.pages++;
    return err;
}

static int load_image(struct proc *p, const struct module *m, uint32_t *entry, int paged)
{
    struct elf_image *img = &p->elf;
    char why[96];
    if (elf_check(m->data, m->size, USER_START, ICC_VIRT, img, why, sizeof why)) {
        kprintf("proc: '%s' is not a valid program: %s\n", m->name, why);
        return -ANT_ENOEXEC;
    }
    p->image = m;
    for (int i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (paged && !s->writable) {        /* the pager brings these in */
            int err = paging_reserve_file(p, s->vaddr, s->memsz, i);
            if (err)
                return err;
            continue;
        }
        for (uint32_t va = s->vaddr & PTE_FRAME_MASK; va < s->vaddr + s->memsz; va += PAGE_SIZE) {
            int err = load_page(p, m, s, va);
            if (err)
                return err;
        }
    }
    *entry = img->entry;
    uint32_t stack = USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE;
    return vm_map_zeroed(&p->vm, stack, USER_STACK_PAGES * PAGE_SIZE, PTE_W);
}

static struct proc *proc_alloc(void)
{
    for (int i = 0; i < MAX_PROCS; i++) {
        if (procs[i].state != P_FREE)
            continue;
        struct proc *p = &procs[i];
        uint16_t tag = p->tag;
        memset(p, 0, sizeof *p);
        p->tag = tag;
        return p;
    }
    return 0;
}

int32_t proc_spawn(const char *name, const char *args, int prio, struct proc *parent, int flags)
{
    const struct module *m = module_find(name);
    uint32_t entry;
    if (!m)
        return -ANT_ENOENT;
    if (prio < 0 || prio >= NPRIO)
        return -ANT_EINVAL;
    if (parent->doomed)
        return -ANT_ESRCH;                  /* being killed: no new child escapes it */
    int cpu = smp_place(((flags >> 16) & 0xF) - 1, (flags & (PROC_PRIV | PROC_MANAGER)) != 0);
    if (cpu < 0)
        return -ANT_EINVAL;
    struct proc *p = proc_alloc();
    if (!p)
        return -ANT_EAGAIN;
    if (vm_create(&p->vm, p->tag))
        return -ANT_ENOMEM;
    int err = load_image(p, m, &entry, flags & PROC_PAGED);
    if (!err && !(p->thread = thread_create_user(p, entry, USER_STACK_TOP, prio, cpu)))
        err = -ANT_ENOMEM;
    if (err) {
        paging_exit(p);                     /* forget its ranges */
        vm_destroy(&p->vm);
        return err;
    }
    p->pid = next_pid((uint32_t)(p - procs));
    p->thread->pid = p->pid;
    p->state = P_ALIVE;
    live_set(p, p->thread);
    p->priv = (uint8_t)((flags & PROC_PRIV) != 0);
    p->rights = (uint8_t)((flags & PROC_MANAGER) ? ANT_RIGHTS_ALL : (flags >> 8) & ANT_RIGHTS_ALL);
    if (flags & PROC_MANAGER)
        proc_manager = p;
    iomap_init(&p->iomap);
    p->parent = parent;
    strncpy_safe(p->name, name, sizeof p->name);
    strncpy_safe(p->args, args ? args : "", sizeof p->args);
    sched_wake(p->thread, 0);
    return (int32_t)p->pid;
}

/* The children of a process that ends: the live ones become the process
 * manager's, which reaps them and may kill them (nothing runs out of
 * everyone's reach); its zombies go, nobody will wait for them. When the
 * manager itself ends, nobody is left to adopt them. */
static void adopt_children(struct proc *p)
{
    struct proc *heir = p == proc_manager ? 0 : proc_manager;
    int adopted = 0;
    for (int i = 0; i < MAX_PROCS; i++) {
        struct proc *c = &procs[i];
        if (c->state == P_FREE || c->parent != p)
            continue;
        c->waiter = 0;
        if (c->state == P_ZOMBIE) {
            c->parent = 0;
            c->state = P_FREE;
        } else {
            c->parent = heir;
            adopted = 1;
        }
    }
    if (adopted && heir && heir->child_notify && heir->state == P_ALIVE)
        note_post(heir, ANT_NOTE_CHILD);
}

/* A live process with p above it and no live child of its own; NULL when
 * p has no live descendant left. */
static struct proc *deepest_below(const struct proc *p)
{
    for (int i = 0; i < MAX_PROCS; i++) {
        struct proc *c = &procs[i];
        if (c->state != P_ALIVE || c->doomed || c == p)
            continue;
        const struct proc *a = c->parent;
        while (a && a != p)
            a = a->parent;
        if (!a)
            continue;
        int leaf = 1;
        for (int j = 0; j < MAX_PROCS && leaf; j++)
            leaf = !(procs[j].state == P_ALIVE && !procs[j].doomed && procs[j].parent == c);
        if (leaf)
            return c;
    }
    return 0;
}

/* Wait until every process I killed while it ran on another CPU (doomed)
 * has ended: the kill is done when SYS_KILL returns. That CPU ends one
 * at once when the IPI reaches it in ring 3; one that blocked or was
 * switched out first, I end myself here. */
static void wait_for_doomed(void)
{
    for (;;) {
        int running = 0;
        for (int i = 0; i < MAX_PROCS; i++) {
            struct proc *d = &procs[i];
            if (d->state != P_ALIVE || !d->doomed || d->reaper != current)
                continue;
            if (proc_runs_elsewhere(d))
                running = 1;
            else
                proc_exit(d, d->doomed_status);
        }
        if (!running)
            return;
        sched_sleep(1);                 /* its end wakes me sooner */
    }
}

void proc_kill_tree(struct proc *p, int32_t status)
{
    for (struct proc *c; (c = deepest_below(p)) != 0;)
        proc_exit(c, status);
    if (!p->doomed)
        proc_exit(p, status);
    wait_for_doomed();
}

static void wake_screen_owner(void)
{
    if (screen_owner && screen_owner->state == P_ALIVE && screen_owner->thread)
        note_post(screen_owner, ANT_NOTE_LOG);
}

void proc_take_screen(struct proc *p)
{
    uint32_t fl = irq_save();
    screen_owner = p;
    console_set_wake(wake_screen_owner);
    console_hand_over();
    irq_restore(fl);
}

int proc_owns_screen(const struct proc *p)
{
    return p == screen_owner;
}

void proc_exit(struct proc *p, int32_t status)
{
    uint32_t fl = irq_save();
    int self = current->proc == p;
    if (p->state != P_ALIVE)
        panic("proc_exit: pid %u is not alive", p->pid);
    if (!self && p->thread && p->thread->state == T_RUNNING) {
        /* It runs on another CPU (in ring 3, or waiting for the lock):
         * its pages may be in that CPU's TLB, so it ends there. */
        if (!p->doomed) {
            p->doomed = 1;
            p->doomed_status = status;
            p->reaper = current;        /* wakes when it has ended */
        }
        sched_kick(&cpus[p->thread->cpu]);
        irq_restore(fl);
        return;
    }
    if (self) {
        write_cr3(kernel_proc.vm.pd);      /* leave the space before freeing it */
        if (p->io_on)
            tss_set_iomap(this_cpu(), 0);
    }
    if (p == screen_owner) {
        screen_owner = 0;
        console_take_back();               /* the log goes to the screen again */
    }
    live_set(p, 0);                        /* no message by the fastpath from here */
    paging_exit(p);                        /* faults, the pager's frames */
    notify_exit(p);                        /* IRQs, notes */
    for (const proc_exit_hook *h = __proc_exit_start; h < __proc_exit_end; h++)
        (*h)(p);                           /* the layers above: IPC peers */
    icc_release_all(&p->vm, p->devices);   /* ICC pages (in quarantine if a driver's) */
    if (!self)
        sched_kill_thread(p->thread);
    vm_destroy(&p->vm);
    tss_iomap_changed(&p->iomap);
    p->io_on = 0;
    adopt_children(p);
    if (p == proc_manager)
        proc_manager = 0;
    p->exit_status = status;
    struct thread *gone = p->thread;
    p->thread = 0;
    p->state = p->parent ? P_ZOMBIE : P_FREE;
    if (p->parent && p->parent->child_notify && p->parent->state == P_ALIVE)
        note_post(p->parent, ANT_NOTE_CHILD);
    if (p->waiter) {
        sched_wake(p->waiter, 0);
        p->waiter = 0;
    }
    if (p->reaper) {
        sched_wake(p->reaper, 0);
        p->reaper = 0;
    }
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].reaper == gone)
            procs[i].reaper = 0;        /* a killer that ends waits no more */
    if (self) {
        current->proc = &kernel_proc;      /* its last moments run in the kernel */
        sched_exit_thread();
    }
    irq_restore(fl);
}

void proc_fault(uint32_t vector, const char *what, uint32_t eip, uint32_t addr)
{
    struct proc *p = current->proc;
    kprintf("proc: %s (pid %u) killed: %s at eip %08x, address %08x\n",
            p->name, p->pid, what, eip, addr);
    proc_exit(p, ANT_KILLED_BASE + (int32_t)vector);
    panic("proc_fault: returned");
}

static struct proc *find_child(struct proc *parent, uint32_t pid, int *any_child)
{
    *any_child = 0;
    for (int i = 0; i < MAX_PROCS; i++) {
        struct proc *c = &procs[i];
        if (c->state == P_FREE || c->parent != parent)
            continue;
        *any_child = 1;
        if ((pid == 0 || c->pid == pid) && c->state == P_ZOMBIE)
            return c;
    }
    return 0;
}

static void set_waiter(struct proc *parent, uint32_t pid, struct thread *t)
{
    for (int i = 0; i < MAX_PROCS; i++)
        if (procs[i].state == P_ALIVE && procs[i].parent == parent && (!pid || procs[i].pid == pid))
            procs[i].waiter = t;
}

int32_t proc_wait(struct proc *parent, uint32_t pid, int32_t *status, int nohang)
{
    uint32_t fl = irq_save();
    for (;;) {
        int any;
        struct proc *c = find_child(parent, pid, &any);
        struct proc *target = pid ? proc_find(pid) : 0;
        if (!any || (pid && (!target || target->parent != parent))) {
            irq_restore(fl);
            return -ANT_ECHILD;
        }
        if (c) {
            *status = c->exit_status;
            c->state = P_FREE;
            irq_restore(fl);
            return (int32_t)c->pid;
        }
        if (nohang) {
            irq_restore(fl);
            return 0;
        }
        set_waiter(parent, pid, current);      /* wake me when one of them ends */
        sched_block();
        set_waiter(parent, pid, 0);
    }
}

static uint32_t proc_state_of(const struct proc *p)
{
    const struct thread *t = p->thread;
    if (p->state == P_ZOMBIE)
        return ANT_PS_ZOMBIE;
    if (t->state != T_BLOCKED)
        return ANT_PS_RUN;
    switch (t->ipc_state) {
    case IPC_RECV:
    case IPC_RECV_FROM: return ANT_PS_RECV;
    case IPC_SEND: case IPC_CALL: return ANT_PS_SEND;
    case IPC_REPLY_WAIT: return ANT_PS_REPLY;
    case IPC_FAULT: return ANT_PS_PAGE;
    default: return ANT_PS_SLEEP;
    }
}

int proc_info(uint32_t i, struct ant_procinfo *info)
{
    if (i >= MAX_PROCS)
        return -ANT_EINVAL;
    uint32_t fl = irq_save();
    const struct proc *p = &procs[i];
    if (p->state == P_FREE) {
        irq_restore(fl);
        return -ANT_ESRCH;
    }
    memset(info, 0, sizeof *info);
    info->pid = p->pid;
    info->ppid = p->parent && p->parent != &kernel_proc ? p->parent->pid : 0;
    strncpy_safe(info->name, p->name, sizeof info->name);
    info->state = proc_state_of(p);
    if (p->thread) {
        info->peer = p->thread->ipc_peer;
        info->prio = p->thread->prio;
        info->cpu_ticks = p->thread->cpu_ticks;
        info->cpu = p->thread->cpu;
    }
    info->priv = p->priv;
    info->pages = p->state == P_ALIVE ? p->vm.pages : 0;
    info->flags = (p->state == P_ALIVE && paging_is_pager(p) ? ANT_PI_PAGER : 0) |
                  (p == proc_manager ? ANT_PI_MANAGER : 0);
    info->rights = p->rights;
    info->icc_pages = p->vm.icc_pages;
    irq_restore(fl);
    return 0;
}

/* The space of the live process with frame-table tag `tag`, or NULL. */
static const struct vm *live_space(uint16_t tag)
{
    const struct proc *p = tag && tag <= MAX_PROCS ? &procs[tag - 1] : 0;
    return p && p->state == P_ALIVE ? &p->vm : 0;
}

int proc_icc_check(char *why, size_t len)
{
    for (int i = 0; i < MAX_PROCS; i++) {
        if (procs[i].state != P_ALIVE && procs[i].vm.icc_pages) {
            fmt_snprintf(why, len, "dead tag %u still counts %u pages", procs[i].tag,
                         procs[i].vm.icc_pages);
            return -1;
        }
    }
    return icc_check(why, len, live_space);
}

int proc_audit_frames(char *why, size_t len)
{
    static uint32_t held[MAX_PROCS + 1];    /* by owner tag (slot + 1) */
    uint32_t fl = irq_save();
    int bad = 0;
    memset(held, 0, sizeof held);
    for (uint32_t i = 0; i < frames.n && !bad; i++) {
        const struct frame *f = &frames.f[i];
        if (f->state != FRAME_USER)
            continue;
        if (!f->owner || f->owner > MAX_PROCS || procs[f->owner - 1].state != P_ALIVE) {
            fmt_snprintf(why, len, "frame %x held for tag %u, which is not a live process",
                         i << PAGE_SHIFT, f->owner);
            bad = 1;
        } else {
            held[f->owner]++;
        }
    }
    for (int i = 0; i < MAX_PROCS && !bad; i++) {
        const struct proc *p = &procs[i];
        if (p->state == P_ALIVE && held[p->tag] != p->vm.pages) {
            fmt_snprintf(why, len, "pid %u counts %u frames but holds %u", p->pid,
                         p->vm.pages, held[p->tag]);
            bad = 1;
        }
    }
    irq_restore(fl);
    return bad ? -1 : 0;
}
