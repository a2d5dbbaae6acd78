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
; icc_move_one or icc_move_fast does not take (across page tables, a table
; the peer has not got, pages not mine), another priority or CPU, a peer
; not waiting or waiting for another, a dead or bad peer, I/O rights on
; either side (an I/O bitmap to load), notes or senders waiting for a
; reply-and-receive, a switch due, the big lock contended. (A peer that
; entered by int 0x80 is taken: it goes back with the kernel's DS and ES.) The general path takes and refuses the same messages
; (its own checks are these and more): the ipcfast= option turns this off,
; and the suites run both ways.
%include "asmdefs.inc"

extern big_lock
extern proc_live
extern syscall_peer_table
extern sysenter_peer
extern sysenter_locked
extern sysenter_returned
extern sched_reap
extern sel_udata
extern icc_move_fast, icc_move_one

section .text.fastpath_cold progbits alloc exec nowrite align=16
section .text

global ipc_fast_call, ipc_fast_replyrecv, ipc_fast_send   ; kernel/syscall.c's sysenter_table

; The fastpaths come from sysenter_entry's dispatch (kernel/trapstubs.asm)
; with ESP = the caller's frame's segment slots (SE_ESP), its user ESP
; stored in the frame, EAX = its EAX (the peer's pid << 8 | the call), EBX ESI EDI EBP =
; the words, ECX = the call, EDX = the run, the lock not held. The rest of
; the frame first (kernel/sysenter.inc): EBP (w3) and EDX are in it then.
%include "kernel/sysenter.inc"

; Take the lock and begin: ECX = this CPU, EBP = me, EAX =
; the peer's thread; to .general if the lock is contended, to
; .general_locked if a switch is due, the peer is no live process
; (proc_live) or its thread's word {ipc_state, state, ipc_key, cpu} is not
; {%2, blocked, mine, mine}: another priority or CPU, or I/O rights on
; either side (an I/O bitmap to load: sched.h, THREAD_KEY_IO). An open FPU
; (the other byte of CPU_SLOW) is closed on the way, in the cold section.
; (No dead thread awaits its reaping here: the thread that runs after a
; switch reaps it first, ipc_fast_*_resumed included.)
%macro BEGIN 2
%define BEGIN_STORE_PEER %1
    SYSENTER_FRAME_REST
    mov edx, eax
    mov ecx, [esp + TF_SIZE]        ; this CPU (KSTACK_CPU)
    xor eax, eax
    lock cmpxchg [big_lock + LOCK_HOLDER], ecx
    jnz .general                    ; contended: the general path waits for it
    cmp word [ecx + CPU_SLOW], 0    ; a switch due, or the FPU open
    jne .slow
.slow_done:
    movzx eax, dh                   ; the peer's pid, low byte: its entry
    shr edx, 8                      ; the peer's pid
    mov eax, [proc_live + eax * 4]  ; its thread, if it is alive
    cmp [eax + T_PID], edx
    jne .general_locked
    mov ebp, [ecx + CPU_CUR]        ; me
%if BEGIN_STORE_PEER
    mov [ebp + T_IPC_PEER], edx     ; a caller: whom I will wait for (read
%endif                              ; only with ipc_state, set at the end)
    mov edx, [ebp + T_IPC_WORD]     ; {ipc_state, state, ipc_key, CPU}, one
    mov dx, %2 | T_BLOCKED << 8     ; compare: the peer waits in %2, with my
    cmp [eax + T_IPC_WORD], edx     ; key, on my CPU (another CPU's fails
    jne .general_locked             ; here, early)
[section .text.fastpath_cold]
.slow:                              ; a switch due: the general path; the FPU
    cmp byte [ecx + CPU_RESCHED], 0 ; open: close it now (kernel/fpu.h,
    jne .general_locked             ; fpu_switch; its owner reopens it with
    mov byte [ecx + CPU_FPU_OPEN], 0    ; one #NM, whichever way this goes)
    mov eax, cr0
    or eax, CR0_TS
    mov cr0, eax
    jmp .slow_done
__SECT__
%endmacro

; EDX = the peer's kernel stack top; to .run (the cold section) if the
; message has a run. A peer that entered by int 0x80 is taken as one that
; entered by sysenter: its frame's segment slots are not restored, it goes
; back with the kernel's DS and ES, the flat user selector.
%macro TO_PEER 0
    mov edx, [eax + T_KSTACK_TOP]
    cmp dword [esp + TF_EDX], 0
    jne .run
%endmacro

; The message's run moves to the peer (EAX), when it is the common case
; icc_move_fast (mm/icc.c) takes: else nothing has moved and the general
; path takes the message. Last of the checks: once the pages are the
; peer's, the message goes. No TLB flush: SWITCH_AND_LEAVE loads the
; peer's CR3. EDX is the peer's kernel stack top again after it.
%macro MOVE_RUN 0
    push eax
    push ecx
    mov ecx, [esp + 8 + TF_EDX]     ; the run (regparm: EAX, EDX, ECX)
    mov edx, [eax + T_PROC]
    add edx, P_VM                   ; to
    mov eax, [ebp + T_PROC]
    add eax, P_VM                   ; from
    test ecx, ANT_ICC_RUN_MAX - 1   ; the count bits: 0, one page
    jnz %%many
    call icc_move_one
    jmp %%moved
%%many:
    call icc_move_fast
%%moved:
    pop ecx
    mov edx, eax
    pop eax
    test edx, edx
    jnz .general_locked
    mov edx, [eax + T_KSTACK_TOP]
%endmacro

; Switch from me (EBP, its wait already set) to the peer (EAX; EDX its
; kernel stack top) on this CPU (ECX), and leave for the peer's program
; with my pid, the words and (%2) the run, or none. My stack, right below
; my trap frame, holds where I go on (%1) when the scheduler runs me again
; (switch.asm); my FS and GS are saved in my thread.
%macro SWITCH_AND_LEAVE 2
    inc dword [ecx + CPU_FAST_IPCS] ; an IPC call, and a switch
    mov word [eax + T_IPC_WORD], IPC_NONE | T_RUNNING << 8
    mov [ecx + CPU_TSS_ESP0], edx
    lea edx, [edx - TF_SIZE + SE_ESP]   ; EDX from here: the peer's frame
    mov [ecx + CPU_SYSENTER_ESP0], edx  ; at its segment slots
    mov [ecx + CPU_CUR], eax
    mov ecx, [ebp + T_QUANTUM]      ; it runs in what is left of mine
    mov [eax + T_QUANTUM], ecx
    mov ecx, [eax + T_CR3]
    mov cr3, ecx
    mov [ebp + T_FS], fs
    mov [ebp + T_GS], gs
    mov fs, [eax + T_FS]
    mov gs, [eax + T_GS]
    push %1
    mov [ebp + T_ESP], esp
    mov eax, [ebp + T_PID]          ; what its call or receive returns: me
    mov ebp, [esp + 4 + TF_EBP]     ; w3
%if %2
    mov ecx, [esp + 4 + TF_EDX]     ; the run (moved)
    lea esp, [edx - SE_ESP + TF_EIP]    ; the peer's frame, at its iret part
    mov edx, ecx
%else
    lea esp, [edx - SE_ESP + TF_EIP]
    xor edx, edx                    ; no run
%endif
    mov ecx, [esp - TF_EIP + TF_ECX]    ; its ECX, as popad would give it
    mov dword [big_lock + LOCK_HOLDER], 0
    iretd
%endmacro

; The general path for call %1: after the lock (ECX this CPU), before it.
%macro GENERAL 1
.general_locked:
    mov esi, ecx
    lea ebx, [syscall_peer_table + %1 * SYSCALL_SIZE]
    jmp sysenter_locked
.general:
    mov ecx, %1
    jmp sysenter_peer
%endmacro

; A call to a process waiting in a receive from anyone (IPC_RECV: one
; from me only, IPC_RECV_FROM, goes the general way).
%macro CALL_LEAVE 1
    mov word [ebp + T_IPC_WORD], IPC_REPLY_WAIT | T_BLOCKED << 8
    SWITCH_AND_LEAVE ipc_fast_call_resumed, %1
%endmacro
ipc_fast_call:
    BEGIN 1, IPC_RECV
    TO_PEER
    CALL_LEAVE 0
[section .text.fastpath_cold]
.run:
    MOVE_RUN
    CALL_LEAVE 1
__SECT__
    GENERAL SYS_CALL

; A send to a process waiting in a receive from anyone: it
; runs at once, and I wait at the tail of my run queue, ready
; (sched_requeue_current).
%macro SEND_LEAVE 1
    mov byte [ebp + T_STATE], T_READY
    mov dword [ebp + T_RQ_NEXT], 0
    push eax                        ; a register for my level's queue
    movzx eax, byte [ebp + T_PRIO]
    lea eax, [ecx + CPU_RQ + eax * 8]
    cmp dword [eax + RQ_TAIL], 0
    je %%first
    mov edx, [eax + RQ_TAIL]        ; after its tail (EDX, then the peer's
    mov [edx + T_RQ_NEXT], ebp      ; stack top again)
    mov [eax + RQ_TAIL], ebp
    pop eax
    mov edx, [eax + T_KSTACK_TOP]
    jmp %%queued
%%first:                            ; alone on it
    mov [eax + RQ_HEAD], ebp
    mov [eax + RQ_TAIL], ebp
    pop eax
%%queued:
    SWITCH_AND_LEAVE ipc_fast_send_resumed, %1
%endmacro
ipc_fast_send:
    BEGIN 0, IPC_RECV
    TO_PEER
    SEND_LEAVE 0
[section .text.fastpath_cold]
.run:
    MOVE_RUN
    SEND_LEAVE 1
__SECT__
    GENERAL SYS_SEND

; A reply to a caller waiting for it from me, then a receive from anyone,
; when no note and no sender waits for me.
%macro REPLYRECV_LEAVE 1
    mov word [ebp + T_IPC_WORD], IPC_RECV | T_BLOCKED << 8
    mov dword [ebp + T_IPC_PEER], 0
    SWITCH_AND_LEAVE ipc_fast_replyrecv_resumed, %1
%endmacro
ipc_fast_replyrecv:
    BEGIN 0, IPC_REPLY_WAIT
    mov edx, [ebp + T_PENDING]      ; notes, or a sender's thread
    or edx, [ebp + T_SENDQ_HEAD]
    jnz .general_locked
    mov edx, [ebp + T_PID]
    cmp [eax + T_IPC_PEER], edx     ; it waits for my reply
    jne .general_locked
    TO_PEER
    REPLYRECV_LEAVE 0
[section .text.fastpath_cold]
.run:
    MOVE_RUN
    REPLYRECV_LEAVE 1
__SECT__
    GENERAL SYS_REPLYRECV

; The scheduler runs a thread the fastpath blocked (switch_context's ret
; took its resume address: ESP is its trap frame): as when its call
; returns in the general path, with ESI its CPU and EBX the call's slot,
; with what woke it (wait_result), after reaping a dead thread if one
; waits for it (sched_switch_threads does that after every switch).
ipc_fast_send_resumed:              ; a send is done: 0
    lea ebx, [syscall_peer_table + SYS_SEND * SYSCALL_SIZE]
    mov esi, [esp + TF_SIZE]        ; this CPU (KSTACK_CPU)
    xor eax, eax
    jmp reap_then_return
ipc_fast_call_resumed:
    lea ebx, [syscall_peer_table + SYS_CALL * SYSCALL_SIZE]
    jmp resumed
ipc_fast_replyrecv_resumed:
    lea ebx, [syscall_peer_table + SYS_REPLYRECV * SYSCALL_SIZE]
resumed:
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
