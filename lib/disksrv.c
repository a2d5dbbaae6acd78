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
};

/* What a successor takes over: the counters (it probes the hardware and
 * the disks again itself, after I have let go of them). */
struct state {
    uint32_t magic, version;
    uint32_t requests, sectors, errors;
};

static const char *me = "disk";
static struct dsk_disk disks[DSK_DISKS_MAX];
static uint32_t ndisks;
static struct space spaces[DSK_SPACES_MAX];
static uint32_t nspaces;
static uint32_t icc_base;
static uint8_t *scratch;
static struct state st;
static uint32_t pager;                  /* the pid last found to be the pager */
static uint32_t refusals;
static int quiet;                       /* a successor: no line per disk */

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

/* A space whose id an earlier one has: the index of that one, or -1. */
static int32_t same_id(const struct ps_space *ps)
{
    for (uint32_t i = 0; i < nspaces; i++)
        if (!memcmp(spaces[i].ps.id, ps->id, sizeof ps->id))
            return (int32_t)i;
    return -1;
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
        } else if (nspaces < DSK_SPACES_MAX) {
            spaces[nspaces].ps = s.space[i];
            spaces[nspaces++].disk = index;
        }
    }
    if (!quiet)
        ant_printf("%s: disk %u (%s): %s, %u MiB: %s\n", me, index, d->where,
                   d->model[0] ? d->model : "no model name", d->sectors / 2048, s.verdict);
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

static int answer(struct ant_msg *m, int32_t status, uint32_t w1, uint32_t w2, uint32_t w3)
{
    m->w[0] = (uint32_t)status;
    m->w[1] = w1;
    m->w[2] = w2;
    m->w[3] = w3;
    return 1;
}

/* Is from the pager? The inner core knows; pids are not reused soon, so
 * the answer is kept while the same pid asks. */
static int is_pager(uint32_t from)
{
    struct ant_procinfo info;
    if (from == pager)
        return 1;
    if (ant_procinfo(from % 64, &info) || info.pid != from || !(info.flags & ANT_PI_PAGER))
        return 0;
    pager = from;
    return 1;
}

static void refused(uint32_t from, const char *what, const struct ant_msg *m)
{
    if (++refusals <= REFUSALS_LOGGED)
        ant_printf("%s: refused %s from pid %u (space %u, slots %u+%u)%s\n", me, what, from,
                   m->w[1], m->w[2], m->w[3],
                   refusals == REFUSALS_LOGGED ? "; further refusals are not logged" : "");
}

static int op_info(uint32_t from, struct ant_msg *m)
{
    (void)from;
    uint32_t i = m->w[1];
    if (i >= nspaces)
        return answer(m, -ANT_ENOENT, 0, 0, 0);
    const struct ps_space *ps = &spaces[i].ps;
    uint32_t id;
    memcpy(&id, ps->id, sizeof id);
    return answer(m, 0, ps->slots, id, spaces[i].disk);
}

/* w1 = space, w2 = first slot, w3 = slots: checked against the space and
 * the run, then moved. */
static int op_io(uint32_t from, struct ant_msg *m, int write, const struct dsk_driver *drv)
{
    uint32_t i = m->w[1], first = m->w[2], n = m->w[3];
    const char *what = write ? "a write" : "a read";
    if (!is_pager(from)) {
        refused(from, write ? "a write (not the pager)" : "a read (not the pager)", m);
        return answer(m, -ANT_EPERM, 0, 0, 0);
    }
    if (i >= nspaces)
        return answer(m, -ANT_ENOENT, 0, 0, 0);
    const struct ps_space *ps = &spaces[i].ps;
    if (!m->run || !n || n > ANT_ICC_RUN_PAGES(m->run) || first >= ps->slots ||
        n > ps->slots - first) {
        refused(from, write ? "a write out of range" : "a read out of range", m);
        return answer(m, -ANT_EINVAL, 0, 0, 0);
    }
    uint32_t lba = ps->start + PS_FIRST_SECTOR + first * PS_SLOT_SECTORS;
    uint32_t count = n * PS_SLOT_SECTORS;
    int32_t r = drv->transfer(&disks[spaces[i].disk], write, lba, count,
                              (uint8_t *)ANT_ICC_RUN_ADDR(m->run));
    st.requests++;
    if (r < 0) {
        st.errors++;
        ant_printf("%s: %s of slots %u-%u of paging space %u failed: %s\n", me, what, first,
                   first + n - 1, i, ant_strerror(r));
    } else {
        st.sectors += count;
    }
    return answer(m, r, 0, 0, 0);
}

static int op_stats(struct ant_msg *m)
{
    return answer(m, 0, st.requests, st.sectors, st.errors);
}

/* Hand my counters to the successor and end: no request is half done (one
 * at a time), the controller is stopped. */
static void op_handover(uint32_t from, struct ant_msg *m, const struct dsk_driver *drv)
{
    st.magic = SVC_STATE_MAGIC;
    st.version = SVC_VERSION;
    if (!svc_successor_ok(from)) {
        struct ant_msg r = {{(uint32_t)-ANT_EPERM, 0, 0, 0}, m->run};
        svc_reply((int32_t)from, &r);
        return;
    }
    if (drv->quiesce)
        drv->quiesce();
    if (svc_hand_over(from, m, &st, sizeof st))
        ant_exit(0);
}

/* One request: 1 when m is to be sent back now. */
static int request(uint32_t from, struct ant_msg *m, const struct dsk_driver *drv)
{
    switch (m->w[0]) {
    case DISK_INFO: return op_info(from, m);
    case DISK_READ: return op_io(from, m, 0, drv);
    case DISK_WRITE: return op_io(from, m, 1, drv);
    case DISK_STATS: return op_stats(m);
    case SVC_PING: return answer(m, 0, SVC_VERSION, 0, 0);
    case SVC_CRASH:
        if (from != (uint32_t)pm_pid())
            return answer(m, -ANT_EPERM, 0, 0, 0);
        *(volatile int *volatile)0 = 1;     /* a demonstration fault */
        return 0;
    case SVC_HANDOVER: op_handover(from, m, drv); return 0;
    default: return answer(m, -ANT_ENOSYS, 0, 0, 0);
    }
}

void dsk_serve(const struct dsk_driver *drv)
{
    for (;;) {
        struct ant_msg m;
        int32_t from = ant_recv(0, &m);
        if (from == 0 && m.w[0] < 16 && drv->stray_irq)
            drv->stray_irq(m.w[0]);
        else if (from > 0 && request((uint32_t)from, &m, drv))
            svc_reply(from, &m);
    }
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
