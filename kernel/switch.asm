; switch_context(uint32_t *save_esp, uint32_t new_esp): save EFLAGS and the
; callee-saved registers on this kernel stack, store its pointer, load the other thread's
; stack and return on it. A new thread's stack is built to return into
; thread_entry_user / thread_entry_kernel (sched.c).
section .text
global switch_context
switch_context:
    mov eax, [esp + 4]
    mov edx, [esp + 8]
    pushfd
    push ebp
    push ebx
    push esi
    push edi
    mov [eax], esp
    mov esp, edx
    pop edi
    pop esi
    pop ebx
    pop ebp
    popfd
    ret

section .note.GNU-stack noalloc noexec nowrite progbits
