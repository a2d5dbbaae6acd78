; The two ways into the inner core (ABI in include/ant/syscall.h):
;   int32_t ant_syscall_int80(nr, a1, a2, a3, a4)
;   int32_t ant_syscall_sysenter(nr, a1, a2, a3, a4)
section .text
global ant_syscall_int80
global ant_syscall_sysenter

ant_syscall_int80:
    push ebp
    push ebx
    push esi
    push edi
    mov eax, [esp + 20]
    mov ebx, [esp + 24]
    mov esi, [esp + 28]
    mov edi, [esp + 32]
    mov ebp, [esp + 36]
    int 0x80
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret

ant_syscall_sysenter:
    push ebp
    push ebx
    push esi
    push edi
    mov eax, [esp + 20]
    mov ebx, [esp + 24]
    mov esi, [esp + 28]
    mov edi, [esp + 32]
    mov ebp, [esp + 36]
    mov ecx, esp                ; sysexit returns to this stack...
    mov edx, .back              ; ...and this instruction
    sysenter
.back:
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret

section .note.GNU-stack noalloc noexec nowrite progbits
