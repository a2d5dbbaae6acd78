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
static uint16_t window_stack[MAX_CPUS * WINDOWS_PER_CPU];  /* free slots, CPU by CPU */
static uint32_t window_top[MAX_CPUS];     /* free slots on CPU i's stack */
static uint8_t window_ready[MAX_CPUS];
static uint32_t window_global;            /* PTE_G once CR4.PGE is on */
/* The windows' PTEs, slot by slot: one run of the kernel page tables. */
#define WINDOW_PTES (&ktables.pt[(WINDOW_VIRT >> BIGPAGE_SHIFT) - KERNEL_PDE_PT_FIRST][0])
_Static_assert(WINDOW_VIRT % BIGPAGE_SIZE == 0, "the windows start a page table");

void kspace_finish_boot(void)
{
    ktables.pd[0] = 0;                       /* the boot identity mapping */
    write_cr3(read_cr3());
    window_global = (read_cr4() & CR4_PGE) ? PTE_G : 0;
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

/* CPU cpu's window stack is empty: fill it the first time, else there is
 * no window left. */
static __attribute__((noinline, cold)) void window_stack_empty(uint32_t cpu)
{
    if (window_ready[cpu])
        panic("window_map: all %u windows of CPU %u in use", WINDOWS_PER_CPU, cpu);
    for (uint32_t i = 0; i < WINDOWS_PER_CPU; i++)
        window_stack[cpu * WINDOWS_PER_CPU + i] =
            (uint16_t)(cpu * WINDOWS_PER_CPU + WINDOWS_PER_CPU - 1 - i);
    window_top[cpu] = WINDOWS_PER_CPU;
    window_ready[cpu] = 1;
}

static __attribute__((noinline, cold)) void window_bad(uint32_t va, uint32_t cpu, int mapped)
{
    if (mapped)
        panic("window_unmap: window %08x is not mapped", va);
    panic("window_unmap: %08x is not a window of CPU %u", va, cpu);
}

/* A slot off this CPU's stack, its PTE set straight (the windows' page
 * tables are one run): no table walk, no check that it was free, which the
 * stack guarantees. The fault path maps and unmaps several a fault. */
void *window_map(uint32_t pa)
{
    uint32_t fl = irq_save();
    uint32_t cpu = cpu_index();
    if (__builtin_expect(window_top[cpu] == 0, 0))
        window_stack_empty(cpu);
    uint32_t slot = window_stack[cpu * WINDOWS_PER_CPU + --window_top[cpu]];
    WINDOW_PTES[slot] = (pa & PTE_FRAME_MASK) | PTE_P | PTE_W | window_global;
    irq_restore(fl);
    return (void *)(WINDOW_VIRT + (slot << PAGE_SHIFT));
}

void window_unmap(void *p)
{
    uint32_t slot = ((uint32_t)p - WINDOW_VIRT) >> PAGE_SHIFT, cpu = cpu_index();
    if (__builtin_expect(slot / WINDOWS_PER_CPU != cpu, 0))   /* not a window at all, too */
        window_bad((uint32_t)p, cpu, 0);
    uint32_t fl = irq_save();
    if (__builtin_expect(!(WINDOW_PTES[slot] & PTE_P), 0))
        window_bad((uint32_t)p, cpu, 1);
    WINDOW_PTES[slot] = 0;
    invlpg(WINDOW_VIRT + (slot << PAGE_SHIFT));
    window_stack[cpu * WINDOWS_PER_CPU + window_top[cpu]++] = (uint16_t)slot;
    irq_restore(fl);
}

uint32_t window_in_use(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < MAX_CPUS; i++)
        n += window_ready[i] ? WINDOWS_PER_CPU - window_top[i] : 0;
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
