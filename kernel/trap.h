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

/* The lines with a standard ISA device: the timer, keyboard, serial
 * ports, floppy, RTC, mouse, IDE channels; the I/O APIC takes these, and
 * any line the MADT describes (kernel/ioapic.c). */
#define IRQ_ISA_DEVICES ((1u << 0) | (1u << 1) | (1u << 3) | (1u << 4) | (1u << 6) | \
                         (1u << 8) | (1u << 12) | (1u << 14) | (1u << 15))

typedef void (*irq_handler)(int irq);

void trap_init(void);
/* Load the IDT on this CPU (another one, once started). */
void trap_load_idt(void);
/* Route IRQ line irq (0-15) to handler and unmask it; a NULL handler
 * masks the line. */
void irq_set_handler(int irq, irq_handler handler);
/* Mask (1) or unmask (0) one line; an edge that came while it was masked
 * reaches its handler when it is unmasked. */
void irq_mask(int irq, int masked);
/* Let the I/O APIC deliver the lines it can, to APIC id dest (the MADT
 * has named it: kernel/ioapic.c); the 8259 keeps the others. If the
 * PIT's tick (a line it takes) does not come through it, every line goes
 * back to the 8259. 1 if it delivers lines. Interrupts on. */
int irq_use_ioapic(uint32_t dest);
/* Does the I/O APIC deliver this line? */
int irq_via_ioapic(int irq);
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
