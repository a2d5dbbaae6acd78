/* Traps, the PIC and the PIT. */
#include "kernel/probe.h"
#include "kernel/smp.h"
#include "lib/string.h"
#include "mm/kspace.h"
#include "mm/pool.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "boot/x86.h"
#include "mm/layout.h"
#include "tests/kernel/ktest.h"

KTEST(pit_ticks)
{
    uint32_t t0 = timer_ticks();
    KASSERT(read_eflags() & EFLAGS_IF);
    for (uint32_t spins = 0; timer_ticks() < t0 + 3; spins++) {
        if (spins > 1000)
            KFAIL("the timer did not tick (%u ticks)", timer_ticks() - t0);
        hlt();
    }
}

static volatile uint32_t line0_edges;

static void count_line0(int irq)
{
    (void)irq;
    line0_edges++;
}

/* With a local APIC, every CPU's tick is its APIC timer: the PIT's line
 * is free and the clock still runs (pit_ticks). Where the MADT names an
 * I/O APIC, the ISA lines go through it and not the 8259 (masked there),
 * and an edge that comes while its line is masked reaches the handler
 * when the line is unmasked, once (the I/O APIC itself drops an edge on a
 * masked pin). The PIT, still counting, gives the edges. */
KTEST(ioapic_delivers_isa_lines)
{
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    if (!(d & CPUID_EDX_APIC) || !(rdmsr(MSR_APIC_BASE) & APIC_BASE_ENABLE)) {
        KASSERT(irq_in_use(0));    /* no APIC: the PIT ticks, through the 8259 */
        KASSERT(!irq_via_ioapic(0));
        return;
    }
    KASSERT(!irq_in_use(0));
    KASSERT(read_eflags() & EFLAGS_IF);
    line0_edges = 0;
    irq_set_handler(0, count_line0);
    int counted = timer_pit_periods(2);
    uint32_t fl = irq_save();       /* no edge between the count and the mask */
    irq_mask(0, 1);
    uint32_t open_edges = line0_edges;
    irq_restore(fl);
    int counted_masked = timer_pit_periods(2);
    fl = irq_save();
    uint32_t masked_edges = line0_edges - open_edges;
    irq_mask(0, 0);
    uint32_t replayed = line0_edges - open_edges - masked_edges;
    irq_restore(fl);
    uint8_t pic_imr = inb(PORT_PIC1 + 1);
    irq_set_handler(0, 0);
    KASSERT(counted && counted_masked);
    KASSERT(open_edges >= 1);
    if (!irq_via_ioapic(0))
        return;                    /* the 8259's line: it keeps an edge itself */
    KASSERT(pic_imr & 1);
    KASSERT(!irq_via_ioapic(7));   /* no ISA device of its own: the 8259's */
    KASSERT(masked_edges == 0);
    KASSERT(replayed == 1);
}

KTEST(page_fault_fixup_reports_address)
{
    uint32_t v, addr = KDYN_VIRT + 0x123000;
    KASSERT(probe_read32(addr, &v) == -1);
    KASSERT(trap_last_fixup_vector == VEC_PAGE);
    KASSERT(trap_last_fixup_addr == addr);
}

KTEST(trap_names)
{
    KASSERT(trap_name(VEC_PAGE)[0] == 'p');
    KASSERT(trap_name(VEC_GP)[0] == 'g');
    KASSERT(trap_name(VEC_DIVIDE)[0] == 'd');
}

/* An ACPI table is believed only whole: signature, length, checksum. */
static void acpi_fill(uint8_t *t, const char *sig, uint32_t len)
{
    memset(t, 0, 64);
    memcpy(t, sig, 4);
    memcpy(t + 4, &len, 4);
}

KTEST(acpi_tables_checked)
{
    uint32_t pa = pool_alloc(FRAME_KERNEL, 0);
    KASSERT(pa != 0);
    uint8_t *t = window_map(pa);
    acpi_fill(t, "APIC", 52);
    t[44] = 0, t[45] = 8, t[47] = 3, t[48] = 1;    /* a local APIC entry, id 3, enabled */
    uint8_t sum = 0;
    for (int i = 0; i < 52; i++)
        sum += t[i];
    t[9] = (uint8_t)(t[9] - sum);
    int whole = smp_acpi_table(pa, "APIC") == 52;
    int wrong_sig = smp_acpi_table(pa, "FACP") == 0;
    t[20] ^= 0x40;                                  /* one bit off */
    int corrupt = smp_acpi_table(pa, "APIC") == 0;
    t[20] ^= 0x40;
    uint32_t bad_len = 20;                          /* shorter than a header */
    memcpy(t + 4, &bad_len, 4);
    int short_len = smp_acpi_table(pa, "APIC") == 0;
    bad_len = 1u << 20;                             /* longer than we read */
    memcpy(t + 4, &bad_len, 4);
    int long_len = smp_acpi_table(pa, "APIC") == 0;
    window_unmap(t);
    pool_free(pa);
    KASSERT(whole);
    KASSERT(wrong_sig);
    KASSERT(corrupt);
    KASSERT(short_len);
    KASSERT(long_len);
}
