/* Segments: the flat GDT (kernel and user code and data) and the one TSS. */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H
#include <stdint.h>

void gdt_init(void);
/* The ring-0 stack the CPU switches to on a trap from ring 3. */
void tss_set_kernel_stack(uint32_t esp0);
/* The slot holding a copy of esp0 that the sysenter entry reads. */
uint32_t *tss_esp0_slot(void);

#endif
