/* System calls: the dispatch table (numbers in include/ant/syscall.h). */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H
#include "kernel/trap.h"

/* The "error code" the sysenter entry puts in its frame (int 0x80: 0). */
#define SYSENTER_MARK 1

/* Set up the sysenter entry when the CPU has it. */
void syscall_init(void);
/* Run the call in tf->eax with arguments from tf; result into tf->eax. */
void syscall_dispatch(struct trap_frame *tf);

#endif
