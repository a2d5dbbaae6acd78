/* Process address spaces: one page directory each, the kernel half shared;
 * each space's directory and page tables mapped in the kernel half. */
#ifndef MM_VM_H
#define MM_VM_H
#include <stdint.h>
#include "mm/frame.h"

struct vm {
    uint32_t pd;                /* physical address of the page directory */
    uint16_t owner;             /* frame-table owner tag of this process */
    uint32_t pages;             /* frames held: pages, page tables, directory */
    uint32_t icc_pages;         /* ICC pages it owns (mm/icc.c) */
    uint32_t icc_tables[8];     /* which of its 256 ICC page tables exist */
};

/* The owner tag the kernel's own tests create spaces with (no process's). */
#define VM_TAG_TEST 65

/* A directory with the kernel half copied in, for owner tag 1 to
 * VM_SLOTS (mm/layout.h). 0, -ANT_EINVAL or -ANT_ENOMEM. */
int vm_create(struct vm *vm, uint16_t owner);
/* Its directory, mapped for good (PD_VIRT), as are its private page
 * tables (PRIV_PT_VIRT) and its ICC ones (mm/icc.c): no window is needed
 * to reach its PTEs. */
uint32_t *vm_pd(const struct vm *vm);
/* Free every frame the space holds (pages, tables, directory). */
void vm_destroy(struct vm *vm);
/* Map frame pa at user address va with PTE flags (P and U are added). */
int vm_map(struct vm *vm, uint32_t va, uint32_t pa, uint32_t flags);
/* Set by the scheduler: does vm run on another CPU now? (Its TLB there may
 * hold its pages.) Removing a mapping from such a space panics. */
extern int (*vm_live_elsewhere)(const struct vm *vm);
/* Unmap va (with invlpg when the space is live); returns the frame or 0. */
uint32_t vm_unmap(struct vm *vm, uint32_t va);
/* Is there a page table for va's 4MB? */
int vm_has_table(const struct vm *vm, uint32_t va);
/* Change the PTE for va (if its table exists): clear, then set bits;
 * returns the old entry (0: none). */
uint32_t vm_pte_update(struct vm *vm, uint32_t va, uint32_t clear, uint32_t set);
/* The PTE for va, or 0. */
uint32_t vm_pte(const struct vm *vm, uint32_t va);
/* The first run of vm's mappings at or after from (the kernel half is
 * every space's): pages at consecutive addresses on consecutive frames
 * with the same PTE bits. 0 if there is none; else its pages, and *va,
 * *pa, *bits (PTE_* and PDE_PS) of its first. */
uint32_t vm_next_run(const struct vm *vm, uint32_t from, uint32_t *va, uint32_t *pa,
                     uint32_t *bits);
/* Map zeroed fresh frames over [va, va+len); on failure nothing stays mapped. */
int vm_map_zeroed(struct vm *vm, uint32_t va, uint32_t len, uint32_t flags);
/* Unmap [va, va+len); free the frames this space owns (device pages of
 * SYS_MAPIO are only unmapped). */
void vm_unmap_free(struct vm *vm, uint32_t va, uint32_t len);
/* Is [va, va+len) wholly unmapped? */
int vm_range_free(const struct vm *vm, uint32_t va, uint32_t len);
/* Zero a frame, copy one to another: through windows. */
void frame_zero(uint32_t pa);
void frame_copy(uint32_t to, uint32_t from);
/* A frame of the pool holding zeros (zeroed ahead by an idle CPU, or now);
 * 0 if the pool is empty. */
uint32_t frame_alloc_zeroed(enum frame_state s, uint16_t owner);

#endif
