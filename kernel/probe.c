/* Each access below has an __ex_table entry: trap_fixup resumes a faulting
 * access at its fix-up, which makes the call return -1. */
#include "kernel/probe.h"

int probe_read32(uint32_t addr, uint32_t *val)
{
    int err = 0;
    uint32_t v = 0;
    __asm__ volatile("1: movl (%2), %1\n"
                     "2:\n"
                     ".pushsection .fixup, \"ax\"\n"
                     "3: movl $-1, %0\n"
                     "   jmp 2b\n"
                     ".popsection\n"
                     ".pushsection .ex_table, \"a\"\n"
                     "   .long 1b, 3b\n"
                     ".popsection"
                     : "+r"(err), "+r"(v) : "r"(addr) : "memory");
    *val = v;
    return err;
}

int probe_write32(uint32_t addr, uint32_t val)
{
    int err = 0;
    __asm__ volatile("1: movl %2, (%1)\n"
                     "2:\n"
                     ".pushsection .fixup, \"ax\"\n"
                     "3: movl $-1, %0\n"
                     "   jmp 2b\n"
                     ".popsection\n"
                     ".pushsection .ex_table, \"a\"\n"
                     "   .long 1b, 3b\n"
                     ".popsection"
                     : "+r"(err) : "r"(addr), "r"(val) : "memory");
    return err;
}
