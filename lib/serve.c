/*
 * The skeleton every outer-core server runs (lib/serve.h). A server is a
 * table of its operations and a few hooks; the loop, the replies, and the
 * operations every server has are here, written once:
 *
 * - SVC_PING answers the build.
 * - SVC_CRASH faults on purpose, for the process manager alone (it is a
 *   demonstration of restart, not a way for anyone to stop a server).
 * - SVC_HANDOVER gives the state to the successor and ends, for that
 *   successor alone: the process the manager started to replace me (it
 *   says so: PM_SUCCESSOR), never one that merely claims it.
 *   Single-threaded, the server has no request half done when it is asked,
 *   so the state is whole; requests it holds are answered by the handed
 *   hook (ERETRY: the client sends them again, to the successor).
 *
 * A reply that cannot be delivered (the caller has gone) frees the run the
 * caller had lent, so a dead client never leaves pages with a server.
 */
#include "lib/serve.h"
#include "lib/string.h"
#include "lib/svc.h"

#define PAGE 4096u

static const struct svc_hooks *hooks;

int svc_answer(struct ant_msg *m, int32_t status, uint32_t w1, uint32_t w2, uint32_t w3)
{
    m->w[0] = (uint32_t)status;
    m->w[1] = w1;
    m->w[2] = w2;
    m->w[3] = w3;
    return 1;
}

void svc_free_run(uint32_t run)
{
    if (run)
        ant_icc_free((void *)ANT_ICC_RUN_ADDR(run), ANT_ICC_RUN_PAGES(run));
}

int32_t svc_reply(int32_t pid, struct ant_msg *m)
{
    int32_t r = ant_reply(pid, m);
    if (r < 0)
        svc_free_run(m->run);
    return r;
}

/* ---- the built-in operations ---- */

static int ping(int32_t from, struct ant_msg *m)
{
    (void)from;
    return svc_answer(m, 0, hooks->version, 0, 0);
}

static int crash(int32_t from, struct ant_msg *m)
{
    if (from != pm_pid())
        return svc_answer(m, -ANT_EPERM, 0, 0, 0);
    volatile int *volatile nowhere = 0;    /* so the compiler keeps the store */
    *nowhere = 1;
    return 0;
}

/* May `from` take my state? Only the process the manager started to
 * replace me, and only if the manager is my parent: the manager's word,
 * not anything in a program's arguments. */
static int successor_ok(uint32_t from)
{
    struct ant_procinfo me;
    uint32_t mine = (uint32_t)ant_getpid();
    int32_t pm = pm_pid();
    if (pm < 0 || ant_procinfo(mine % 64, &me) || me.ppid != (uint32_t)pm || from == mine)
        return 0;
    struct ant_msg m = {{PM_SUCCESSOR, mine, 0, 0}, 0};
    return pm_call(&m) == 0 && m.w[1] == from;
}

/* My state to the successor, and I end; also without a page for it (the
 * successor starts fresh), unless the hooks say to stay. If the successor
 * died asking, I carry on. */
static int hand_over(int32_t from, struct ant_msg *m)
{
    uint32_t bytes = 0, run;
    if (!successor_ok((uint32_t)from))
        return svc_answer(m, -ANT_EPERM, 0, 0, 0);
    if ((run = hooks->state(&bytes)) != 0) {
        svc_free_run(m->run);           /* a hand-over request carries none */
        *m = (struct ant_msg){{0, bytes, SVC_STATE_MAGIC, 0}, run};
    } else {
        svc_answer(m, -ANT_ENOMEM, 0, 0, 0);
    }
    if (svc_reply(from, m) < 0 || (!run && hooks->stay_without_state))
        return 0;
    if (hooks->handed)
        hooks->handed(from);
    ant_exit(0);
}

/* SVC_PING is every server's; the other two only a replaceable one's (it
 * has a state hook): they come last. */
static const struct svc_op builtin[] = {
    {SVC_PING, ping, 0}, {SVC_CRASH, crash, 0}, {SVC_HANDOVER, hand_over, 0},
};
#define NBUILTIN (sizeof builtin / sizeof builtin[0])

static const struct svc_op *find(const struct svc_op *ops, uint32_t n, uint32_t op)
{
    for (uint32_t i = 0; i < n; i++)
        if (ops[i].op == op)
            return &ops[i];
    return 0;
}

/* One request: 1 when m is to be sent back now. */
static int request(const struct svc_op *ops, uint32_t n, int32_t from, struct ant_msg *m)
{
    const struct svc_op *o = find(ops, n, m->w[0]);
    if (!o)
        o = find(builtin, hooks->state ? NBUILTIN : 1, m->w[0]);
    if (!o)
        return svc_answer(m, -ANT_ENOSYS, 0, 0, 0);
    if (o->right && (svc_rights_of(from) & o->right) != o->right)
        return svc_answer(m, -ANT_EPERM, 0, 0, 0);     /* a lent run goes back */
    return o->fn(from, m);
}

void svc_serve(const struct svc_op *ops, uint32_t n, const struct svc_hooks *h)
{
    hooks = h;
    for (;;) {
        struct ant_msg m;
        int32_t from = h->recv ? h->recv(&m) : ant_recv(0, &m);
        if (from > 0 && request(ops, n, from, &m))
            svc_reply(from, &m);
        else if (from == 0 && h->note)
            h->note(&m);
    }
}

/* ---- hand-over: the state ---- */

uint32_t svc_state_page(const void *state, uint32_t size, uint32_t *bytes)
{
    void *page;
    if (size > PAGE || ant_icc_alloc(1, &page) < 0)
        return 0;
    memcpy(page, state, size);
    *bytes = size;
    return ANT_ICC_RUN(page, 1);
}

uint32_t svc_takeover_pid(const char *args)
{
    const char *p = args;
    uint32_t pid = 0;
    while (*p && strncmp(p, "takeover=", 9)) {     /* a word of args */
        while (*p && *p != ' ')
            p++;
        while (*p == ' ')
            p++;
    }
    if (!*p)
        return 0;
    for (p += 9; *p >= '0' && *p <= '9' && pid < 0x1000000; p++)
        pid = pid * 10 + (uint32_t)(*p - '0');
    return pid;
}

int32_t svc_take_state(uint32_t old, void *into, uint32_t size, int (*sane)(const void *state))
{
    void *state;
    uint32_t bytes, npages;
    int32_t r = svc_takeover(old, &state, &bytes, &npages);
    if (r < 0)
        return r;
    r = bytes == size && (!sane || sane(state)) ? 0 : -ANT_EINVAL;
    if (!r)
        memcpy(into, state, size);
    ant_icc_free(state, npages);
    return r;
}

int32_t svc_takeover(uint32_t old, void **state, uint32_t *bytes, uint32_t *npages)
{
    struct ant_msg m = {{SVC_HANDOVER, 0, 0, 0}, 0};
    int32_t r = ant_call((int32_t)old, &m);
    if (r >= 0 && (int32_t)m.w[0] < 0)
        r = (int32_t)m.w[0];
    if (r >= 0 && (m.w[2] != SVC_STATE_MAGIC || !m.run ||
                   m.w[1] > ANT_ICC_RUN_PAGES(m.run) * PAGE))
        r = -ANT_EINVAL;
    if (r < 0) {
        svc_free_run(m.run);
        return r;
    }
    *state = (void *)ANT_ICC_RUN_ADDR(m.run);
    *bytes = m.w[1];
    *npages = ANT_ICC_RUN_PAGES(m.run);
    return 0;
}
