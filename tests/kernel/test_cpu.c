/* Traps, the PIC and the PIT. */
#include "kernel/probe.h"
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
