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

/* The PIT's channel 0 count, latched. */
static uint32_t pit_count(void)
{
    outb(PORT_PIT + 3, 0x00);      /* latch channel 0 */
    uint32_t lo = inb(PORT_PIT);
    return lo | (uint32_t)inb(PORT_PIT) << 8;
}

/* Where the MADT names an I/O APIC, the ISA lines go through it and not
 * the 8259 (masked there), and an edge that comes while its line is masked
 * reaches the handler when the line is unmasked, once (the I/O APIC itself
 * drops an edge on a masked pin). Without one, the 8259 has the line. */
KTEST(ioapic_delivers_isa_lines)
{
    if (!irq_via_ioapic(0)) {
        KASSERT(!(inb(PORT_PIC1 + 1) & 1));
        return;
    }
    KASSERT(inb(PORT_PIC1 + 1) & 1);
    KASSERT(!irq_via_ioapic(7));   /* no ISA device of its own: the 8259's */
    KASSERT(read_eflags() & EFLAGS_IF);
    irq_mask(0, 1);
    uint32_t t0 = timer_ticks(), wraps = 0, prev = pit_count();
    for (uint32_t spins = 0; wraps < 2; spins++) {
        uint32_t c = pit_count();
        wraps += c > prev;         /* it counts down, then reloads: one edge */
        prev = c;
        if (spins > 50000000) {
            irq_mask(0, 0);
            KFAIL("the PIT did not count");
        }
    }
    uint32_t masked_ticks = timer_ticks() - t0;
    uint32_t fl = irq_save();
    irq_mask(0, 0);
    uint32_t replayed = timer_ticks() - t0;
    irq_restore(fl);
    KASSERT(masked_ticks == 0);
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
