; The start of another CPU (kernel/smp.c). The bytes from ap_tramp_start
; to ap_tramp_end are copied to a free page of low memory, AP_TRAMP_PHYS
; (its address is the start-up IPI's vector << 12); the CPU begins there in
; real mode with CS = AP_TRAMP_PHYS >> 4 and IP = 0. It loads a GDT of its
; own (in the page), enters protected mode, turns on the BSP's CR4 (PSE,
; PGE), its kernel page directory and CR0 (paging, WP), and jumps to the
; kernel entry given in the parameter block at the page's end, on the stack
; given there. The kernel page directory maps the page at its own address
; while CPUs start (kernel/smp.c), so the instruction after paging is
; turned on can be fetched.
%include "asmdefs.inc"

section .text
bits 16
global ap_tramp_start, ap_tramp_end

%define AT(label) (AP_TRAMP_PHYS + (label) - ap_tramp_start)

ap_tramp_start:
    cli
    cld
    mov ax, cs
    mov ds, ax
    lgdt [gdt_ptr - ap_tramp_start]
    mov eax, cr0
    or eax, CR0_PE
    mov cr0, eax
    jmp dword 0x08:AT(protected)

bits 32
protected:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
    mov eax, [AT(params) + AP_P_CR4]
    mov cr4, eax
    mov eax, [AT(params) + AP_P_CR3]
    mov cr3, eax
    mov eax, [AT(params) + AP_P_CR0]
    mov cr0, eax                ; paging on: this page is mapped where it is
    mov esp, [AT(params) + AP_P_STACK]
    mov eax, [AT(params) + AP_P_CPU]
    push eax                    ; ap_main(cpu)
    push 0                      ; no return address
    jmp [AT(params) + AP_P_ENTRY]

align 8
gdt:
    dq 0
    dq 0x00CF9A000000FFFF       ; 0x08: flat code, ring 0
    dq 0x00CF92000000FFFF       ; 0x10: flat data, ring 0
gdt_ptr:
    dw gdt_ptr - gdt - 1
    dd AT(gdt)

align 4
global ap_tramp_params
ap_tramp_params:
params:                         ; struct ap_params (kernel/smp.c) is copied here
    times AP_P_SIZE db 0
ap_tramp_end:

section .note.GNU-stack noalloc noexec nowrite progbits
