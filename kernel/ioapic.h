/* The I/O APIC (docs/DESIGN.md §4): the ACPI MADT names it and how the
 * ISA interrupt lines reach its pins; the lines whose route is known go
 * through it to one CPU, the 8259 keeps the others. */
#ifndef KERNEL_IOAPIC_H
#define KERNEL_IOAPIC_H
#include <stdint.h>

#define IOAPIC_MAX 4

/* From the MADT: an I/O APIC (its id, registers' physical address, first
 * GSI), and an ISA line's override (its GSI, the MADT's MPS INTI flags). */
void ioapic_found(uint32_t id, uint32_t pa, uint32_t gsi_base);
void ioapic_override(uint32_t irq, uint32_t gsi, uint32_t flags);
/* Set every pin masked and give each ISA line that has a known route and
 * is in want (a mask of lines) a pin, delivered to APIC id dest as vector
 * vec0 + line; the lines taken (a mask, 0: no usable I/O APIC). Named in
 * the log. */
uint32_t ioapic_start(uint32_t dest, uint32_t want, uint32_t vec0);
/* Give every line back: all its pins masked. */
void ioapic_stop(void);
/* ISA line irq's GSI and MADT flags, as the MADT gave them (or GSI = irq). */
uint32_t ioapic_gsi(uint32_t irq, uint32_t *flags);
/* Is a line it took level-triggered? */
int ioapic_level(int irq);
/* Mask (1) or unmask (0) the pin of a line it took. */
void ioapic_mask(int irq, int masked);

#endif
