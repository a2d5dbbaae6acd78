/* Each access below has an __ex_table entry: trap_fixup resumes a faulting
 * access at its fix-up, which makes the call return -1. */
#include "kernel/probe.h"
#include "kernel/extable.h"

int probe_read32(uint32_t addr, uint32_t *val)
{
    int err = 0;
    uint32_t v = 0;
    __asm__ volatile(EX_TRY("movl (%2), %1")
                     : "+r"(err), "+r"(v) : "r"(addr) : "memory");
    *val = v;
    return err;
}

int probe_write32(uint32_t addr, uint32_t val)
{
    int err = 0;
    __asm__ volatile(EX_TRY("movl %2, (%1)")
                     : "+r"(err) : "r"(addr), "r"(val) : "memory");
    return err;
}
