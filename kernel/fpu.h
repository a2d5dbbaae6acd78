/* The x87, MMX and SSE registers, per thread and lazily: a thread's first
 * FPU instruction after a switch traps (#NM, CR0.TS set), and only then
 * does the last user's state go out and this thread's come in. */
#ifndef KERNEL_FPU_H
#define KERNEL_FPU_H
#include <stdint.h>
#include "boot/x86.h"
#include "kernel/cpu.h"

/* What fxsave writes (512 bytes, 16-aligned); fnsave uses the first 108. */
struct fpu_state {
    uint8_t bytes[512];
} __attribute__((aligned(16)));

struct thread;
struct cpu;

/* Find the FPU (CPUID), set CR0 and CR4 for it, say what there is. */
void fpu_init(void);
/* #NM from user mode: bring the current thread's state in; 0 when there is
 * no FPU (the program is killed). */
int fpu_trap(void);
/* Slot t is about to hold a new thread: none of the old one's state may
 * reach it (on any CPU). */
void fpu_forget(const struct thread *t);

/* On every switch, away from the running thread: close the FPU again if
 * it used it. Between threads that do not use the FPU (IPC) that is one
 * test; the owner, when it runs again, takes one #NM that only reopens. */
static inline __attribute__((always_inline)) void fpu_switch(struct cpu *c)
{
    if (c->fpu_open) {
        c->fpu_open = 0;
        write_cr0(read_cr0() | CR0_TS);
    }
}

#endif
