; switch_context(struct thread *prev, struct thread *next): save the
; callee-saved registers on prev's kernel stack with the address that
; restores them on top, FS and GS in prev (struct thread's fs, gs), store
; its stack pointer; take next's FS, GS and stack pointer, and return on
; that stack. What a saved stack pointer points at is only the address to
; go on at: here switch_restore (the registers below it), for a thread the IPC
; fastpath blocked its own resume point (ipc/fastpath.asm, which saves FS
; and GS the same way), for a new thread its entry (sched.c). FS and GS are
; the program's own (the kernel never loads them): saved here, they go back
; to the right program on the sysexit path too, which does not save them.
; DS and ES need no saving: the kernel runs with the user selector in them.
; EFLAGS is not saved: every switch happens inside the kernel with
; interrupts off and NT, TF and DF clear, which both kernel entries
; guarantee (interrupt gates clear NT and TF; sysenter_entry loads a clean
; EFLAGS; the entries clear DF). Flags that ring 0 ignores (AC, ID) may
; pass from one thread to the next here; no way back to ring 3 keeps them
; (iret loads the frame's EFLAGS, the sysexit path a clean value).
%include "asmdefs.inc"

section .text
global switch_context, switch_context_first
switch_context:
    mov eax, [esp + 4]
    mov edx, [esp + 8]
    push ebp
    push ebx
    push esi
    push edi
    push switch_restore
    mov [eax + T_FS], fs
    mov [eax + T_GS], gs
    mov [eax + T_ESP], esp
switch_context_load:                ; EDX: next
    mov fs, [edx + T_FS]
    mov gs, [edx + T_GS]
    mov esp, [edx + T_ESP]
    ret
switch_restore:
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret

switch_context_first:
    mov edx, [esp + 4]
    jmp switch_context_load

section .note.GNU-stack noalloc noexec nowrite progbits
