; User program entry: the kernel starts a process here with an empty stack.
; The first byte of the text (0x400000, lib/user.ld) is where every
; sysenter returns (ANT_SYSENTER_RET, include/ant/syscall.h): a `ret` to
; the address the stub's caller pushed.
section .text.start
extern ant_start
global _start, ant_sysenter_ret
ant_sysenter_ret:
    ret
_start:
    xor ebp, ebp                ; end of the backtrace chain
    and esp, -16
    call ant_start              ; never returns
    ud2

section .note.GNU-stack noalloc noexec nowrite progbits
