/*
 * Demand paging, the inner core's half: lazy ranges, page faults in them
 * turned into messages to the pager (an outer-core process that owns the
 * policy), and the pager's calls on frames and page-table entries. The ABI
 * is SYS_VM_* in include/ant/syscall.h.
 */
#ifndef KERNEL_PAGING_H
#define KERNEL_PAGING_H
#include <stdint.h>

struct proc;
struct thread;
struct trap_frame;

/* SYS_MMAP with ANT_PROT_LAZY: reserve [addr, addr+len). */
int paging_reserve(struct proc *p, uint32_t addr, uint32_t len, int writable);
/* A read-only segment of p's program (elf.seg[seg]) that the pager brings
 * in page by page (class: file). */
int paging_reserve_file(struct proc *p, uint32_t vaddr, uint32_t memsz, int seg);
/* Does [addr, addr+len) touch a lazy range of p? */
int paging_overlaps(const struct proc *p, uint32_t addr, uint32_t len);
/* A user page fault at addr: 1 when the pager has served it (return to
 * user mode and run the instruction again), 0 when it is not the pager's
 * (the program is killed as before). May not return: the pager killed it. */
int paging_fault(struct trap_frame *tf, uint32_t addr);
/* The words of the next ANT_NOTE_FAULT for me (if I am the pager): w1-w3
 * of the fault not yet delivered, *more if another waits behind it; 0 if
 * none. */
int paging_fault_note(struct proc *me, uint32_t w[3], int *more);
/* p is ending: off the fault queue; if it had lazy ranges, tell the pager;
 * if it is the pager, its loose frames go back to the pool and faults wait
 * for the next one. */
void paging_exit(struct proc *p);

/* Is p the pager? */
int paging_is_pager(const struct proc *p);
/* SYS_VM_RESOLVE for the pager (the current process): pid's fault is
 * resolved; verdict 0: *run is its thread, out of the fault and for the
 * caller to wake or run; else the process is killed (*run NULL). 0 or
 * -error (*run NULL, nothing changed). */
int32_t paging_resolve(uint32_t pid, uint32_t verdict, struct thread **run);

/* The system calls (SYS_VM_*) are declared in kernel/syscall.h. */

#endif
