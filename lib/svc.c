/* Client side of the outer-core servers: names, the retry rule, console
 * lines. Everything here is IPC; no server is special to the inner core. */
#include "lib/svc.h"
#include <stdarg.h>
#include "lib/fmt.h"
#include "lib/string.h"

#define CACHE_SLOTS 4

static int32_t pm;                      /* the process manager, once found */
static int32_t names;                   /* the name server, as last told */
static struct {
    uint32_t w[2];
    int32_t pid;
} cache[CACHE_SLOTS];                   /* names looked up, by slot */
static uint32_t cache_next;
static char *con_page;                  /* my ICC page for console traffic */

int svc_name_pack(const char *name, uint32_t w[2])
{
    size_t n = strlen(name);
    char b[8];
    if (!n)
        return -ANT_EINVAL;
    if (n > ANT_SVC_NAME_MAX)
        return -ANT_ENAMETOOLONG;
    memset(b, 0, sizeof b);
    memcpy(b, name, n);
    memcpy(w, b, sizeof b);
    return 0;
}

void svc_name_unpack(const uint32_t w[2], char *buf)
{
    memcpy(buf, w, ANT_SVC_NAME_MAX);
    buf[ANT_SVC_NAME_MAX] = 0;
}

int32_t pm_pid(void)
{
    struct ant_procinfo info;
    if (pm && ant_procinfo((uint32_t)pm % 64, &info) == 0 && info.pid == (uint32_t)pm &&
        (info.flags & ANT_PI_MANAGER))
        return pm;
    pm = 0;
    for (uint32_t i = 0; ant_procinfo(i, &info) != -ANT_EINVAL; i++)
        if ((info.flags & ANT_PI_MANAGER) && info.state != ANT_PS_ZOMBIE)
            return pm = (int32_t)info.pid;      /* the inner core says which */
    return -ANT_ESRCH;
}

uint32_t svc_rights_of(int32_t pid)
{
    struct ant_procinfo info;
    if (pid <= 0 || ant_procinfo((uint32_t)pid % 64, &info) || info.pid != (uint32_t)pid ||
        info.state == ANT_PS_ZOMBIE)
        return 0;
    return info.rights;
}

int32_t pm_call(struct ant_msg *m)
{
    int32_t pid = pm_pid();
    if (pid < 0)
        return pid;
    int32_t r = ant_call(pid, m);
    return r < 0 ? r : (int32_t)m->w[0];
}

int32_t pm_server_pid(const char *name)
{
    uint32_t want[2];
    int32_t r = svc_name_pack(name, want);
    for (uint32_t i = 0; r == 0; i++) {
        struct ant_msg m = {{PM_SERVERS, i, 0, 0}, 0};
        if ((r = pm_call(&m)) == 0 && m.w[1] == want[0] && m.w[2] == want[1])
            return (int32_t)m.w[3];
    }
    return r;
}

/* The name server's pid, from the process manager; 0 if none yet. */
static int32_t names_pid(int fresh)
{
    if (names && !fresh)
        return names;
    struct ant_msg m = {{PM_NAMESERVER, 0, 0, 0}, 0};
    int32_t r = pm_call(&m);
    names = r < 0 ? 0 : (int32_t)m.w[1];
    return names;
}

/* One request to the name server, asking the process manager again where
 * it is when it has gone (it may be restarting). */
static int32_t ns_call(struct ant_msg *m);

/* The names I registered for myself, told again to a name server I have
 * not talked to before: one restarted after a crash starts with only the
 * servers' names (the manager's), and mine would be lost. */
#define OWN_NAMES 4
static uint32_t own[OWN_NAMES][2], nown;
static int32_t names_seen;

static void names_now(int32_t pid)
{
    if (pid == names_seen)
        return;
    int again = names_seen != 0;
    names_seen = pid;
    for (uint32_t i = 0; again && i < nown; i++) {
        struct ant_msg m = {{NS_REGISTER, own[i][0], own[i][1], 0}, 0};
        ns_call(&m);
    }
}

static int32_t ns_call(struct ant_msg *m)
{
    struct ant_msg req = *m;
    for (uint32_t t0 = ant_uptime(), fresh = 0;; fresh = 1) {
        int32_t pid = names_pid((int)fresh), r = -ANT_ESRCH;
        if (!pid && pm_pid() > 0)
            return -ANT_ENOENT;     /* the manager runs no name server */
        if (pid > 0)
            names_now(pid);         /* a new one: my names first */
        *m = req;
        if (pid > 0 && (r = ant_call(pid, m)) >= 0 && (int32_t)m->w[0] != -ANT_ERETRY)
            return (int32_t)m->w[0];
        if (r < 0 && r != -ANT_ESRCH)
            return r;
        if (ant_uptime() - t0 > SVC_RETRY_TICKS)
            return -ANT_ESRCH;
        ant_sleep(1);
    }
}

int32_t ns_lookup(const char *name)
{
    struct ant_msg m = {{NS_LOOKUP, 0, 0, 0}, 0};
    int err = svc_name_pack(name, &m.w[1]);
    if (err)
        return err;
    int32_t r = ns_call(&m);
    return r < 0 ? r : (int32_t)m.w[1];
}

int32_t ns_register(const char *name, uint32_t pid)
{
    struct ant_msg m = {{NS_REGISTER, 0, 0, pid}, 0};
    int err = svc_name_pack(name, &m.w[1]);
    if (err)
        return err;
    uint32_t w[2] = {m.w[1], m.w[2]};
    int32_t r = ns_call(&m);
    int mine = pid == 0 || pid == (uint32_t)ant_getpid(), known = 0;
    for (uint32_t i = 0; i < nown; i++)
        known |= own[i][0] == w[0] && own[i][1] == w[1];
    if (r == 0 && mine && !known && nown < OWN_NAMES) {
        own[nown][0] = w[0];
        own[nown++][1] = w[1];
    }
    return r;
}

static int32_t *cached(const uint32_t w[2])
{
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (cache[i].pid && cache[i].w[0] == w[0] && cache[i].w[1] == w[1])
            return &cache[i].pid;
    uint32_t i = cache_next++ % CACHE_SLOTS;
    cache[i].w[0] = w[0];
    cache[i].w[1] = w[1];
    cache[i].pid = 0;
    return &cache[i].pid;
}

/* Is pid a server the process manager started with I/O rights? (A name
 * may be held by anyone while its server is down.) */
static int privileged_server(int32_t pid)
{
    struct ant_procinfo info;
    return ant_procinfo((uint32_t)pid % 64, &info) == 0 && info.pid == (uint32_t)pid &&
           info.priv && (int32_t)info.ppid == pm_pid() && info.state != ANT_PS_ZOMBIE;
}

static int32_t call(const char *name, struct ant_msg *m, int need_priv)
{
    uint32_t w[2];
    int err = svc_name_pack(name, w);
    if (err)
        return err;
    int32_t *pid = cached(w);
    struct ant_msg req = *m;
    for (uint32_t t0 = ant_uptime();;) {
        if (!*pid) {
            int32_t p = ns_lookup(name);
            if (p < 0 && p != -ANT_ENOENT)
                return p;
            *pid = p > 0 && (!need_priv || privileged_server(p)) ? p : 0;
        }
        int32_t r = *pid ? ant_call(*pid, m) : -ANT_ESRCH;
        if (r >= 0 && (int32_t)m->w[0] != -ANT_ERETRY)
            return (int32_t)m->w[0];
        if (r < 0 && r != -ANT_ESRCH)
            return r;
        uint32_t run = m->run;              /* kept (never taken) or given back */
        if (req.run && !run)                /* it died with the server */
            return -ANT_ESRCH;
        if (ant_uptime() - t0 > SVC_RETRY_TICKS)
            return -ANT_ESRCH;
        *pid = 0;                           /* look it up again */
        *m = req;
        m->run = run;
        ant_sleep(1);
    }
}

int32_t svc_call(const char *name, struct ant_msg *m)
{
    return call(name, m, 0);
}

int32_t svc_call_priv(const char *name, struct ant_msg *m)
{
    return call(name, m, 1);
}

/* My console page, allocated once (and again if it died with a server). */
static char *page(void)
{
    void *p;
    if (!con_page && ant_icc_alloc(1, &p) == 0)
        con_page = p;
    return con_page;
}

/* One console call with my page; a lost page is replaced and refilled. */
static int32_t con_call(struct ant_msg *m, const char *text, uint32_t len)
{
    for (int tries = 0; tries < 3; tries++) {
        char *pg = page();
        if (!pg)
            return -ANT_ENOMEM;
        if (text)
            memcpy(pg, text, len);
        m->run = ANT_ICC_RUN(pg, 1);
        int32_t r = svc_call("console", m);
        if (m->run)
            con_page = (char *)ANT_ICC_RUN_ADDR(m->run);
        else
            con_page = 0;                   /* gone with a dead console */
        if (r != -ANT_ESRCH || con_page)
            return r;
    }
    return -ANT_ESRCH;
}

int32_t con_write(const char *s, uint32_t len)
{
    for (uint32_t done = 0; done < len;) {
        uint32_t n = len - done < 4096 ? len - done : 4096;
        struct ant_msg m = {{CON_WRITE, n, 0, 0}, 0};
        int32_t r = con_call(&m, s + done, n);
        if (r < 0)
            return done ? (int32_t)done : r;
        done += n;
    }
    return (int32_t)len;
}

int con_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = ant_vprint(con_write, fmt, ap);
    va_end(ap);
    return n;
}

int32_t con_readline(char *buf, uint32_t size, uint32_t *flags)
{
    return con_readline_words(buf, size, flags, 0, 0);
}

int32_t con_readline_words(char *buf, uint32_t size, uint32_t *flags, const char *words,
                           uint32_t len)
{
    struct ant_msg m = {{CON_READ, 0, 0, 0}, 0};
    if (!size || len > CON_WORDS_MAX)
        return -ANT_EINVAL;
    m.w[1] = len;
    int32_t r = con_call(&m, words, len);
    if (r < 0)
        return r;
    uint32_t n = m.w[1] < size - 1 ? m.w[1] : size - 1;
    if (n > CON_LINE_MAX)
        n = CON_LINE_MAX;
    memcpy(buf, con_page, n);
    buf[n] = 0;
    if (flags)
        *flags = m.w[2];
    return (int32_t)n;
}

int32_t con_foreground(uint32_t pid)
{
    struct ant_msg m = {{CON_FOREGROUND, pid ? pid : (uint32_t)ant_getpid(), 0, 0}, 0};
    return svc_call("console", &m);
}
