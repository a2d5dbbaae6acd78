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
#include "boot/x86_bits.h"
#include "mm/layout.h"

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
    SAME(USER_END);
    SAME(VEC_SYSCALL);
    SAME(SYSENTER_MARK);
    SAME(SYS_NCALLS);
    SAME(ANT_ENOSYS);
    DEFINE(TF_EDX, offsetof(struct trap_frame, edx));
    DEFINE(TF_EAX, offsetof(struct trap_frame, eax));
    DEFINE(TF_ERROR, offsetof(struct trap_frame, error));
    DEFINE(TF_EIP, offsetof(struct trap_frame, eip));
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
