; User program entry: the kernel starts a process here with an empty stack.
section .text.start
extern ant_start
global _start
_start:
    xor ebp, ebp                ; end of the backtrace chain
    and esp, -16
    call ant_start              ; never returns
    ud2

section .note.GNU-stack noalloc noexec nowrite progbits
