/* One small handler per call, dispatched through a table. Every argument
 * is checked here; nothing a program passes can crash the inner core. */
#include "kernel/syscall.h"
#include "boot/bootinfo.h"
#include "include/ant/syscall.h"
#include "kernel/console.h"
#include "kernel/gdt.h"
#include "kernel/module.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/pool.h"

#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define SLEEP_MAX_TICKS (24u * 3600 * 100)

typedef int32_t (*syscall_fn)(uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4);

uint32_t syscall_count_int80, syscall_count_sysenter;
static uint32_t pool_total;

static struct proc *me(void)
{
    return current->proc;
}

static int32_t sys_exit(uint32_t code, uint32_t a2, uint32_t a3, uint32_t a4)
{
    (void)a2, (void)a3, (void)a4;
    proc_exit(me(), (int32_t)(code & 0xFF));
    return 0;
}

static int32_t sys_yield(uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4)
{
    (void)a1, (void)a2, (void)a3, (void)a4;
    sched_yield();
    return 0;
}

static int32_t sys_sleep(uint32_t ticks, uint32_t a2, uint32_t a3, uint32_t a4)
{
    (void)a2, (void)a3, (void)a4;
    if (ticks > SLEEP_MAX_TICKS)
        return -ANT_EINVAL;
    sched_sleep(ticks);
    return 0;
}

static int32_t sys_getpid(uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4)
{
    (void)a1, (void)a2, (void)a3, (void)a4;
    return (int32_t)me()->pid;
}

/* A page-aligned range of the private half (below the ICC area). */
static int private_range_ok(uint32_t addr, uint32_t len)
{
    return len && !(addr & (PAGE_SIZE - 1)) && !(len & (PAGE_SIZE - 1)) &&
           addr >= USER_START && addr < ICC_VIRT && len <= ICC_VIRT - addr;
}

static int32_t sys_mmap(uint32_t addr, uint32_t len, uint32_t prot, uint32_t a4)
{
    (void)a4;
    if (!private_range_ok(addr, len) || (prot & ~ANT_PROT_WRITE))
        return -ANT_EINVAL;
    if (!vm_range_free(&me()->vm, addr, len))
        return -ANT_EBUSY;
    if (len / PAGE_SIZE > pool_free_count())
        return -ANT_ENOMEM;
    return vm_map_zeroed(&me()->vm, addr, len, (prot & ANT_PROT_WRITE) ? PTE_W : 0);
}

static int32_t sys_munmap(uint32_t addr, uint32_t len, uint32_t a3, uint32_t a4)
{
    (void)a3, (void)a4;
    if (!private_range_ok(addr, len))
        return -ANT_EINVAL;
    vm_unmap_free(&me()->vm, addr, len);
    return 0;
}

static int32_t sys_write(uint32_t buf, uint32_t len, uint32_t a3, uint32_t a4)
{
    char chunk[256];
    (void)a3, (void)a4;
    if (len > 0x7FFFFFFF)
        return -ANT_EINVAL;                     /* the count must fit the result */
    if (!user_range_ok(buf, len))
        return -ANT_EFAULT;
    for (uint32_t done = 0; done < len;) {
        uint32_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
        if (copy_from_user(chunk, buf + done, n))
            return done ? (int32_t)done : -ANT_EFAULT;
        kprintf("%.*s", (int)n, chunk);
        done += n;
    }
    return (int32_t)len;
}

static int32_t sys_spawn(uint32_t uname, uint32_t uargs, uint32_t prio, uint32_t a4)
{
    char name[ANT_NAME_MAX], args[ANT_ARGS_MAX];
    (void)a4;
    int err = copy_string_from_user(name, uname, sizeof name);
    if (!err && uargs)
        err = copy_string_from_user(args, uargs, sizeof args);
    if (err)
        return err;
    if (!uargs)
        args[0] = 0;
    if (prio >= NPRIO || prio < current->prio)   /* no child more urgent than me */
        return -ANT_EINVAL;
    return proc_spawn(name, args, (int)prio, me());
}

static int32_t sys_wait(uint32_t pid, uint32_t ustatus, uint32_t a3, uint32_t a4)
{
    int32_t status = 0;
    (void)a3, (void)a4;
    if (ustatus && copy_to_user(ustatus, &status, sizeof status))
        return -ANT_EFAULT;                     /* before a child is reaped */
    int32_t r = proc_wait(me(), pid, &status);
    if (r > 0 && ustatus && copy_to_user(ustatus, &status, sizeof status))
        return -ANT_EFAULT;
    return r;
}

static int32_t sys_modinfo(uint32_t index, uint32_t uinfo, uint32_t a3, uint32_t a4)
{
    struct ant_modinfo info;
    (void)a3, (void)a4;
    const struct module *m = module_get(index);
    if (!m)
        return -ANT_ENOENT;
    memset(&info, 0, sizeof info);
    strncpy_safe(info.name, m->name, sizeof info.name);
    info.size = (unsigned)m->size;
    return copy_to_user(uinfo, &info, sizeof info);
}

static int32_t sys_kill(uint32_t pid, uint32_t a2, uint32_t a3, uint32_t a4)
{
    (void)a2, (void)a3, (void)a4;
    struct proc *p = proc_find(pid);
    if (!p || p->state != P_ALIVE)
        return -ANT_ESRCH;
    if (p->parent != me())
        return -ANT_ECHILD;
    proc_exit(p, ANT_KILLED_BY_KILL);
    return 0;
}

static int32_t sys_meminfo(uint32_t uinfo, uint32_t a2, uint32_t a3, uint32_t a4)
{
    struct ant_meminfo info;
    (void)a2, (void)a3, (void)a4;
    info.pool_free = pool_free_count();
    info.pool_total = pool_total;
    info.my_pages = me()->vm.pages;
    info.procs = proc_count();
    return copy_to_user(uinfo, &info, sizeof info);
}

static int32_t sys_getargs(uint32_t ubuf, uint32_t len, uint32_t a3, uint32_t a4)
{
    (void)a3, (void)a4;
    uint32_t n = (uint32_t)strlen(me()->args) + 1;
    if (len < n)
        return -ANT_EINVAL;
    int err = copy_to_user(ubuf, me()->args, n);
    return err ? err : (int32_t)(n - 1);
}

static const syscall_fn syscalls[SYS_NCALLS] = {
    [SYS_EXIT] = sys_exit,       [SYS_YIELD] = sys_yield,     [SYS_SLEEP] = sys_sleep,
    [SYS_GETPID] = sys_getpid,   [SYS_MMAP] = sys_mmap,       [SYS_MUNMAP] = sys_munmap,
    [SYS_WRITE] = sys_write,     [SYS_SPAWN] = sys_spawn,     [SYS_WAIT] = sys_wait,
    [SYS_MODINFO] = sys_modinfo, [SYS_KILL] = sys_kill,       [SYS_MEMINFO] = sys_meminfo,
    [SYS_GETARGS] = sys_getargs,
};

void syscall_dispatch(struct trap_frame *tf)
{
    uint32_t nr = tf->eax;
    if (tf->error == SYSENTER_MARK)
        syscall_count_sysenter++;
    else
        syscall_count_int80++;
    if (nr >= SYS_NCALLS || !syscalls[nr]) {
        tf->eax = (uint32_t)-ANT_ENOSYS;
        return;
    }
    tf->eax = (uint32_t)syscalls[nr](tf->ebx, tf->esi, tf->edi, tf->ebp);
}

void syscall_init(void)
{
    extern void sysenter_entry(void);
    pool_total = pool_free_count();
    if (!(boot_info.flags & BOOT_CPU_SEP))
        return;
    wrmsr(MSR_SYSENTER_CS, SEL_KCODE);
    wrmsr(MSR_SYSENTER_ESP, (uint32_t)tss_esp0_slot());
    wrmsr(MSR_SYSENTER_EIP, (uint32_t)sysenter_entry);
}
