/*
 * Address spaces. The kernel half of a directory (PDEs 768-1023) is copied
 * from the kernel directory once, at creation; it never changes after boot,
 * so no directory ever needs updating. The user half is private: its page
 * tables and pages come from the pool, tagged with the owner. Tables and
 * directories of other spaces are edited through temporary windows.
 */
#include "mm/vm.h"
#include "include/ant/syscall.h"
#include "boot/panic.h"
#include "boot/x86.h"
#include "lib/string.h"
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

int vm_create(struct vm *vm, uint16_t owner)
{
    uint32_t pd = pool_alloc(FRAME_USER, owner);
    if (!pd)
        return -ANT_ENOMEM;
    uint32_t *w = window_map(pd);
    memset(w, 0, KERNEL_PDE_FIRST * 4);
    memcpy(w + KERNEL_PDE_FIRST, ktables.pd + KERNEL_PDE_FIRST, (1024 - KERNEL_PDE_FIRST) * 4);
    window_unmap(w);
    vm->pd = pd;
    vm->owner = owner;
    vm->pages = 1;
    return 0;
}

/* Free the pages of one page table that this space owns, then the table. */
static void free_table(struct vm *vm, uint32_t pt)
{
    uint32_t *w = window_map(pt);
    for (int i = 0; i < 1024; i++) {
        if (!(w[i] & PTE_P))
            continue;
        struct frame *f = frame_of(w[i] & PTE_FRAME_MASK);
        if (f && f->state == FRAME_USER && f->owner == vm->owner)
            pool_free(w[i] & PTE_FRAME_MASK), vm->pages--;
    }
    window_unmap(w);
    pool_free(pt);
    vm->pages--;
}

void vm_destroy(struct vm *vm)
{
    if (vm_live(vm))
        panic("vm_destroy: the live address space");
    uint32_t *pd = window_map(vm->pd);
    for (int i = 0; i < KERNEL_PDE_FIRST; i++)
        if (pd[i] & PTE_P)
            free_table(vm, pd[i] & PTE_FRAME_MASK);
    window_unmap(pd);
    pool_free(vm->pd);
    vm->pages--;
    if (vm->pages)
        panic("vm_destroy: %u pages unaccounted for", vm->pages);
    vm->pd = 0;
}

/* The page table for va, allocated if asked; 0 if none. */
static uint32_t table_for(struct vm *vm, uint32_t va, int alloc)
{
    uint32_t *pd = window_map(vm->pd), pde = pd[PDX(va)];
    if (!(pde & PTE_P) && alloc) {
        uint32_t pt = pool_alloc(FRAME_USER, vm->owner);
        if (pt) {
            frame_zero(pt);
            vm->pages++;
            pde = pd[PDX(va)] = pt | PTE_P | PTE_W | PTE_U;
        }
    }
    window_unmap(pd);
    return (pde & PTE_P) ? pde & PTE_FRAME_MASK : 0;
}

int vm_map(struct vm *vm, uint32_t va, uint32_t pa, uint32_t flags)
{
    if (va < USER_START || va >= USER_END)
        panic("vm_map: %08x is not a user address", va);
    uint32_t pt = table_for(vm, va, 1);
    if (!pt)
        return -ANT_ENOMEM;
    uint32_t *w = window_map(pt);
    int busy = w[PTX(va)] & PTE_P;
    if (!busy)
        w[PTX(va)] = (pa & PTE_FRAME_MASK) | PTE_P | PTE_U | (flags & (PTE_W | PTE_PCD | PTE_PWT));
    window_unmap(w);
    return busy ? -ANT_EBUSY : 0;
}

uint32_t vm_unmap(struct vm *vm, uint32_t va)
{
    uint32_t pt = table_for(vm, va, 0), pa = 0;
    if (!pt)
        return 0;
    uint32_t *w = window_map(pt);
    if (w[PTX(va)] & PTE_P)
        pa = w[PTX(va)] & PTE_FRAME_MASK;
    w[PTX(va)] = 0;
    window_unmap(w);
    if (pa && vm_live(vm))
        invlpg(va);
    return pa;
}

uint32_t vm_pte(const struct vm *vm, uint32_t va)
{
    uint32_t pt = table_for((struct vm *)vm, va, 0), pte;
    if (!pt)
        return 0;
    uint32_t *w = window_map(pt);
    pte = w[PTX(va)];
    window_unmap(w);
    return pte;
}

int vm_has_table(const struct vm *vm, uint32_t va)
{
    return table_for((struct vm *)vm, va, 0) != 0;
}

uint32_t vm_pte_update(struct vm *vm, uint32_t va, uint32_t clear, uint32_t set)
{
    uint32_t pt = table_for(vm, va, 0), old;
    if (!pt)
        return 0;
    uint32_t *w = window_map(pt);
    old = w[PTX(va)];
    w[PTX(va)] = (old & ~clear) | set;
    window_unmap(w);
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
        uint32_t pa = pool_alloc(FRAME_USER, vm->owner);
        int err = pa ? 0 : -ANT_ENOMEM;
        if (pa) {
            frame_zero(pa);
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
    uint32_t *pd = window_map(vm->pd), *pt = 0, pt_pa = 0, n = 0, first = 0;
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
    window_unmap(pd);
    *pa = first & PTE_FRAME_MASK;
    *bits = first & ~PTE_FRAME_MASK;
    return n;
}
