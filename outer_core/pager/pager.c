/*
 * pager: the virtual-memory policy (docs/DESIGN.md §5) in ring 3; the inner
 * core has only the mechanism (kernel/paging.c, SYS_VM_* in syscall.h).
 *
 * A fault in a lazy range, or in a paged program's image, comes to me as a
 * message (ANT_NOTE_FAULT) while the thread waits. I take a frame off my
 * free list, fill it (zeroed, from the program image, or read back from the
 * page's paging slot into my ICC bounce page), map it and let the thread
 * run again (SYS_VM_RESOLVE). Then, if the free list is under the low mark,
 * I fill it up to the high mark: from the pool (VM_GRAB) while I hold fewer
 * frames than max, else by stealing pages the clock picks (clock.h: file
 * pages first, then working storage).
 *
 * A stolen page that was written goes to its paging slot, which it is given
 * at that first write-out (deferred allocation) and keeps until its process
 * ends. It is copied out into a page I keep and written from a copy lent to
 * the disk driver, so a write that fails (or a driver that dies) loses
 * nothing: the page is mapped back and stays in memory. A clean page is
 * dropped: at its next fault it is read back from its slot, filled from
 * the image, or zeroed again. The pages a process was given last are not
 * stolen (struct client), so every page one instruction needs can be in
 * memory together.
 *
 * When no frame can be had and nothing can be stolen (RAM and paging space
 * both full), the process that faulted is killed; so is one whose page
 * cannot be read back. The others, and I, go on.
 *
 * Replacement (SVC_HANDOVER) moves all my tables to the successor, which
 * carries on. A pager restarted after a crash has lost them: it learns a
 * paged-out page's slot from the page's not-present PTE (w3 of the fault),
 * leaves alone the pages mapped before it, and gives out no new slot while
 * the processes paged before it live (any free-looking slot may be theirs).
 */
#include "lib/ant.h"
#include "lib/fmt.h"
#include "lib/serve.h"
#include "lib/string.h"
#include "lib/svc.h"
#include "outer_core/pager/clock.h"

#ifndef SVC_VERSION
#define SVC_VERSION 1
#endif

#define PAGE_SIZE   4096u
#define SLOTS_MAX   65536       /* 256 MiB of paging space at most */
#define SPACES_MAX  8           /* paging spaces the disk driver may serve */
#define DISK_TRIES  3           /* a request lost with a dying disk driver is sent again */
#define LOW_DEFAULT 16
#define HIGH_DEFAULT 48
#define RESERVE     256         /* pool frames left to everyone else, over
                                   the inner core's reserve for the servers */
#define MAX_MIN     64
#define TABLES_VIRT 0x10000000u /* where my tables are mapped */
#define PROCS_MAX   64          /* the inner core's process table */
#define PAGER_TRIES 500         /* 5 s for a predecessor to let go */
#define KILLED      (ANT_KILLED_BASE + 14)  /* the status of a killed program: a page fault */

/* What a successor takes over (SVC_HANDOVER): the counters and marks and,
 * when they fit in ICC pages, every page I have mapped and every slot in
 * use, so it carries on where I stopped. The records follow the header. */
struct state {
    uint32_t magic, version;
    struct pager_stats stats;
    uint32_t low, high, max;
    uint32_t whole;             /* the records are there */
    uint32_t npages, nslots;
};
struct page_rec { uint32_t pid, va, phys, flags; };
struct slot_rec { uint32_t slot, pid, va; };    /* pid 0: retired */
_Static_assert(sizeof(struct state) <= PAGE_SIZE, "the header fits one page");

static struct clock clk;
static uint32_t resolve_pid;        /* a fault served, to resolve with my next receive */
static struct slots sl;
static struct pager_stats st;       /* the counters; the rest is filled when asked */
static uint32_t low, high, max_frames;     /* 0 until set: by args, predecessor or default */
static uint32_t sweeps_before;      /* a predecessor's clock sweeps */
static char *keep;                  /* ICC page: a page being written out */
static char *io;                    /* ICC page lent to the disk driver */
static int paging;                  /* I am the pager */
/* A process with pages of mine, and the pages it was given last: the
 * clock passes them (PG_RECENT), so one instruction's pages (its text, a
 * source and a destination, each maybe across a page end) can all be in
 * memory at once. Else two faults could take turns stealing each other's
 * page, and the program would never get past the instruction. */
#define RECENT 8
struct client {
    uint32_t pid;
    struct { int32_t i; uint32_t va; } recent[RECENT];     /* entries, i -1: none */
    uint32_t next;
};
static struct client clients[PROCS_MAX];
static uint32_t nclients;
static uint32_t elders[PROCS_MAX], nelders;    /* processes paged before I started */
static uint32_t elders_resident;    /* their pages in memory when I started */
static struct state *prev;          /* my predecessor's state, until adopted */
static uint32_t prev_pages;
static uint32_t handed_pages, handed_slots;    /* in the state I packed for a successor */
/* Where slot numbers lie: slot s is slot s - first of the space with that
 * id (DISK_READ names it so). The layout is kept in the inner core's memo
 * for the pager (SYS_VM_MEMO), so a pager restarted after a crash reads
 * the slots in not-present PTEs as its predecessor meant them, whatever
 * order the disk driver finds the spaces in now. A space that has gone
 * keeps its range; its slots are never given again. */
#define LAYOUT_MAGIC 0x4C594F54u            /* "LYOT" */
struct space {
    uint32_t id, first, slots;
    uint32_t here;                          /* the driver serves it now */
};
struct layout {
    uint32_t magic, n;
    struct space s[SPACES_MAX];
};
_Static_assert(sizeof(struct layout) <= ANT_VM_MEMO_MAX, "the layout fits the memo");
static struct layout lay;

/* ---- small helpers ---- */

/* A call that returns a frame failed (-4095..-1: frames may look negative). */
static int failed(int32_t r)
{
    return r < 0 && r > -(int32_t)PAGE_SIZE;
}

static int gone(uint32_t pid)
{
    struct ant_procinfo info;
    return ant_procinfo(pid % PROCS_MAX, &info) != 0 || info.pid != pid ||
           info.state == ANT_PS_ZOMBIE;
}

static struct client *client(uint32_t pid)
{
    for (uint32_t k = 0; k < nclients; k++)
        if (clients[k].pid == pid)
            return &clients[k];
    if (nclients == PROCS_MAX)
        return 0;
    struct client *c = &clients[nclients++];
    c->pid = pid;
    c->next = 0;
    for (int r = 0; r < RECENT; r++)
        c->recent[r].i = -1;
    return c;
}

/* Entry i, just mapped at va for c, is recent; its oldest recent page
 * (if still c's, at that address) is not any more. */
static void make_recent(struct client *c, uint32_t i, uint32_t va)
{
    int32_t old = c->recent[c->next].i;
    const struct pg_frame *e = old >= 0 ? &clk.f[old] : 0;
    if (e && e->state == PG_USED && e->pid == c->pid && e->va == c->recent[c->next].va)
        clock_mark(&clk, (uint32_t)old, PG_RECENT, 0);
    c->recent[c->next].i = (int32_t)i;
    c->recent[c->next].va = va;
    c->next = (c->next + 1) % RECENT;
    clock_mark(&clk, i, PG_RECENT, 1);
}

static void remember(uint32_t *set, uint32_t *n, uint32_t pid)
{
    for (uint32_t i = 0; i < *n; i++)
        if (set[i] == pid)
            return;
    if (*n < PROCS_MAX)
        set[(*n)++] = pid;
}

static int slots_left(void)
{
    return !nelders && sl.used < sl.n;
}

/* My ICC page *page, allocated if I have none; 0 if there is none to have. */
static int icc_page(char **page)
{
    void *p;
    if (!*page && ant_icc_alloc(1, &p) == 0)
        *page = p;
    return *page != 0;
}

/* One page between a slot and the io page (DISK_READ, or DISK_WRITE of a
 * copy of from): 0 or -error. A request whose page died with the disk
 * driver (it crashed or was killed in the middle) is sent again, with a
 * new page, to the driver the process manager starts in its place. */
static int32_t disk_io(uint32_t op, uint32_t slot, const char *from)
{
    uint32_t i = 0;
    while (i < lay.n && !(slot >= lay.s[i].first && slot - lay.s[i].first < lay.s[i].slots))
        i++;
    if (i == lay.n || !lay.s[i].here)
        return -ANT_ENOENT;         /* its space has gone */
    for (int tries = 0; tries < DISK_TRIES; tries++) {
        if (!icc_page(&io))
            return -ANT_ENOMEM;
        if (from)
            memcpy(io, from, PAGE_SIZE);
        struct ant_msg m = {{op, lay.s[i].id, slot - lay.s[i].first, 1}, ANT_ICC_RUN(io, 1)};
        int32_t r = svc_call_priv("disk", &m);
        io = m.run ? (char *)ANT_ICC_RUN_ADDR(m.run) : 0;   /* 0: it died with the driver */
        if (io || r != -ANT_ESRCH)
            return r < 0 ? r : io ? 0 : -ANT_EIO;
        ant_printf("pager: the disk driver ended with my %s of slot %u: sent again\n",
                   op == DISK_READ ? "read" : "write", slot);
    }
    return -ANT_EIO;
}

/* End pid, whose fault I cannot serve, with one line saying why. */
static void kill(uint32_t pid, const char *why)
{
    ant_printf("pager: pid %u killed: %s\n", pid, why);
    if (ant_vm_resolve(pid, KILLED) == 0)
        st.kills++;
}

/* ---- stealing ---- */

static int32_t looked_bits;         /* of the page the hand looked at last */

static int referenced(void *ctx, const struct pg_frame *e)
{
    (void)ctx;
    looked_bits = ant_vm_bits(e->pid, e->va, VM_CLEAR_REF);
    return looked_bits > 0 && (looked_bits & VM_B_REF);
}

/* With no slot left to give, a written page without one cannot go (the
 * clock asks just after referenced: looked_bits are this page's). Such a
 * page is marked PG_NEEDSLOT (it stays written while mapped), and later
 * sweeps pass it without a call while no slot is free. */
static int eligible(void *ctx, const struct pg_frame *e)
{
    (void)ctx;
    if ((e->flags & PG_FILE) || slots_find(&sl, e->pid, e->va) >= 0)
        return 1;
    if (looked_bits > 0 && (looked_bits & VM_B_DIRTY))
        clock_mark(&clk, (uint32_t)(e - clk.f), PG_NEEDSLOT, 1);
    return slots_left() || looked_bits < 0 || !(looked_bits & VM_B_DIRTY);
}

static struct clock_ops clock_ops = {referenced, eligible, PG_RECENT};

/* The unmap of entry i returned r: 0, the frame is on my free list; 1, it
 * is not mine to steal after all (its process ended, or I was wrong). */
static int unmapped(uint32_t i, int32_t r)
{
    struct pg_frame *e = &clk.f[i];
    if (!failed(r)) {
        if ((uint32_t)r != e->phys)
            ant_printf("pager: pid %u page %x: frame %x, not %x\n", e->pid, e->va, (uint32_t)r,
                       e->phys);
        e->phys = (uint32_t)r;
        if (e->flags & PG_FILE)
            st.steals_file++;
        else
            st.steals_work++;
        clock_release(&clk, i);
        return 0;
    }
    if (r == -ANT_EAGAIN)               /* it runs on another CPU now: later */
        return 1;
    if (r == -ANT_EBUSY) {              /* pinned by the inner core's rules */
        clock_pin(&clk, i, 1);
        return 1;
    }
    if (r != -ANT_ESRCH)                /* the process ended: its frames went to the pool */
        ant_printf("pager: pid %u page %x: unmap: %s; forgotten\n", e->pid, e->va,
                   ant_strerror(r));
    clock_forget(&clk, i);
    return 1;
}

/* The write to slot failed: the page (in my keep page) is mapped back,
 * pinned (its PTE says clean now, but no slot holds it), and the slot is
 * never used again. */
static void write_failed(uint32_t i, uint32_t frame, uint32_t slot, int32_t err)
{
    struct pg_frame *e = &clk.f[i];
    ant_printf("pager: disk error writing slot %u (%s): slot retired, pid %u page %x stays "
               "in memory\n", slot, ant_strerror(err), e->pid, e->va);
    slots_retire(&sl, slot);
    e->phys = frame;
    if (ant_vm_map(e->pid, e->va, frame, (uint32_t)keep) == 0)
        clock_pin(&clk, i, 1);
    else
        clock_release(&clk, i);         /* it ended meanwhile: the frame is mine */
}

/* Write entry i's page to its slot (given now if it has none). */
static int page_out(uint32_t i, int32_t slot)
{
    struct pg_frame *e = &clk.f[i];
    uint32_t pid = e->pid, va = e->va;
    int fresh = slot < 0;
    if (fresh && (!slots_left() || (slot = slots_alloc(&sl, pid, va)) < 0))
        return 1;
    if (!icc_page(&keep) || !icc_page(&io)) {
        if (fresh)
            slots_free(&sl, (uint32_t)slot);
        return -1;
    }
    int32_t r = ant_vm_unmap(pid, va, (uint32_t)keep, (uint32_t)slot + 1);
    if (failed(r)) {
        if (fresh)
            slots_free(&sl, (uint32_t)slot);
        return unmapped(i, r);
    }
    int32_t w = disk_io(DISK_WRITE, (uint32_t)slot, keep);
    if (w < 0) {
        write_failed(i, (uint32_t)r, (uint32_t)slot, w);
        return -1;
    }
    st.page_outs++;
    return unmapped(i, r);
}

/* Steal entry i: 0 done, 1 not this one, -1 the paging disk fails. */
static int steal_page(uint32_t i)
{
    struct pg_frame *e = &clk.f[i];
    if (e->flags & PG_FILE)             /* read-only: the image has it */
        return unmapped(i, ant_vm_unmap(e->pid, e->va, 0, 0));
    int32_t bits = ant_vm_bits(e->pid, e->va, 0);
    if (bits < 0)
        return unmapped(i, bits);
    int32_t slot = slots_find(&sl, e->pid, e->va);
    if (bits & VM_B_DIRTY)
        return page_out(i, slot);
    return unmapped(i, ant_vm_unmap(e->pid, e->va, 0, slot >= 0 ? (uint32_t)slot + 1 : 0));
}

/* One frame onto the free list by stealing: 0; -1 if the paging disk
 * fails, -2 if nothing can go. */
static int steal(void)
{
    clock_ops.skip = PG_RECENT | (slots_left() ? 0 : PG_NEEDSLOT);
    for (uint32_t tries = 0; tries <= clk.n; tries++) {
        int32_t i = clock_victim(&clk, &clock_ops, 0);
        if (i < 0)
            return -2;
        int r = steal_page((uint32_t)i);
        if (r <= 0)
            return r;
    }
    return -2;
}

/* Up to n frames from the pool onto the free list, by one call, while I hold
 * fewer than max: 1 if any came. */
static int grow(uint32_t n)
{
    uint32_t pas[VM_GRAB_MAX], added = 0;
    if (clk.held >= max_frames)
        return 0;
    if (n > max_frames - clk.held)
        n = max_frames - clk.held;
    if (n > VM_GRAB_MAX)
        n = VM_GRAB_MAX;
    int32_t got = ant_vm_frame(VM_GRAB_MANY | n << 8, (uint32_t)pas);   /* one call */
    for (int32_t i = 0; i < got; i++) {
        if (clock_add(&clk, pas[i]) < 0)
            ant_vm_frame(VM_RELEASE, pas[i]);
        else
            added++;
    }
    return added != 0;
}

/* Under the low mark: back up to the high mark. */
static void refill(void)
{
    if (clk.nfree >= low)
        return;
    while (clk.nfree < high && (grow(high - clk.nfree) || steal() == 0))
        ;
}

/* ---- faults ---- */

/* The slot a faulting page is in: the inner core's word (w3) first. */
static int32_t slot_of(uint32_t pid, uint32_t va, uint32_t w3)
{
    int32_t mine = slots_find(&sl, pid, va);
    if (!w3 || (uint32_t)mine == w3 - 1)
        return mine;
    if (slots_claim(&sl, w3 - 1, pid, va) < 0)
        ant_printf("pager: pid %u page %x: slot %u is not its own here (mine: %d)\n", pid, va,
                   w3 - 1, mine);
    return (int32_t)(w3 - 1);
}

enum filled { FILLED, MAPPED_ALREADY, ENDED, KILLED_IT };

/* Fill frame entry i for (pid, va) and map it there. */
static enum filled fill(uint32_t i, uint32_t pid, uint32_t va, uint32_t file, int32_t slot)
{
    char why[64];
    uint32_t src = file ? VM_SRC_FILE : VM_SRC_ZERO;
    if (slot >= 0) {
        if (disk_io(DISK_READ, (uint32_t)slot, 0) < 0) {
            fmt_snprintf(why, sizeof why, "disk error reading slot %d", slot);
            kill(pid, why);
            return KILLED_IT;
        }
        src = (uint32_t)io;
    }
    int32_t r = ant_vm_map(pid, va, clk.f[i].phys, src);
    if (r == -ANT_EBUSY)
        return MAPPED_ALREADY;
    if (r == -ANT_ESRCH)
        return ENDED;
    if (r < 0) {
        fmt_snprintf(why, sizeof why, "its page %x cannot be mapped (%s)", va, ant_strerror(r));
        kill(pid, why);
        return KILLED_IT;
    }
    if (slot >= 0)
        st.page_ins++;
    else if (file)
        st.file_fills++;
    else
        st.zero_fills++;
    return FILLED;
}

static void fault(uint32_t pid, uint32_t w2, uint32_t w3)
{
    uint32_t va = w2 & ~(PAGE_SIZE - 1), file = w2 & VM_F_FILE;
    st.faults++;
    struct client *c = client(pid);
    int32_t slot = file ? -1 : slot_of(pid, va, w3);
    int r = clk.nfree || grow(1) ? 0 : steal();
    if (r < 0) {
        kill(pid, r == -1 ? "out of memory, and the paging disk fails"
                          : "out of memory and paging space");
        return;
    }
    uint32_t i = (uint32_t)clock_take(&clk);
    enum filled f = fill(i, pid, va, file, slot);
    if (f == FILLED) {
        clock_use(&clk, i, pid, va, file ? PG_FILE : 0);
        if (c)
            make_recent(c, i, va);
    } else {
        clock_release(&clk, i);
    }
    if (f != FILLED && f != MAPPED_ALREADY)
        return;
    if (clk.nfree >= low) {
        resolve_pid = pid;          /* with my next receive (next_message) */
        return;
    }
    ant_vm_resolve(pid, 0);         /* it runs while I refill */
    refill();
}

/* The serve loop's receive: a fault just served is resolved by the same
 * call (SYS_VM_RESOLVE_RECV: the thread runs at once while I wait). */
static int32_t next_message(struct ant_msg *m)
{
    uint32_t pid = resolve_pid;
    if (!pid)
        return ant_recv(0, m);
    resolve_pid = 0;
    m->w[0] = 0;                    /* the verdict: run again */
    m->run = 0;
    return ant_vm_resolve_recv((int32_t)pid, m);
}

/* Processes that ended (ANT_NOTE_VMEXIT; one note may stand for several):
 * their frames went back to the pool, their slots are free. */
static void reap(void)
{
    for (uint32_t k = 0; k < nclients;) {
        uint32_t pid = clients[k].pid;
        if (!gone(pid)) {
            k++;
            continue;
        }
        clock_forget_pid(&clk, pid);
        slots_free_pid(&sl, pid);
        clients[k] = clients[--nclients];   /* its entries are forgotten: no marks */
    }
    for (uint32_t k = 0; k < nelders;) {
        if (!gone(elders[k])) {
            k++;
            continue;
        }
        slots_free_pid(&sl, elders[k]);
        elders[k] = elders[--nelders];
        if (!nelders)
            ant_printf("pager: the processes paged before me have ended: slots given again\n");
    }
}

/* ---- requests ---- */

static void stats_now(struct pager_stats *s)
{
    *s = st;
    s->frames_managed = clk.held;
    s->frames_free = clk.nfree;
    s->low_mark = low;
    s->high_mark = high;
    s->clock_sweeps = sweeps_before + clk.sweeps;
    s->slots_total = sl.n;
    s->slots_used = sl.used;
}

static int op_stats(int32_t from, struct ant_msg *m)
{
    (void)from;
    if (!paging)
        return svc_answer(m, -ANT_ENOSYS, 0, 0, 0);
    if (!m->run)
        return svc_answer(m, -ANT_EINVAL, 0, 0, 0);
    struct pager_stats s;
    stats_now(&s);
    memcpy((void *)ANT_ICC_RUN_ADDR(m->run), &s, sizeof s);
    return svc_answer(m, 0, 0, 0, 0);
}

static const struct svc_op ops[] = {
    {PAGER_STATS, op_stats, 0},
};

static uint32_t state_bytes(uint32_t npages, uint32_t nslots)
{
    return sizeof(struct state) + npages * sizeof(struct page_rec) +
           nslots * sizeof(struct slot_rec);
}

/* The records of my mapped pages and used slots after header s. */
static void pack_records(struct state *s)
{
    struct page_rec *pr = (struct page_rec *)(s + 1);
    for (uint32_t i = 0; i < clk.n; i++) {
        const struct pg_frame *e = &clk.f[i];
        if (e->state == PG_USED)
            pr[s->npages++] = (struct page_rec){e->pid, e->va, e->phys, e->flags};
    }
    struct slot_rec *sr = (struct slot_rec *)(pr + s->npages);
    uint32_t pid, va;
    for (uint32_t i = 0; i < sl.n; i++)
        if (slots_owner(&sl, i, &pid, &va))
            sr[s->nslots++] = (struct slot_rec){i, pid, va};
}

/* SVC_HANDOVER: my state in a run of ICC pages (*bytes of it): all of it,
 * or the counters alone if the ICC area has no room; 0 if not even that. */
static uint32_t pack_state(uint32_t *bytes)
{
    uint32_t used = 0, pages;
    for (uint32_t i = 0; i < clk.n; i++)
        used += clk.f[i].state == PG_USED;
    pages = (state_bytes(used, sl.used) + PAGE_SIZE - 1) / PAGE_SIZE;
    void *run;
    int whole = pages <= ANT_ICC_RUN_MAX && ant_icc_alloc(pages, &run) == 0;
    if (!whole && ant_icc_alloc(pages = 1, &run) < 0)
        return 0;
    struct state *s = run;
    s->magic = SVC_STATE_MAGIC;
    s->version = SVC_VERSION;
    stats_now(&s->stats);
    s->low = low;
    s->high = high;
    s->max = max_frames;
    s->whole = (uint32_t)whole;
    s->npages = s->nslots = 0;
    if (whole)
        pack_records(s);
    handed_pages = s->npages;           /* the run is not mine once sent */
    handed_slots = s->nslots;
    *bytes = state_bytes(s->npages, s->nslots);
    return ANT_ICC_RUN(run, pages);
}

/* The successor has my state, and I end: the inner core gives my free
 * frames back to the pool and keeps faults for the next pager. */
static void handed(int32_t to)
{
    ant_printf("pager: handed %u pages and %u slots over to pid %d\n", handed_pages,
               handed_slots, to);
}

/* The inner core's messages: a fault to serve, or processes that ended. */
static void note(const struct ant_msg *m)
{
    if (m->w[0] == ANT_NOTE_FAULT)
        fault(m->w[1], m->w[2], m->w[3]);
    else if (m->w[0] == ANT_NOTE_VMEXIT)
        reap();
}

/* Without an ICC page for my state I carry on: the successor cannot
 * become the pager while I am. */
static const struct svc_hooks hooks = {.version = SVC_VERSION, .note = note,
                                       .state = pack_state, .handed = handed,
                                       .stay_without_state = 1, .recv = next_message};

/* ---- start-up ---- */

/* "low=N high=N max=N" (and takeover=PID from the process manager); a
 * value of 0 is no value. */
static void parse(const char *args)
{
    static const struct { const char *key; uint32_t *v; } keys[] = {
        {"low=", &low}, {"high=", &high}, {"max=", &max_frames},
    };
    for (const char *p = args; *p;) {
        while (*p == ' ')
            p++;
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        uint32_t i = 0, n = sizeof keys / sizeof keys[0], v = 0;
        while (i < n && strncmp(word, keys[i].key, strlen(keys[i].key)))
            i++;
        const char *d = word + (i < n ? strlen(keys[i].key) : 0);
        for (; d < p && *d >= '0' && *d <= '9' && v < 100000000; d++)
            v = v * 10 + (uint32_t)(*d - '0');
        if (i < n && d == p && d > word + strlen(keys[i].key))
            *keys[i].v = v;
        else if (word < p && strncmp(word, "takeover=", 9))
            ant_printf("pager: argument '%.*s' ignored (low=N high=N max=N)\n", (int)(p - word),
                       word);
    }
}

/* Water marks and max that make sense together. By default max is what
 * the pool has free less a reserve, and what processes paged before me
 * hold (it comes back to the pool when they end). */
static void settle_marks(void)
{
    struct ant_meminfo mi;
    if (!high)
        high = HIGH_DEFAULT;
    if (!low)
        low = LOW_DEFAULT;
    if (!max_frames && ant_meminfo(&mi) == 0) {
        uint32_t pool = mi.pool_free + elders_resident, keep = RESERVE + mi.reserve;
        max_frames = pool > keep + MAX_MIN ? pool - keep : MAX_MIN;
    }
    if (max_frames < MAX_MIN)
        max_frames = MAX_MIN;
    if (high > max_frames / 2)
        high = max_frames / 2;
    if (high < 2)
        high = 2;
    if (!low || low >= high)
        low = high / 2;
}

/* The state of the pager I replace (args "takeover=PID"): its counters
 * and marks now, its records once my tables are made (adopt). */
static void take_over(uint32_t old)
{
    void *state;
    uint32_t bytes, npages;
    int32_t r = svc_takeover(old, &state, &bytes, &npages);
    const struct state *s = state;
    if (r == 0 && (bytes < sizeof *s || s->magic != SVC_STATE_MAGIC ||
                   bytes != state_bytes(s->npages, s->nslots))) {
        ant_icc_free(state, npages);
        r = -ANT_EINVAL;
    }
    if (r < 0) {
        ant_printf("pager: no state from pid %u (%s): starting afresh\n", old, ant_strerror(r));
        return;
    }
    prev = state;
    prev_pages = npages;
    st = s->stats;
    sweeps_before = s->stats.clock_sweeps;
    low = low ? low : s->low;
    high = high ? high : s->high;
    max_frames = max_frames ? max_frames : s->max;
}

/* My predecessor's pages and slots into my tables. */
static void adopt(void)
{
    const struct page_rec *pr = (const struct page_rec *)(prev + 1);
    const struct slot_rec *sr = (const struct slot_rec *)(pr + prev->npages);
    uint32_t lost = 0;
    for (uint32_t i = 0; i < prev->npages; i++) {
        uint16_t flags = (uint16_t)(pr[i].flags & ~PG_RECENT);     /* it had its own */
        lost += clock_adopt(&clk, pr[i].phys, pr[i].pid, pr[i].va, flags) < 0;
        client(pr[i].pid);
    }
    for (uint32_t i = 0; i < prev->nslots; i++) {
        if (!sr[i].pid) {
            slots_retire(&sl, sr[i].slot);
        } else if (slots_claim(&sl, sr[i].slot, sr[i].pid, sr[i].va) == 0) {
            client(sr[i].pid);
        } else {
            lost++;
        }
    }
    if (lost)
        ant_printf("pager: %u of my predecessor's pages and slots do not fit my tables\n", lost);
    ant_printf("pager: took over %u pages and %u slots\n", prev->npages, prev->nslots);
    ant_icc_free(prev, prev_pages);
    prev = 0;
}

/* Become the pager, waiting for a predecessor to let go. */
static int32_t become_pager(void)
{
    int32_t r = ant_vm_pager();
    for (int i = 0; r == -ANT_EBUSY && i < PAGER_TRIES; i++) {
        ant_sleep(1);
        r = ant_vm_pager();
    }
    return r;
}

/* Processes with lazy ranges already: paged by a pager before me. */
static void find_elders(void)
{
    struct ant_procinfo p;
    struct ant_vminfo vi;
    uint32_t me = (uint32_t)ant_getpid();
    for (uint32_t i = 0; i < PROCS_MAX; i++)
        if (ant_procinfo(i, &p) == 0 && p.pid != me && p.state != ANT_PS_ZOMBIE &&
            ant_vm_info(p.pid, &vi) == 0 && vi.ranges) {
            remember(elders, &nelders, p.pid);
            elders_resident += vi.resident_pages;
        }
    if (nelders)
        ant_printf("pager: %u processes were paged before me: no new slots until they end\n",
                   nelders);
}

static void say_space(uint32_t i, uint32_t disk, uint32_t offered, const char *how)
{
    uint32_t id = lay.s[i].id;
    ant_printf("pager: paging space %02x%02x%02x%02x (disk %u): slots %u-%u%s%s\n", id & 0xFF,
               id >> 8 & 0xFF, id >> 16 & 0xFF, id >> 24, disk, lay.s[i].first,
               lay.s[i].first + lay.s[i].slots - 1,
               offered > lay.s[i].slots ? " (as many as my tables hold)" : "", how);
}

/* Whether there is a disk driver. The process manager knows (0: it runs
 * without one); its name may be missing for a moment while one driver
 * gives way to the next (ahci, then ata), and I wait that out. */
static int disk_driver(void)
{
    for (uint32_t t0 = ant_uptime(); ant_uptime() - t0 <= SVC_RETRY_TICKS; ant_sleep(1)) {
        if (pm_server_pid("disk") <= 0)
            return 0;
        if (ns_lookup("disk") > 0)
            return 1;
    }
    return 0;
}

/* The paging spaces the disk driver serves now, laid out as my
 * predecessor laid them (the memo), new ones after; the slots in all, gone
 * spaces' ranges included (0 without a disk driver or a paging space). */
static uint32_t disk_slots(void)
{
    struct layout old;
    uint32_t total = 0;
    int32_t n = ant_vm_memo(VM_MEMO_GET, &old, sizeof old);
    if (n == (int32_t)sizeof old && old.magic == LAYOUT_MAGIC && old.n <= SPACES_MAX)
        lay = old;
    else
        lay.n = 0;
    lay.magic = LAYOUT_MAGIC;
    for (uint32_t i = 0; i < lay.n; i++) {
        lay.s[i].here = 0;
        if (lay.s[i].first + lay.s[i].slots > total)
            total = lay.s[i].first + lay.s[i].slots;
    }
    int disk = disk_driver();
    if (!disk)
        ant_printf("pager: no disk driver\n");
    for (uint32_t k = 0; disk && k < SPACES_MAX; k++) {
        struct ant_msg m = {{DISK_INFO, k, 0, 0}, 0};
        if (svc_call_priv("disk", &m) < 0 || !m.w[1])
            break;
        uint32_t i = 0;
        while (i < lay.n && lay.s[i].id != m.w[2])
            i++;
        if (i < lay.n) {
            lay.s[i].here = 1;
            say_space(i, m.w[3], m.w[1], ", as before");
        } else if (lay.n < SPACES_MAX && total < SLOTS_MAX) {
            uint32_t slots = m.w[1] < SLOTS_MAX - total ? m.w[1] : SLOTS_MAX - total;
            lay.s[lay.n] = (struct space){m.w[2], total, slots, 1};
            total += slots;
            say_space(lay.n++, m.w[3], m.w[1], "");
        }
    }
    for (uint32_t i = 0; i < lay.n; i++)
        if (!lay.s[i].here)
            ant_printf("pager: paging space %08x (slots %u-%u) is gone: pages in it are lost\n",
                       lay.s[i].id, lay.s[i].first, lay.s[i].first + lay.s[i].slots - 1);
    ant_vm_memo(VM_MEMO_SET, &lay, sizeof lay);
    return total;
}

/* Slots of spaces that have gone (or past what my tables hold) are never
 * given out. */
static void retire_gone(void)
{
    for (uint32_t i = 0; i < lay.n; i++)
        if (!lay.s[i].here)
            for (uint32_t s = lay.s[i].first; s < lay.s[i].first + lay.s[i].slots && s < sl.n; s++)
                slots_retire(&sl, s);
}

static uint32_t round_up(uint32_t n, uint32_t to)
{
    return (n + to - 1) / to * to;
}

/* The frame table and the slot tables, mapped at TABLES_VIRT; 0 or -error. */
static int32_t tables(uint32_t nslots)
{
    uint32_t nheads = 1;
    while (nheads < nslots / 2)
        nheads <<= 1;
    uint32_t fbytes = round_up(max_frames * sizeof(struct pg_frame), 4);
    uint32_t bbytes = (nslots + 31) / 32 * 4, obytes = nslots * sizeof(struct pg_slot);
    uint32_t len = round_up(fbytes + bbytes + obytes + nheads * 4, PAGE_SIZE);
    int32_t r = ant_mmap(TABLES_VIRT, len, ANT_PROT_WRITE);
    if (r < 0)
        return r;
    char *base = (char *)TABLES_VIRT;
    clock_init(&clk, (struct pg_frame *)base, max_frames);
    slots_init(&sl, nslots, (uint32_t *)(base + fbytes), (struct pg_slot *)(base + fbytes + bbytes),
               (uint32_t *)(base + fbytes + bbytes + obytes), nheads);
    return 0;
}

/* Tables as big as asked, or smaller when memory is short: fewer frames
 * first, then fewer slots. */
static void make_tables(uint32_t nslots)
{
    int32_t r;
    while ((r = tables(nslots)) < 0 && (nslots > 0 || max_frames > MAX_MIN)) {
        if (max_frames > MAX_MIN)
            max_frames = max_frames / 2 > MAX_MIN ? max_frames / 2 : MAX_MIN;
        else
            nslots /= 2;
    }
    if (r < 0) {
        ant_printf("pager: no memory for my tables (%s)\n", ant_strerror(r));
        ant_exit(1);
    }
}

int main(const char *args)
{
    uint32_t old = svc_takeover_pid(args);
    parse(args);
    if (old)
        take_over(old);
    int32_t r = become_pager();
    paging = r == 0;
    if (!paging)
        ant_printf("pager: cannot become the pager: %s (serving nothing)\n", ant_strerror(r));
    if (!prev || !prev->whole)
        find_elders();
    uint32_t nslots = disk_slots();
    settle_marks();
    make_tables(nslots < SLOTS_MAX ? nslots : SLOTS_MAX);
    retire_gone();
    if (prev && prev->whole)
        adopt();
    else if (prev)
        ant_icc_free(prev, prev_pages);
    if (!sl.n)
        ant_printf("pager: no paging space: 0 slots (written pages stay in memory)\n");
    ant_printf("pager: build %u (pid %d): up to %u frames, low %u, high %u; %u paging slots "
               "(%u MiB)\n", SVC_VERSION, ant_getpid(), max_frames, low, high, sl.n,
               sl.n / 256);
    svc_serve(ops, sizeof ops / sizeof ops[0], &hooks);
}
