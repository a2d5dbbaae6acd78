/*
 * Notes: the messages from pid 0, one facility for all of them. A bound
 * IRQ, a child's end, a fault or a process's exit for the pager, an alarm,
 * more log for the screen's owner: each kind is one bit of the receiving
 * thread's `pending` word (IRQ n: bit n; the ANT_NOTE_* kinds above 15).
 * Several of one kind before it is received are one message. A receive
 * from anyone or from ANT_PID_NOTES takes the lowest bit first: w0 = the
 * IRQ number or the ANT_NOTE_* value (w1-w3 for a fault). A thread waiting
 * in such a receive gets it at once: in its message registers, woken with
 * result 0 (the sender: pid 0).
 */
#ifndef KERNEL_NOTIFY_H
#define KERNEL_NOTIFY_H
#include <stdint.h>

struct proc;
struct thread;

/* Post note (an ANT_NOTE_*) to p. */
void note_post(struct proc *p, uint32_t note);
/* The same, but a thread that takes the note at once is not woken: it is
 * returned, for the caller to wake (with 0) or run (sched_block_for); else
 * NULL. */
struct thread *note_post_take(struct proc *p, uint32_t note);
/* Does p wait for a note, with none pending? Then note_give hands it the
 * note's words w straight (its receive returns them, from pid 0, once its
 * thread, returned, is woken with 0 or run): the fault path's shortcut
 * past the pending bits, for a note it knows to be the only one. */
int note_can_give(const struct proc *p);
struct thread *note_give(struct proc *p, const uint32_t w[4]);
/* Drop a posted note p has not received yet. */
void note_cancel(struct proc *p, uint32_t note);
/* In t's receive (from anyone, or ANT_PID_NOTES): the next note as the
 * message in t's frame tf (its message registers); 0 when none is posted. */
struct trap_frame;
int note_deliver(struct thread *t, struct trap_frame *tf);
/* Does t wait in a receive that takes notes? */
int note_waiting(const struct thread *t);
/* p is ending: its IRQs are unbound, its notes dropped. */
void notify_exit(struct proc *p);

#endif
