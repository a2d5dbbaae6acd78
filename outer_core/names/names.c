/*
 * names: the name server. Servers are known by name (up to 8 bytes), not
 * by pid, so a server that is replaced or restarted keeps its name and its
 * clients keep working (lib/svc.c looks the name up again). The process
 * manager registers the servers it starts, and those names are reserved:
 * nobody else may take one, not even while its server is down. Any other
 * program may register up to NAMES_PER_PROC free names for itself; a
 * name whose holder has ended is free again. Replaceable like every outer-core server: its
 * table goes to its successor in an ICC page (SVC_HANDOVER).
 */
#include "lib/serve.h"
#include "lib/string.h"
#include "lib/svc.h"

#ifndef SVC_VERSION
#define SVC_VERSION 1
#endif

#define NAMES_MAX 32
#define NAMES_PER_PROC 4        /* a program's own names: the table stays for everyone */
#define NAMES_FOR_PM 12         /* entries only the manager may fill (its servers) */

struct entry {
    uint32_t name[2];           /* packed, see svc_name_pack */
    uint32_t pid;
    uint32_t reserved;          /* registered by the manager: its to change */
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

/* Names held by pid (not reserved ones). */
static uint32_t held_by(uint32_t pid)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < st.n; i++)
        n += !st.e[i].reserved && st.e[i].pid == pid;
    return n;
}

/* A free entry: a new one, or one whose holder has ended (not reserved);
 * programs leave the last NAMES_FOR_PM to the manager. */
static struct entry *free_entry(int by_pm)
{
    if (st.n < NAMES_MAX - (by_pm ? 0 : NAMES_FOR_PM))
        return &st.e[st.n++];
    for (uint32_t i = 0; i < st.n; i++)
        if (!st.e[i].reserved && !alive(st.e[i].pid))
            return &st.e[i];
    return 0;
}

static int op_register(int32_t from, struct ant_msg *m)
{
    uint32_t caller = (uint32_t)from, pid = m->w[3] ? m->w[3] : caller;
    int by_pm = from == pm_pid();
    if (!valid_name(&m->w[1]))
        return svc_answer(m, -ANT_EINVAL, 0, 0, 0);
    if (!by_pm && pid != caller)
        return svc_answer(m, -ANT_EPERM, 0, 0, 0);     /* only the manager names others */
    struct entry *e = find(&m->w[1]);
    if (e && !by_pm && e->reserved)
        return svc_answer(m, -ANT_EPERM, 0, 0, 0);     /* a server's name, even while it is down */
    if (e && !by_pm && e->pid != caller && alive(e->pid))
        return svc_answer(m, -ANT_EBUSY, 0, 0, 0);
    if (!by_pm && (!e || e->pid != caller) && held_by(caller) >= NAMES_PER_PROC)
        return svc_answer(m, -ANT_EAGAIN, 0, 0, 0);    /* its quota */
    if (!e) {
        if (!(e = free_entry(by_pm)))
            return svc_answer(m, -ANT_EAGAIN, 0, 0, 0);
        e->name[0] = m->w[1];
        e->name[1] = m->w[2];
    }
    e->pid = pid;
    e->reserved = (uint32_t)by_pm;
    return svc_answer(m, 0, 0, 0, 0);
}

static int op_lookup(int32_t from, struct ant_msg *m)
{
    (void)from;
    struct entry *e = find(&m->w[1]);
    if (!e || !alive(e->pid))
        return svc_answer(m, -ANT_ENOENT, 0, 0, 0);    /* gone: the client asks again later */
    return svc_answer(m, 0, e->pid, 0, 0);
}

static int op_unregister(int32_t from, struct ant_msg *m)
{
    struct entry *e = find(&m->w[1]);
    if (!e)
        return svc_answer(m, -ANT_ENOENT, 0, 0, 0);
    if (from != pm_pid() && (e->pid != (uint32_t)from || e->reserved))
        return svc_answer(m, -ANT_EPERM, 0, 0, 0);
    *e = st.e[--st.n];
    return svc_answer(m, 0, 0, 0, 0);
}

static int op_list(int32_t from, struct ant_msg *m)
{
    (void)from;
    uint32_t i = m->w[1];
    if (i >= st.n)
        return svc_answer(m, -ANT_ENOENT, 0, 0, 0);
    return svc_answer(m, 0, st.e[i].name[0], st.e[i].name[1], st.e[i].pid);
}

static const struct svc_op ops[] = {
    {NS_REGISTER, op_register, 0}, {NS_LOOKUP, op_lookup, 0}, {NS_UNREGISTER, op_unregister, 0},
    {NS_LIST, op_list, 0},
};

/* SVC_HANDOVER: the table goes to the successor, and I end (also when
 * there was no page for it: the successor starts empty and the manager
 * names its servers again; two name servers would each answer half the
 * clients). */
static uint32_t state_page(uint32_t *bytes)
{
    return svc_state_page(&st, sizeof st, bytes);
}

static void handed(int32_t to)
{
    ant_printf("names: build %u (pid %d) handed %u names to pid %d\n", SVC_VERSION,
               ant_getpid(), st.n, to);
}

static const struct svc_hooks hooks = {.version = SVC_VERSION, .state = state_page,
                                       .handed = handed};

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
    svc_serve(ops, sizeof ops / sizeof ops[0], &hooks);
}
