/* User runtime: start-up, system-call wrappers, printf to the console. */
#include "lib/ant.h"
#include <stdarg.h>
#include "lib/fmt.h"
#include "lib/string.h"

#define CPUID_EDX_SEP (1 << 11)

static int sysenter_state;      /* 0 unknown, 1 yes, -1 no */
static char args_buf[ANT_ARGS_MAX];

/* CPUID leaf 1: EAX (family, model, stepping) and EDX (features). */
static uint32_t cpuid1(uint32_t *edx)
{
    uint32_t a = 1, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    *edx = d;
    return a;
}

uint32_t ant_cpu_features(void)
{
    uint32_t d;
    cpuid1(&d);
    return d;
}

static __attribute__((noinline)) int sysenter_probe(void)
{
    uint32_t d, a = cpuid1(&d);
    uint32_t family = (a >> 8) & 0xF, model = (a >> 4) & 0xF, stepping = a & 0xF;
    int buggy = family == 6 && model < 3 && stepping < 3;  /* early Pentium Pro */
    sysenter_state = (d & CPUID_EDX_SEP) && !buggy ? 1 : -1;
    return sysenter_state > 0;
}

/* Known after the first call: a load and a test on every system call. */
static inline int has_sysenter(void)
{
    return __builtin_expect(sysenter_state != 0, 1) ? sysenter_state > 0 : sysenter_probe();
}

int ant_has_sysenter(void)
{
    return has_sysenter();
}

int32_t ant_syscall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4)
{
    if (has_sysenter())
        return ant_syscall_sysenter(nr, a1, a2, a3, a4);
    return ant_syscall_int80(nr, a1, a2, a3, a4);
}

void ant_exit(int code)
{
    for (;;)
        ant_syscall(SYS_EXIT, (uint32_t)code, 0, 0, 0);
}

static int32_t ipc(uint32_t nr, int32_t pid, struct ant_msg *m)
{
    if (pid < 0 || pid > 0xFFFFFF)
        return -ANT_ESRCH;
    uint32_t eax = nr | (uint32_t)pid << 8;
    return has_sysenter() ? ant_ipc_sysenter(eax, m) : ant_ipc_int80(eax, m);
}

/* The stubs of the PLAIN, SEND and MSG calls, from the list. */
#define ARG_(type, name) (uint32_t)(name)
#define ARGS_0() 0, 0, 0, 0
#define ARGS_1(a) ARG_ a, 0, 0, 0
#define ARGS_2(a, b) ARG_ a, ARG_ b, 0, 0
#define ARGS_3(a, b, c) ARG_ a, ARG_ b, ARG_ c, 0
#define ARGS_4(a, b, c, d) ARG_ a, ARG_ b, ARG_ c, ARG_ d
#define STUB_PLAIN(nr, name, result, n, ...) \
    result ant_##name(ANT_PARAMS_##n(__VA_ARGS__)) \
    { \
        return (result)ant_syscall(nr, ARGS_##n(__VA_ARGS__)); \
    }
#define STUB_OWN(...)
#define STUB_SEND(nr, name, ...) \
    int32_t ant_##name(int32_t pid, const struct ant_msg *m) \
    { \
        struct ant_msg copy = *m;   /* the registers come back clobbered */ \
        return ipc(nr, pid, &copy); \
    }
#define STUB_MSG(nr, name, ...) \
    int32_t ant_##name(int32_t pid, struct ant_msg *m) \
    { \
        return ipc(nr, pid, m); \
    }
#define STUB_(nr, NAME, name, kind, ...) STUB_##kind(nr, name, __VA_ARGS__)
ANT_SYSCALLS(STUB_)

int32_t ant_wait(int32_t pid, int32_t *status)
{
    return ant_syscall(SYS_WAIT, (uint32_t)pid, (uint32_t)status, 0, 0);
}

int32_t ant_wait_flags(int32_t pid, int32_t *status, uint32_t flags)
{
    return ant_syscall(SYS_WAIT, (uint32_t)pid, (uint32_t)status, flags, 0);
}

int32_t ant_icc_alloc(uint32_t npages, void **addr)
{
    int32_t r = ant_syscall(SYS_ICC_ALLOC, npages, 0, 0, 0);
    if (r < 0 && r > -4096)             /* an address in 2GB-3GB is "negative" too */
        return r;
    *addr = (void *)(uint32_t)r;
    return 0;
}

struct outbuf {
    char buf[256];
    uint32_t n;
    int32_t (*write)(const char *s, uint32_t len);
};

static void out_put(char c, void *arg)
{
    struct outbuf *o = arg;
    o->buf[o->n++] = c;
    if (o->n == sizeof o->buf) {
        o->write(o->buf, o->n);
        o->n = 0;
    }
}

int ant_vprint(int32_t (*write)(const char *s, uint32_t len), const char *fmt, va_list ap)
{
    struct outbuf o;
    o.n = 0;
    o.write = write;
    int n = fmt_vformat(out_put, &o, fmt, ap);
    if (o.n)
        write(o.buf, o.n);
    return n;
}

static int32_t log_write(const char *s, uint32_t len)
{
    return ant_write(s, len);
}

int ant_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = ant_vprint(log_write, fmt, ap);
    va_end(ap);
    return n;
}

const char *ant_strerror(int32_t err)
{
    static const char *const names[] = {
        "ok", "EINVAL", "EFAULT", "ENOMEM", "ENOSYS", "ESRCH",
        "ECHILD", "ENOEXEC", "ENOENT", "EBUSY", "EAGAIN", "EPERM", "ENOSPC",
        "ERETRY", "ENAMETOOLONG", "EIO", "ETIMEDOUT",
    };
    if (err < 0)
        err = -err;
    return (uint32_t)err < sizeof names / sizeof names[0] ? names[err] : "?";
}

const char *ant_strwords(int32_t err)
{
    static const char *const words[] = {
        "no error", "invalid argument", "bad address", "out of memory", "no such operation",
        "no such process", "not a child of yours", "not a valid program", "not found", "busy",
        "no room left now: try again later", "not permitted", "no room for that many pages",
        "being replaced: try again", "name too long", "input/output error", "timed out",
    };
    if (err < 0)
        err = -err;
    return (uint32_t)err < sizeof words / sizeof words[0] ? words[err] : "unknown error";
}

void ant_start(void);
void ant_start(void)
{
    if (ant_syscall(SYS_GETARGS, (uint32_t)args_buf, sizeof args_buf, 0, 0) < 0)
        args_buf[0] = 0;
    ant_exit(main(args_buf));
}

uint32_t ant_my_cpu(void)
{
    struct ant_procinfo pi;
    return ant_procinfo((uint32_t)ant_getpid() % 64, &pi) == 0 ? pi.cpu : 0;
}

uint32_t ant_cpus_running(void)
{
    struct ant_cpuinfo c;
    uint32_t n = 0;
    while (ant_cpuinfo(n, &c) == 0 && c.state == ANT_CPU_RUNNING)
        n++;
    return n ? n : 1;
}
