; Multiboot entry. GRUB jumps here with paging off; this code and early.c run
; at their physical addresses (section .boot). early_main picks the kernel
; data area and builds the boot page directory in it; we turn paging on and
; continue in the higher half on a stack inside the data area.

%include "asmdefs.inc"             ; generated from the C headers (kernel/asmdefs.c)

MB_FLAGS equ MB_HEADER_ALIGN | MB_HEADER_MEMINFO | MB_HEADER_VIDEO

; The video fields ask for text mode, 80 x 25: a BIOS boot keeps the VGA
; text page; where there is no text mode (UEFI), GRUB sets up a linear
; framebuffer instead and says so in the Multiboot information.
section .multiboot progbits alloc noexec nowrite align=4
    dd MB_HEADER_MAGIC
    dd MB_FLAGS
    dd -(MB_HEADER_MAGIC + MB_FLAGS)
    dd 0, 0, 0, 0, 0            ; the a.out addresses: unused (flag 16 is clear)
    dd MB_VIDEO_FB              ; mode_type
    dd 0, 0, 0                  ; width, height, depth: any

; The only bytes of the image ever written, and only while paging is off:
; after paging the text pages are read-only and this stack is abandoned.
section .boot.stack progbits alloc noexec nowrite align=16
early_stack:
    times 4096 db 0
early_stack_top:

section .boot.text progbits alloc exec nowrite align=16
global _start
extern early_main
extern higher_half
_start:
    cli
    cld
    mov esp, early_stack_top
    push ebx                    ; Multiboot information (physical)
    push eax                    ; Multiboot magic
    call early_main             ; edx:eax = CR4 bits : kernel page directory
    mov ecx, cr4
    or ecx, edx
    mov cr4, ecx                ; PSE (and PGE) before paging
    mov cr3, eax
    mov ecx, cr0
    or ecx, CR0_PG | CR0_WP
    mov cr0, ecx
    mov ecx, higher_half        ; boot/higher_half.asm: a file of its own, so
    jmp ecx                     ; each debug unit covers one code section

section .note.GNU-stack noalloc noexec nowrite progbits
