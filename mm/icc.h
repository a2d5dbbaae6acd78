/*
 * The inter-core communication (ICC) data area: user addresses 2GB-3GB map
 * the physically contiguous ICC region linearly, page v at physical
 * v - 2GB + icc_base in every address space. Each 4KB page is free or owned
 * by one process, and mapped (user, RW) in its owner's space only. Runs of
 * pages are allocated, freed, and moved between spaces by re-mapping.
 */
#ifndef MM_ICC_H
#define MM_ICC_H
#include <stddef.h>
#include <stdint.h>

struct vm;

/* Set up the page bookkeeping for the region mm_init reserved; ticks()
 * tells the time for the quarantine. */
void icc_init(uint32_t (*ticks)(void));
uint32_t icc_total(void);
uint32_t icc_free_count(void);

/* Physical address of ICC virtual address va: the formula, no table walk. */
uint32_t icc_phys(uint32_t va);

/* Map a run of npages zeroed free pages in vm; *va gets its address.
 * -ANT_EINVAL (npages 0 or too many), -ANT_ENOSPC, -ANT_ENOMEM. */
int icc_alloc(struct vm *vm, uint32_t npages, uint32_t *va);
/* Free a run vm owns: -ANT_EINVAL (not in the area), -ANT_EPERM (a page
 * it does not own); nothing changes on error. */
int icc_free(struct vm *vm, uint32_t va, uint32_t npages);

/* Is run (ANT_ICC_RUN) wholly owned by vm? 0, -ANT_EINVAL or -ANT_EPERM. */
int icc_run_owned(const struct vm *vm, uint32_t run);
/* Make sure `to` has the page tables run needs: 0 or -ANT_ENOMEM. */
int icc_prepare(struct vm *to, uint32_t run);
/* Where vm's PTE for ICC address va is (its flat array), NULL if vm has
 * no table there. */
uint32_t *icc_pte_of(const struct vm *vm, uint32_t va);
/* Is run inside the area? 0 or -ANT_EINVAL. (Owned or not: icc_move.) */
int icc_run_valid(uint32_t run);
/* icc_move for the IPC fastpath's common case: a run in one page table,
 * which `to` has already, all from's; its TLB is left to the CR3 load the
 * caller makes next (it switches to `to`'s process). 0 if moved, else -1
 * with nothing changed: the general path will look at it again. */
#define ICC_FAST_ABI __attribute__((regparm(3)))   /* from, to, run in EAX, EDX, ECX */
ICC_FAST_ABI int icc_move_fast(struct vm *from, struct vm *to, uint32_t run);
/* The same for a run of one page (its count bits 0): va, the page. */
ICC_FAST_ABI int icc_move_one(struct vm *from, struct vm *to, uint32_t va);
/* Are from's the first and last pages of run (a valid one), and are its
 * tables there all from's? A cheap test before icc_prepare, so that a run
 * not owned makes no table, and what icc_move needs to read from's PTEs. */
int icc_run_ends_owned(const struct vm *from, uint32_t run);
/* Move run (valid, prepared in to) from one space to the other: unmapped
 * in from (with TLB flush if it is live), mapped at the same addresses in
 * to, owner changed. No byte is copied. Ownership is checked in the same
 * loop, by from's PTE (an ICC page is mapped in its owner's space and no
 * other's): if a page is not from's, the pages before it go back and
 * nothing has changed: -ANT_EPERM. */
int icc_move(struct vm *from, struct vm *to, uint32_t run);
/* The space is ending: all its pages go back to the free pool, or into
 * quarantine (a driver's: a DMA it started may still land in them), and
 * its ICC page tables leave kernel space (vm_destroy frees them). */
void icc_release_all(struct vm *vm, int quarantine);
/* Pages in quarantine now; free them all (a controller was reset). */
uint32_t icc_quarantined(void);
void icc_quarantine_end(void);

/* The invariant: every page free or owned by one live space, mapped in its
 * owner's space by the formula and in no other; counts agree. space_of(tag)
 * is the live space of a frame-table tag (1 to ICC_PT_SLOTS), or NULL.
 * 0, or -1 with the first violation in why. */
int icc_check(char *why, size_t len, const struct vm *(*space_of)(uint16_t tag));

#endif
