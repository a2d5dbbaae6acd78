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
