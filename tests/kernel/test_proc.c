/* Address spaces, processes and the scheduler, from inside the kernel. */
#include "kernel/module.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "boot/x86.h"
#include "lib/string.h"
#include "mm/kspace.h"
#include "mm/layout.h"
#include "mm/pool.h"
#include "mm/vm.h"
#include "tests/kernel/ktest.h"

KTEST(vm_kernel_half_copied)
{
    struct vm vm;
    KASSERT(vm_create(&vm, VM_TAG_TEST) == 0);
    uint32_t *pd = window_map(vm.pd);
    int same = !memcmp(pd + KERNEL_PDE_FIRST, ktables.pd + KERNEL_PDE_FIRST,
                       (1024 - KERNEL_PDE_FIRST) * 4);
    int user_empty = 1;
    for (int i = 0; i < KERNEL_PDE_FIRST; i++)
        user_empty &= pd[i] == 0;
    window_unmap(pd);
    vm_destroy(&vm);
    KASSERT(same);
    KASSERT(user_empty);
}

KTEST(vm_map_unmap_destroy_returns_all)
{
    struct vm vm;
    uint32_t before = pool_free_count();
    KASSERT(vm_create(&vm, VM_TAG_TEST) == 0);
    KASSERT(vm_map_zeroed(&vm, 0x00400000, 8 * PAGE_SIZE, PTE_W) == 0);
    KASSERT(vm_map_zeroed(&vm, 0x7FF00000, 2 * PAGE_SIZE, 0) == 0);
    KASSERT(vm.pages == 1 + 2 + 10);       /* directory, two tables, pages */
    uint32_t pte = vm_pte(&vm, 0x00401000);
    KASSERT((pte & (PTE_P | PTE_U | PTE_W)) == (PTE_P | PTE_U | PTE_W));
    KASSERT(!(vm_pte(&vm, 0x7FF00000) & PTE_W));
    KASSERT(vm_map(&vm, 0x00401000, pte & PTE_FRAME_MASK, 0) < 0);   /* busy */
    vm_unmap_free(&vm, 0x00400000, PAGE_SIZE);
    KASSERT(!(vm_pte(&vm, 0x00400000) & PTE_P));
    vm_destroy(&vm);
    KASSERT(pool_free_count() == before);
}

KTEST(proc_create_destroy_1000)
{
    uint32_t before = pool_free_count(), threads = sched_thread_count();
    for (int i = 0; i < 1000; i++) {
        int32_t pid = proc_spawn("victim", "exit0", NPRIO - 1, &kernel_proc, 0);
        KASSERT(pid > 0);
        struct proc *p = proc_find((uint32_t)pid);
        KASSERT(p && p->state == P_ALIVE);
        proc_exit(p, 5);                   /* destroyed before it ever ran */
        int32_t status = 0;
        KASSERT(proc_wait(&kernel_proc, (uint32_t)pid, &status, 0) == pid && status == 5);
    }
    KASSERT(pool_free_count() == before);
    KASSERT(sched_thread_count() == threads);
}

KTEST(spawn_refuses_bad_images)
{
    uint32_t before = pool_free_count();
    KASSERT(proc_spawn("nosuchmodule", "", 4, &kernel_proc, 0) == -ANT_ENOENT);
    if (module_find("testmod"))
        KASSERT(proc_spawn("testmod", "", 4, &kernel_proc, 0) == -ANT_ENOEXEC);
    KASSERT(proc_spawn("victim", "", NPRIO, &kernel_proc, 0) == -ANT_EINVAL);
    KASSERT(pool_free_count() == before);
}

KTEST(equal_priority_no_starvation)
{
    int32_t pid[3];
    struct proc *p[3];
    if (!module_find("victim"))
        KFAIL("the victim module is not loaded");
    for (int i = 0; i < 3; i++) {
        pid[i] = proc_spawn("victim", "spin", 5, &kernel_proc, 0);
        KASSERT(pid[i] > 0);
        p[i] = proc_find((uint32_t)pid[i]);
    }
    sched_sleep(30);                       /* three spinners share the CPU */
    uint32_t ticks[3];
    for (int i = 0; i < 3; i++)
        ticks[i] = p[i]->thread->cpu_ticks;
    for (int i = 0; i < 3; i++) {
        int32_t status;
        proc_exit(p[i], 0);
        proc_wait(&kernel_proc, (uint32_t)pid[i], &status, 0);
    }
    for (int i = 0; i < 3; i++)
        if (ticks[i] < 3)
            KFAIL("spinner %d ran %u ticks of 30 (%u, %u, %u)", i, ticks[i], ticks[0],
                  ticks[1], ticks[2]);
}

KTEST(priority_preempts_lower)
{
    int32_t status, pid = proc_spawn("victim", "spin", NPRIO - 1, &kernel_proc, 0);
    KASSERT(pid > 0);
    uint32_t t0 = current->cpu_ticks;
    sched_sleep(3);                        /* the more urgent sleeper comes back */
    struct proc *p = proc_find((uint32_t)pid);
    KASSERT(p && p->thread->cpu_ticks > 0);
    proc_exit(p, 0);
    KASSERT(proc_wait(&kernel_proc, (uint32_t)pid, &status, 0) == pid);
    KASSERT(current->cpu_ticks >= t0);
}
