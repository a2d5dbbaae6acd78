/* Kernel space: the fixed kernel page tables and single-page kernel mappings. */
#ifndef MM_KSPACE_H
#define MM_KSPACE_H
#include <stdint.h>
#include "mm/layout.h"

/* The kernel page directory and the 254 page tables behind PDEs 770-1023. */
struct kernel_tables {
    uint32_t pd[1024];
    uint32_t pt[KERNEL_PT_COUNT][1024];
};
extern struct kernel_tables ktables;

/* Drop the identity mapping early boot needed to turn paging on. */
void kspace_finish_boot(void);
/* Map physical page pa at kernel address va (4KB, RW, global). */
void kspace_map(uint32_t va, uint32_t pa);
/* Unmap the kernel page at va and flush it from the TLB. */
void kspace_unmap(uint32_t va);
/* Set once other CPUs run (kernel/smp.c): drops va from their TLBs, since
 * kernel pages are shared (and global). */
extern void (*kspace_remote_flush)(uint32_t va);
/* Physical page behind kernel address va, or 0 when nothing is mapped. */
uint32_t kspace_lookup(uint32_t va);
/* The PTE for kernel address va (va must be in the page-table part). */
uint32_t *kspace_pte(uint32_t va);

/* The screen GRUB set up, mapped: VGA text through the I/O-hole alias, a
 * framebuffer at FB_VIRT (m->height cut to what FB_SIZE holds); its
 * address, or 0 when there is nothing to map. */
struct screen_mode;
void *kspace_map_screen(struct screen_mode *m);

/* Temporary windows: map any physical page for a short while. */
void *window_map(uint32_t pa);
void window_unmap(void *va);
/* Windows in use now (for leak checks in tests). */
uint32_t window_in_use(void);

#endif
