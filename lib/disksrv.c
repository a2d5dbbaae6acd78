/*
 * The disk server's half that does not depend on the controller. Every
 * request addresses a slot of a paging space found by lib/pspace.c; the
 * sector it turns into is computed here, inside the space, after the
 * header. So a disk without a valid header is never written, and no
 * request can reach a header or another partition. Reads and writes are
 * the pager's alone (the inner core says who the pager is: SYS_PROCINFO,
 * ANT_PI_PAGER), so no other program reads paged-out memory.
 */
#include "lib/disksrv.h"
#include "include/ant/servers.h"
#include "lib/ant.h"
#include "lib/fmt.h"
#include "lib/serve.h"
#include "lib/string.h"
#include "lib/svc.h"

#ifndef SVC_VERSION
#define SVC_VERSION 1
#endif

#define PAGE 4096u
#define REFUSALS_LOGGED 8               /* then they are only counted */

struct space {
    struct ps_space ps;
    uint32_t disk;                      /* index in disks */
    uint8_t header[PS_SECTOR];          /* its first sector, as found */
    uint8_t gone;                       /* not what it was after a reset */
};

/* What a successor takes over: the counters (it probes the hardware and
 * the disks again itself, after I have let go of them). */
struct state {
    uint32_t magic, version;
    uint32_t requests, sectors, errors;
};

static const char *me = "disk";
static struct dsk_disk disks[DSK_DISKS_MAX];
static uint8_t verify[DSK_DISKS_MAX];   /* reset since its headers were read */
static uint32_t ndisks;
static struct space spaces[DSK_SPACES_MAX];
static uint32_t nspaces;
static uint32_t icc_base;
static uint8_t *scratch;
static struct state st;
static uint32_t refusals;
static int hold_run;                    /* the failing transfer's pages stay mine */
static int quiet;                       /* a successor: no line per disk */
static const struct dsk_driver *serving; /* dsk_serve's */

int32_t dsk_init(const char *name)
{
    struct ant_iccinfo info;
    void *p;
    me = name;
    int32_t r = ant_icc_info(&info);
    if (r == 0)
        r = ant_icc_alloc(DSK_SCRATCH_PAGES, &p);
    if (r < 0)
        return r;
    icc_base = info.base;
    scratch = p;
    return 0;
}

uint32_t dsk_phys(const void *va)
{
    return (uint32_t)va - ANT_ICC_VIRT + icc_base;
}

uint8_t *dsk_scratch(void)
{
    return scratch;
}

int dsk_arg(const char *args, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = args; *p; p++)
        if ((p == args || p[-1] == ' ') && !strncmp(p, w, n) && (!p[n] || p[n] == ' '))
            return 1;
    return 0;
}

#define ID_LBA28    60                  /* IDENTIFY words 60-61 */
#define ID_CMDSET2  83
#define ID_LBA48_OK 0x0400
#define ID_LBA48    100                 /* words 100-103 */

uint64_t dsk_identify_size(const uint16_t id[256], uint8_t *lba48)
{
    uint32_t n28 = id[ID_LBA28] | (uint32_t)id[ID_LBA28 + 1] << 16;
    uint64_t n48 = id[ID_LBA48] | (uint64_t)id[ID_LBA48 + 1] << 16 |
                   (uint64_t)id[ID_LBA48 + 2] << 32 | (uint64_t)id[ID_LBA48 + 3] << 48;
    *lba48 = (id[ID_CMDSET2] & 0xC000) == 0x4000 && (id[ID_CMDSET2] & ID_LBA48_OK) && n48 >= n28;
    return *lba48 ? n48 : n28;
}

/* ---- finding the spaces ---- */

struct scan_ctx {
    const struct dsk_disk *d;
    const struct dsk_driver *drv;
};

/* The scan's reads go through the scratch pages (DMA lands in ICC pages). */
static int32_t scan_read(void *ctx, uint32_t lba, uint32_t count, void *buf)
{
    const struct scan_ctx *c = ctx;
    if (count > DSK_SCRATCH_PAGES * PAGE / PS_SECTOR)
        return -ANT_EINVAL;
    int32_t r = c->drv->transfer(c->d, 0, lba, count, scratch);
    if (r == 0 && buf != scratch)
        memmove(buf, scratch, count * PS_SECTOR);
    return r;
}

/* A space's name in requests: the first 4 bytes of its id. */
static uint32_t id_word(const struct ps_space *ps)
{
    uint32_t w;
    memcpy(&w, ps->id, sizeof w);
    return w;
}

/* A space whose id (or the word it is named by) an earlier one has: the
 * index of that one, or -1. */
static int32_t same_id(const struct ps_space *ps)
{
    for (uint32_t i = 0; i < nspaces; i++)
        if (id_word(&spaces[i].ps) == id_word(ps))
            return (int32_t)i;
    return -1;
}

static struct space *space_named(uint32_t id)
{
    for (uint32_t i = 0; i < nspaces; i++)
        if (id_word(&spaces[i].ps) == id && !spaces[i].gone)
            return &spaces[i];
    return 0;
}

void dsk_hold_run(void)
{
    hold_run = 1;
}

void dsk_unit_reset(uint32_t unit)
{
    for (uint32_t i = 0; i < ndisks; i++)
        if (disks[i].unit == unit)
            verify[i] = 1;
}

/* Disk i was reset: its spaces' headers must read back as they were, or
 * it may be another disk in the same place, and none of them is used. */
static void verify_disk(uint32_t i, const struct dsk_driver *drv)
{
    struct scan_ctx c = {&disks[i], drv};
    verify[i] = 0;
    for (uint32_t k = 0; k < nspaces; k++) {
        struct space *sp = &spaces[k];
        if (sp->disk != i || sp->gone)
            continue;
        int32_t r = scan_read(&c, sp->ps.start, 1, scratch);
        if (r == 0 && !memcmp(scratch, sp->header, PS_SECTOR))
            continue;
        sp->gone = 1;
        ant_printf("%s: disk %u (%s): after a reset its paging space %08x %s: not used any "
                   "more\n", me, i, disks[i].where, id_word(&sp->ps),
                   r ? "cannot be read" : "has another header (another disk?)");
    }
}

void dsk_add(const struct dsk_disk *d, const struct dsk_driver *drv)
{
    static uint8_t buf[PS_SCAN_BUF];    /* the scan's scratch, not for DMA */
    struct scan_ctx c = {d, drv};
    struct ps_scan s = {scan_read, &c, d->sectors, buf, {{0}}, 0, ""};
    if (ndisks == DSK_DISKS_MAX) {
        ant_printf("%s: disk (%s) not used: more than %u disks\n", me, d->where, DSK_DISKS_MAX);
        return;
    }
    uint32_t index = ndisks;
    disks[ndisks++] = *d;
    ps_scan_disk(&s);
    for (uint32_t i = 0; i < s.nspaces; i++) {
        int32_t twin = same_id(&s.space[i]);
        if (twin >= 0) {
            ant_printf("%s: disk %u (%s): a paging space with the id of disk %u's (a copy of "
                       "that disk?) is not used\n", me, index, d->where, spaces[twin].disk);
        } else if (nspaces < DSK_SPACES_MAX && scan_read(&c, s.space[i].start, 1,
                                                         spaces[nspaces].header) == 0) {
            spaces[nspaces].ps = s.space[i];
            spaces[nspaces].gone = 0;
            spaces[nspaces++].disk = index;
        }
    }
    if (!quiet)
        ant_printf("%s: disk %u (%s): %s, %u MiB: %s\n", me, index, d->where,
                   d->model[0] ? d->model : "no model name", (uint32_t)(d->sectors / 2048),
                   s.verdict);
}

void dsk_skip(const char *where, const char *what, const char *why)
{
    if (!quiet)
        ant_printf("%s: %s: %s: not used: %s\n", me, where, what, why);
}

void dsk_found_all(void)
{
    uint32_t slots = 0;
    for (uint32_t i = 0; i < nspaces; i++)
        slots += spaces[i].ps.slots;
    if (!nspaces)
        ant_printf("%s: no paging space on %u disk%s: nothing will be written\n", me, ndisks,
                   ndisks == 1 ? "" : "s");
    else
        ant_printf("%s: %u paging space%s, %u slots (%u MiB) in all; no other sector will be "
                   "written\n", me, nspaces, nspaces == 1 ? "" : "s", slots, slots / 256);
}

/* ---- waiting for the device ---- */

int32_t dsk_wait(uint32_t ticks, int irq_bound, int32_t (*done)(void *ctx, uint32_t irq),
                 void *ctx)
{
    int32_t r;
    if (!irq_bound) {
        for (uint32_t t0 = ant_uptime();; ant_sleep(1)) {
            if ((r = done(ctx, 0)) != 0)
                return r < 0 ? r : 0;
            if (ant_uptime() - t0 > ticks)
                return -ANT_ETIMEDOUT;
        }
    }
    ant_alarm(ticks);
    for (;;) {
        struct ant_msg m;
        if (ant_recv(ANT_PID_NOTES, &m) != 0)
            continue;
        if (m.w[0] == ANT_NOTE_ALARM)
            return -ANT_ETIMEDOUT;
        if ((r = done(ctx, m.w[0])) != 0) {
            ant_alarm(0);
            return r < 0 ? r : 0;
        }
    }
}

/* ---- requests ---- */

/* Is from the pager? The inner core knows, and is asked every time: a
 * pid is not reused soon, but it is reused. */
static int is_pager(uint32_t from)
{
    struct ant_procinfo info;
    return ant_procinfo(from % 64, &info) == 0 && info.pid == from &&
           (info.flags & ANT_PI_PAGER);
}

static void refused(uint32_t from, const char *what, const struct ant_msg *m)
{
    if (++refusals <= REFUSALS_LOGGED)
        ant_printf("%s: refused %s from pid %u (space %08x, slots %u+%u)%s\n", me, what, from,
                   m->w[1], m->w[2], m->w[3],
                   refusals == REFUSALS_LOGGED ? "; further refusals are not logged" : "");
}

static int op_info(int32_t from, struct ant_msg *m)
{
    (void)from;
    uint32_t i = m->w[1];
    if (i >= nspaces)
        return svc_answer(m, -ANT_ENOENT, 0, 0, 0);
    return svc_answer(m, 0, spaces[i].ps.slots, id_word(&spaces[i].ps), spaces[i].disk);
}

/* w1 = space id, w2 = first slot, w3 = slots: checked against the space
 * and the run, then moved. */
static int op_io(uint32_t from, struct ant_msg *m, int write)
{
    uint32_t first = m->w[2], n = m->w[3];
    const char *what = write ? "a write" : "a read";
    if (!is_pager(from)) {
        refused(from, write ? "a write (not the pager)" : "a read (not the pager)", m);
        return svc_answer(m, -ANT_EPERM, 0, 0, 0);
    }
    struct space *sp = space_named(m->w[1]);
    if (sp && verify[sp->disk]) {
        verify_disk(sp->disk, serving);
        sp = space_named(m->w[1]);
    }
    if (!sp) {
        refused(from, write ? "a write to no paging space of mine" : "a read of no paging space "
                "of mine", m);
        return svc_answer(m, -ANT_ENOENT, 0, 0, 0);
    }
    const struct ps_space *ps = &sp->ps;
    if (!m->run || !n || n > ANT_ICC_RUN_PAGES(m->run) || first >= ps->slots ||
        n > ps->slots - first) {
        refused(from, write ? "a write out of range" : "a read out of range", m);
        return svc_answer(m, -ANT_EINVAL, 0, 0, 0);
    }
    uint32_t lba = ps->start + PS_FIRST_SECTOR + first * PS_SLOT_SECTORS;
    uint32_t count = n * PS_SLOT_SECTORS;
    hold_run = 0;
    int32_t r = serving->transfer(&disks[sp->disk], write, lba, count,
                                  (uint8_t *)ANT_ICC_RUN_ADDR(m->run));
    st.requests++;
    if (r < 0 && hold_run) {
        ant_printf("%s: the controller may still use the pages of that request: kept\n", me);
        m->run = 0;                     /* the client sends again with a new page */
    }
    if (r < 0) {
        st.errors++;
        ant_printf("%s: %s of slots %u-%u of paging space %08x failed: %s\n", me, what, first,
                   first + n - 1, m->w[1], ant_strerror(r));
    } else {
        st.sectors += count;
    }
    return svc_answer(m, r, 0, 0, 0);
}

static int op_read(int32_t from, struct ant_msg *m)
{
    return op_io((uint32_t)from, m, 0);
}

static int op_write(int32_t from, struct ant_msg *m)
{
    return op_io((uint32_t)from, m, 1);
}

static int op_stats(int32_t from, struct ant_msg *m)
{
    (void)from;
    return svc_answer(m, 0, st.requests, st.sectors, st.errors);
}

static const struct svc_op ops[] = {
    {DISK_INFO, op_info, 0}, {DISK_READ, op_read, 0}, {DISK_WRITE, op_write, 0},
    {DISK_STATS, op_stats, 0},
};

/* An interrupt between requests (one during a request is dsk_wait's). */
static void note(const struct ant_msg *m)
{
    if (m->w[0] < 16 && serving->stray_irq)
        serving->stray_irq(m->w[0]);
}

/* SVC_HANDOVER: my counters to the successor, and I end. No request is
 * half done (one at a time); the controller is stopped first. */
static uint32_t state_page(uint32_t *bytes)
{
    st.magic = SVC_STATE_MAGIC;
    st.version = SVC_VERSION;
    if (serving->quiesce)
        serving->quiesce();
    return svc_state_page(&st, sizeof st, bytes);
}

static const struct svc_hooks hooks = {.version = SVC_VERSION, .note = note,
                                       .state = state_page};

void dsk_serve(const struct dsk_driver *drv)
{
    serving = drv;
    svc_serve(ops, sizeof ops / sizeof ops[0], &hooks);
}

static int state_sane(const void *state)
{
    return ((const struct state *)state)->magic == SVC_STATE_MAGIC;
}

void dsk_take_over(const char *args)
{
    uint32_t old = svc_takeover_pid(args);
    if (!old)
        return;
    int32_t r = svc_take_state(old, &st, sizeof st, state_sane);
    if (r < 0)
        ant_printf("%s: no state from pid %u (%s): starting afresh\n", me, old, ant_strerror(r));
    quiet = r == 0;                     /* it logged the disks already */
}
