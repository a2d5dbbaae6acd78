; switch_context(uint32_t *save_esp, uint32_t new_esp): save the callee-saved
; registers and FS, GS on this kernel stack, store its pointer, load the
; other thread's stack and return on it. FS and GS are the program's own
; (the kernel never loads them): saved here, they go back to the right
; program on the sysexit path too, which does not save them. DS and ES need
; no saving: the kernel runs with the user selector in them. A new thread's stack is built to return into
; thread_start_user / thread_kernel_run (sched.c).
; EFLAGS is not saved: every switch happens inside the kernel with
; interrupts off and NT, TF and DF clear, which both kernel entries
; guarantee (interrupt gates clear NT and TF; sysenter_entry loads a clean
; EFLAGS; the entries clear DF). Flags that ring 0 ignores (AC, ID) may
; pass from one thread to the next here; no way back to ring 3 keeps them
; (iret loads the frame's EFLAGS, the sysexit path a clean value).
section .text
global switch_context
switch_context:
    mov eax, [esp + 4]
    mov edx, [esp + 8]
    push ebp
    push ebx
    push esi
    push edi
    push fs
    push gs
    mov [eax], esp
    mov esp, edx
    pop gs
    pop fs
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret

section .note.GNU-stack noalloc noexec nowrite progbits
