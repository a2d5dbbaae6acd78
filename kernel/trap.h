/* Traps: the IDT, the saved register frame, IRQ handlers, fault fix-ups. */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H
#include <stddef.h>
#include <stdint.h>
#include "include/ant/syscall.h"

/* What trapstubs.asm pushes (its offsets come from here: kernel/asmdefs.c). */
struct trap_frame {
    uint32_t edi, esi, ebp, esp_pushad, ebx, edx, ecx, eax;   /* pushad */
    uint32_t gs, fs, es, ds;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
    uint32_t user_esp, user_ss;    /* only when the trap came from ring 3 */
};
_Static_assert(sizeof(struct trap_frame) == 76, "the frame the CPU and trapstubs.asm push");

#define VEC_DIVIDE  0
#define VEC_DEBUG   1
#define VEC_NMI     2
#define VEC_BREAKPOINT 3
#define VEC_INVALID_OP 6
#define VEC_NO_FPU  7              /* #NM: CR0.TS or CR0.EM (kernel/fpu.c) */
#define VEC_DOUBLE  8
#define VEC_GP      13
#define VEC_MACHINE_CHECK 18
#define VEC_PAGE    14
#define VEC_IRQ0    32             /* the PICs are remapped to 32-47 */
#define VEC_SYSCALL ANT_VEC_SYSCALL

typedef void (*irq_handler)(struct trap_frame *tf);

void trap_init(void);
/* Load the IDT on this CPU (another one, once started). */
void trap_load_idt(void);
/* Route IRQ line irq (0-15) to handler and unmask it at the PIC; a NULL
 * handler masks the line. */
void irq_set_handler(int irq, irq_handler handler);
/* Mask (1) or unmask (0) one line at the PIC. */
void irq_mask(int irq, int masked);
/* Has the line a handler? */
int irq_in_use(int irq);
/* Acknowledge an interrupt at the PICs. */
void pic_eoi(int irq);
/* Set the EIP to resume at when kernel code faults at fault_eip, if any. */
int trap_fixup(struct trap_frame *tf);
/* CR2 of the last kernel fault that a fix-up recovered from. */
extern uint32_t trap_last_fixup_addr;
extern uint32_t trap_last_fixup_vector;
const char *trap_name(uint32_t vector);
/* Called by trapstubs.asm for every trap. */
void trap_dispatch(struct trap_frame *tf);

#endif
