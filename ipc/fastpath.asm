; The IPC fastpath (docs/DESIGN.md §4): call, send and reply-and-receive
; with words, and a run in one ICC page table the peer has, entered by
; sysenter, to a peer on this CPU at the caller's priority that waits for
; exactly this message. The words never leave the
; registers: EBX, ESI, EDI, EBP come in from one program and go out to the
; other. No C frame is built and none is unwound: the caller leaves a
; switch frame (switch.asm's layout) that the scheduler can resume, the
; peer is left by `iret` straight from its own trap frame, and its kernel
; stack below that frame, what its blocked call had left there, is dropped.
; Whatever is not that common case goes to the general path
; (ipc/ipc.c, through the sysenter entry) with nothing changed: a run that
; icc_move_fast does not take (across page tables, a table the peer has not
; got, pages not mine), another priority or CPU, a peer not waiting, a
; dead or bad peer, I/O rights on either side (an I/O bitmap to load), a peer that entered by
; int 0x80 (its frame has segments to restore), notes or senders waiting
; for a reply-and-receive, a switch due, a dead thread to reap, the big
; lock contended. The general path takes and refuses the same messages
; (its own checks are these and more): the ipcfast= option turns this off,
; and the suites run both ways.
%include "asmdefs.inc"

extern big_lock
extern proc_table
extern syscall_peer_table
extern sysenter_peer
extern sysenter_locked
extern sysenter_returned
extern sched_reap

section .text.fastpath_cold progbits alloc exec nowrite align=16
section .text

global ipc_fast_call, ipc_fast_replyrecv, ipc_fast_send   ; kernel/syscall.c's ipc_fast_table

; Both fastpaths come in with ESP = the caller's complete trap frame, EAX =
; its EAX (the peer's pid << 8 | the call), EBX ESI EDI EBP = the words,
; ECX = the call, EDX free, the lock not held.

; Take the lock and begin: ECX = this CPU, EBP = me, EDX = my pid, EAX =
; the peer's thread, the program's EBP (w3) pushed; to .general if the
; lock is contended, to .general_locked if a
; switch is due, the peer is no live process of my priority and CPU, or
; either of us has I/O rights (an I/O bitmap to load).
; (No dead thread awaits its reaping here: the thread that runs after a
; switch reaps it first, ipc_fast_*_resumed included.)
%macro BEGIN 2
%define BEGIN_STORE_PEER %1
    mov edx, eax
    mov ecx, [esp + TF_SIZE]        ; this CPU (KSTACK_CPU)
    xor eax, eax
    lock cmpxchg [big_lock + LOCK_HOLDER], ecx
    jnz .general                    ; contended: the general path waits for it
    push ebp                        ; w3: a fourth register
    cmp dword [ecx + CPU_RESCHED], 0
    jne .general_locked
    shr edx, 8                      ; the peer's pid: its process
    mov eax, edx
    and eax, MAX_PROCS - 1
    imul eax, eax, PROC_SIZE        ; its slot: proc_table + EAX
    cmp [eax + proc_table + P_PID], edx
    jne .general_locked
    cmp byte [eax + proc_table + P_STATE], P_ALIVE
    jne .general_locked
    mov ebp, [ecx + CPU_CUR]        ; me
%if BEGIN_STORE_PEER
    mov [ebp + T_IPC_PEER], edx     ; a caller: whom I will wait for (read
%endif                              ; only with ipc_state, set at the end)
    mov eax, [eax + proc_table + P_THREAD]  ; the peer's thread
    mov edx, [ebp + T_IPC_WORD]     ; {ipc_state, state, prio, CPU}, one
    mov dx, %2 | T_BLOCKED << 8     ; compare: the peer waits in %2, at my
    cmp [eax + T_IPC_WORD], edx     ; priority, on my CPU (another CPU's
    jne .general_locked             ; fails here, early)
    mov dl, [ebp + T_IO_ON]         ; I/O rights, mine or its: an I/O
    or dl, [eax + T_IO_ON]          ; bitmap to load
    jnz .general_locked
    mov edx, [ebp + T_PID]          ; my pid
%endmacro

; The peer (EAX) waits in a receive from anyone or from me (EDX).
%macro PEER_RECEIVES 0
    cmp dword [eax + T_IPC_PEER], 0
    je %%accepts
    cmp [eax + T_IPC_PEER], edx
    jne .general_locked
%%accepts:
%endmacro

; The message's run, if it has one, moves to the peer (EAX), when it is
; the common case icc_move_fast (mm/icc.c) takes: else nothing has moved
; and the general path takes the message. Last of the checks: once the
; pages are the peer's, the message goes. No TLB flush: SWITCH_AND_LEAVE
; loads the peer's CR3. After SYSENTER_PEER (w3 pushed above my frame);
; EDX the peer's kernel stack top again.
extern icc_move_fast
%macro MOVE_RUN 0
    cmp dword [esp + 4 + TF_EDX], 0
    jne %%run
%%moved:
[section .text.fastpath_cold]       ; out of the words-only path's way
%%run:
    push eax
    push ecx
    mov ecx, [esp + 12 + TF_EDX]    ; the run (regparm: EAX, EDX, ECX)
    mov edx, [eax + T_PROC]
    add edx, P_VM                   ; to
    mov eax, [ebp + T_PROC]
    add eax, P_VM                   ; from
    call icc_move_fast
    pop ecx
    mov edx, eax
    pop eax
    test edx, edx
    jnz .general_locked
    mov edx, [eax + T_KSTACK_TOP]
    jmp %%moved
__SECT__
%endmacro

; The peer (EAX) entered by sysenter (its frame has no segments to
; restore). EDX then: its kernel stack top.
%macro SYSENTER_PEER 0
    mov edx, [eax + T_KSTACK_TOP]
    cmp dword [edx - TF_SIZE + TF_ERROR], SYSENTER_MARK
    jne .general_locked
%endmacro

; Switch from me (EBP, its wait already set) to the peer (EAX; EDX its
; kernel stack top) on this CPU (ECX), and leave for the peer's program.
; My switch frame resumes at %1 when the scheduler runs me again; the
; stack holds w3 above my frame.
%macro SWITCH_AND_LEAVE 1
    inc dword [ecx + CPU_IPCS]
    mov word [eax + T_IPC_WORD], IPC_NONE | T_RUNNING << 8
    mov [ecx + CPU_TSS_ESP0], edx
    mov [ecx + CPU_SYSENTER_ESP0], edx
    mov edx, [ebp + T_QUANTUM]      ; it runs in what is left of mine
    mov [eax + T_QUANTUM], edx
    mov edx, [eax + T_PROC]
    mov edx, [edx + P_PD]
    mov cr3, edx
    cmp byte [ecx + CPU_FPU_OPEN], 0
    jne %%fpu_close
%%fpu_closed:
    inc dword [ecx + CPU_SWITCHES]
    mov [ecx + CPU_CUR], eax
    push %1                         ; my switch frame: where I go on, then
    sub esp, 16                     ; EBP EBX ESI EDI (nothing the resume
    push fs                         ; needs), FS, GS
    push gs
    mov [ebp + T_ESP], esp
    mov edx, [eax + T_ESP]          ; the peer's switch frame: its GS, FS
    mov gs, [edx]
    mov fs, [edx + 4]
    mov ecx, [eax + T_KSTACK_TOP]
    mov edx, [esp + 32 + TF_EDX]    ; the run (moved), or 0: from my frame
    mov eax, [ebp + T_PID]          ; what its call or receive returns: me
    mov ebp, [esp + 28]             ; w3
    lea esp, [ecx - TF_SIZE + TF_EIP]   ; the peer's frame, at its iret part
    mov ecx, [esp - TF_EIP + TF_ECX]    ; its ECX, as popad would give it
    mov dword [big_lock + LOCK_HOLDER], 0
    iretd
%%fpu_close:                        ; (kernel/fpu.h, fpu_switch)
    mov byte [ecx + CPU_FPU_OPEN], 0
    mov edx, cr0
    or edx, CR0_TS
    mov cr0, edx
    jmp %%fpu_closed
%endmacro

; The general path for call %1: before the lock (nothing pushed), after it
; (w3 pushed).
%macro GENERAL 1
.general_locked:
    pop ebp
    mov esi, ecx
    lea ebx, [syscall_peer_table + %1 * SYSCALL_SIZE]
    jmp sysenter_locked
.general:
    mov ecx, %1
    jmp sysenter_peer
%endmacro

; A call to a process waiting in a receive, from anyone or from me.
ipc_fast_call:
    BEGIN 1, IPC_RECV
    PEER_RECEIVES
    SYSENTER_PEER
    MOVE_RUN
    mov word [ebp + T_IPC_WORD], IPC_REPLY_WAIT | T_BLOCKED << 8
    SWITCH_AND_LEAVE ipc_fast_call_resumed
    GENERAL SYS_CALL

; A send to a process waiting in a receive, from anyone or from me: it
; runs at once, and I wait at the tail of my run queue, ready
; (sched_requeue_current).
ipc_fast_send:
    BEGIN 0, IPC_RECV
    PEER_RECEIVES
    SYSENTER_PEER
    MOVE_RUN
    mov byte [ebp + T_STATE], T_READY
    mov dword [ebp + T_RQ_NEXT], 0
    push eax                        ; a register for my level's queue
    movzx eax, byte [ebp + T_PRIO]
    lea eax, [ecx + CPU_RQ + eax * 8]
    cmp dword [eax + RQ_TAIL], 0
    je .first
    mov edx, [eax + RQ_TAIL]        ; after its tail (EDX, then the peer's
    mov [edx + T_RQ_NEXT], ebp      ; stack top again)
    mov [eax + RQ_TAIL], ebp
    pop eax
    mov edx, [eax + T_KSTACK_TOP]
    jmp .queued
.first:                             ; alone on it (EDX kept)
    mov [eax + RQ_HEAD], ebp
    mov [eax + RQ_TAIL], ebp
    pop eax
.queued:
    SWITCH_AND_LEAVE ipc_fast_send_resumed
    GENERAL SYS_SEND

; A reply to a caller waiting for it from me, then a receive from anyone,
; when no note and no sender waits for me.
ipc_fast_replyrecv:
    BEGIN 0, IPC_REPLY_WAIT
    cmp dword [ebp + T_PENDING], 0
    jne .general_locked
    cmp dword [ebp + T_SENDQ_HEAD], 0
    jne .general_locked
    cmp [eax + T_IPC_PEER], edx
    jne .general_locked
    SYSENTER_PEER
    MOVE_RUN
    mov word [ebp + T_IPC_WORD], IPC_RECV | T_BLOCKED << 8
    mov dword [ebp + T_IPC_PEER], 0
    SWITCH_AND_LEAVE ipc_fast_replyrecv_resumed
    GENERAL SYS_REPLYRECV

; The scheduler runs a thread the fastpath blocked (switch_context popped
; its frame, and ESP is 4 bytes, w3, above its trap frame): as when its call
; returns in the general path, with ESI its CPU and EBX the call's slot,
; with what woke it (wait_result), after reaping a dead thread if one
; waits for it (sched_switch_threads does that after every switch).
ipc_fast_send_resumed:              ; a send is done: 0
    lea ebx, [syscall_peer_table + SYS_SEND * SYSCALL_SIZE]
    add esp, 4
    mov esi, [esp + TF_SIZE]        ; this CPU (KSTACK_CPU)
    xor eax, eax
    jmp reap_then_return
ipc_fast_call_resumed:
    lea ebx, [syscall_peer_table + SYS_CALL * SYSCALL_SIZE]
    jmp resumed
ipc_fast_replyrecv_resumed:
    lea ebx, [syscall_peer_table + SYS_REPLYRECV * SYSCALL_SIZE]
resumed:
    add esp, 4                      ; w3: ESP is my frame again
    mov esi, [esp + TF_SIZE]        ; this CPU (KSTACK_CPU)
    mov eax, [esi + CPU_CUR]
    mov eax, [eax + T_WAIT_RESULT]
reap_then_return:                   ; EAX: the result
    cmp dword [esi + CPU_REAP], 0
    jne .reap
    jmp sysenter_returned
.reap:
    push eax
    push esi
    call sched_reap
    add esp, 4
    pop eax
    jmp sysenter_returned

section .note.GNU-stack noalloc noexec nowrite progbits
