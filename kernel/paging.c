/*
 * Demand paging: the mechanism under the outer-core pager.
 *
 * A lazy range is address space a process reserved (SYS_MMAP with
 * ANT_PROT_LAZY) with neither frames nor paging slots. A fault in it
 * blocks the thread on one queue of faults and becomes a message from pid
 * 0 to the pager (ANT_NOTE_FAULT); the pager answers with calls: take a
 * frame from the pool, fill and map it (zeroed, or copied from a page it
 * read from the paging space), read and clear reference and dirty bits,
 * unmap a page (copying it out first, leaving its paging slot in the
 * not-present PTE), and resolve the fault (run again, or kill).
 *
 * Frames the pager holds and has not mapped are "loose": owned by it in the
 * frame table (so the frame audit counts them) but in no page table.
 * Faults stay queued across the pager's death, and go to the next one.
 */
#include "kernel/paging.h"
#include "include/ant/syscall.h"
#include "kernel/notify.h"
#include "mm/icc.h"
#include "boot/console.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/trap.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "lib/string.h"
#include "mm/kspace.h"
#include "mm/layout.h"
#include "mm/pool.h"
#include "mm/vm.h"

#define FAULT_SENT 0x800            /* in thread.fault: the pager has it */
#define SWAP_SLOT_SHIFT 12          /* not-present PTE: slot + 1 above bit 12 */

static struct proc *pager;
static struct thread *fault_head, *fault_tail;
static uint8_t memo[ANT_VM_MEMO_MAX];   /* the pager's notes, kept across its death */
static uint32_t memo_len;

static const struct vm_range *range_of(const struct proc *p, uint32_t va)
{
    for (int i = 0; i < ANT_VM_RANGES; i++)
        if (p->ranges[i].end && va >= p->ranges[i].start && va < p->ranges[i].end)
            return &p->ranges[i];
    return 0;
}

int paging_overlaps(const struct proc *p, uint32_t addr, uint32_t len)
{
    for (int i = 0; i < ANT_VM_RANGES; i++) {
        const struct vm_range *r = &p->ranges[i];
        if (r->end && len && addr < r->end && (addr >= r->start || r->start - addr < len))
            return 1;               /* [addr, addr+len) meets [start, end) */
    }
    return 0;
}

static int add_range(struct proc *p, uint32_t addr, uint32_t end, int writable, int seg)
{
    if (!pager || p == pager)
        return pager ? -ANT_EINVAL : -ANT_EAGAIN;   /* the pager is never paged */
    if (paging_overlaps(p, addr, end - addr) || !vm_range_free(&p->vm, addr, end - addr))
        return -ANT_EBUSY;
    for (int i = 0; i < ANT_VM_RANGES; i++) {
        struct vm_range *r = &p->ranges[i];
        if (!r->end) {
            r->start = addr;
            r->end = end;
            r->writable = (uint8_t)writable;
            r->file = seg >= 0;
            r->seg = (uint8_t)(seg >= 0 ? seg : 0);
            return 0;
        }
    }
    return -ANT_EAGAIN;
}

int paging_reserve(struct proc *p, uint32_t addr, uint32_t len, int writable)
{
    return add_range(p, addr, addr + len, writable, -1);
}

int paging_reserve_file(struct proc *p, uint32_t vaddr, uint32_t memsz, int seg)
{
    uint32_t end = (vaddr + memsz + PAGE_SIZE - 1) & PTE_FRAME_MASK;
    return add_range(p, vaddr & PTE_FRAME_MASK, end, 0, seg);
}

static void queue_remove(struct thread *t)
{
    struct thread **pp = &fault_head, *prev = 0;
    for (; *pp && *pp != t; prev = *pp, pp = &(*pp)->fault_next)
        ;
    if (!*pp)
        return;
    *pp = t->fault_next;
    if (fault_tail == t)
        fault_tail = prev;
    t->fault_next = 0;
}

/* The first fault the pager has not been told of, or NULL. */
static struct thread *unsent_fault(const struct thread *from)
{
    for (struct thread *t = (struct thread *)from; t; t = t->fault_next)
        if (!(t->fault & FAULT_SENT))
            return t;
    return 0;
}

/* The fault note's words for t (w1-w3: pid, page and flags, slot + 1 or
 * 0), and t's fault marked sent. */
static void fault_words(struct thread *t, uint32_t w[3])
{
    uint32_t pte = vm_pte(&t->proc->vm, t->fault & PTE_FRAME_MASK);
    w[0] = t->proc->pid;
    w[1] = t->fault & ~(uint32_t)FAULT_SENT;
    w[2] = pte & PTE_P ? 0 : pte >> SWAP_SLOT_SHIFT;
    t->fault |= FAULT_SENT;
}

int paging_fault_note(struct proc *me, uint32_t w[3], int *more)
{
    struct thread *t = me == pager ? unsent_fault(fault_head) : 0;
    if (!t)
        return 0;
    fault_words(t, w);
    *more = unsent_fault(t->fault_next) != 0;
    return 1;
}

int paging_fault(struct trap_frame *tf, uint32_t addr)
{
    struct thread *me = current;
    const struct vm_range *r = range_of(me->proc, addr);
    if (!r || (tf->error & PF_P) || ((tf->error & PF_W) && !r->writable))
        return 0;
    me->fault = (addr & PTE_FRAME_MASK) | (tf->error & PF_W ? VM_F_WRITE : 0) |
                (r->file ? VM_F_FILE : 0);
    me->fault_next = 0;
    if (fault_tail)
        fault_tail->fault_next = me;
    else
        fault_head = me;
    fault_tail = me;
    me->ipc_state = IPC_FAULT;
    struct thread *pt = 0;
    if (pager && fault_head == me && note_can_give(pager)) {
        uint32_t w[4] = { ANT_NOTE_FAULT };     /* the only fault: straight in */
        fault_words(me, &w[1]);
        pt = note_give(pager, w);
    } else if (pager) {
        pt = note_post_take(pager, ANT_NOTE_FAULT);
    }
    if (pt)
        sched_block_for(pt, 0);     /* the pager runs at once, if it can */
    else
        sched_block();              /* until SYS_VM_RESOLVE */
    return 1;
}

/* Free the frames the pager held loose: they are in no page table. */
static void free_loose(struct proc *p)
{
    for (uint32_t i = 0; i < frames.n; i++) {
        struct frame *f = &frames.f[i];
        if (f->state == FRAME_USER && f->owner == p->tag && (f->flags & FRAME_F_LOOSE)) {
            f->flags &= (uint8_t)~FRAME_F_LOOSE;
            pool_free(i << PAGE_SHIFT);
            p->vm.pages--;
        }
    }
}

void paging_exit(struct proc *p)
{
    int had_ranges = 0;
    if (p->thread && p->thread->ipc_state == IPC_FAULT)
        queue_remove(p->thread);
    for (int i = 0; i < ANT_VM_RANGES; i++) {
        had_ranges |= p->ranges[i].end != 0;
        p->ranges[i].end = 0;
    }
    if (p == pager) {
        free_loose(p);
        pager = 0;
        for (struct thread *t = fault_head; t; t = t->fault_next)
            t->fault &= ~(uint32_t)FAULT_SENT;      /* for the next pager */
    } else if (had_ranges && pager) {
        note_post(pager, ANT_NOTE_VMEXIT);
    }
}

/* ---- the pager's calls ---- */

int paging_is_pager(const struct proc *p)
{
    return p == pager;
}

static int is_pager(void)
{
    return current->proc == pager;
}

int32_t SYSCALL_ABI sys_vm_pager(struct trap_frame *tf)
{
    (void)tf;
    struct proc *me = current->proc;
    if (!me->priv)
        return -ANT_EPERM;
    if (pager && pager != me)
        return -ANT_EBUSY;
    for (int i = 0; i < ANT_VM_RANGES; i++)
        if (me->ranges[i].end)
            return -ANT_EINVAL;     /* a paged process cannot page */
    pager = me;
    if (unsent_fault(fault_head))
        note_post(me, ANT_NOTE_FAULT);  /* faults that waited for a pager */
    return 0;
}

/* A frame the pager holds loose, or NULL. */
static struct frame *loose_frame(uint32_t pa)
{
    struct frame *f = (pa & (PAGE_SIZE - 1)) ? 0 : frame_of(pa);
    if (!f || f->state != FRAME_USER || f->owner != pager->tag || !(f->flags & FRAME_F_LOOSE))
        return 0;
    return f;
}

/* A pool frame for the pager, loose; 0 if none. Not the reserve, though
 * the pager holds ANT_RIGHT_RESERVE: it can steal pages, the eager
 * allocations the reserve is for cannot (kernel/proc.h). */
static uint32_t grab(void)
{
    if (pool_free_count() <= proc_frame_reserve())
        return 0;
    uint32_t pa = pool_alloc_zero(FRAME_USER, pager->tag);
    if (pa) {
        frame_of(pa)->flags |= FRAME_F_LOOSE;   /* and FRAME_F_ZERO if zeroed */
        pager->vm.pages++;
    }
    return pa;
}

static void ungrab(uint32_t pa)
{
    frame_of(pa)->flags = 0;
    pool_free(pa);
    pager->vm.pages--;
}

int32_t SYSCALL_ABI sys_vm_frame(struct trap_frame *tf)
{
    uint32_t op = tf->ebx, pa = tf->esi;
    if (!is_pager())
        return -ANT_EPERM;
    if (op == VM_GRAB) {
        pa = grab();
        return pa ? (int32_t)pa : -ANT_ENOMEM;  /* page aligned: never in -4095..-1 */
    }
    if ((op & 0xFF) == VM_GRAB_MANY) {      /* one call for a refill */
        uint32_t n = op >> 8, got = 0, pas[VM_GRAB_MAX];
        if (!n || n > VM_GRAB_MAX)
            return -ANT_EINVAL;
        while (got < n && (pas[got] = grab()) != 0)
            got++;
        if (!got)
            return -ANT_ENOMEM;
        if (copy_to_user(tf->esi, pas, got * 4)) {
            while (got)
                ungrab(pas[--got]);
            return -ANT_EFAULT;
        }
        return (int32_t)got;
    }
    if (op != VM_RELEASE)
        return -ANT_EINVAL;
    if (!loose_frame(pa))
        return -ANT_EINVAL;
    ungrab(pa);
    return 0;
}

/* The process and the lazy page a pager call names; 0 or -error. */
static int target(uint32_t pid, uint32_t va, struct proc **p, const struct vm_range **r)
{
    if (!is_pager())
        return -ANT_EPERM;
    *p = proc_alive(pid);
    if (!*p)
        return -ANT_ESRCH;
    *r = range_of(*p, va);
    return *r && !(va & (PAGE_SIZE - 1)) ? 0 : -ANT_EINVAL;
}

/* A page of the pager's ICC area (the data it moves to and from disk). */
static int pager_page(uint32_t va)
{
    return !(va & (PAGE_SIZE - 1)) && icc_run_owned(&pager->vm, ANT_ICC_RUN(va, 1)) == 0;
}

int32_t SYSCALL_ABI sys_vm_map(struct trap_frame *tf)
{
    uint32_t va = tf->esi, pa = tf->edi, src = tf->ebp;
    struct proc *p;
    const struct vm_range *r;
    int err = target(tf->ebx, va, &p, &r);
    if (err)
        return err;
    struct frame *f = loose_frame(pa);
    if (!f || (src > VM_SRC_FILE && !pager_page(src)) || (src == VM_SRC_FILE) != r->file)
        return -ANT_EINVAL;
    /* A page mapped already is vm_map's -ANT_EBUSY, after the fill (rare:
     * no lookup before it on the fault path); the frame stays loose. */
    if (src == VM_SRC_ZERO) {
        if (!(f->flags & FRAME_F_ZERO))     /* else zeroed by an idle CPU */
            frame_zero(pa);
    } else if (src == VM_SRC_FILE) {
        uint8_t *w = window_map(pa);
        proc_image_fill(p, r, va, w);
        window_unmap(w);
    } else {
        frame_copy(pa, icc_phys(src));
    }
    if (src != VM_SRC_ZERO)
        f->flags &= (uint8_t)~FRAME_F_ZERO;     /* it holds data now */
    err = vm_map(&p->vm, va, pa, r->writable ? PTE_W : 0);
    if (err)
        return err;                 /* no page table: the frame stays loose */
    f->flags = 0;
    f->owner = p->tag;
    p->vm.pages++;
    pager->vm.pages--;
    return 0;
}

int32_t SYSCALL_ABI sys_vm_unmap(struct trap_frame *tf)
{
    uint32_t va = tf->esi, dst = tf->edi, slot = tf->ebp;
    struct proc *p;
    const struct vm_range *r;
    int err = target(tf->ebx, va, &p, &r);
    if (err)
        return err;
    if (slot >= 1u << (32 - SWAP_SLOT_SHIFT) || (dst && !pager_page(dst)))
        return -ANT_EINVAL;
    uint32_t pte = vm_pte(&p->vm, va), pa = pte & PTE_FRAME_MASK;
    struct frame *f = (pte & PTE_P) ? frame_of(pa) : 0;
    if (!f || f->state != FRAME_USER || f->owner != p->tag)
        return -ANT_ENOENT;         /* not resident */
    if (f->flags & FRAME_F_PINNED)
        return -ANT_EBUSY;
    if (proc_runs_elsewhere(p))
        return -ANT_EAGAIN;         /* its page is in another CPU's TLB: not now */
    if (dst)
        frame_copy(icc_phys(dst), pa);
    vm_pte_update(&p->vm, va, 0xFFFFFFFFu, slot << SWAP_SLOT_SHIFT);
    f->flags = FRAME_F_LOOSE;
    f->owner = pager->tag;
    p->vm.pages--;
    pager->vm.pages++;
    return (int32_t)pa;
}

int32_t SYSCALL_ABI sys_vm_bits(struct trap_frame *tf)
{
    uint32_t va = tf->esi, flags = tf->edi;
    struct proc *p;
    const struct vm_range *r;
    int err = target(tf->ebx, va, &p, &r);
    if (err)
        return err;
    if (flags & ~(uint32_t)(VM_CLEAR_REF | VM_CLEAR_DIRTY | VM_PIN | VM_UNPIN))
        return -ANT_EINVAL;
    uint32_t pte = vm_pte(&p->vm, va);
    if (!(pte & PTE_P))
        return 0;
    struct frame *f = frame_of(pte & PTE_FRAME_MASK);
    int32_t bits = VM_B_PRESENT | (pte & PTE_A ? VM_B_REF : 0) | (pte & PTE_D ? VM_B_DIRTY : 0) |
                   (f->flags & FRAME_F_PINNED ? VM_B_PINNED : 0);
    uint32_t clear = (flags & VM_CLEAR_REF ? PTE_A : 0) | (flags & VM_CLEAR_DIRTY ? PTE_D : 0);
    /* Running on another CPU, it may be setting A and D in this very PTE
     * (the CPU's page walk is an atomic update; this one is not), and its
     * TLB keeps D set there, so a write would not set it again: not now. */
    if (clear && proc_runs_elsewhere(p))
        return -ANT_EAGAIN;
    if (clear)
        vm_pte_update(&p->vm, va, clear, 0);
    if (flags & VM_PIN)
        f->flags |= FRAME_F_PINNED;
    if (flags & VM_UNPIN)
        f->flags &= (uint8_t)~FRAME_F_PINNED;
    return bits;
}

int32_t paging_resolve(uint32_t pid, uint32_t verdict, struct thread **run)
{
    *run = 0;
    if (!is_pager())
        return -ANT_EPERM;
    struct proc *p = proc_alive(pid);
    if (!p)
        return -ANT_ESRCH;
    struct thread *t = p->thread;
    if (t->ipc_state != IPC_FAULT || !(t->fault & FAULT_SENT))
        return -ANT_EINVAL;
    if (verdict > 0xFFFF)
        return -ANT_EINVAL;
    queue_remove(t);
    t->ipc_state = IPC_NONE;
    if (verdict) {
        proc_exit(p, (int32_t)verdict);
        return 0;
    }
    *run = t;
    return 0;
}

int32_t SYSCALL_ABI sys_vm_resolve(struct trap_frame *tf)
{
    struct thread *t;
    int32_t err = paging_resolve(tf->ebx, tf->esi, &t);
    if (t)
        sched_wake(t, 0);
    return err;
}

int32_t SYSCALL_ABI sys_vm_memo(struct trap_frame *tf)
{
    uint32_t op = tf->ebx, ubuf = tf->esi, len = tf->edi;
    if (!is_pager())
        return -ANT_EPERM;
    if (op == VM_MEMO_GET) {
        uint32_t n = len < memo_len ? len : memo_len;
        int err = copy_to_user(ubuf, memo, n);
        return err ? err : (int32_t)n;
    }
    if (op != VM_MEMO_SET || len > ANT_VM_MEMO_MAX)
        return -ANT_EINVAL;
    uint8_t buf[ANT_VM_MEMO_MAX];
    if (copy_from_user(buf, ubuf, len))
        return -ANT_EFAULT;
    memcpy(memo, buf, len);
    memo_len = len;
    return 0;
}

int32_t SYSCALL_ABI sys_vm_info(struct trap_frame *tf)
{
    uint32_t pid = tf->ebx;
    struct ant_vminfo info;
    struct proc *p = pid ? proc_alive(pid) : current->proc;
    if (!p)
        return -ANT_ESRCH;
    memset(&info, 0, sizeof info);
    for (int i = 0; i < ANT_VM_RANGES; i++) {
        const struct vm_range *r = &p->ranges[i];
        if (!r->end)
            continue;
        info.ranges++;
        info.reserved_pages += (r->end - r->start) / PAGE_SIZE;
        for (uint32_t va = r->start; va < r->end && va >= r->start;) {
            if (!vm_has_table(&p->vm, va)) {
                va = (va | 0x3FFFFF) + 1;       /* a whole table's worth absent */
                continue;
            }
            info.resident_pages += (vm_pte(&p->vm, va) & PTE_P) != 0;
            va += PAGE_SIZE;
        }
    }
    info.faults_waiting = p->thread && p->thread->ipc_state == IPC_FAULT;
    return copy_to_user(tf->esi, &info, sizeof info);
}
