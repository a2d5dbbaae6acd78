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
    mov ds, [ss:sel_udata]      ; the kernel's DS and ES are the flat user
    mov es, [ss:sel_udata]      ; selector (DPL 3 serves ring 0 as well)
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
; ESP = the slot holding this thread's kernel stack top. The program passed
; its ESP in ECX; it goes back to ANT_SYSENTER_RET (include/ant/syscall.h)
; with that ESP: the stack is never read here. One dispatch, by AL, through
; sysenter_table (kernel/syscall.c fills it): getpid answered at once, the
; IPC fastpath (ipc/fastpath.asm), or the general way; each builds the rest
; of the frame (struct trap_frame, the same as int 0x80's) as it needs it
; (kernel/sysenter.inc). The frame's segment slots are not filled: DS and
; ES are reset to the flat user selector, which is what the kernel always
; runs with (trap_common, gdt_init), so sysexit gives them back to the
; program whatever thread ran in between; FS and GS are the program's own
; throughout (the kernel never loads them but to switch threads). The
; general way dispatches through syscall_table or syscall_peer_table
; (struct syscall, kernel/syscall.h) and leaves by sysexit, or by iret for
; the calls whose slot says SYSCALL_IRET: they return a message, whose run
; is in EDX, and sysexit takes EDX for the EIP. EFLAGS.IF is off
; throughout and set again in the instruction before the way out. The big
; lock (kernel/lock.c) is taken around the call, unless its slot says
; SYSCALL_NOLOCK; ESI holds this CPU's struct cpu (read from the word
; above the frame, KSTACK_CPU in kernel/sched.h) across it, which C keeps.
%include "kernel/sysenter.inc"

extern syscall_table
extern syscall_peer_table
extern sysenter_table
extern sched_preempt_point
extern big_lock
extern lock_spin

section .rodata
global sel_udata
sel_udata: dw SEL_UDATA             ; for mov ds/es from memory: one instruction

section .text

global sysenter_entry
sysenter_entry:
    mov esp, [esp]                  ; this thread's frame's segment slots
    mov [esp - SE_ESP + TF_USER_ESP], ecx   ; (kernel/cpu.h, cpu_set_kernel_stack)
    movzx ecx, al                   ; (through SS: DS may be the program's null)
    jmp [ss:sysenter_table + ecx * 4]

; getpid, the one call that needs neither a frame nor the lock: the pid of
; this CPU's thread, back by sysexit with the program's own EFLAGS (no
; other thread ran). EAX with more than the call: the general way (ENOSYS).
.getpid:
    cmp eax, SYS_GETPID
    jne .general
    mov eax, [esp - SE_ESP + TF_SIZE]   ; this CPU (KSTACK_CPU)
    mov eax, [ss:eax + CPU_CUR]     ; through SS: DS is still the program's
    mov eax, [ss:eax + T_PID]
    mov ecx, [esp - SE_ESP + TF_USER_ESP]
    mov edx, ANT_SYSENTER_RET
    sti
    sysexit

; Every call but getpid and the fastpath's: EAX below SYS_NCALLS is a plain
; call; above it, with a peer in bits 8-31, an IPC call (ECX: AL), or none.
.general:
    SYSENTER_FRAME_REST
    cmp eax, SYS_NCALLS
    jb .plain
    cmp ecx, SYS_NCALLS
    jae .nosys
.peer:                              ; (sysenter_peer) ECX: the call
    lea ebx, [syscall_peer_table + ecx * SYSCALL_SIZE]
.lock:                              ; ebx: the call's slot (C keeps ebx)
    mov esi, [esp + TF_SIZE]        ; this CPU (C keeps esi): above the frame
    xor eax, eax
    lock cmpxchg [big_lock + LOCK_HOLDER], esi
    jnz .contended
.locked:                            ; (big_lock.where stays 0: "a system call")
    mov eax, esp                    ; struct trap_frame * (SYSCALL_ABI: in eax)
    call [ebx + SYSCALL_FN]
.returned:                          ; (sysenter_returned) eax: its result
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
    add esp, 24                     ; segment slots, vector, error
    pop edx                         ; user eip: ANT_SYSENTER_RET
    mov ecx, [esp + 8]              ; user esp (read, not popped: ESP stays
                                    ; below the CS slot, which an NMI here
                                    ; would otherwise overwrite)
    push EFLAGS_RESERVED1           ; sysexit keeps EFLAGS: leave none of another
    popfd                           ; thread's (AC, ID) to this program
    sti
    sysexit
.leave_iret:
    popad
    add esp, 24
    iretd
.plain:
    lea ebx, [syscall_table + eax * SYSCALL_SIZE]
    test byte [ebx + SYSCALL_FLAGS], SYSCALL_NOLOCK
    jz .lock
    mov eax, esp                    ; reads only the caller's own state
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

; For kernel/syscall.c's sysenter_table: getpid, the general way (ECX:
; AL, ESP at the frame's segment slots, the user ESP stored). For
; ipc/fastpath.asm: where a peer call it does not take goes on (the frame
; built, ECX its number); the lock taken, ESI this CPU and EBX the slot; a
; result in EAX, ESI and EBX as for the call.
global sysenter_getpid, sysenter_general
global sysenter_peer, sysenter_locked, sysenter_returned
sysenter_getpid equ sysenter_entry.getpid
sysenter_general equ sysenter_entry.general
sysenter_peer equ sysenter_entry.peer
sysenter_locked equ sysenter_entry.locked
sysenter_returned equ sysenter_entry.returned


section .note.GNU-stack noalloc noexec nowrite progbits
