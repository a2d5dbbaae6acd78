/* The server side of the outer core's protocol: replies, and both ends
 * of a hand-over of state (README, "Live replacement"). */
#include "lib/serve.h"
#include "lib/string.h"

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

/* A module name without its ".v2"-style build suffix. */
static size_t base_len(const char *name)
{
    size_t n = 0;
    while (name[n] && name[n] != '.')
        n++;
    return n;
}

int svc_successor_ok(uint32_t from)
{
    struct ant_procinfo me, them;
    uint32_t mine = (uint32_t)ant_getpid();
    if (ant_procinfo(mine % 64, &me) || ant_procinfo(from % 64, &them) || them.pid != from)
        return 0;
    size_t n = base_len(me.name);
    return them.ppid == me.ppid && from != mine && base_len(them.name) == n &&
           !memcmp(them.name, me.name, n);
}

int svc_hand_over(uint32_t from, struct ant_msg *m, const void *state, uint32_t bytes)
{
    void *page;
    struct ant_msg r = {{(uint32_t)-ANT_EPERM, 0, 0, 0}, m->run};
    if (!svc_successor_ok(from)) {
        svc_reply((int32_t)from, &r);
        return 0;
    }
    if (bytes > 4096 || ant_icc_alloc(1, &page) < 0) {
        r.w[0] = (uint32_t)-ANT_ENOMEM;
    } else {
        svc_free_run(m->run);       /* a handover request carries none */
        memcpy(page, state, bytes);
        r = (struct ant_msg){{0, bytes, SVC_STATE_MAGIC, 0}, ANT_ICC_RUN(page, 1)};
    }
    return svc_reply((int32_t)from, &r) == 0;
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
                   m.w[1] > ANT_ICC_RUN_PAGES(m.run) * 4096u))
        r = -ANT_EINVAL;
    if (r < 0) {
        if (m.run)
            ant_icc_free((void *)ANT_ICC_RUN_ADDR(m.run), ANT_ICC_RUN_PAGES(m.run));
        return r;
    }
    *state = (void *)ANT_ICC_RUN_ADDR(m.run);
    *bytes = m.w[1];
    *npages = ANT_ICC_RUN_PAGES(m.run);
    return 0;
}
