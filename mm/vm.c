/*
 * Address spaces. The kernel half of a directory (PDEs 768-1023) is copied
 * from the kernel directory once, at creation; it never changes after boot,
 * so no directory ever needs updating. The user half is private: its page
 * tables and pages come from the pool, tagged with the owner. Each space's
 * directory and page tables are also mapped in the kernel half for as long
 * as they exist (a slot per owner tag, mm/layout.h), so any space's PTE is
 * one load away: the fault path and the pager's calls edit other spaces
 * with no temporary window.
 */
#include "mm/vm.h"
#include "include/ant/syscall.h"
#include "boot/panic.h"
#include "boot/x86.h"
#include "lib/string.h"
#include "mm/icc.h"
#include "mm/kspace.h"
#include "mm/layout.h"
#include "mm/pool.h"

#define PDX(va) ((va) >> BIGPAGE_SHIFT)
#define PTX(va) (((va) >> PAGE_SHIFT) & 1023)

void frame_zero(uint32_t pa)
{
    void *w = window_map(pa);
    memset(w, 0, PAGE_SIZE);
    window_unmap(w);
}

uint32_t frame_alloc_zeroed(enum frame_state s, uint16_t owner)
{
    uint32_t pa = pool_alloc_zero(s, owner);
    if (pa) {
        struct frame *f = frame_of(pa);
        if (!(f->flags & FRAME_F_ZERO))
            frame_zero(pa);
        f->flags = 0;               /* it will be written */
    }
    return pa;
}

void frame_copy(uint32_t to, uint32_t from)
{
    void *t = window_map(to), *f = window_map(from);
    memcpy(t, f, PAGE_SIZE);
    window_unmap(f);
    window_unmap(t);
}

int (*vm_live_elsewhere)(const struct vm *vm);

/* Is vm the space this CPU runs in? Its TLB entries are then this CPU's
 * to drop. A space live on another CPU is never unmapped from: the inner
 * core waits for it instead (docs/DESIGN.md §4), and this checks it. */
static int vm_live(const struct vm *vm)
{
    if (read_cr3() == vm->pd)
        return 1;
    if (vm_live_elsewhere && vm_live_elsewhere(vm))
        panic("vm: a mapping removed from a space that runs on another CPU (no shootdown)");
    return 0;
}

uint32_t *vm_pd(const struct vm *vm)
{
    return (uint32_t *)(PD_VIRT + (uint32_t)(vm->owner - 1) * PAGE_SIZE);
}

/* The private PTEs of vm, one array indexed by page number (va >> 12):
 * those of a 4MB whose table exists are mapped. */
static inline uint32_t *priv_ptes(const struct vm *vm)
{
    return (uint32_t *)(PRIV_PT_VIRT + (uint32_t)(vm->owner - 1) * PRIV_PT_SLOT);
}

/* Where the PTE for user address va is, or NULL if it has no table (its
 * ICC PTEs: mm/icc.c's array). */
static inline uint32_t *pte_of(const struct vm *vm, uint32_t va)
{
    if (va < ICC_VIRT)
        return (vm_pd(vm)[PDX(va)] & PTE_P) ? priv_ptes(vm) + (va >> PAGE_SHIFT) : 0;
    return va < USER_END ? icc_pte_of(vm, va) : 0;
}

int vm_create(struct vm *vm, uint16_t owner)
{
    if (owner < 1 || owner > VM_SLOTS)
        return -ANT_EINVAL;
    uint32_t pd = pool_alloc(FRAME_USER, owner);
    if (!pd)
        return -ANT_ENOMEM;
    vm->pd = pd;
    vm->owner = owner;
    vm->pages = 1;
    uint32_t *w = vm_pd(vm);
    kspace_map((uint32_t)w, pd);
    memset(w, 0, KERNEL_PDE_FIRST * 4);
    memcpy(w + KERNEL_PDE_FIRST, ktables.pd + KERNEL_PDE_FIRST, (1024 - KERNEL_PDE_FIRST) * 4);
    return 0;
}

/* Free the pages of one page table (mapped at w) that this space owns,
 * then the table. */
static void free_table(struct vm *vm, uint32_t pt, const uint32_t *w)
{
    for (int i = 0; i < 1024; i++) {
        if (!(w[i] & PTE_P))
            continue;
        struct frame *f = frame_of(w[i] & PTE_FRAME_MASK);
        if (f && f->state == FRAME_USER && f->owner == vm->owner)
            pool_free(w[i] & PTE_FRAME_MASK), vm->pages--;
    }
    pool_free(pt);
    vm->pages--;
}

void vm_destroy(struct vm *vm)
{
    if (vm_live(vm))
        panic("vm_destroy: the live address space");
    uint32_t *pd = vm_pd(vm);
    for (uint32_t i = 0; i < KERNEL_PDE_FIRST; i++) {
        if (!(pd[i] & PTE_P))
            continue;
        uint32_t pt = pd[i] & PTE_FRAME_MASK;
        if (i < PDX(ICC_VIRT)) {            /* its flat mapping goes first */
            const uint32_t *w = priv_ptes(vm) + i * 1024;
            free_table(vm, pt, w);
            kspace_unmap((uint32_t)w);
        } else {                            /* an ICC table mm/icc.c left */
            uint32_t *w = window_map(pt);
            free_table(vm, pt, w);
            window_unmap(w);
        }
    }
    kspace_unmap((uint32_t)pd);
    pool_free(vm->pd);
    vm->pages--;
    if (vm->pages)
        panic("vm_destroy: %u pages unaccounted for", vm->pages);
    vm->pd = 0;
}

int vm_map(struct vm *vm, uint32_t va, uint32_t pa, uint32_t flags)
{
    if (va < USER_START || va >= USER_END)
        panic("vm_map: %08x is not a user address", va);
    uint32_t *pte = pte_of(vm, va);
    if (!pte) {
        if (va >= ICC_VIRT)
            panic("vm_map: %08x: ICC tables are mm/icc.c's", va);
        uint32_t pt = frame_alloc_zeroed(FRAME_USER, vm->owner);
        if (!pt)
            return -ANT_ENOMEM;
        vm->pages++;
        kspace_map((uint32_t)(priv_ptes(vm) + (va >> PAGE_SHIFT & ~1023u)), pt);
        vm_pd(vm)[PDX(va)] = pt | PTE_P | PTE_W | PTE_U;
        pte = pte_of(vm, va);
    }
    if (*pte & PTE_P)
        return -ANT_EBUSY;
    *pte = (pa & PTE_FRAME_MASK) | PTE_P | PTE_U | (flags & (PTE_W | PTE_PCD | PTE_PWT));
    return 0;
}

uint32_t vm_unmap(struct vm *vm, uint32_t va)
{
    uint32_t *pte = pte_of(vm, va), pa = 0;
    if (!pte)
        return 0;
    if (*pte & PTE_P)
        pa = *pte & PTE_FRAME_MASK;
    *pte = 0;
    if (pa && vm_live(vm))
        invlpg(va);
    return pa;
}

uint32_t vm_pte(const struct vm *vm, uint32_t va)
{
    const uint32_t *pte = pte_of(vm, va);
    return pte ? *pte : 0;
}

int vm_has_table(const struct vm *vm, uint32_t va)
{
    return va < USER_END && (vm_pd(vm)[PDX(va)] & PTE_P);
}

uint32_t vm_pte_update(struct vm *vm, uint32_t va, uint32_t clear, uint32_t set)
{
    uint32_t *pte = pte_of(vm, va), old;
    if (!pte)
        return 0;
    old = *pte;
    *pte = (old & ~clear) | set;
    if ((old & PTE_P) && vm_live(vm))
        invlpg(va);
    return old;
}

int vm_range_free(const struct vm *vm, uint32_t va, uint32_t len)
{
    for (uint32_t off = 0; off < len; off += PAGE_SIZE)
        if (vm_pte(vm, va + off) & PTE_P)
            return 0;
    return 1;
}

void vm_unmap_free(struct vm *vm, uint32_t va, uint32_t len)
{
    for (uint32_t off = 0; off < len; off += PAGE_SIZE) {
        uint32_t pte = vm_pte(vm, va + off);
        struct frame *f = frame_of(pte & PTE_FRAME_MASK);
        if (!(pte & PTE_P))
            continue;
        vm_unmap(vm, va + off);
        if (f && f->state == FRAME_USER && f->owner == vm->owner) {
            pool_free(pte & PTE_FRAME_MASK);
            vm->pages--;
        }
    }
}

int vm_map_zeroed(struct vm *vm, uint32_t va, uint32_t len, uint32_t flags)
{
    for (uint32_t off = 0; off < len; off += PAGE_SIZE) {
        uint32_t pa = frame_alloc_zeroed(FRAME_USER, vm->owner);
        int err = pa ? 0 : -ANT_ENOMEM;
        if (pa) {
            err = vm_map(vm, va + off, pa, flags);
            if (err)
                pool_free(pa);
            else
                vm->pages++;
        }
        if (err) {
            vm_unmap_free(vm, va, off);
            return err;
        }
    }
    return 0;
}

/* SYS_VMMAP's walk: a PTE's bits that a run keeps the same. */
#define RUN_BITS (PTE_P | PTE_W | PTE_U | PTE_PCD | PTE_PWT | PTE_G)

uint32_t vm_next_run(const struct vm *vm, uint32_t from, uint32_t *va, uint32_t *pa,
                     uint32_t *bits)
{
    uint32_t *pd = vm_pd(vm), *pt = 0, pt_pa = 0, n = 0, first = 0;
    for (uint64_t a = from & PTE_FRAME_MASK; a < 0x100000000ull;) {
        uint32_t v = (uint32_t)a, pde = pd[PDX(v)], e;
        uint64_t next_table = (a & ~(uint64_t)(BIGPAGE_SIZE - 1)) + BIGPAGE_SIZE;
        if (!(pde & PTE_P)) {
            if (n)
                break;
            a = next_table;
            continue;
        }
        if (pde & PDE_PS) {
            e = ((pde & PDE_4MB_MASK) + (v & (BIGPAGE_SIZE - 1) & PTE_FRAME_MASK)) |
                (pde & RUN_BITS) | PDE_PS;
        } else {
            if (pt_pa != (pde & PTE_FRAME_MASK)) {
                if (pt)
                    window_unmap(pt);
                pt_pa = pde & PTE_FRAME_MASK;
                pt = window_map(pt_pa);
            }
            uint32_t k = PTX(v);
            if (!n) {               /* to the next page mapped, in a tight loop */
                while (k < 1024 && !(pt[k] & PTE_P))
                    k++;
                if (k == 1024) {
                    a = next_table;
                    continue;
                }
                v = (v & ~(BIGPAGE_SIZE - 1)) | (k << PAGE_SHIFT);
                a = v;
            }
            e = pt[k] & (PTE_FRAME_MASK | RUN_BITS);
        }
        if (!n) {
            if (!(e & PTE_P)) {
                a += PAGE_SIZE;
                continue;
            }
            first = e;
            *va = v;
            n = 1;
        } else if ((e & ~PTE_FRAME_MASK) == (first & ~PTE_FRAME_MASK) &&
                   (e & PTE_FRAME_MASK) == (first & PTE_FRAME_MASK) + n * PAGE_SIZE) {
            n++;
        } else {
            break;
        }
        a += PAGE_SIZE;
    }
    if (pt)
        window_unmap(pt);
    *pa = first & PTE_FRAME_MASK;
    *bits = first & ~PTE_FRAME_MASK;
    return n;
}
