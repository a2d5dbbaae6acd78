/* The CPUs: found through the ACPI MADT (or the Intel MP tables), started
 * with INIT-SIPI-SIPI on the same global kernel pages, kernel page
 * directory and IDT, each with its own GDT, TSS, idle thread and run
 * queues (kernel/cpu.h), its local APIC timer, and IPIs between them
 * (docs/DESIGN.md §4). */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H
#include <stdint.h>
#include "kernel/cpu.h"

#define AP_TRAMP_PHYS 0x8000        /* the start page (SIPI vector 0x08) */
/* The local APIC's vectors: VEC_RESCHED to VEC_LTIMER, one range. */
#define VEC_RESCHED   0xF0          /* IPI: look at your run queues */
#define VEC_FLUSH     0xF1          /* IPI: drop a kernel page from your TLB */
#define VEC_LTIMER    0xF2          /* this CPU's local APIC timer */
#define VEC_APIC_SPURIOUS 0xFF      /* the local APIC's spurious vector */

/* What the trampoline (kernel/trampoline.asm) reads at its end. */
struct ap_params {
    uint32_t cr0, cr3, cr4;
    uint32_t stack;                 /* its stack top, a kernel address */
    uint32_t entry;                 /* ap_main */
    uint32_t cpu;                   /* its index */
};

extern uint32_t cpu_count;          /* CPUs found (and allowed by cpus=) */

/* Find the CPUs, start the others (at most limit in all; 0: no limit),
 * and say so in the log; absent (APIC id + 1, 0: none) names one more, as
 * a table might name a CPU that never answers; no_acpi: the ACPI tables
 * are not read (acpi=off), the MP table alone names them. Needs the timer
 * (it waits in ticks). They wait until smp_go. */
void smp_init(uint32_t limit, uint32_t absent, int no_acpi);
/* Let the other CPUs into the scheduler (the boot thread holds the big
 * lock meanwhile). */
void smp_go(void);
/* CPUs online now, the boot CPU included. */
uint32_t smp_online(void);
/* CPUs that run the scheduler. */
uint32_t smp_running(void);
/* The CPU a new process's thread runs on (docs/DESIGN.md §4): want (a CPU
 * index, or -1 for the default), server (it has I/O rights). -1 if want
 * names no running CPU. */
int smp_place(int want, int server);
/* Interrupt CPU c with vector (VEC_RESCHED). */
void smp_ipi(struct cpu *c, uint32_t vector);
/* Is vector in this local APIC's in-service register (it delivered it)? */
int lapic_in_service(uint32_t vector);
/* End of a local APIC interrupt. */
void lapic_eoi(void);
/* Kernel page va was unmapped: drop it from every other running CPU's
 * TLB, and wait until they have (the caller holds the big lock). */
void smp_flush_kernel(uint32_t va);
/* The ACPI table at physical pa, checked (signature sig if not NULL,
 * length, checksum; a bad one is named in the log): its length, 0 if it
 * is not to be believed. */
uint32_t smp_acpi_table(uint32_t pa, const char *sig);
/* Answer a flush asked of this CPU (from the IPI or while spinning). */
void smp_flush_answer(struct cpu *c);

#endif
