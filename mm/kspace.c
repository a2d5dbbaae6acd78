/*
 * Kernel space beyond the fixed 4MB pages. The 254 kernel page tables sit in
 * the data area, so the kernel half of every page directory is fixed at boot
 * and mapping a kernel page is one PTE store and an invlpg.
 */
#include "mm/kspace.h"
#include "boot/panic.h"
#include "boot/x86.h"
#include "lib/screen.h"

struct kernel_tables ktables __attribute__((aligned(PAGE_SIZE)));

/* Each CPU has its own windows (slots cpu * WINDOWS_PER_CPU onwards): a
 * window is only ever touched by the CPU that maps it, so dropping it from
 * that CPU's TLB is enough, with no IPI, as for any per-CPU mapping. */
#define WINDOWS_PER_CPU (WINDOW_COUNT / MAX_CPUS)
struct window_pool {
    uint16_t stack[WINDOWS_PER_CPU];         /* free window slots */
    uint32_t top;                            /* slots on the stack */
    int ready;
};
static struct window_pool windows[MAX_CPUS];

void kspace_finish_boot(void)
{
    ktables.pd[0] = 0;                       /* the boot identity mapping */
    write_cr3(read_cr3());
}

uint32_t *kspace_pte(uint32_t va)
{
    uint32_t pde = va >> BIGPAGE_SHIFT;
    if (pde < KERNEL_PDE_PT_FIRST)
        panic("kspace: %08x is not in the page-table part of kernel space", va);
    return &ktables.pt[pde - KERNEL_PDE_PT_FIRST][(va >> PAGE_SHIFT) & 1023];
}

void kspace_map(uint32_t va, uint32_t pa)
{
    uint32_t g = (read_cr4() & CR4_PGE) ? PTE_G : 0;
    uint32_t *pte = kspace_pte(va);
    if (*pte & PTE_P)
        panic("kspace_map: %08x is already mapped", va);
    *pte = (pa & PTE_FRAME_MASK) | PTE_P | PTE_W | g;
}

void (*kspace_remote_flush)(uint32_t va);

static void unmap_local(uint32_t va)
{
    *kspace_pte(va) = 0;
    invlpg(va);
}

void kspace_unmap(uint32_t va)
{
    unmap_local(va);
    if (kspace_remote_flush)
        kspace_remote_flush(va);    /* the other CPUs' TLBs too */
}

uint32_t kspace_lookup(uint32_t va)
{
    uint32_t pde = ktables.pd[va >> BIGPAGE_SHIFT];
    if (!(pde & PTE_P))
        return 0;
    if (pde & PDE_PS)
        return (pde & PDE_4MB_MASK) + (va & (BIGPAGE_SIZE - 1) & PTE_FRAME_MASK);
    uint32_t pte = *kspace_pte(va);
    return (pte & PTE_P) ? (pte & PTE_FRAME_MASK) : 0;
}

void *window_map(uint32_t pa)
{
    uint32_t fl = irq_save();
    uint32_t cpu = cpu_index();
    struct window_pool *w = &windows[cpu];
    if (!w->ready) {
        for (uint32_t i = 0; i < WINDOWS_PER_CPU; i++)
            w->stack[i] = (uint16_t)(cpu * WINDOWS_PER_CPU + WINDOWS_PER_CPU - 1 - i);
        w->top = WINDOWS_PER_CPU;
        w->ready = 1;
    }
    if (w->top == 0)
        panic("window_map: all %u windows of CPU %u in use", WINDOWS_PER_CPU, cpu);
    uint32_t va = WINDOW_VIRT + (uint32_t)w->stack[--w->top] * PAGE_SIZE;
    kspace_map(va, pa);
    irq_restore(fl);
    return (void *)va;
}

void window_unmap(void *p)
{
    uint32_t va = (uint32_t)p & PTE_FRAME_MASK, cpu = cpu_index();
    uint32_t slot = (va - WINDOW_VIRT) / PAGE_SIZE;
    if (va < WINDOW_VIRT || va >= WINDOW_VIRT + WINDOW_COUNT * PAGE_SIZE ||
        slot / WINDOWS_PER_CPU != cpu)
        panic("window_unmap: %08x is not a window of CPU %u", va, cpu);
    uint32_t fl = irq_save();
    if (!(*kspace_pte(va) & PTE_P))
        panic("window_unmap: window %08x is not mapped", va);
    unmap_local(va);
    windows[cpu].stack[windows[cpu].top++] = (uint16_t)slot;
    irq_restore(fl);
}

uint32_t window_in_use(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < MAX_CPUS; i++)
        n += windows[i].ready ? WINDOWS_PER_CPU - windows[i].top : 0;
    return n;
}

void *kspace_map_screen(struct screen_mode *m)
{
    if (m->kind == SCREEN_TEXT && m->phys >= IOHOLE_START && m->phys + m->pitch * m->height <= IOHOLE_END)
        return (void *)(IOALIAS_VIRT + m->phys);
    if (m->kind != SCREEN_FB)
        return 0;
    uint32_t bytes = m->pitch * m->height;
    if (bytes > FB_SIZE) {
        m->height = FB_SIZE / m->pitch;    /* a taller one is used as far as FB_SIZE reaches */
        bytes = m->pitch * m->height;
    }
    uint32_t first = m->phys & PTE_FRAME_MASK, off = m->phys - first;
    for (uint32_t a = 0; a < off + bytes; a += PAGE_SIZE)
        kspace_map(FB_VIRT + a, first + a);
    return (void *)(FB_VIRT + off);
}
