/* The other CPUs: found through the ACPI MADT (or the Intel MP tables),
 * started with INIT-SIPI-SIPI on the same global kernel pages, GDT and
 * IDT. This is the first step of SMP (docs/DESIGN.md §4): they come online
 * and are parked; the inner core schedules on the boot CPU. */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H
#include <stdint.h>

#define MAX_CPUS 8
#define AP_TRAMP_PHYS 0x8000        /* the start page (SIPI vector 0x08) */
#define VEC_APIC_SPURIOUS 0xFF      /* the local APIC's spurious vector */

/* What the trampoline (kernel/trampoline.asm) reads at its end. */
struct ap_params {
    uint32_t cr0, cr3, cr4;
    uint32_t stack;                 /* its stack top, a kernel address */
    uint32_t entry;                 /* ap_main */
    uint32_t cpu;                   /* its index */
};

struct cpu_info {
    uint8_t apic_id;
    uint8_t online;                 /* it has reached ap_main (set by it) */
};

extern struct cpu_info cpus[MAX_CPUS];
extern uint32_t cpu_count;          /* CPUs found (and allowed by cpus=) */

/* Find the CPUs, start the others (at most limit in all; 0: no limit),
 * and say so in the log. Needs the timer (it waits in ticks). */
void smp_init(uint32_t limit);
/* CPUs online now, the boot CPU included. */
uint32_t smp_online(void);

#endif
