/* The exception table: for each kernel instruction that may fault on
 * purpose (a copy from a user pointer, a probe), where to resume. A kernel
 * fault whose EIP is in it resumes there (trap_fixup) instead of a panic. */
#ifndef KERNEL_EXTABLE_H
#define KERNEL_EXTABLE_H
#include <stdint.h>

struct ex_entry {
    uint32_t fault_eip, fixup_eip;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];  /* linker.ld */

/* Inline-asm text for one instruction that may fault: after a fault it
 * resumes behind it with operand %0 (an int the caller set to 0) = -1. */
#define EX_TRY(insn)                        \
    "1: " insn "\n"                         \
    "2:\n"                                  \
    ".pushsection .fixup, \"ax\"\n"         \
    "3: movl $-1, %0\n"                     \
    "   jmp 2b\n"                           \
    ".popsection\n"                         \
    ".pushsection .ex_table, \"a\"\n"       \
    "   .long 1b, 3b\n"                     \
    ".popsection"

#endif
