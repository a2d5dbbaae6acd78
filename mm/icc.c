/*
 * The ICC data area. Ownership is kept in the frame table (the ICC frames'
 * owner field: a process tag, 0 = free) and a bitmap of free pages finds
 * runs. Each process's ICC page tables are also mapped in kernel space, one
 * 1MB slot per process at ICC_PT_VIRT, so that its ICC PTEs form one flat
 * array: moving a page is two PTE stores and an owner update, with no
 * window to map and no table walk.
 *
 * Quarantine: a driver programs DMA into ICC pages (their physical address
 * is the formula's). If it dies with a transfer running, the device may
 * still write into its pages after they have left it; so the pages of a
 * dying process that had device access wait (owned by no one, mapped
 * nowhere) until a driver says it has reset its controller
 * (SYS_DMA_RESET), or QUARANTINE_TICKS at the latest.
 */
#include "mm/icc.h"
#include "include/ant/syscall.h"
#include "boot/panic.h"
#include "boot/x86.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "mm/kspace.h"
#include "mm/layout.h"
#include "mm/mm.h"
#include "mm/pool.h"
#include "mm/vm.h"

#define ICC_MAX_PAGES (ICC_MAX / PAGE_SIZE)
#define ICC_PDE_FIRST (ICC_VIRT >> BIGPAGE_SHIFT)
#define ICC_PTE_BITS (PTE_P | PTE_W | PTE_U)
#define FLUSH_ONE_BY_ONE 8          /* more pages than this: reload CR3 */
#define QUARANTINE_TAG 0xFFFF       /* owner of pages a dead driver held */
#define QUARANTINE_TICKS 3000       /* 30 s: no command of a sane device takes longer */

static uint32_t free_map[ICC_MAX_PAGES / 32];  /* bit set: page free */
static uint32_t npages, nfree, rover;
static uint32_t nquarantined, quarantine_end;
static struct frame *owner_of;      /* frame-table entries of the region */
static uint32_t (*clock)(void);     /* ticks, for the quarantine */

static void quarantine_expire(void);

uint32_t icc_total(void) { return npages; }
uint32_t icc_free_count(void)
{
    quarantine_expire();
    return nfree;
}

uint32_t icc_phys(uint32_t va)
{
    return va - ICC_VIRT + mm.icc_base;
}

/* The space's ICC PTEs, indexed by page number in the area. */
static inline uint32_t *ptes_of(const struct vm *vm)
{
    return (uint32_t *)(ICC_PT_VIRT + (uint32_t)(vm->owner - 1) * ICC_PT_SLOT);
}

/* One instruction: bt on the bitmap (t below 256, its bits). */
static inline int has_table(const struct vm *vm, uint32_t t)
{
    int set;
    __asm__("btl %2, %1" : "=@ccc"(set) : "m"(vm->icc_tables), "r"(t));
    return set;
}

static inline uint32_t pte_for(uint32_t page)
{
    return (mm.icc_base + (page << PAGE_SHIFT)) | ICC_PTE_BITS;
}

static inline int page_free(uint32_t i)
{
    return (free_map[i / 32] >> (i % 32)) & 1;
}

static void set_free(uint32_t first, uint32_t n, int free)
{
    for (uint32_t i = first; i < first + n; i++) {
        if (free)
            free_map[i / 32] |= 1u << (i % 32);
        else
            free_map[i / 32] &= ~(1u << (i % 32));
    }
    nfree = free ? nfree + n : nfree - n;
}

void icc_init(uint32_t (*ticks)(void))
{
    clock = ticks;
    npages = mm.icc_size / PAGE_SIZE;
    owner_of = frame_of(mm.icc_base);
    if (!owner_of || npages > ICC_MAX_PAGES)
        panic("icc_init: ICC region %08x+%x outside the frame table", mm.icc_base, mm.icc_size);
    for (uint32_t i = 0; i < npages; i++) {
        if (owner_of[i].state != FRAME_ICC)
            panic("icc_init: frame %u of the region is not ICC", i);
        owner_of[i].owner = 0;
    }
    set_free(0, npages, 1);
}

/* Page number of a run that lies inside the area, or -1. */
static int32_t run_first(uint32_t va, uint32_t n)
{
    if (va < ICC_VIRT || (va & (PAGE_SIZE - 1)) || !n || n > npages)
        return -1;
    uint32_t first = (va - ICC_VIRT) >> PAGE_SHIFT;
    return first < npages && n <= npages - first ? (int32_t)first : -1;
}

static int owned_by(const struct vm *vm, uint32_t first, uint32_t n)
{
    const struct frame *f = owner_of + first;
    for (uint32_t i = 0; i < n; i++)
        if (f[i].owner != vm->owner)
            return 0;
    return 1;
}

int icc_run_owned(const struct vm *vm, uint32_t run)
{
    int32_t first = run_first(ANT_ICC_RUN_ADDR(run), ANT_ICC_RUN_PAGES(run));
    if (first < 0)
        return -ANT_EINVAL;
    return owned_by(vm, (uint32_t)first, ANT_ICC_RUN_PAGES(run)) ? 0 : -ANT_EPERM;
}

/* Give vm the page tables for pages [first, first+n). */
static int prepare(struct vm *vm, uint32_t first, uint32_t n)
{
    for (uint32_t t = first / 1024; t <= (first + n - 1) / 1024; t++) {
        if (has_table(vm, t))
            continue;
        uint32_t pt = frame_alloc_zeroed(FRAME_USER, vm->owner);
        if (!pt)
            return -ANT_ENOMEM;
        kspace_map((uint32_t)(ptes_of(vm) + t * 1024), pt);
        vm_pd(vm)[ICC_PDE_FIRST + t] = pt | PTE_P | PTE_W | PTE_U;
        vm->icc_tables[t / 32] |= 1u << (t % 32);
        vm->pages++;
    }
    return 0;
}

int icc_prepare(struct vm *to, uint32_t run)
{
    return prepare(to, (ANT_ICC_RUN_ADDR(run) - ICC_VIRT) >> PAGE_SHIFT, ANT_ICC_RUN_PAGES(run));
}

/* After unmapping pages [first, first+n) of vm: drop stale TLB entries. */
static void flush(const struct vm *vm, uint32_t first, uint32_t n)
{
    if (read_cr3() != vm->pd) {
        /* The sender of a run is the thread running on this CPU, and no
         * other CPU can hold its user TLB entries (one thread a process,
         * a CR3 load on every switch, the idle thread on the kernel's
         * directory): no IPI. A space that is not live here must not be
         * live anywhere (docs/DESIGN.md §4). */
        if (vm_live_elsewhere && vm_live_elsewhere(vm))
            panic("icc: ICC pages moved out of a space that runs on another CPU");
        return;                     /* not live: its next CR3 load flushes */
    }
    if (n > FLUSH_ONE_BY_ONE) {
        write_cr3(vm->pd);          /* ICC pages are never global */
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        invlpg(ICC_VIRT + ((first + i) << PAGE_SHIFT));
}

uint32_t *icc_pte_of(const struct vm *vm, uint32_t va)
{
    uint32_t page = (va - ICC_VIRT) >> PAGE_SHIFT;
    return has_table(vm, page / 1024) ? ptes_of(vm) + page : 0;
}

int icc_run_valid(uint32_t run)
{
    return run_first(ANT_ICC_RUN_ADDR(run), ANT_ICC_RUN_PAGES(run)) < 0 ? -ANT_EINVAL : 0;
}

/* Are pages first and last from's? Then so are their tables. */
static inline int ends_owned(const struct vm *from, uint32_t first, uint32_t last)
{
    return owner_of[first].owner == from->owner && owner_of[last].owner == from->owner;
}

int icc_run_ends_owned(const struct vm *from, uint32_t run)
{
    uint32_t first = (ANT_ICC_RUN_ADDR(run) - ICC_VIRT) >> PAGE_SHIFT;
    uint32_t last = first + ANT_ICC_RUN_PAGES(run) - 1;
    if (!ends_owned(from, first, last))
        return 0;
    for (uint32_t t = first / 1024 + 1; t < last / 1024; t++)
        if (!has_table(from, t))
            return 0;               /* icc_move reads from's PTEs there */
    return 1;
}

/* Pages [first, first+n) go back to from (icc_move met a page not its). */
static __attribute__((noinline, cold)) void move_back(struct vm *from, struct vm *to,
                                                      uint32_t first, uint32_t n)
{
    uint32_t *src = ptes_of(from) + first, *dst = ptes_of(to) + first;
    for (uint32_t i = 0; i < n; i++) {
        src[i] = dst[i];
        dst[i] = 0;
        owner_of[first + i].owner = from->owner;
    }
    /* No TLB holds the not-present PTEs of `to`, and from's are as they
     * were: nothing to flush. */
}

/* The pages of a move: for page i while src[i] is present, src[i] = 0,
 * dst[i] = pte + i pages, owner[i * 4] (the frame entries' owner fields)
 * = tag; returns the pages moved. Two pages a turn: 8 instructions a page
 * (the compiler's loop took 12, short of registers). */
static inline uint32_t move_loop(uint32_t *src, uint32_t *dst, uint16_t *owner, uint32_t pte,
                                 uint32_t n, uint16_t tag)
{
    _Static_assert(sizeof(struct frame) == 8, "move_loop steps frame entries by 8");
    uint32_t left = n, delta = (uint32_t)((char *)dst - (char *)src);
    __asm__ volatile("testl $1, %[left]\n\t"      /* an odd page first */
                     "jz 2f\n\t"
                     "testb $1, (%[s])\n\t"
                     "jz 3f\n\t"
                     "movl $0, (%[s])\n\t"
                     "movl %[pte], (%[s],%[d])\n\t"
                     "movw %[tag], (%[o])\n\t"
                     "addl $4096, %[pte]\n\t"
                     "addl $4, %[s]\n\t"
                     "addl $8, %[o]\n\t"
                     "decl %[left]\n"
                     "2:\n\t"
                     "testl %[left], %[left]\n\t"
                     "jz 3f\n"
                     "1:\n\t"
                     "testb $1, (%[s])\n\t"
                     "jz 3f\n\t"
                     "testb $1, 4(%[s])\n\t"
                     "jz 4f\n\t"
                     "movl $0, (%[s])\n\t"
                     "movl $0, 4(%[s])\n\t"
                     "movl %[pte], (%[s],%[d])\n\t"
                     "addl $4096, %[pte]\n\t"
                     "movl %[pte], 4(%[s],%[d])\n\t"
                     "addl $4096, %[pte]\n\t"
                     "movw %[tag], (%[o])\n\t"
                     "movw %[tag], 8(%[o])\n\t"
                     "addl $8, %[s]\n\t"
                     "addl $16, %[o]\n\t"
                     "subl $2, %[left]\n\t"
                     "jnz 1b\n\t"
                     "jmp 3f\n"
                     "4:\n\t"                      /* the first of the two only */
                     "movl $0, (%[s])\n\t"
                     "movl %[pte], (%[s],%[d])\n\t"
                     "movw %[tag], (%[o])\n\t"
                     "decl %[left]\n"
                     "3:"
                     : [left] "+r"(left), [s] "+r"(src), [o] "+r"(owner), [pte] "+r"(pte)
                     : [d] "r"(delta), [tag] "r"(tag)
                     : "memory", "cc");
    return n - left;
}

/* Pages [first, first+n) of from (valid, its ends its own, prepared in
 * to) to `to`: unmapped in from, mapped by the formula in to, the owner
 * changed, both counts; no TLB flush. The run is physically contiguous
 * (phys = virt - 2GB + base): its PTEs are one value stepped by a page,
 * computed once here. The sender's PTE is the ownership test (a present
 * one is its page: the ICC invariant, icc_check); from's tables exist
 * where it owns the ends. A page not its: the pages before it go back,
 * -ANT_EPERM, nothing changed. One page, the common case, without the
 * loop. */
static inline __attribute__((always_inline)) int move_pages(struct vm *from, struct vm *to,
                                                            uint32_t first, uint32_t n)
{
    uint32_t *src = ptes_of(from) + first, *dst = ptes_of(to) + first;
    if (n == 1) {
        if (!(*src & PTE_P))
            return -ANT_EPERM;
        *src = 0;
        *dst = pte_for(first);
        owner_of[first].owner = to->owner;
    } else {
        uint32_t moved = move_loop(src, dst, &owner_of[first].owner, pte_for(first), n,
                                   to->owner);
        if (__builtin_expect(moved < n, 0)) {
            move_back(from, to, first, moved);
            return -ANT_EPERM;
        }
    }
    __asm__("subl %1, %0" : "+m"(from->icc_pages) : "ri"(n));  /* one instruction each */
    __asm__("addl %1, %0" : "+m"(to->icc_pages) : "ri"(n));    /* (i586 code splits them) */
    return 0;
}

__attribute__((optimize("omit-frame-pointer"))) ICC_FAST_ABI int icc_move_fast(struct vm *from,
                                                                                struct vm *to,
                                                                                uint32_t run)
{
    uint32_t n = ANT_ICC_RUN_PAGES(run);
    int32_t first = run_first(ANT_ICC_RUN_ADDR(run), n);
    if (first < 0)
        return -1;
    uint32_t f = (uint32_t)first, last = f + n - 1;
    if (f / 1024 != last / 1024 || !has_table(to, f / 1024) || !ends_owned(from, f, last))
        return -1;
    return move_pages(from, to, f, n) ? -1 : 0;
}

/* icc_move_fast's checks in their one-page form: in the area (a va below
 * it wraps past npages), a table on both sides (from's: move_pages reads
 * its PTE, and a present one is its page, the ICC invariant). */
__attribute__((optimize("omit-frame-pointer"))) ICC_FAST_ABI int icc_move_one(struct vm *from,
                                                                               struct vm *to,
                                                                               uint32_t va)
{
    uint32_t f = (va - ICC_VIRT) >> PAGE_SHIFT;
    if (f >= npages || !has_table(from, f / 1024) || !has_table(to, f / 1024))
        return -1;
    return move_pages(from, to, f, 1) ? -1 : 0;
}

int icc_move(struct vm *from, struct vm *to, uint32_t run)
{
    uint32_t first = (ANT_ICC_RUN_ADDR(run) - ICC_VIRT) >> PAGE_SHIFT;
    uint32_t n = ANT_ICC_RUN_PAGES(run);
    int err = move_pages(from, to, first, n);
    if (!err)
        flush(from, first, n);
    return err;
}

/* A free run of n pages, next fit from the rover; -1 if none. */
static int32_t find_run(uint32_t n)
{
    for (int pass = 0; pass < 2; pass++) {
        uint32_t start = pass ? 0 : rover, end = pass ? rover + n - 1 : npages, len = 0;
        if (end > npages)
            end = npages;
        for (uint32_t i = start; i < end; i++) {
            if (!(i % 32) && !free_map[i / 32] && i + 32 <= end) {
                i += 31;            /* a whole word taken */
                len = 0;
                continue;
            }
            len = page_free(i) ? len + 1 : 0;
            if (len == n)
                return (int32_t)(i + 1 - n);
        }
    }
    return -1;
}

/* Pages in quarantine long enough: free. */
static void quarantine_expire(void)
{
    if (!nquarantined || (int32_t)(clock() - quarantine_end) < 0)
        return;
    icc_quarantine_end();
}

void icc_quarantine_end(void)
{
    for (uint32_t i = 0; nquarantined && i < npages; i++) {
        if (owner_of[i].owner == QUARANTINE_TAG) {
            owner_of[i].owner = 0;
            set_free(i, 1, 1);
        }
    }
    nquarantined = 0;
}

uint32_t icc_quarantined(void)
{
    return nquarantined;
}

int icc_alloc(struct vm *vm, uint32_t n, uint32_t *va)
{
    if (!n || n > ANT_ICC_RUN_MAX)
        return -ANT_EINVAL;
    quarantine_expire();
    if (n > nfree)
        return -ANT_ENOSPC;
    int32_t first = find_run(n);
    if (first < 0)
        return -ANT_ENOSPC;
    int err = prepare(vm, (uint32_t)first, n);
    if (err)
        return err;
    uint32_t *pte = ptes_of(vm) + first;
    set_free((uint32_t)first, n, 0);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t page = (uint32_t)first + i;
        void *w = window_map(icc_phys(ICC_VIRT + (page << PAGE_SHIFT)));
        memset(w, 0, PAGE_SIZE);    /* nothing of its last owner shows */
        window_unmap(w);
        owner_of[page].owner = vm->owner;
        pte[i] = pte_for(page);
    }
    vm->icc_pages += n;
    rover = (uint32_t)first + n < npages ? (uint32_t)first + n : 0;
    *va = ICC_VIRT + ((uint32_t)first << PAGE_SHIFT);
    return 0;
}

int icc_free(struct vm *vm, uint32_t va, uint32_t n)
{
    int32_t first = run_first(va, n);
    if (first < 0)
        return -ANT_EINVAL;
    if (!owned_by(vm, (uint32_t)first, n))
        return -ANT_EPERM;
    uint32_t *pte = ptes_of(vm) + first;
    for (uint32_t i = 0; i < n; i++) {
        pte[i] = 0;
        owner_of[first + i].owner = 0;
    }
    set_free((uint32_t)first, n, 1);
    vm->icc_pages -= n;
    flush(vm, (uint32_t)first, n);
    return 0;
}

void icc_release_all(struct vm *vm, int quarantine)
{
    uint32_t released = 0;
    for (uint32_t t = 0; t < ICC_MAX_PAGES / 1024; t++) {
        if (!has_table(vm, t))
            continue;
        uint32_t *pte = ptes_of(vm) + t * 1024;
        for (uint32_t j = 0; j < 1024; j++) {
            if (!(pte[j] & PTE_P))
                continue;
            uint32_t page = t * 1024 + j;
            if (page >= npages || owner_of[page].owner != vm->owner)
                panic("icc: tag %u maps ICC page %u it does not own", vm->owner, page);
            owner_of[page].owner = quarantine ? QUARANTINE_TAG : 0;
            if (!quarantine)
                set_free(page, 1, 1);
            pte[j] = 0;
            released++;
        }
        kspace_unmap((uint32_t)pte);    /* the table itself goes with the space */
        vm->icc_tables[t / 32] &= ~(1u << (t % 32));
    }
    if (released != vm->icc_pages)
        panic("icc: tag %u owned %u ICC pages but %u were mapped", vm->owner, vm->icc_pages, released);
    if (quarantine && released) {
        nquarantined += released;
        quarantine_end = clock() + QUARANTINE_TICKS;
    }
    vm->icc_pages = 0;
}

static int fail(char *why, size_t len, const char *fmt, uint32_t a, uint32_t b)
{
    fmt_snprintf(why, len, fmt, a, b);
    return -1;
}

int icc_check(char *why, size_t len, const struct vm *(*space_of)(uint16_t tag))
{
    uint32_t owned[ICC_PT_SLOTS] = { 0 }, mapped[ICC_PT_SLOTS] = { 0 }, free_pages = 0, held = 0;
    for (uint32_t i = 0; i < npages; i++) {
        uint16_t o = owner_of[i].owner;
        if (owner_of[i].state != FRAME_ICC)
            return fail(why, len, "page %u: frame state %u is not ICC", i, owner_of[i].state);
        if ((o == 0) != page_free(i))
            return fail(why, len, "page %u: owner %u disagrees with the free map", i, o);
        if (!o)
            free_pages++;
        else if (o == QUARANTINE_TAG)
            held++;
        else if (o > ICC_PT_SLOTS || !space_of(o))
            return fail(why, len, "page %u: owner tag %u is not a live process", i, o);
        else
            owned[o - 1]++;
    }
    if (free_pages != nfree)
        return fail(why, len, "%u pages free but the count says %u", free_pages, nfree);
    if (held != nquarantined)
        return fail(why, len, "%u pages in quarantine but the count says %u", held, nquarantined);
    /* Every present ICC PTE of every live space: its own page, by the formula. */
    for (uint16_t tag = 1; tag <= ICC_PT_SLOTS; tag++) {
        const struct vm *q = space_of(tag);
        if (!q)
            continue;
        for (uint32_t t = 0; t < ICC_MAX_PAGES / 1024; t++) {
            if (!has_table(q, t))
                continue;
            const uint32_t *pte = ptes_of(q) + t * 1024;
            for (uint32_t j = 0; j < 1024; j++) {
                uint32_t page = t * 1024 + j;
                if (!(pte[j] & PTE_P))
                    continue;
                if (page >= npages || owner_of[page].owner != tag)
                    return fail(why, len, "page %u: mapped by tag %u, not its owner", page, tag);
                if ((pte[j] & ~(uint32_t)(PTE_A | PTE_D)) != pte_for(page))
                    return fail(why, len, "page %u: not mapped by the formula (pte %x)", page, pte[j]);
                mapped[tag - 1]++;
            }
        }
        /* mapped pages are owned ones; as many as owned: all are mapped */
        if (mapped[tag - 1] != owned[tag - 1] || owned[tag - 1] != q->icc_pages)
            return fail(why, len, "tag %u: owns %u pages, maps or counts others", tag, owned[tag - 1]);
    }
    return 0;
}
