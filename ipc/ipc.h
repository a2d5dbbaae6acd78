/*
 * Synchronous IPC between processes (addressed by pid; one thread each),
 * and interrupts delivered as messages. The message registers are the
 * thread's saved user registers (THREAD_UFRAME): w0-w3 in ebx, esi, edi,
 * ebp and an ICC run in edx; the ABI is in include/ant/syscall.h.
 */
#ifndef IPC_IPC_H
#define IPC_IPC_H
#include <stdint.h>

struct proc;
struct trap_frame;

/* The system calls (SYS_SEND ... SYS_IRQ_ACK) are declared in kernel/syscall.h. */

/* p is dying: release every thread waiting on it with -ANT_ESRCH, take its
 * thread off any send queue, unbind its IRQs, free its ICC pages. */
void ipc_exit(struct proc *p);
/* A message from pid 0 to p with w0 (0-31: an IRQ or an ANT_NOTE_*):
 * delivered now if p waits for anyone (or for notes), else when it next
 * receives. Several of one kind before then are one message. */
void ipc_notify(struct proc *p, uint32_t w0);
/* Would a message from pid 0 reach thread t now (a receive from anyone,
 * or from ANT_PID_NOTES)? */
struct thread;
int ipc_waits_for_notes(const struct thread *t);

#endif
