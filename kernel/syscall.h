/* System calls: the dispatch tables, made from the list in
 * include/ant/syscall.h, and the handlers' prototypes. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H
#include <stdint.h>
#include "include/ant/syscall.h"
#include "kernel/trap.h"

/* Every handler takes the caller's frame (in eax: the sysenter entry
 * passes it without touching the stack) and returns its eax. */
#define SYSCALL_ABI __attribute__((regparm(1)))
typedef int32_t SYSCALL_ABI (*syscall_fn)(struct trap_frame *tf);
#define SYSCALL_PROTO_(nr, NAME, name, ...) int32_t SYSCALL_ABI sys_##name(struct trap_frame *tf);
ANT_SYSCALLS(SYSCALL_PROTO_)

/* A slot of the tables: the handler, and how the sysenter entry leaves. */
struct syscall {
    syscall_fn fn;
    uint32_t flags;
};
#define SYSCALL_IRET 0x1            /* leave by iret: edx carries a message's run */
#define SYSCALL_NOLOCK 0x2          /* runs without the big lock: it reads only the
                                       caller's own state (getpid, uptime) */

/* Indexed by call number (eax): every call; and for eax with a peer in
 * bits 8-31, indexed by its low byte: the IPC calls, ENOSYS for the rest.
 * The sysenter entry (trapstubs.asm) dispatches through them. */
extern const struct syscall syscall_table[SYS_NCALLS], syscall_peer_table[SYS_NCALLS];
/* Where the sysenter entry sends every call, by eax's low byte (one slot
 * for each value, so no bound test): its getpid, the IPC fastpath
 * (ipc/fastpath.asm) for call, send and replyrecv unless ipcfast=off, the
 * general way for the rest (which finds ENOSYS past the calls). Filled by
 * syscall_init. */
#define SYSENTER_SLOTS 256
extern uint32_t sysenter_table[SYSENTER_SLOTS];

/* Where sysenter enters the inner core (trapstubs.asm). */
void sysenter_entry(void);

/* Set up the sysenter entry when the CPU has it (this CPU, the boot one). */
void syscall_init(void);
struct cpu;
/* ... on CPU c, which is this one. */
void syscall_init_cpu(struct cpu *c);
/* Run the call in tf->eax with arguments from tf; result into tf->eax. */
void syscall_dispatch(struct trap_frame *tf);

#endif
