/* Segments: the flat GDT (kernel and user code and data) and the one TSS. */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H
#include <stdint.h>

void gdt_init(void);
/* The ring-0 stack the CPU switches to on a trap from ring 3. */
void tss_set_kernel_stack(uint32_t esp0);
/* The slot holding a copy of esp0 that the sysenter entry reads. */
uint32_t *tss_esp0_slot(void);

/* I/O permission bitmaps cover ports 0 to IOMAP_PORTS-1; a set bit denies. */
#define IOMAP_PORTS 0x400
#define IOMAP_BYTES (IOMAP_PORTS / 8)
/* Give ring 3 the ports map allows (a process's bitmap), or none (NULL). */
void tss_set_iomap(const uint8_t *map);
/* The bitmap map was edited: load it afresh next time. */
void tss_iomap_changed(const uint8_t *map);

#endif
