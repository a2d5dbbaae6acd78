; Interrupt and exception entry: one macro stamps out all 256 stubs, which
; push a uniform frame (struct trap_frame in trap.h) and call trap_dispatch.
%include "asmdefs.inc"             ; generated from the C headers (kernel/asmdefs.c)

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
    mov ax, SEL_UDATA           ; the kernel's DS and ES are the flat user
    mov ds, ax                  ; selector (DPL 3 serves ring 0 as well): a
    mov es, ax                  ; thread that leaves by sysexit has its own
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

; A new user thread's first return from switch_context lands here; it
; gives back the big lock on its way to ring 3.
extern sched_enter_user
global thread_start_user
thread_start_user:
    call sched_enter_user
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
; ESP = the slot holding this thread's kernel stack top. The user passed
; its ESP in ECX, with the return address on top of that stack (the stub
; got there by a call). Build the same frame as int 0x80 (struct
; trap_frame), except that the segment slots are not filled: DS and ES are
; reset to the flat user selector, which is what the kernel always runs
; with (trap_common, gdt_init), so sysexit gives them back to the program
; whatever thread ran in between; FS and GS are the program's own
; throughout (the kernel never loads them, switch_context keeps them per
; thread). Dispatch
; straight through the table (struct syscall, kernel/syscall.h), and leave
; by sysexit, or by iret for the calls whose slot says SYSCALL_IRET: they
; return a message, whose run is in EDX, and sysexit takes EDX for the EIP.
; EFLAGS.IF is off throughout and set again in the instruction before the
; way out. The big lock (kernel/lock.c) is taken around the call, unless
; its slot says SYSCALL_NOLOCK; ESI holds this CPU's struct cpu (read
; from the word above the frame, KSTACK_CPU in kernel/sched.h) across it,
; which C keeps.
extern syscall_table
extern syscall_peer_table
extern sched_preempt_point
extern sysenter_bad_stack
extern big_lock
extern cpus
extern lock_spin

section .ex_table progbits alloc noexec nowrite align=4
section .text

; The first half of the frame, up to the user's return address (which may
; fault: __ex_table sends that to .bad_return, the frame built so far), then
; the rest: everything but the call's own dispatch.
%macro FRAME 0
    mov esp, [esp]              ; this thread's kernel stack
    push EFLAGS_RESERVED1       ; clear NT, TF, AC, DF a program may have set:
    popfd                       ; NT would make a later iret switch tasks
    push SEL_UDATA              ; ss
    push ecx                    ; user esp: fixed up below
    push EFLAGS_IF | EFLAGS_RESERVED1
    push SEL_UCODE              ; cs
    cmp ecx, USER_END - 4       ; the return address must be user memory
    ja .bad_return
%%load_return:
    push dword [ss:ecx]         ; eip (through SS: the user's DS may be null)
[section .ex_table]
    dd %%load_return, .bad_return
__SECT__
    push SYSENTER_MARK          ; "error code"
    push VEC_SYSCALL            ; vector
    sub esp, 16                 ; gs, fs, es, ds: not saved on this path
    pushad
    mov edx, SEL_UDATA          ; a program may have loaded null selectors
    mov ds, edx
    mov es, edx
    add dword [esp + TF_USER_ESP], 4
%endmacro

global sysenter_entry
sysenter_entry:
    cmp eax, SYS_NCALLS         ; eax bits 8-31 name a peer: IPC calls only,
    jae .peer_call              ; none of them SYSCALL_NOLOCK
    cmp eax, SYS_GETPID
    je .getpid
    FRAME
    jmp .plain
.peer_call:
    FRAME
    movzx ecx, al               ; one dispatch: call, send and replyrecv to
    jmp [ipc_fast_table + ecx * 4]  ; their fastpath (ipc/fastpath.asm),
                                ; which keeps EBX, ESI, EDI, EBP, the words;
                                ; the others: on (sysenter_peer), or to
                                ; .nosys (AL no call)
.peer:                          ; (sysenter_peer)
    lea ebx, [syscall_peer_table + ecx * SYSCALL_SIZE]
.lock:                          ; ebx: the call's slot (C keeps ebx)
    mov esi, [esp + TF_SIZE]    ; this CPU (C keeps esi): above the frame
    xor eax, eax
    lock cmpxchg [big_lock + LOCK_HOLDER], esi
    jnz .contended
.locked:                        ; (big_lock.where stays 0: "a system call")
    mov eax, esp                ; struct trap_frame * (SYSCALL_ABI: in eax)
    call [ebx + SYSCALL_FN]
.returned:                      ; (sysenter_returned) eax: its result
    mov [esp + TF_EAX], eax
    cmp byte [esi + CPU_RESCHED], 0
    jne .preempt
.unlock:
    mov dword [big_lock + LOCK_HOLDER], 0
.leave:
    test dword [ebx + SYSCALL_FLAGS], SYSCALL_IRET
    jnz .leave_iret
.sysexit:
    popad
    add esp, 24                 ; segment slots, vector, error
    pop edx                     ; user eip
    add esp, 8                  ; cs, eflags
    pop ecx                     ; user esp
    push EFLAGS_RESERVED1       ; sysexit keeps EFLAGS: leave none of another
    popfd                       ; thread's (AC, ID) to this program
    sti
    sysexit
.leave_iret:
    popad
    add esp, 24
    iretd

; getpid, the one call that needs neither a frame nor the lock: the pid of
; this CPU's thread (ESP is this CPU's sysenter.esp0, kernel/gdt.h), back
; by sysexit with the program's own EFLAGS (no other thread ran). The
; return address is loaded on the kernel stack, so that a fault on it
; finds one, and goes to .bad_return like the frame's.
.getpid:
    mov eax, [esp - CPU_SYSENTER_ESP0 + CPU_CUR]
    mov esp, [esp]
    cmp ecx, USER_END - 4
    ja .getpid_bad
.getpid_load:
    mov edx, [ss:ecx]
    mov eax, [eax + T_PID]
    add ecx, 4
    sti
    sysexit
.getpid_bad:                    ; the frame so far, as .bad_return wants it,
    push EFLAGS_RESERVED1           ; with clean flags (the C below must not
    popfd                           ; run with the program's DF, NT or AC)
    push SEL_UDATA
    push ecx
    push EFLAGS_IF | EFLAGS_RESERVED1
    push SEL_UCODE
    jmp .bad_return
[section .ex_table]
    dd .getpid_load, .getpid_bad
__SECT__
.plain:
    lea ebx, [syscall_table + eax * SYSCALL_SIZE]
    test byte [ebx + SYSCALL_FLAGS], SYSCALL_NOLOCK
    jz .lock
    mov eax, esp                ; reads only the caller's own state
    call [ebx + SYSCALL_FN]
    mov [esp + TF_EAX], eax
    jmp .leave
.nosys:
    mov dword [esp + TF_EAX], -ANT_ENOSYS
    jmp .sysexit
.preempt:
    call sched_preempt_point
    jmp .unlock
.contended:
    push esi
    push big_lock
    call lock_spin
    add esp, 8
    jmp .locked
.bad_return:                    ; no return address: finish the frame, then
    push 0                      ; the program is killed
    push SYSENTER_MARK
    push VEC_SYSCALL
    sub esp, 16
    pushad
    mov edx, SEL_UDATA
    mov ds, edx
    mov es, edx
    push esp
    call sysenter_bad_stack     ; does not return

; Where ipc/fastpath.asm goes on: a peer call the fastpath does not take
; (ECX its number); the lock taken, ESI this CPU and EBX the slot; a
; result in EAX, ESI and EBX as for the call.
global sysenter_peer, sysenter_locked, sysenter_returned, sysenter_nosys
sysenter_peer equ sysenter_entry.peer
sysenter_locked equ sysenter_entry.locked
sysenter_returned equ sysenter_entry.returned
sysenter_nosys equ sysenter_entry.nosys
extern ipc_fast_table


section .note.GNU-stack noalloc noexec nowrite progbits
