; Interrupt and exception entry: one macro stamps out all 256 stubs, which
; push a uniform frame (struct trap_frame in trap.h) and call trap_dispatch.
%include "x86_bits.inc"

extern trap_dispatch

; Vectors for which the CPU pushes an error code itself.
%define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21)

%macro STUB 1
trap_stub_%1:
%if HAS_ERR(%1) == 0
    push 0
%endif
    push %1
    jmp trap_common
%endmacro

section .text
align 16
trap_common:
    push ds
    push es
    push fs
    push gs
    pushad
    mov ax, SEL_KDATA
    mov ds, ax
    mov es, ax
    push esp                    ; struct trap_frame *
    cld
    call trap_dispatch
    add esp, 4
global trap_return
trap_return:
    popad
    pop gs
    pop fs
    pop es
    pop ds
    add esp, 8                  ; vector, error code
    iretd

; A new user thread's first return from switch_context lands here.
extern sched_after_switch
global thread_start_user
thread_start_user:
    call sched_after_switch
    jmp trap_return

%assign i 0
%rep 256
    STUB i
%assign i i + 1
%endrep

section .rodata
global trap_stubs
trap_stubs:
%assign i 0
%rep 256
    dd trap_stub_ %+ i
%assign i i + 1
%endrep



; sysenter: the CPU loaded CS/SS from the MSRs, EIP = sysenter_entry and
; ESP = &tss.esp0. Build the same frame as int 0x80 on this thread's kernel
; stack (user EIP came in EDX, user ESP in ECX), dispatch, and leave with
; sysexit. EFLAGS.IF is off here and set again just before sysexit.
section .text
global sysenter_entry
sysenter_entry:
    mov esp, [esp]              ; this thread's kernel stack
    push EFLAGS_RESERVED1       ; clear NT, TF, AC, DF a program may have set:
    popfd                       ; NT would make a later iret switch tasks
    push SEL_UDATA              ; ss
    push ecx                    ; user esp
    push EFLAGS_IF | EFLAGS_RESERVED1
    push SEL_UCODE              ; cs
    push edx                    ; user eip
    push 1                      ; "error code": SYSENTER_MARK
    push 0x80                   ; vector
    push ds
    push es
    push fs
    push gs
    pushad
    mov ax, SEL_KDATA
    mov ds, ax
    mov es, ax
    push esp
    call trap_dispatch
    add esp, 4
    popad
    pop gs
    pop fs
    pop es
    pop ds
    add esp, 8                  ; vector, error code
    mov edx, [esp]              ; user eip
    mov ecx, [esp + 12]         ; user esp
    sti
    sysexit

section .note.GNU-stack noalloc noexec nowrite progbits
