/* The memory layout of docs/DESIGN.md §2, read back from the live page directory,
 * the kernel page tables and the control registers. */
#include "boot/bootinfo.h"
#include "kernel/probe.h"
#include "kernel/trap.h"
#include "boot/x86.h"
#include "mm/kspace.h"
#include "mm/mm.h"
#include "lib/vga.h"
#include "tests/kernel/ktest.h"

extern const char __kernel_virt_end[], __kdata_end[];

static uint32_t global_bit(void)
{
    return (boot_info.flags & BOOT_CPU_PGE) ? PTE_G : 0;
}

KTEST(control_registers)
{
    KASSERT(read_cr0() & CR0_PE);
    KASSERT(read_cr0() & CR0_PG);
    KASSERT(read_cr0() & CR0_WP);
    KASSERT(read_cr4() & CR4_PSE);
    KASSERT(!!(read_cr4() & CR4_PGE) == !!(boot_info.flags & BOOT_CPU_PGE));
    KASSERT(read_cr3() == kdata_phys(ktables.pd));
}

KTEST(text_pages_4mb_readonly_global)
{
    KASSERT((uint32_t)__kernel_virt_end <= KERNEL_VIRT + TEXT_BIGPAGES * BIGPAGE_SIZE);
    for (uint32_t i = 0; i < TEXT_BIGPAGES; i++) {
        uint32_t pde = ktables.pd[KERNEL_PDE_FIRST + i];
        KASSERT(pde & PTE_P);
        KASSERT(pde & PDE_PS);
        KASSERT(!(pde & PTE_W));
        KASSERT(!(pde & PTE_U));
        KASSERT((pde & PTE_G) == global_bit());
        KASSERT((pde & PDE_4MB_MASK) == i * BIGPAGE_SIZE);
    }
}

KTEST(data_area_4mb_rw_global)
{
    uint32_t pde = ktables.pd[KDATA_VIRT >> BIGPAGE_SHIFT];
    KASSERT(KDATA_VIRT == KERNEL_VIRT + TEXT_BIGPAGES * BIGPAGE_SIZE);
    KASSERT((pde & (PTE_P | PDE_PS | PTE_W | PTE_U)) == (PTE_P | PDE_PS | PTE_W));
    KASSERT((pde & PTE_G) == global_bit());
    KASSERT((pde & PDE_4MB_MASK) == mm.data_phys);
    KASSERT(mm.data_phys % BIGPAGE_SIZE == 0);
    KASSERT(mm.data_phys >= TEXT_BIGPAGES * BIGPAGE_SIZE);
    KASSERT(memmap_contains(&mm.ram, mm.data_phys, (uint64_t)mm.data_phys + KDATA_SIZE));
    /* Every mutable kernel object is in the data area. */
    KASSERT((uint32_t)&boot_info >= KDATA_VIRT && (uint32_t)__kdata_end <= KDATA_VIRT + KDATA_SIZE);
    KASSERT((uint32_t)&mm >= KDATA_VIRT && (uint32_t)&mm < (uint32_t)__kdata_end);
}

KTEST(io_alias_4kb_rw)
{
    for (uint32_t i = 0; i < 1024; i++) {
        uint32_t pa = i * PAGE_SIZE, pte = ktables.pt[0][i];
        if (pa < IOHOLE_START || pa >= IOHOLE_END) {
            KASSERT(!(pte & PTE_P));
            continue;
        }
        KASSERT((pte & (PTE_P | PTE_W | PTE_U)) == (PTE_P | PTE_W));
        KASSERT((pte & PTE_G) == global_bit());
        KASSERT((pte & PTE_FRAME_MASK) == pa);
        KASSERT(kspace_lookup(IOALIAS_VIRT + pa) == pa);
    }
}

KTEST(kernel_half_fixed_tables)
{
    for (uint32_t i = 0; i < KERNEL_PT_COUNT; i++) {
        uint32_t pde = ktables.pd[KERNEL_PDE_PT_FIRST + i] & ~(uint32_t)PTE_A;
        KASSERT(pde == (kdata_phys(ktables.pt[i]) | PTE_P | PTE_W));
    }
}

KTEST(user_half_empty)
{
    uint32_t v;
    for (uint32_t i = 0; i < KERNEL_PDE_FIRST; i++)
        if (ktables.pd[i])
            KFAIL("PDE %u is %08x", i, ktables.pd[i]);
    KASSERT(probe_read32(0, &v) == -1);
    KASSERT(trap_last_fixup_vector == VEC_PAGE && trap_last_fixup_addr == 0);
    KASSERT(probe_read32(0x00100000, &v) == -1);     /* the boot identity map is gone */
    KASSERT(probe_read32(ICC_VIRT, &v) == -1);
}

KTEST(text_write_faults)
{
    uint32_t addr = (uint32_t)ktest_run, before, after;
    KASSERT(probe_read32(addr, &before) == 0);
    KASSERT(probe_write32(addr, ~before) == -1);
    KASSERT(trap_last_fixup_vector == VEC_PAGE);
    KASSERT(trap_last_fixup_addr == addr);
    KASSERT(probe_read32(addr, &after) == 0 && after == before);
    /* Low memory through the direct map is read-only too. */
    KASSERT(probe_write32(KERNEL_VIRT + VGA_TEXT_PHYS, 0) == -1);
}

KTEST(io_alias_reaches_vga)
{
    uint32_t off = VGA_TEXT_PHYS + 24 * 160 + 156;          /* bottom-right cells */
    volatile uint32_t *alias = (volatile uint32_t *)(IOALIAS_VIRT + off);
    volatile const uint32_t *direct = (volatile const uint32_t *)(KERNEL_VIRT + off);
    uint32_t saved = *alias;
    *alias = 0x2F412F4B;                              /* "KA", white on green */
    uint32_t seen = *direct;
    *alias = saved;
    KASSERT(seen == 0x2F412F4B);
    KASSERT(*direct == saved);
}

/* Deliberately writes to the kernel text with no fix-up: the kernel must
 * panic with a register dump, and a test boot must exit QEMU failed. */
KTEST(manual_panic)
{
    *(volatile uint32_t *)(uint32_t)ktest_run = 0;
    KFAIL("the write to kernel text did not fault");
}
