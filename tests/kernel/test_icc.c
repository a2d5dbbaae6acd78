/* The ICC data area from inside the kernel: the formula against a real
 * page-table walk, moves between two spaces, and release at death. */
#include "include/ant/syscall.h"
#include "mm/icc.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "mm/kspace.h"
#include "mm/layout.h"
#include "mm/mm.h"
#include "mm/pool.h"
#include "tests/kernel/ktest.h"

/* The PTE for va in p's directory, walked by hand through windows. */
static uint32_t walk(const struct proc *p, uint32_t va)
{
    uint32_t *pd = window_map(p->vm.pd), pde = pd[va >> BIGPAGE_SHIFT], pte = 0;
    window_unmap(pd);
    if (pde & PTE_P) {
        uint32_t *pt = window_map(pde & PTE_FRAME_MASK);
        pte = pt[(va >> PAGE_SHIFT) & 1023];
        window_unmap(pt);
    }
    return pte;
}

static struct proc *spawn_idle(void)
{
    int32_t pid = proc_spawn("victim", "exit0", NPRIO - 1, &kernel_proc, 0);
    return pid > 0 ? proc_find((uint32_t)pid) : 0;
}

static void reap(struct proc *p)
{
    int32_t status;
    uint32_t pid = p->pid;
    proc_exit(p, 0);
    proc_wait(&kernel_proc, pid, &status, 0);
}

KTEST(icc_formula_matches_page_tables)
{
    char why[96];
    uint32_t free_before = icc_free_count(), pool_before = pool_free_count();
    struct proc *a = spawn_idle(), *b = spawn_idle();
    KASSERT(a && b);
    uint32_t va, n = 3;
    KASSERT(icc_alloc(&a->vm, n, &va) == 0);
    KASSERT(va >= ICC_VIRT && va + n * PAGE_SIZE <= ICC_VIRT + mm.icc_size);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = va + i * PAGE_SIZE, pte = walk(a, v);
        KASSERT((pte & PTE_FRAME_MASK) == icc_phys(v));
        KASSERT(icc_phys(v) == v - ICC_VIRT + mm.icc_base);
        KASSERT((pte & (PTE_P | PTE_W | PTE_U)) == (PTE_P | PTE_W | PTE_U));
        KASSERT(!(walk(b, v) & PTE_P));
    }
    KASSERT(proc_icc_check(why, sizeof why) == 0);
    /* move it: gone from a, in b at the same addresses, same frames */
    uint32_t run = ANT_ICC_RUN(va, n);
    KASSERT(icc_run_owned(&a->vm, run) == 0 && icc_run_owned(&b->vm, run) == -ANT_EPERM);
    KASSERT(icc_prepare(&b->vm, run) == 0);
    icc_move(&a->vm, &b->vm, run);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = va + i * PAGE_SIZE;
        KASSERT(!(walk(a, v) & PTE_P));
        KASSERT((walk(b, v) & PTE_FRAME_MASK) == icc_phys(v));
    }
    KASSERT(a->vm.icc_pages == 0 && b->vm.icc_pages == n);
    KASSERT(proc_icc_check(why, sizeof why) == 0);
    /* b dies holding them: all free again, and every frame back */
    reap(b);
    KASSERT(icc_free_count() == free_before);
    KASSERT(proc_icc_check(why, sizeof why) == 0);
    reap(a);
    KASSERT(pool_free_count() == pool_before);
}

KTEST(icc_check_catches_a_stray_mapping)
{
    char why[96];
    struct proc *a = spawn_idle();
    KASSERT(a);
    uint32_t va;
    KASSERT(icc_alloc(&a->vm, 1, &va) == 0);
    uint32_t pa = icc_phys(va);
    icc_free(&a->vm, va, 1);                    /* free, but leave a mapping behind */
    uint32_t *pd = window_map(a->vm.pd), pt = pd[va >> BIGPAGE_SHIFT] & PTE_FRAME_MASK;
    window_unmap(pd);
    uint32_t *w = window_map(pt);
    w[(va >> PAGE_SHIFT) & 1023] = pa | PTE_P | PTE_W | PTE_U;
    window_unmap(w);
    int caught = proc_icc_check(why, sizeof why) != 0;
    w = window_map(pt);
    w[(va >> PAGE_SHIFT) & 1023] = 0;      /* put it right before a dies */
    window_unmap(w);
    reap(a);
    KASSERT(caught);
    KASSERT(proc_icc_check(why, sizeof why) == 0);
}
