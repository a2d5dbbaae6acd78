; The ways into the inner core (ABI in include/ant/syscall.h):
;   int32_t ant_syscall_int80(nr, a1, a2, a3, a4)
;   int32_t ant_syscall_sysenter(nr, a1, a2, a3, a4)
;   int32_t ant_ipc_int80(eax, struct ant_msg *m)      m: in and out
;   int32_t ant_ipc_sysenter(eax, struct ant_msg *m)
; For sysenter, ECX holds the stack pointer with the return address on top:
; `call .enter` puts it there, and the inner core returns to it.
%include "libdefs.inc"              ; generated from the C headers (lib/asmdefs.c)

section .text
global ant_syscall_int80
global ant_syscall_sysenter
global ant_ipc_int80
global ant_ipc_sysenter

; int32_t NAME(nr, a1, a2, a3, a4): the arguments into eax, ebx, esi, edi,
; ebp, then the entry (%2).
%macro SYSCALL_STUB 2
%1:
    push ebp
    push ebx
    push esi
    push edi
    mov eax, [esp + 20]
    mov ebx, [esp + 24]
    mov esi, [esp + 28]
    mov edi, [esp + 32]
    mov ebp, [esp + 36]
    %2
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret
%endmacro

SYSCALL_STUB ant_syscall_int80, int ANT_VEC_SYSCALL
SYSCALL_STUB ant_syscall_sysenter, call sysenter_call

sysenter_call:
    mov ecx, esp
    sysenter

; struct ant_msg { w[4]; run; }: loaded into ebx, esi, edi, ebp, edx and
; stored back from them.
%macro IPC_STUB 2
%1:
    push ebp
    push ebx
    push esi
    push edi
    mov eax, [esp + 20]
    mov ecx, [esp + 24]
    push ecx
    mov ebx, [ecx + MSG_W0]
    mov esi, [ecx + MSG_W1]
    mov edi, [ecx + MSG_W2]
    mov ebp, [ecx + MSG_W3]
    mov edx, [ecx + MSG_RUN]
    %2
    pop ecx
    mov [ecx + MSG_W0], ebx
    mov [ecx + MSG_W1], esi
    mov [ecx + MSG_W2], edi
    mov [ecx + MSG_W3], ebp
    mov [ecx + MSG_RUN], edx
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret
%endmacro

IPC_STUB ant_ipc_int80, int ANT_VEC_SYSCALL
IPC_STUB ant_ipc_sysenter, call sysenter_call

section .note.GNU-stack noalloc noexec nowrite progbits
