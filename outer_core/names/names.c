/*
 * names: the name server. Servers are known by name (up to 8 bytes), not
 * by pid, so a server that is replaced or restarted keeps its name and its
 * clients keep working (lib/svc.c looks the name up again). The process
 * manager registers the servers it starts; any program may register a
 * free name for itself. Replaceable like every outer-core server: its
 * table goes to its successor in an ICC page (SVC_HANDOVER).
 */
#include "lib/serve.h"
#include "lib/string.h"
#include "lib/svc.h"

#ifndef SVC_VERSION
#define SVC_VERSION 1
#endif

#define NAMES_MAX 32

struct entry {
    uint32_t name[2];           /* packed, see svc_name_pack */
    uint32_t pid;
};

/* Everything the server knows: what a successor takes over. */
struct state {
    uint32_t magic;             /* SVC_STATE_MAGIC */
    uint32_t version;           /* the build that wrote it */
    uint32_t n;
    struct entry e[NAMES_MAX];
};

static struct state st;

static int alive(uint32_t pid)
{
    struct ant_procinfo info;
    return pid && ant_procinfo(pid % 64, &info) == 0 && info.pid == pid &&
           info.state != ANT_PS_ZOMBIE;
}

static struct entry *find(const uint32_t name[2])
{
    for (uint32_t i = 0; i < st.n; i++)
        if (st.e[i].name[0] == name[0] && st.e[i].name[1] == name[1])
            return &st.e[i];
    return 0;
}

static int valid_name(const uint32_t name[2])
{
    return (name[0] & 0xFF) != 0;   /* not empty */
}

static int32_t do_register(uint32_t from, struct ant_msg *m)
{
    uint32_t pid = m->w[3] ? m->w[3] : from;
    int by_pm = (int32_t)from == pm_pid();
    if (!valid_name(&m->w[1]))
        return -ANT_EINVAL;
    if (!by_pm && pid != from)
        return -ANT_EPERM;          /* only the manager names others */
    struct entry *e = find(&m->w[1]);
    if (e && !by_pm && e->pid != from && alive(e->pid))
        return -ANT_EBUSY;
    if (!e) {
        if (st.n == NAMES_MAX)
            return -ANT_EAGAIN;
        e = &st.e[st.n++];
        e->name[0] = m->w[1];
        e->name[1] = m->w[2];
    }
    e->pid = pid;
    return 0;
}

static int32_t do_lookup(struct ant_msg *m)
{
    struct entry *e = find(&m->w[1]);
    if (!e || !alive(e->pid))
        return -ANT_ENOENT;         /* gone: the client asks again later */
    m->w[1] = e->pid;
    return 0;
}

static int32_t do_unregister(uint32_t from, struct ant_msg *m)
{
    struct entry *e = find(&m->w[1]);
    if (!e)
        return -ANT_ENOENT;
    if (e->pid != from && (int32_t)from != pm_pid())
        return -ANT_EPERM;
    *e = st.e[--st.n];
    return 0;
}

static int32_t do_list(struct ant_msg *m)
{
    uint32_t i = m->w[1];
    if (i >= st.n)
        return -ANT_ENOENT;
    m->w[1] = st.e[i].name[0];
    m->w[2] = st.e[i].name[1];
    m->w[3] = st.e[i].pid;
    return 0;
}

/* SVC_HANDOVER: the table goes to the successor, and I end (also when
 * there was no page for it: the successor starts empty and the manager
 * names its servers again; two name servers would each answer half the
 * clients). */
static void hand_over(uint32_t from, struct ant_msg *m)
{
    if (!svc_hand_over(from, m, &st, sizeof st))
        return;
    ant_printf("names: build %u (pid %d) handed %u names to pid %u\n", SVC_VERSION,
               ant_getpid(), st.n, from);
    ant_exit(0);
}

static int state_sane(const void *state)
{
    return ((const struct state *)state)->n <= NAMES_MAX;
}

static void take_over(uint32_t old)
{
    int32_t err = svc_take_state(old, &st, sizeof st, state_sane);
    if (err)
        ant_printf("names: no state from pid %u (%s): starting empty\n", old, ant_strerror(err));
    st.version = SVC_VERSION;
}

int main(const char *args)
{
    uint32_t old = svc_takeover_pid(args);
    st.magic = SVC_STATE_MAGIC;
    st.version = SVC_VERSION;
    if (old)
        take_over(old);
    ant_printf("names: build %u (pid %d) serving %u names\n", SVC_VERSION, ant_getpid(), st.n);
    struct ant_msg m;
    int32_t from = ant_recv(0, &m);
    for (;;) {
        int32_t status;
        if (from <= 0) {            /* no IRQs here; errors: take the next */
            from = ant_recv(0, &m);
            continue;
        }
        if (m.run) {                /* no operation takes pages */
            ant_icc_free((void *)ANT_ICC_RUN_ADDR(m.run), ANT_ICC_RUN_PAGES(m.run));
            m.run = 0;
        }
        switch (m.w[0]) {
        case NS_REGISTER: status = do_register((uint32_t)from, &m); break;
        case NS_LOOKUP: status = do_lookup(&m); break;
        case NS_UNREGISTER: status = do_unregister((uint32_t)from, &m); break;
        case NS_LIST: status = do_list(&m); break;
        case SVC_PING: m.w[1] = SVC_VERSION; status = 0; break;
        case SVC_HANDOVER:
            hand_over((uint32_t)from, &m);
            from = ant_recv(0, &m);
            continue;
        case SVC_CRASH:
            if (from == pm_pid())
                *(volatile uint32_t *)0 = 0;    /* a demonstration fault */
            status = -ANT_EPERM;
            break;
        default: status = -ANT_ENOSYS;
        }
        m.w[0] = (uint32_t)status;
        from = ant_replyrecv(from, &m);
    }
}
