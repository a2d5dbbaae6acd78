/*
 * The inter-core communication (ICC) data area: user addresses 2GB-3GB map
 * the physically contiguous ICC region linearly, page v at physical
 * v - 2GB + icc_base in every address space. Each 4KB page is free or owned
 * by one process, and mapped (user, RW) in its owner's space only. Runs of
 * pages are allocated, freed, and moved between spaces by re-mapping.
 */
#ifndef IPC_ICC_H
#define IPC_ICC_H
#include <stddef.h>
#include <stdint.h>

struct proc;

/* Set up the page bookkeeping for the region mm_init reserved. */
void icc_init(void);
uint32_t icc_total(void);
uint32_t icc_free_count(void);

/* Physical address of ICC virtual address va: the formula, no table walk. */
uint32_t icc_phys(uint32_t va);

/* Map a run of npages zeroed free pages in p; *va gets its address.
 * -ANT_EINVAL (npages 0 or too many), -ANT_ENOSPC, -ANT_ENOMEM. */
int icc_alloc(struct proc *p, uint32_t npages, uint32_t *va);
/* Free a run p owns: -ANT_EINVAL (not in the area), -ANT_EPERM (a page p
 * does not own); nothing changes on error. */
int icc_free(struct proc *p, uint32_t va, uint32_t npages);

/* Is run (ANT_ICC_RUN) wholly owned by p? 0, -ANT_EINVAL or -ANT_EPERM. */
int icc_run_owned(const struct proc *p, uint32_t run);
/* Make sure `to` has the page tables run needs: 0 or -ANT_ENOMEM. */
int icc_prepare(struct proc *to, uint32_t run);
/* Move run (owned by from, prepared in to) from one space to the other:
 * unmapped in from (with TLB flush if its space is live), mapped at the
 * same addresses in to, owner changed. No byte is copied. */
void icc_move(struct proc *from, struct proc *to, uint32_t run);
/* p is dying: all its pages go back to the free pool (after a quarantine
 * if p is privileged: a DMA it started may still land in them), its ICC
 * page tables leave kernel space (vm_destroy frees them). */
void icc_release_all(struct proc *p);
/* Pages in quarantine now; free them all (a controller was reset). */
uint32_t icc_quarantined(void);
void icc_quarantine_end(void);

/* The invariant: every page free or owned by one live process, mapped in
 * its owner's space by the formula and in no other; counts agree.
 * 0, or -1 with the first violation in why. */
int icc_check(char *why, size_t len);

#endif
