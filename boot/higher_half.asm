; The kernel's first instructions at its own (higher-half) address, from
; boot/entry.asm once paging is on: the boot thread's stack in the data
; area, then kernel_main. Apart from entry.asm, which runs at physical
; addresses, so that each object's debug information covers one code
; section (gdb then steps through both without warnings).
%include "asmdefs.inc"

section .text
extern kernel_main
extern boot_stack
global higher_half
higher_half:
    mov esp, boot_stack + BOOT_STACK_SIZE
    xor ebp, ebp                ; end of the backtrace chain
    call kernel_main
.halt:
    cli
    hlt
    jmp .halt

section .note.GNU-stack noalloc noexec nowrite progbits
