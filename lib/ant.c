/* User runtime: start-up, system-call wrappers, printf to the console. */
#include "lib/ant.h"
#include <stdarg.h>
#include "lib/fmt.h"
#include "lib/string.h"

#define CPUID_EDX_SEP (1 << 11)

static int sysenter_state;      /* 0 unknown, 1 yes, -1 no */
static char args_buf[ANT_ARGS_MAX];

int ant_has_sysenter(void)
{
    if (!sysenter_state) {
        uint32_t a = 1, b, c = 0, d;
        __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
        uint32_t family = (a >> 8) & 0xF, model = (a >> 4) & 0xF, stepping = a & 0xF;
        int buggy = family == 6 && model < 3 && stepping < 3;  /* early Pentium Pro */
        sysenter_state = (d & CPUID_EDX_SEP) && !buggy ? 1 : -1;
    }
    return sysenter_state > 0;
}

int32_t ant_syscall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4)
{
    if (ant_has_sysenter())
        return ant_syscall_sysenter(nr, a1, a2, a3, a4);
    return ant_syscall_int80(nr, a1, a2, a3, a4);
}

void ant_exit(int code)
{
    for (;;)
        ant_syscall(SYS_EXIT, (uint32_t)code, 0, 0, 0);
}

int32_t ant_yield(void) { return ant_syscall(SYS_YIELD, 0, 0, 0, 0); }
int32_t ant_sleep(uint32_t ticks) { return ant_syscall(SYS_SLEEP, ticks, 0, 0, 0); }
int32_t ant_getpid(void) { return ant_syscall(SYS_GETPID, 0, 0, 0, 0); }
int32_t ant_mmap(uint32_t addr, uint32_t len, uint32_t prot) { return ant_syscall(SYS_MMAP, addr, len, prot, 0); }
int32_t ant_munmap(uint32_t addr, uint32_t len) { return ant_syscall(SYS_MUNMAP, addr, len, 0, 0); }
int32_t ant_write(const void *buf, uint32_t len) { return ant_syscall(SYS_WRITE, (uint32_t)buf, len, 0, 0); }
int32_t ant_kill(int32_t pid) { return ant_syscall(SYS_KILL, (uint32_t)pid, 0, 0, 0); }
int32_t ant_modinfo(uint32_t i, struct ant_modinfo *m) { return ant_syscall(SYS_MODINFO, i, (uint32_t)m, 0, 0); }
int32_t ant_meminfo(struct ant_meminfo *m) { return ant_syscall(SYS_MEMINFO, (uint32_t)m, 0, 0, 0); }

int32_t ant_spawn(const char *name, const char *args, uint32_t prio)
{
    return ant_syscall(SYS_SPAWN, (uint32_t)name, (uint32_t)args, prio, 0);
}

int32_t ant_wait(int32_t pid, int32_t *status)
{
    return ant_syscall(SYS_WAIT, (uint32_t)pid, (uint32_t)status, 0, 0);
}

int32_t ant_wait_flags(int32_t pid, int32_t *status, uint32_t flags)
{
    return ant_syscall(SYS_WAIT, (uint32_t)pid, (uint32_t)status, flags, 0);
}

int32_t ant_procinfo(uint32_t i, struct ant_procinfo *info)
{
    return ant_syscall(SYS_PROCINFO, i, (uint32_t)info, 0, 0);
}

uint32_t ant_uptime(void) { return (uint32_t)ant_syscall(SYS_UPTIME, 0, 0, 0, 0); }

int32_t ant_mapio(uint32_t addr, uint32_t phys, uint32_t npages)
{
    return ant_syscall(SYS_MAPIO, addr, phys, npages, 0);
}

int32_t ant_alarm(uint32_t ticks) { return ant_syscall(SYS_ALARM, ticks, 0, 0, 0); }
int32_t ant_dma_reset(void) { return ant_syscall(SYS_DMA_RESET, 0, 0, 0, 0); }

int32_t ant_screen(struct ant_screen *info, uint16_t *cells, uint32_t ncells)
{
    return ant_syscall(SYS_SCREEN, (uint32_t)info, (uint32_t)cells, ncells, 0);
}

int32_t ant_logread(uint32_t *pos, void *buf, uint32_t len)
{
    return ant_syscall(SYS_LOGREAD, (uint32_t)pos, (uint32_t)buf, len, 0);
}

int32_t ant_cpuinfo(uint32_t cpu, struct ant_cpuinfo *info)
{
    return ant_syscall(SYS_CPUINFO, cpu, (uint32_t)info, 0, 0);
}

static int32_t ipc(uint32_t nr, int32_t pid, struct ant_msg *m)
{
    if (pid < 0 || pid > 0xFFFFFF)
        return -ANT_ESRCH;
    uint32_t eax = nr | (uint32_t)pid << 8;
    return ant_has_sysenter() ? ant_ipc_sysenter(eax, m) : ant_ipc_int80(eax, m);
}

int32_t ant_send(int32_t pid, const struct ant_msg *m)
{
    struct ant_msg copy = *m;           /* the registers come back clobbered */
    return ipc(SYS_SEND, pid, &copy);
}

int32_t ant_recv(int32_t from, struct ant_msg *m) { return ipc(SYS_RECV, from, m); }
int32_t ant_call(int32_t pid, struct ant_msg *m) { return ipc(SYS_CALL, pid, m); }
int32_t ant_replyrecv(int32_t pid, struct ant_msg *m) { return ipc(SYS_REPLYRECV, pid, m); }

int32_t ant_reply(int32_t pid, const struct ant_msg *m)
{
    struct ant_msg copy = *m;
    return ipc(SYS_REPLY, pid, &copy);
}

int32_t ant_icc_alloc(uint32_t npages, void **addr)
{
    int32_t r = ant_syscall(SYS_ICC_ALLOC, npages, 0, 0, 0);
    if (r < 0 && r > -4096)             /* an address in 2GB-3GB is "negative" too */
        return r;
    *addr = (void *)(uint32_t)r;
    return 0;
}

int32_t ant_icc_free(void *addr, uint32_t npages) { return ant_syscall(SYS_ICC_FREE, (uint32_t)addr, npages, 0, 0); }
int32_t ant_icc_phys(const void *addr, uint32_t *pa) { return ant_syscall(SYS_ICC_PHYS, (uint32_t)addr, (uint32_t)pa, 0, 0); }
int32_t ant_icc_info(struct ant_iccinfo *info) { return ant_syscall(SYS_ICC_INFO, (uint32_t)info, 0, 0, 0); }
int32_t ant_irq_bind(int irq) { return ant_syscall(SYS_IRQ_BIND, (uint32_t)irq, 0, 0, 0); }
int32_t ant_irq_ack(int irq) { return ant_syscall(SYS_IRQ_ACK, (uint32_t)irq, 0, 0, 0); }
int32_t ant_ioperm(uint32_t first, uint32_t count) { return ant_syscall(SYS_IOPERM, first, count, 0, 0); }
int32_t ant_vm_pager(void) { return ant_syscall(SYS_VM_PAGER, 0, 0, 0, 0); }
int32_t ant_vm_frame(uint32_t op, uint32_t frame) { return ant_syscall(SYS_VM_FRAME, op, frame, 0, 0); }
int32_t ant_vm_map(uint32_t pid, uint32_t va, uint32_t frame, uint32_t src) { return ant_syscall(SYS_VM_MAP, pid, va, frame, src); }
int32_t ant_vm_unmap(uint32_t pid, uint32_t va, uint32_t dst, uint32_t slot) { return ant_syscall(SYS_VM_UNMAP, pid, va, dst, slot); }
int32_t ant_vm_bits(uint32_t pid, uint32_t va, uint32_t flags) { return ant_syscall(SYS_VM_BITS, pid, va, flags, 0); }
int32_t ant_vm_resolve(uint32_t pid, uint32_t verdict) { return ant_syscall(SYS_VM_RESOLVE, pid, verdict, 0, 0); }
int32_t ant_vm_memo(uint32_t op, void *buf, uint32_t len)
{
    return ant_syscall(SYS_VM_MEMO, op, (uint32_t)buf, len, 0);
}

int32_t ant_vm_info(uint32_t pid, struct ant_vminfo *info) { return ant_syscall(SYS_VM_INFO, pid, (uint32_t)info, 0, 0); }

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

void ant_start(void);
void ant_start(void)
{
    if (ant_syscall(SYS_GETARGS, (uint32_t)args_buf, sizeof args_buf, 0, 0) < 0)
        args_buf[0] = 0;
    ant_exit(main(args_buf));
}
