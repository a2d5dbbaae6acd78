/*
 * The constants the inner core's assembly uses, computed by the compiler
 * from the C headers, so each is written once: the Makefile compiles this
 * file to assembly text only (never into the kernel) and turns every
 * DEFINE below into a NASM "%define NAME value" in build/inc/asmdefs.inc.
 * Structure offsets come from offsetof, so the stubs follow the structs.
 */
#include <stddef.h>
#include "lib/asmdef.h"
#include "include/ant/syscall.h"
#include "kernel/syscall.h"
#include "kernel/smp.h"
#include "kernel/lock.h"
#include "kernel/trap.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/cpu.h"
#include "boot/x86_bits.h"
#include "mm/layout.h"

/* The field sizes ipc/fastpath.asm assumes. */
#define FIELD_SIZE(type, field) sizeof(((type *)0)->field)
_Static_assert(FIELD_SIZE(struct thread, state) == 1 && FIELD_SIZE(struct thread, ipc_state) == 1 &&
               FIELD_SIZE(struct thread, ipc_key) == 1 && FIELD_SIZE(struct thread, cpu) == 1 &&
               offsetof(struct thread, cpu) == offsetof(struct thread, ipc_key) + 1 &&
               offsetof(struct thread, state) == offsetof(struct thread, ipc_state) + 1 &&
               offsetof(struct thread, ipc_key) == offsetof(struct thread, ipc_state) + 2 &&
               offsetof(struct thread, ipc_state) % 4 == 0 && FIELD_SIZE(struct thread, prio) == 1 &&
               FIELD_SIZE(struct thread, fs) == 2 && FIELD_SIZE(struct thread, gs) == 2 &&
               FIELD_SIZE(struct thread, cr3) == 4 && FIELD_SIZE(struct thread, pid) == 4 &&
               FIELD_SIZE(struct thread, quantum) == 4 && FIELD_SIZE(struct thread, pending) == 4 &&
               FIELD_SIZE(struct thread, ipc_peer) == 4 && FIELD_SIZE(struct thread, wait_result) == 4,
               "the thread fields of ipc/fastpath.asm");
_Static_assert(FIELD_SIZE(struct cpu, fpu_open) == 1 && sizeof(struct runqueue) == 8 &&
               FIELD_SIZE(struct cpu, need_resched) == 1 &&
               offsetof(struct cpu, fpu_open) == offsetof(struct cpu, need_resched) + 1 &&
               offsetof(struct cpu, need_resched) % 4 == 0 && FIELD_SIZE(struct cpu, fast_ipcs) == 4,
               "the CPU fields of ipc/fastpath.asm");

_Static_assert(SYSENTER_ESP_BELOW_TOP == sizeof(struct trap_frame) - offsetof(struct trap_frame, gs),
               "sysenter starts at the frame's segment slots");

void asmdefs(void);
void asmdefs(void)
{
    /* boot/entry.asm */
    SAME(MB_HEADER_MAGIC);
    SAME(MB_HEADER_ALIGN);
    SAME(MB_HEADER_MEMINFO);
    SAME(MB_HEADER_VIDEO);
    SAME(MB_VIDEO_FB);
    SAME(CR0_PG);
    SAME(CR0_WP);
    SAME(BOOT_STACK_SIZE);

    /* kernel/trapstubs.asm */
    SAME(SEL_KDATA);
    SAME(SEL_UCODE);
    SAME(SEL_UDATA);
    SAME(EFLAGS_IF);
    SAME(EFLAGS_RESERVED1);
    SAME(VEC_SYSCALL);
    SAME(SYS_NCALLS);
    SAME(ANT_ENOSYS);
    DEFINE(TF_EDX, offsetof(struct trap_frame, edx));
    DEFINE(TF_EAX, offsetof(struct trap_frame, eax));
    DEFINE(TF_ERROR, offsetof(struct trap_frame, error));
    DEFINE(TF_EIP, offsetof(struct trap_frame, eip));
    DEFINE(TF_EFLAGS, offsetof(struct trap_frame, eflags));
    DEFINE(TF_GS, offsetof(struct trap_frame, gs));
    SAME(ANT_SYSENTER_RET);
    SAME(ANT_ICC_RUN_MAX);
    DEFINE(TF_USER_ESP, offsetof(struct trap_frame, user_esp));
    DEFINE(TF_SIZE, sizeof(struct trap_frame));
    DEFINE(SYSCALL_SIZE, sizeof(struct syscall));
    DEFINE(SYSCALL_FN, offsetof(struct syscall, fn));
    DEFINE(SYSCALL_FLAGS, offsetof(struct syscall, flags));
    SAME(SYSCALL_IRET);
    SAME(SYSCALL_NOLOCK);
    SAME(CPU_SHIFT);
    SAME(SEL_TSS);
    DEFINE(CPU_RESCHED, offsetof(struct cpu, need_resched));
    DEFINE(LOCK_HOLDER, offsetof(struct spinlock, holder));

    /* ipc/fastpath.asm */
    SAME(SYS_CALL);
    SAME(SYS_GETPID);
    SAME(SYS_REPLYRECV);
    SAME(SYS_SEND);
    SAME(T_READY);
    DEFINE(T_RQ_NEXT, offsetof(struct thread, rq_next));
    DEFINE(CPU_RQ, offsetof(struct cpu, rq));
    DEFINE(RQ_HEAD, offsetof(struct runqueue, head));
    DEFINE(RQ_TAIL, offsetof(struct runqueue, tail));
    SAME(IPC_NONE);
    SAME(IPC_RECV);
    SAME(IPC_REPLY_WAIT);
    SAME(T_RUNNING);
    SAME(T_BLOCKED);
    SAME(CR0_TS);
    DEFINE(TF_ECX, offsetof(struct trap_frame, ecx));
    DEFINE(TF_EBP, offsetof(struct trap_frame, ebp));
    DEFINE(P_VM, offsetof(struct proc, vm));
    DEFINE(T_ESP, offsetof(struct thread, esp));
    DEFINE(T_KSTACK_TOP, offsetof(struct thread, kstack_top));
    DEFINE(T_STATE, offsetof(struct thread, state));
    DEFINE(T_PRIO, offsetof(struct thread, prio));
    DEFINE(T_QUANTUM, offsetof(struct thread, quantum));
    DEFINE(T_PROC, offsetof(struct thread, proc));
    DEFINE(T_PID, offsetof(struct thread, pid));
    DEFINE(T_WAIT_RESULT, offsetof(struct thread, wait_result));
    DEFINE(T_IPC_WORD, offsetof(struct thread, ipc_state));  /* ipc_state state ipc_key cpu */
    DEFINE(T_FS, offsetof(struct thread, fs));
    DEFINE(T_GS, offsetof(struct thread, gs));
    DEFINE(T_CR3, offsetof(struct thread, cr3));
    DEFINE(T_PENDING, offsetof(struct thread, pending));
    DEFINE(T_IPC_PEER, offsetof(struct thread, ipc_peer));
    DEFINE(T_SENDQ_HEAD, offsetof(struct thread, sendq_head));
    DEFINE(CPU_CUR, offsetof(struct cpu, cur));
    DEFINE(CPU_FPU_OPEN, offsetof(struct cpu, fpu_open));
    DEFINE(CPU_REAP, offsetof(struct cpu, reap_pending));
    DEFINE(CPU_FAST_IPCS, offsetof(struct cpu, fast_ipcs));
    DEFINE(CPU_SLOW, offsetof(struct cpu, need_resched));   /* need_resched, fpu_open */
    DEFINE(CPU_TSS_ESP0, offsetof(struct cpu, tss.tss.esp0));
    DEFINE(CPU_SYSENTER_ESP0, offsetof(struct cpu, sysenter.esp0));

    /* kernel/trampoline.asm */
    SAME(AP_TRAMP_PHYS);
    SAME(CR0_PE);
    DEFINE(AP_P_CR0, offsetof(struct ap_params, cr0));
    DEFINE(AP_P_CR3, offsetof(struct ap_params, cr3));
    DEFINE(AP_P_CR4, offsetof(struct ap_params, cr4));
    DEFINE(AP_P_STACK, offsetof(struct ap_params, stack));
    DEFINE(AP_P_ENTRY, offsetof(struct ap_params, entry));
    DEFINE(AP_P_CPU, offsetof(struct ap_params, cpu));
    DEFINE(AP_P_SIZE, sizeof(struct ap_params));
}
