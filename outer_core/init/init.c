/*
 * init: the process manager, the first outer-core process and the only one
 * the inner core starts. It starts the servers and the shell, restarts any
 * of them that ends, performs live replacement (PM_REPLACE), and runs
 * programs for the shell (include/ant/servers.h, PM_*). Every other
 * process is its child, so it alone may kill, and it learns of every end
 * through a message (ANT_WNOTIFY).
 *
 * With init=test or init=bench on the kernel command line it only runs
 * the test or benchmark programs and ends with their status.
 */
#include "lib/fmt.h"
#include "lib/serve.h"
#include "lib/string.h"
#include "lib/svc.h"

#define PRIO_SERVER 3           /* mine: servers are not less urgent than me */
#define PRIO_SERVICE 4
#define ENDED_MAX 16            /* ends remembered for PM_WAIT */
#define WAITERS_MAX 8
#define RESTART_BURST 5         /* restarts within RESTART_WINDOW ticks at once; */
#define RESTART_WINDOW 1000     /* after that each waits twice as long as the last */
#define BACKOFF_FIRST 10        /* ticks: 0.1 s, 0.2 s, 0.4 s ... */
#define BACKOFF_MAX 1000        /* ... up to 10 s, for ever: never given up */

struct server {
    const char *name;           /* in the name server */
    char module[ANT_NAME_MAX];  /* the build running now */
    const char *fallback;       /* a driver to try when this one finds no
                                   device (SVC_EXIT_NO_DEVICE); 0: none */
    const char *args;           /* for every start; 0: none */
    uint32_t priv;              /* started with: ANT_SPAWN_PRIV (drivers),
                                   ANT_SPAWN_RIGHTS(...) (the shell) */
    uint32_t prio;
    uint8_t serves;             /* takes requests: can be replaced, crashed */
    uint8_t headless;           /* started for a test program too (init=vm) */
    uint32_t pid;
    uint32_t old;               /* the instance being replaced, until it ends */
    uint32_t restarts;
    uint32_t burst, burst_start;    /* restarts in the last RESTART_WINDOW */
    uint32_t restart_at;        /* backing off: start it again at this tick (0: no) */
};

#define SERVER(n, m, f, pv, pr, sv, hl) \
    {.name = n, .module = m, .fallback = f, .priv = pv, .prio = pr, .serves = sv, .headless = hl},
/* The servers, in the order they start: made from the Makefile's
 * BOOT_MODULES list (names first: the others register with it; the pager
 * after its disk). */
#include "init_servers.h"
static struct server servers[] = { INIT_SERVERS(SERVER) };
#define NSERVERS (sizeof servers / sizeof servers[0])
#define NAMES (&servers[0])

static struct { uint32_t pid; int32_t status; } ended[ENDED_MAX];
static uint32_t ended_next;
static struct { uint32_t waiter, pid, run; } waiters[WAITERS_MAX];  /* run: lent with PM_WAIT */
static uint32_t total_restarts;
static uint32_t test_pid;               /* init=vm: the test program; its end ends me */

static int module_exists(const char *name)
{
    struct ant_modinfo m;
    for (uint32_t i = 0; ant_modinfo(i, &m) == 0; i++)
        if (!strcmp(m.name, name))
            return 1;
    return 0;
}

static struct server *server_named_str(const char *name)
{
    for (uint32_t i = 0; i < NSERVERS; i++)
        if (!strcmp(servers[i].name, name))
            return &servers[i];
    return 0;
}

/* A server by the name it serves under (disk) or by the program running
 * it now (ata, console.v2): `ps` shows the one, the name server the other. */
static struct server *server_named(const uint32_t w[2])
{
    char name[ANT_SVC_NAME_MAX + 1];
    svc_name_unpack(w, name);
    struct server *s = server_named_str(name);
    for (uint32_t i = 0; !s && i < NSERVERS; i++)
        if (!strcmp(servers[i].module, name))
            s = &servers[i];
    return s;
}

/* Tell the name server that s->name is s->pid now. */
static void register_name(struct server *s)
{
    struct ant_msg m = {{NS_REGISTER, 0, 0, s->pid}, 0};
    if (s == NAMES || !NAMES->pid || !s->pid || svc_name_pack(s->name, &m.w[1]))
        return;                     /* pid 0 would name the caller: me */
    int32_t r = ant_call((int32_t)NAMES->pid, &m);
    if (r < 0 || (int32_t)m.w[0] < 0)
        ant_printf("init: cannot register %s: %s\n", s->name,
                   ant_strerror(r < 0 ? r : (int32_t)m.w[0]));
}

/* Every server's name to the name server (a successor may also have found
 * no state to take). */
static void register_names(void)
{
    for (uint32_t i = 1; i < NSERVERS; i++)
        register_name(&servers[i]);
}

/* Start s from its module; takeover: the pid whose state it takes. */
static int32_t start(struct server *s, uint32_t takeover)
{
    char args[64] = "";
    fmt_snprintf(args, sizeof args, "%s%s", s->args ? s->args : "", s->args && takeover ? " " : "");
    if (takeover)
        fmt_snprintf(args + strlen(args), sizeof args - strlen(args), "takeover=%u", takeover);
    /* Every server may use the reserves (ANT_RIGHT_RESERVE): no program
     * exhausting slots, frames or ICC pages keeps it from starting. */
    int32_t pid = ant_spawn(s->module, args, s->prio | s->priv | ANT_SPAWN_RIGHTS(ANT_RIGHT_RESERVE));
    if (pid == -ANT_ENOENT && s->fallback && strcmp(s->module, s->fallback)) {
        ant_printf("init: %s: no module %s; trying %s\n", s->name, s->module, s->fallback);
        strncpy_safe(s->module, s->fallback, sizeof s->module);
        return start(s, takeover);
    }
    if (pid < 0) {
        ant_printf("init: cannot start %s (%s): %s\n", s->name, s->module, ant_strerror(pid));
        return pid;
    }
    s->pid = (uint32_t)pid;
    s->restart_at = 0;              /* started: no restart pending any more */
    if (s == NAMES && !takeover) {  /* a fresh name server knows nobody */
        register_names();
    } else if (s != NAMES) {
        register_name(s);
    }
    /* A successor to the name server is told the names once its
     * predecessor has ended (child_ended), never now: it is asking the
     * predecessor for its table, and the predecessor is asking me whether
     * it is the successor (PM_SUCCESSOR), so a call from me would wait
     * for ever. */
    return pid;
}

static void reply_waiters(uint32_t pid, int32_t status)
{
    for (uint32_t i = 0; i < WAITERS_MAX; i++) {
        if (waiters[i].waiter && waiters[i].pid == pid) {
            struct ant_msg m = {{0, (uint32_t)status, 0, 0}, waiters[i].run};
            svc_reply((int32_t)waiters[i].waiter, &m);
            waiters[i].waiter = 0;
        }
    }
}

/* How long to wait before restarting s (0: now). A server that fails
 * again and again is restarted later and later, as MINIX's reincarnation
 * server does, but never given up: what made it fail may be another
 * program (a client crashing it on purpose, memory pressure) that goes
 * away. A quiet RESTART_WINDOW starts the count afresh. */
static uint32_t backoff(struct server *s)
{
    uint32_t now = ant_uptime();
    if (now - s->burst_start > RESTART_WINDOW) {
        s->burst_start = now;
        s->burst = 0;
    }
    if (++s->burst <= RESTART_BURST)
        return 0;
    uint32_t shift = s->burst - RESTART_BURST - 1, wait = BACKOFF_MAX;
    if (shift < 7 && (BACKOFF_FIRST << shift) < BACKOFF_MAX)
        wait = BACKOFF_FIRST << shift;
    return wait;
}

/* The next backed-off restart, as an alarm (ANT_NOTE_ALARM). */
static void arm_restarts(void)
{
    uint32_t now = ant_uptime(), next = 0;
    for (uint32_t i = 0; i < NSERVERS; i++) {
        uint32_t at = servers[i].restart_at;
        if (at && (!next || (int32_t)(at - next) < 0))
            next = at;
    }
    if (next)
        ant_alarm((int32_t)(next - now) > 0 ? next - now : 1);
}

/* The alarm: restart the servers whose wait is over. */
static void restart_due(void)
{
    uint32_t now = ant_uptime();
    for (uint32_t i = 0; i < NSERVERS; i++) {
        struct server *s = &servers[i];
        if (s->restart_at && (int32_t)(now - s->restart_at) >= 0) {
            s->restart_at = 0;
            s->restarts++;
            total_restarts++;
            int32_t r = start(s, s->old);
            ant_printf("init: %s restarted as pid %d after backing off\n", s->name, r);
        }
    }
    arm_restarts();
}

/* s ended saying it found no device: its fallback, or nothing (1). */
static int no_device(struct server *s, uint32_t pid)
{
    if (s->fallback && strcmp(s->module, s->fallback)) {
        ant_printf("init: %s: %s (pid %u) found no device; trying %s\n", s->name, s->module,
                   pid, s->fallback);
        strncpy_safe(s->module, s->fallback, sizeof s->module);
        start(s, 0);
        return 0;
    }
    ant_printf("init: %s: %s (pid %u) found no device either: running without %s\n", s->name,
               s->module, pid, s->name);
    s->pid = 0;
    return 1;
}

static void child_ended(uint32_t pid, int32_t status)
{
    uint32_t wait;
    if (pid == test_pid) {
        ant_printf("init: test program ended with status %d\n", status);
        ant_exit(status == 0 ? 0 : 1);
    }
    ended[ended_next % ENDED_MAX].pid = pid;
    ended[ended_next++ % ENDED_MAX].status = status;
    reply_waiters(pid, status);
    for (uint32_t i = 0; i < NSERVERS; i++) {
        struct server *s = &servers[i];
        if (s->old == pid) {
            s->old = 0;
            ant_printf("init: %s: pid %u handed over to pid %u and ended\n", s->name, pid, s->pid);
            if (s == NAMES)
                register_names();
        } else if (s->pid == pid && status == SVC_EXIT_NO_DEVICE) {
            no_device(s, pid);
        } else if (s->pid == pid && (wait = backoff(s)) != 0) {
            s->pid = 0;
            s->restart_at = ant_uptime() + wait;
            ant_printf("init: %s (pid %u) ended with status 0x%x again, %u times in 10 s: "
                       "restarting it in %u ms\n", s->name, pid, (unsigned)status, s->burst,
                       wait * 10);
            arm_restarts();
        } else if (s->pid == pid) {
            s->restarts++;
            total_restarts++;
            /* An instance being replaced still holds the state: the new one
             * takes it from there. */
            int32_t r = start(s, s->old);
            ant_printf("init: %s (pid %u) ended with status 0x%x; restarted as pid %d\n", s->name,
                       pid, (unsigned)status, r);
        }
    }
}

static void reap(void)
{
    int32_t pid, status;
    while ((pid = ant_wait_flags(0, &status, ANT_WNOHANG)) > 0)
        child_ended((uint32_t)pid, status);
}

static int op_nameserver(int32_t from, struct ant_msg *m)
{
    (void)from;
    return svc_answer(m, 0, NAMES->pid, 0, 0);
}

/* Whether module is one of a server's builds (NAME, NAME.v2): a second
 * copy started by hand would claim the server's place. */
static int server_module(const char *module)
{
    size_t n = 0;
    while (module[n] && module[n] != '.')
        n++;
    for (uint32_t i = 0; i < NSERVERS; i++) {
        const char *own = servers[i].module, *fb = servers[i].fallback;
        if ((!strncmp(own, module, n) && (own[n] == 0 || own[n] == '.')) ||
            (fb && !strncmp(fb, module, n) && fb[n] == 0))
            return 1;
    }
    return 0;
}

/* PM_RUN: "MODULE ARGS" in the page of the run; w1: the rights to give
 * it, which the caller must have itself. */
static int op_run(int32_t from, struct ant_msg *m)
{
    char line[ANT_NAME_MAX + ANT_ARGS_MAX], *args;
    uint32_t rights = m->w[1];
    if (rights & ~svc_rights_of(from))
        return svc_answer(m, -ANT_EPERM, 0, 0, 0);
    if (!m->run)
        return svc_answer(m, -ANT_EINVAL, 0, 0, 0);
    const char *page = (const char *)ANT_ICC_RUN_ADDR(m->run);
    size_t n = 0;
    while (n < sizeof line - 1 && page[n])
        n++;
    if (page[n])
        return svc_answer(m, -ANT_EINVAL, 0, 0, 0);    /* longer than a name and its args */
    memcpy(line, page, n + 1);
    for (args = line; *args && *args != ' '; args++)
        ;
    if (*args)
        *args++ = 0;
    if (server_module(line))
        return svc_answer(m, -ANT_EPERM, 0, 0, 0);     /* servers are mine to start */
    int32_t pid = ant_spawn(line, args, PRIO_SERVICE | ANT_SPAWN_RIGHTS(rights));
    if (pid < 0)
        return svc_answer(m, pid, 0, 0, 0);
    ant_printf("init: started %s as pid %d\n", line, pid);
    return svc_answer(m, 0, (uint32_t)pid, 0, 0);
}

/* Whether waiter slot i is free: empty, or its caller died (or no longer
 * waits on me), which frees the slot and the page it lent. */
static int waiter_slot_free(uint32_t i)
{
    struct ant_procinfo info;
    uint32_t w = waiters[i].waiter;
    if (w && ant_procinfo(w % 64, &info) == 0 && info.pid == w &&
        info.state == ANT_PS_REPLY && info.peer == (uint32_t)ant_getpid())
        return 0;
    if (w)
        svc_free_run(waiters[i].run);
    waiters[i].waiter = 0;
    return 1;
}

/* PM_WAIT: answered now if pid has ended, else when it ends. */
static int op_wait(int32_t from, struct ant_msg *m)
{
    uint32_t pid = m->w[1];
    for (uint32_t i = 0; i < ENDED_MAX; i++)
        if (ended[i].pid == pid && pid)
            return svc_answer(m, 0, (uint32_t)ended[i].status, 0, 0);
    struct ant_procinfo info;
    if (!pid || ant_procinfo(pid % 64, &info) || info.pid != pid ||
        info.ppid != (uint32_t)ant_getpid())
        return svc_answer(m, -ANT_ECHILD, 0, 0, 0);
    for (uint32_t i = 0; i < WAITERS_MAX; i++) {
        if (waiter_slot_free(i)) {
            waiters[i].waiter = (uint32_t)from;
            waiters[i].pid = pid;
            waiters[i].run = m->run;    /* goes back with the answer, like every run */
            return 0;
        }
    }
    return svc_answer(m, -ANT_EAGAIN, 0, 0, 0);
}

static int op_kill(int32_t from, struct ant_msg *m)
{
    (void)from;
    if (m->w[1] == (uint32_t)ant_getpid())
        return svc_answer(m, -ANT_EPERM, 0, 0, 0);     /* the manager stays */
    return svc_answer(m, ant_kill((int32_t)m->w[1]), 0, 0, 0);
}

/* PM_INTERRUPT: Ctrl-C at the console ends the foreground program, one I
 * started for someone (PM_RUN); only the console driver asks, and never
 * for a server or for me. */
static int op_interrupt(int32_t from, struct ant_msg *m)
{
    const struct server *con = server_named_str("console");
    uint32_t pid = m->w[1];
    struct ant_procinfo info;
    if (!con || (uint32_t)from != con->pid || pid == (uint32_t)ant_getpid())
        return svc_answer(m, -ANT_EPERM, 0, 0, 0);
    for (uint32_t i = 0; i < NSERVERS; i++)
        if (servers[i].pid == pid || servers[i].old == pid)
            return svc_answer(m, -ANT_EPERM, 0, 0, 0);
    if (!pid || ant_procinfo(pid % 64, &info) || info.pid != pid ||
        info.ppid != (uint32_t)ant_getpid())
        return svc_answer(m, -ANT_ESRCH, 0, 0, 0);
    ant_printf("init: Ctrl-C at the console: ending %s (pid %u)\n", info.name, pid);
    return svc_answer(m, ant_kill((int32_t)pid), 0, 0, 0);
}

/* PM_REPLACE: the other build takes over, with the old one's state. */
static int op_replace(int32_t from, struct ant_msg *m)
{
    (void)from;
    struct server *s = server_named(&m->w[1]);
    if (!s || !s->serves)
        return svc_answer(m, -ANT_ENOENT, 0, 0, 0);
    if (s->old)
        return svc_answer(m, -ANT_EBUSY, 0, 0, 0);     /* one replacement at a time */
    char prev[ANT_NAME_MAX], base[ANT_NAME_MAX];
    uint32_t old = s->pid;
    strncpy_safe(prev, s->module, sizeof prev);
    strncpy_safe(base, prev, sizeof base);
    for (char *dot = base; *dot; dot++)
        if (*dot == '.')
            *dot = 0;               /* the module without its build suffix */
    if (!strcmp(prev, base))        /* MODULE -> MODULE.v2 (if built) -> MODULE */
        fmt_snprintf(s->module, sizeof s->module, "%s.v2", base);
    if (strcmp(prev, base) || !module_exists(s->module))
        strncpy_safe(s->module, base, sizeof s->module);
    int32_t pid = start(s, old);
    if (pid < 0) {
        strncpy_safe(s->module, prev, sizeof s->module);
        s->pid = old;
        return svc_answer(m, pid, 0, 0, 0);
    }
    s->old = old;
    ant_printf("init: %s: replacing pid %u by pid %d (%s)\n", s->name, old, pid, s->module);
    return svc_answer(m, 0, (uint32_t)pid, old, strcmp(s->module, base) ? 2 : 1);
}

static int op_crash(int32_t from, struct ant_msg *m)
{
    (void)from;
    struct server *s = server_named(&m->w[1]);
    if (!s || !s->serves)
        return svc_answer(m, -ANT_ENOENT, 0, 0, 0);
    if (s->old)                     /* it may be asking me about its successor */
        return svc_answer(m, -ANT_EBUSY, 0, 0, 0);
    if (!s->pid)
        return svc_answer(m, -ANT_ESRCH, 0, 0, 0);     /* not running now */
    struct ant_msg c = {{SVC_CRASH, 0, 0, 0}, 0};
    int32_t r = ant_send((int32_t)s->pid, &c);
    return svc_answer(m, r < 0 ? r : 0, s->pid, 0, 0);
}

static int op_check(int32_t from, struct ant_msg *m)
{
    struct ant_iccinfo info;
    (void)from;
    int32_t r = ant_icc_info(&info);
    return svc_answer(m, r, (uint32_t)info.check, info.free, total_restarts);
}

static int op_servers(int32_t from, struct ant_msg *m)
{
    uint32_t i = m->w[1], name[2];
    (void)from;
    if (i >= NSERVERS)
        return svc_answer(m, -ANT_ENOENT, 0, 0, 0);
    svc_name_pack(servers[i].name, name);
    return svc_answer(m, 0, name[0], name[1], servers[i].pid);
}

/* PM_POWER: halt or restart the machine, saying who asked. */
static int op_power(int32_t from, struct ant_msg *m)
{
    if (m->w[1] != ANT_POWER_HALT && m->w[1] != ANT_POWER_REBOOT)
        return svc_answer(m, -ANT_EINVAL, 0, 0, 0);
    ant_printf("init: %s, as pid %d asked\n",
               m->w[1] == ANT_POWER_HALT ? "halting" : "restarting", (int)from);
    return svc_answer(m, ant_power(m->w[1]), 0, 0, 0);     /* only if it failed */
}

/* PM_SUCCESSOR: the one process a server may hand its state to. */
static int op_successor(int32_t from, struct ant_msg *m)
{
    (void)from;
    for (uint32_t i = 0; i < NSERVERS; i++)
        if (servers[i].old && servers[i].old == m->w[1])
            return svc_answer(m, 0, servers[i].pid, 0, 0);
    return svc_answer(m, -ANT_ENOENT, 0, 0, 0);
}

/* The rights each operation needs: docs/DESIGN.md §6. */
static const struct svc_op ops[] = {
    {PM_NAMESERVER, op_nameserver, 0}, {PM_RUN, op_run, 0}, {PM_WAIT, op_wait, 0},
    {PM_KILL, op_kill, ANT_RIGHT_MANAGE}, {PM_REPLACE, op_replace, ANT_RIGHT_MANAGE},
    {PM_CRASH, op_crash, ANT_RIGHT_MANAGE}, {PM_CHECK, op_check, 0},
    {PM_SERVERS, op_servers, 0}, {PM_SUCCESSOR, op_successor, 0},
    {PM_POWER, op_power, ANT_RIGHT_MANAGE}, {PM_INTERRUPT, op_interrupt, 0},
};

/* The inner core's messages: children that ended. */
static void note(const struct ant_msg *m)
{
    if (m->w[0] == ANT_NOTE_CHILD)
        reap();
    else if (m->w[0] == ANT_NOTE_ALARM)
        restart_due();
}

/* No state hook: the manager is the one server nobody replaces or
 * restarts (it does that to the others), so SVC_HANDOVER and SVC_CRASH
 * are ENOSYS here. */
static const struct svc_hooks hooks = {.version = 1, .note = note};

/* A test boot (init=MODE,OPTION,...): the program it runs, its rights, and
 * which of the headless servers it wants. */
struct test_mode {
    const char *mode, *prog;
    uint32_t priv;              /* ANT_SPAWN_PRIV: the test becomes the pager itself;
                                   ANT_SPAWN_RIGHTS: rights it holds */
    int pager;                  /* start the pager */
};
static const struct test_mode test_modes[] = {
    {"vm", "vmtest", 0, 1},     /* the paging suite */
    {"bench", "bench", 0, 1},   /* make bench */
    {"disk", "disktest", ANT_SPAWN_PRIV, 0},    /* the disk driver, no pager */
    {"hostile", "hostile", ANT_SPAWN_RIGHTS(ANT_RIGHT_MANAGE | ANT_RIGHT_RESERVE), 1},
};

/* Start the servers (with a test mode, only those it needs) and the
 * test program (with test_args), whose end ends me. */
static void start_all(const struct test_mode *t, const char *test_args)
{
    ant_wait_flags(0, 0, ANT_WNOTIFY);
    for (uint32_t i = 0; i < NSERVERS; i++)
        if (!t || (servers[i].headless && (t->pager || strcmp(servers[i].name, "pager"))))
            start(&servers[i], 0);
    if (t) {
        int32_t pid = ant_spawn(t->prog, test_args, PRIO_SERVICE | t->priv);
        if (pid < 0) {
            ant_printf("init: cannot start %s: %s\n", t->prog, ant_strerror(pid));
            ant_exit(1);
        }
        test_pid = (uint32_t)pid;
    }
}

/* init=MODE,OPT,...: the options for the disk driver ("pio") go to it,
 * the others to the test program, separated by spaces. */
static const struct test_mode *parse_mode(const char *args, char *test_args, size_t size)
{
    static char driver_args[32];
    char word[16];
    size_t n = 0;
    while (args[n] && args[n] != ',' && n < sizeof word - 1)
        word[n] = args[n], n++;
    word[n] = 0;
    const struct test_mode *t = 0;
    for (uint32_t i = 0; i < sizeof test_modes / sizeof test_modes[0]; i++)
        if (!strcmp(word, test_modes[i].mode))
            t = &test_modes[i];
    test_args[0] = 0;
    for (const char *p = args + n; t && *p == ',';) {
        const char *o = ++p;
        while (*p && *p != ',')
            p++;
        int pio = p - o == 3 && !strncmp(o, "pio", 3);
        char *to = pio ? driver_args : test_args;
        size_t cap = pio ? sizeof driver_args : size, len = strlen(to);
        fmt_snprintf(to + len, cap - len, "%s%.*s", len ? " " : "", (int)(p - o), o);
    }
    if (t && driver_args[0])
        server_named_str("disk")->args = driver_args;
    return t;
}

/* A test suite, reporting its counts to me (check_finish); one failure
 * more if it ended without a report or with a bad status. */
static void run_suite(const char *name, uint32_t flags, uint32_t *passed, uint32_t *failed)
{
    char args[32];
    struct ant_msg m;
    int32_t status = -1;
    fmt_snprintf(args, sizeof args, "report=%d", (int)ant_getpid());
    int32_t pid = ant_spawn(name, args, PRIO_SERVICE | flags);
    if (pid < 0) {
        ant_printf("init: cannot start %s: %s\n", name, ant_strerror(pid));
        ++*failed;
        return;
    }
    int reported = ant_recv(pid, &m) == pid;
    if (ant_wait(pid, &status) != pid || !reported || (int32_t)m.w[1] != status) {
        ant_printf("init: %s ended with status %d%s\n", name, (int)status,
                   reported ? "" : " and no report");
        ++*failed;
    }
    if (reported) {
        *passed += m.w[0];
        *failed += m.w[1];
    }
}

/* init=test: the user-level suites after the in-kernel one (its counts in
 * args: "test ktest=PASSED/FAILED"), and the verdict of the whole. */
static int test_boot(const char *args)
{
    uint32_t passed = 0, failed = 0;
    const char *k = args;
    while (*k && strncmp(k, "ktest=", 6))
        k++;
    if (*k) {
        for (k += 6; *k >= '0' && *k <= '9'; k++)
            passed = passed * 10 + (uint32_t)(*k - '0');
        for (k += *k == '/'; *k >= '0' && *k <= '9'; k++)
            failed = failed * 10 + (uint32_t)(*k - '0');
    }
    run_suite("utest", 0, &passed, &failed);
    /* ipctest drains the ICC area and the pool on purpose: the reserves
     * are the inner core's to prove, not to get in its way. */
    run_suite("ipctest", ANT_SPAWN_PRIV | ANT_SPAWN_RIGHTS(ANT_RIGHT_RESERVE), &passed, &failed);
    ant_printf("test suite: %u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}

int main(const char *args)
{
    char test_args[ANT_ARGS_MAX];
    ant_printf("init: AnT/i386 process manager, pid %d\n", ant_getpid());
    if (!strncmp(args, "test", 4) && (!args[4] || args[4] == ' '))
        return test_boot(args);
    const struct test_mode *t = parse_mode(args, test_args, sizeof test_args);
    if (t && !strcmp(t->mode, "bench"))
        server_named_str("pager")->args = "max=512";   /* pressure soon: page_in */
    if (!t && args[0]) {                   /* init= gave something else */
        ant_printf("init: unknown argument '%s' (known: test, bench, vm, disk; options "
                   "after commas)\n", args);
        return 2;
    }
    start_all(t, test_args);
    svc_serve(ops, sizeof ops / sizeof ops[0], &hooks);
}
