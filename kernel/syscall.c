/* One small handler per call, dispatched through a table. Every argument
 * is checked here; nothing a program passes can crash the inner core. */
#include "kernel/syscall.h"
#include "boot/bootinfo.h"
#include "include/ant/syscall.h"
#include "boot/console.h"
#include "kernel/gdt.h"
#include "kernel/module.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/lock.h"
#include "kernel/timer.h"
#include "kernel/uaccess.h"
#include "boot/panic.h"
#include "boot/x86.h"
#include "mm/icc.h"
#include "mm/mm.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "kernel/paging.h"
#include "mm/pool.h"

#define SLEEP_MAX_TICKS (24u * 3600 * 100)

static uint32_t pool_total;

static struct proc *me(void)
{
    return current->proc;
}

int32_t SYSCALL_ABI sys_exit(struct trap_frame *tf)
{
    uint32_t code = tf->ebx;
    proc_exit(me(), (int32_t)(code & 0xFF));
    return 0;
}

int32_t SYSCALL_ABI sys_yield(struct trap_frame *tf)
{
    (void)tf;
    sched_yield();
    return 0;
}

int32_t SYSCALL_ABI sys_sleep(struct trap_frame *tf)
{
    uint32_t ticks = tf->ebx;
    if (ticks > SLEEP_MAX_TICKS)
        return -ANT_EINVAL;
    sched_sleep(ticks);
    return 0;
}

int32_t SYSCALL_ABI sys_getpid(struct trap_frame *tf)
{
    (void)tf;
    return (int32_t)me()->pid;
}

/* A page-aligned range of the private half (below the ICC area). */
static int private_range_ok(uint32_t addr, uint32_t len)
{
    return len && !(addr & (PAGE_SIZE - 1)) && !(len & (PAGE_SIZE - 1)) &&
           addr >= USER_START && addr < ICC_VIRT && len <= ICC_VIRT - addr;
}

int32_t SYSCALL_ABI sys_mmap(struct trap_frame *tf)
{
    uint32_t addr = tf->ebx;
    uint32_t len = tf->esi;
    uint32_t prot = tf->edi;
    if (!private_range_ok(addr, len) || (prot & ~(uint32_t)(ANT_PROT_WRITE | ANT_PROT_LAZY)))
        return -ANT_EINVAL;
    if (prot & ANT_PROT_LAZY)
        return paging_reserve(me(), addr, len, (prot & ANT_PROT_WRITE) != 0);
    if (paging_overlaps(me(), addr, len))
        return -ANT_EBUSY;
    if (!vm_range_free(&me()->vm, addr, len))
        return -ANT_EBUSY;
    if (!proc_may_take(me(), len / PAGE_SIZE, pool_free_count(), proc_frame_reserve()))
        return -ANT_ENOMEM;
    return vm_map_zeroed(&me()->vm, addr, len, (prot & ANT_PROT_WRITE) ? PTE_W : 0);
}

int32_t SYSCALL_ABI sys_munmap(struct trap_frame *tf)
{
    uint32_t addr = tf->ebx;
    uint32_t len = tf->esi;
    if (!private_range_ok(addr, len))
        return -ANT_EINVAL;
    if (paging_overlaps(me(), addr, len))
        return -ANT_EBUSY;                  /* lazy ranges live as long as the process */
    vm_unmap_free(&me()->vm, addr, len);
    return 0;
}

int32_t SYSCALL_ABI sys_write(struct trap_frame *tf)
{
    uint32_t buf = tf->ebx;
    uint32_t len = tf->esi;
    char chunk[256];
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

int32_t SYSCALL_ABI sys_spawn(struct trap_frame *tf)
{
    uint32_t uname = tf->ebx;
    uint32_t uargs = tf->esi;
    uint32_t prio = tf->edi;
    char name[ANT_NAME_MAX], args[ANT_ARGS_MAX];
    int err = copy_string_from_user(name, uname, sizeof name);
    if (!err && uargs)
        err = copy_string_from_user(args, uargs, sizeof args);
    if (err)
        return err;
    if (!uargs)
        args[0] = 0;
    uint32_t priv = prio & ANT_SPAWN_PRIV, paged = prio & ANT_SPAWN_PAGED;
    uint32_t rights = (prio >> 16) & 0xFF, cpu = (prio >> 24) & 0xF;
    prio &= ~(uint32_t)(ANT_SPAWN_PRIV | ANT_SPAWN_PAGED | ANT_SPAWN_RIGHTS(0xFF) | 0x0F000000u);
    if (prio >= NPRIO || prio < current->prio)   /* no child more urgent than me */
        return -ANT_EINVAL;
    if ((priv && !me()->priv) || (rights & ~(uint32_t)me()->rights))
        return -ANT_EPERM;                      /* rights only come from above */
    if (!proc_may_take(me(), 1, proc_free_slots(), PROC_RESERVE_SLOTS))
        return -ANT_EAGAIN;                     /* the last slots are the servers' */
    if (!proc_may_take(me(), 0, pool_free_count(), proc_frame_reserve()))
        return -ANT_ENOMEM;
    return proc_spawn(name, args, (int)prio, me(),
                      (priv ? PROC_PRIV : 0) | (paged ? PROC_PAGED : 0) | PROC_RIGHTS(rights) |
                      (cpu ? PROC_CPU(cpu - 1) : 0));
}

int32_t SYSCALL_ABI sys_wait(struct trap_frame *tf)
{
    uint32_t pid = tf->ebx;
    uint32_t ustatus = tf->esi;
    uint32_t flags = tf->edi;
    int32_t status = 0;
    if (flags & ~(uint32_t)(ANT_WNOHANG | ANT_WNOTIFY))
        return -ANT_EINVAL;
    if (flags & ANT_WNOTIFY)
        me()->child_notify = 1;
    if (ustatus && copy_to_user(ustatus, &status, sizeof status))
        return -ANT_EFAULT;                     /* before a child is reaped */
    int32_t r = proc_wait(me(), pid, &status, (flags & ANT_WNOHANG) != 0);
    if (r > 0 && ustatus && copy_to_user(ustatus, &status, sizeof status))
        return -ANT_EFAULT;
    return r;
}

int32_t SYSCALL_ABI sys_modinfo(struct trap_frame *tf)
{
    uint32_t index = tf->ebx;
    uint32_t uinfo = tf->esi;
    struct ant_modinfo info;
    const struct module *m = module_get(index);
    if (!m)
        return -ANT_ENOENT;
    memset(&info, 0, sizeof info);
    strncpy_safe(info.name, m->name, sizeof info.name);
    info.size = (unsigned)m->size;
    return copy_to_user(uinfo, &info, sizeof info);
}

int32_t SYSCALL_ABI sys_kill(struct trap_frame *tf)
{
    uint32_t pid = tf->ebx;
    struct proc *p = proc_find(pid);
    if (!p || p->state != P_ALIVE)
        return -ANT_ESRCH;
    struct proc *a = p->parent;
    while (a && a != me())              /* a child, or a child's child... */
        a = a->parent;
    if (!a)
        return -ANT_ECHILD;
    proc_kill_tree(p, ANT_KILLED_BY_KILL);
    return 0;
}

int32_t SYSCALL_ABI sys_meminfo(struct trap_frame *tf)
{
    uint32_t uinfo = tf->ebx;
    struct ant_meminfo info;
    info.pool_free = pool_free_count();
    info.pool_total = pool_total;
    info.my_pages = me()->vm.pages;
    info.procs = proc_count();
    info.reserve = proc_frame_reserve();
    return copy_to_user(uinfo, &info, sizeof info);
}

int32_t SYSCALL_ABI sys_getargs(struct trap_frame *tf)
{
    uint32_t ubuf = tf->ebx;
    uint32_t len = tf->esi;
    uint32_t n = (uint32_t)strlen(me()->args) + 1;
    if (len < n)
        return -ANT_EINVAL;
    int err = copy_to_user(ubuf, me()->args, n);
    return err ? err : (int32_t)(n - 1);
}

int32_t SYSCALL_ABI sys_icc_alloc(struct trap_frame *tf)
{
    uint32_t va, reserve = icc_total() / 8 < ICC_RESERVE_MAX ? icc_total() / 8 : ICC_RESERVE_MAX;
    if (tf->ebx && tf->ebx <= ANT_ICC_RUN_MAX &&
        !proc_may_take(me(), tf->ebx, icc_free_count(), reserve))
        return -ANT_ENOMEM;                     /* the rest is for the servers */
    int err = icc_alloc(&me()->vm, tf->ebx, &va);
    return err ? err : (int32_t)va;         /* 2GB-3GB: negative as int32_t */
}

int32_t SYSCALL_ABI sys_icc_free(struct trap_frame *tf)
{
    return icc_free(&me()->vm, tf->ebx, tf->esi);
}

int32_t SYSCALL_ABI sys_icc_phys(struct trap_frame *tf)
{
    uint32_t va = tf->ebx & PTE_FRAME_MASK, pa;
    int err = icc_run_owned(&me()->vm, ANT_ICC_RUN(va, 1));
    if (err)
        return err;
    pa = icc_phys(tf->ebx);
    return copy_to_user(tf->esi, &pa, sizeof pa);
}

int32_t SYSCALL_ABI sys_icc_info(struct trap_frame *tf)
{
    struct ant_iccinfo info;
    char why[96];
    info.base = mm.icc_base;
    info.total = icc_total();
    info.free = icc_free_count();
    info.mine = me()->vm.icc_pages;
    info.check = 1;                         /* long: not for everyone */
    if (me()->priv && proc_icc_check(why, sizeof why)) {
        kprintf("icc: INVARIANT BROKEN: %s\n", why);
        info.check = -1;
    } else if (me()->priv && proc_audit_frames(why, sizeof why)) {
        kprintf("frames: AUDIT FAILED: %s\n", why);
        info.check = -1;
    } else if (me()->priv) {
        info.check = 0;
    }
    return copy_to_user(tf->ebx, &info, sizeof info);
}

/* Ports the inner core keeps: the PICs and their edge/level registers,
 * the PIT, the fast reset port, the IMCR, QEMU's exit port. */
static int port_reserved(uint32_t port)
{
    return port == PORT_PIC1 || port == PORT_PIC1 + 1 || port == PORT_PIC2 ||
           port == PORT_PIC2 + 1 || port == PORT_ELCR || port == PORT_ELCR + 1 ||
           (port >= PORT_PIT && port <= PORT_PIT + 3) || port == PORT_FAST_A20 ||
           port == PORT_IMCR || port == PORT_IMCR + 1 ||
           (port >= PORT_DEBUG_EXIT && port < PORT_DEBUG_EXIT + 4);
}

int32_t SYSCALL_ABI sys_ioperm(struct trap_frame *tf)
{
    uint32_t first = tf->ebx, count = tf->esi;
    struct proc *p = me();
    if (!p->priv)
        return -ANT_EPERM;
    if (!count || first >= IOMAP_PORTS || count > IOMAP_PORTS - first)
        return -ANT_EINVAL;
    for (uint32_t port = first; port < first + count; port++)
        if (port_reserved(port))
            return -ANT_EPERM;
    iomap_grant(&p->iomap, first, count);
    p->io_on = 1;
    p->thread->ipc_key = THREAD_KEY_IO(p->thread);
    p->devices = 1;
    tss_iomap_changed(&p->iomap);
    tss_set_iomap(this_cpu(), &p->iomap);
    return 0;
}

int32_t SYSCALL_ABI sys_procinfo(struct trap_frame *tf)
{
    struct ant_procinfo info;
    int err = proc_info(tf->ebx, &info);
    return err ? err : copy_to_user(tf->esi, &info, sizeof info);
}

/* What the area at va is, for SYS_VMMAP (mm/layout.h). */
static uint32_t map_kind(uint32_t va)
{
    static const struct { uint32_t start, end, kind; } areas[] = {
        { USER_START - PAGE_SIZE, ICC_VIRT, ANT_MAPK_PRIVATE },
        { ICC_VIRT, USER_END, ANT_MAPK_ICC },
        { KERNEL_VIRT, KDATA_VIRT, ANT_MAPK_TEXT },
        { KDATA_VIRT, KDATA_VIRT + KDATA_SIZE, ANT_MAPK_DATA },
        { IOALIAS_VIRT, FRAMETAB_VIRT, ANT_MAPK_IOALIAS },
        { FRAMETAB_VIRT, FRAMETAB_VIRT + FRAMETAB_MAX, ANT_MAPK_FRAMES },
        { WINDOW_VIRT, WINDOW_VIRT + WINDOW_SIZE, ANT_MAPK_WINDOW },
        { KSTACK_VIRT, KSTACK_VIRT + KSTACK_AREA, ANT_MAPK_KSTACK },
        { MODULES_VIRT, MODULES_VIRT + MODULES_SIZE, ANT_MAPK_MODULES },
        { FB_VIRT, FB_VIRT + FB_SIZE, ANT_MAPK_SCREEN },
        { KDYN_VIRT, KDYN_VIRT + KDYN_SIZE, ANT_MAPK_KDYN },
        { ICC_PT_VIRT, ICC_PT_VIRT + ICC_PT_SIZE, ANT_MAPK_ICC_TABLES },
    };
    for (uint32_t i = 0; i < sizeof areas / sizeof areas[0]; i++)
        if (va >= areas[i].start && va < areas[i].end)
            return areas[i].kind;
    return ANT_MAPK_KERNEL;
}

int32_t SYSCALL_ABI sys_vmmap(struct trap_frame *tf)
{
    uint32_t pid = tf->ebx, from = tf->esi, va, pa, bits;
    struct proc *p = pid ? proc_alive(pid) : me();
    if (!p)
        return -ANT_ESRCH;
    if (p != me() && !(me()->rights & ANT_RIGHT_MANAGE))
        return -ANT_EPERM;
    uint32_t n = vm_next_run(&p->vm, from, &va, &pa, &bits);
    if (!n)
        return -ANT_ENOENT;
    struct ant_maprun run = {
        .va = va, .pages = n, .pa = pa, .kind = map_kind(va), .pd = p->vm.pd,
        .flags = ((bits & PTE_W) ? ANT_MAP_WRITE : 0) | ((bits & PTE_U) ? ANT_MAP_USER : 0) |
                 ((bits & PTE_G) ? ANT_MAP_GLOBAL : 0) | ((bits & PDE_PS) ? ANT_MAP_BIG : 0) |
                 ((bits & PTE_PCD) ? ANT_MAP_UNCACHED : 0),
    };
    return copy_to_user(tf->edi, &run, sizeof run);
}

/* What SYS_MAPIO maps: the video memory (the console driver's screen), or
 * device memory, that is pages that are not RAM (a PCI device's registers),
 * never the APICs the inner core may use. Device pages are never freed to
 * the pool (vm_destroy frees only pool frames the space owns). */
#define VIDEO_LO 0xA0000u
#define VIDEO_HI 0xC0000u
#define APIC_LO 0xFEC00000u         /* I/O APICs up to the local APIC's end */
#define APIC_HI 0xFEF00000u

static int device_page(uint32_t pa)
{
    const struct frame *f = frame_of(pa);
    if (pa >= APIC_LO && pa < APIC_HI)
        return 0;
    return pa >= IOHOLE_END && (!f || f->state == FRAME_ABSENT);
}

/* The pages of the screen's framebuffer (a UEFI boot's): [*first, *end). */
static int framebuffer_pages(uint32_t *first, uint32_t *end)
{
    struct screen_mode m;
    uint32_t col, row;
    console_mode(&m, &col, &row);
    if (m.kind != SCREEN_FB)
        return 0;
    *first = m.phys & PTE_FRAME_MASK;
    *end = (m.phys + m.pitch * m.height + PAGE_SIZE - 1) & PTE_FRAME_MASK;
    return 1;
}

/* PTE flags for npages at pa, or 0 if they may not be mapped. */
static uint32_t mapio_flags(uint32_t pa, uint32_t n)
{
    uint32_t fb, fb_end;
    if (pa >= VIDEO_LO && pa < VIDEO_HI)
        return n <= (VIDEO_HI - pa) / PAGE_SIZE ? PTE_W : 0;
    if (framebuffer_pages(&fb, &fb_end) && pa >= fb && pa < fb_end)
        return n <= (fb_end - pa) / PAGE_SIZE ? PTE_W : 0;  /* its caching: the MTRRs' */
    if (n > (0xFFFFFFFFu - pa) / PAGE_SIZE + 1)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        if (!device_page(pa + i * PAGE_SIZE))
            return 0;
    return PTE_W | PTE_PCD | PTE_PWT;
}

int32_t SYSCALL_ABI sys_mapio(struct trap_frame *tf)
{
    uint32_t addr = tf->ebx, pa = tf->esi, n = tf->edi, flags;
    struct proc *p = me();
    if (!p->priv)
        return -ANT_EPERM;
    uint32_t fb, fb_end, max = framebuffer_pages(&fb, &fb_end) && pa == fb
                                  ? (fb_end - fb) / PAGE_SIZE : ANT_MAPIO_MAX;
    if (!n || n > max || (pa & (PAGE_SIZE - 1)) || !private_range_ok(addr, n * PAGE_SIZE))
        return -ANT_EINVAL;
    if (!(flags = mapio_flags(pa, n)))
        return -ANT_EINVAL;
    if (paging_overlaps(p, addr, n * PAGE_SIZE) || !vm_range_free(&p->vm, addr, n * PAGE_SIZE))
        return -ANT_EBUSY;
    for (uint32_t i = 0; i < n; i++) {
        int err = vm_map(&p->vm, addr + i * PAGE_SIZE, pa + i * PAGE_SIZE, flags);
        if (err) {
            for (uint32_t j = 0; j < i; j++)
                vm_unmap(&p->vm, addr + j * PAGE_SIZE);
            return err;
        }
    }
    struct screen_mode m;
    uint32_t col, row;
    console_mode(&m, &col, &row);
    if (m.kind != SCREEN_NONE && pa <= m.phys && m.phys < pa + n * PAGE_SIZE)
        proc_take_screen(p);                /* the console driver: the log is its */
    p->devices = 1;
    return 0;
}

int32_t SYSCALL_ABI sys_uptime(struct trap_frame *tf)
{
    (void)tf;
    return (int32_t)timer_ticks();
}

int32_t SYSCALL_ABI sys_alarm(struct trap_frame *tf)
{
    uint32_t ticks = tf->ebx;
    if (ticks > SLEEP_MAX_TICKS)
        return -ANT_EINVAL;
    sched_alarm(ticks);
    return 0;
}

int32_t SYSCALL_ABI sys_screen(struct trap_frame *tf)
{
    uint32_t uinfo = tf->ebx, ucells = tf->esi, want = tf->edi, have;
    struct ant_screen info;
    struct screen_mode m;
    _Static_assert(sizeof m == offsetof(struct ant_screen, col), "ant_screen starts as screen_mode");
    memset(&info, 0, sizeof info);
    console_mode(&m, &info.col, &info.row);
    memcpy(&info, &m, sizeof m);
    const uint16_t *text = console_text(&have);
    if (ucells && want && have && m.kind == SCREEN_FB) {
        info.cells = want < have ? want : have;
        if (copy_to_user(ucells, text, info.cells * sizeof *text))
            return -ANT_EFAULT;
    }
    return copy_to_user(uinfo, &info, sizeof info);
}

int32_t SYSCALL_ABI sys_logread(struct trap_frame *tf)
{
    uint32_t upos = tf->ebx, ubuf = tf->esi, len = tf->edi, pos;
    char chunk[512];
    if (!proc_owns_screen(me()))
        return -ANT_EPERM;
    if (copy_from_user(&pos, upos, sizeof pos))
        return -ANT_EFAULT;
    if (!user_range_ok(ubuf, len))
        return -ANT_EFAULT;
    uint32_t n = console_log_read(&pos, chunk, len < sizeof chunk ? len : sizeof chunk);
    if (copy_to_user(upos, &pos, sizeof pos) || copy_to_user(ubuf, chunk, n))
        return -ANT_EFAULT;
    return (int32_t)n;
}

int32_t SYSCALL_ABI sys_dma_reset(struct trap_frame *tf)
{
    (void)tf;
    if (!me()->priv)
        return -ANT_EPERM;
    icc_quarantine_end();
    return 0;
}

int32_t SYSCALL_ABI sys_cpuinfo(struct trap_frame *tf)
{
    uint32_t cpu = tf->ebx;
    struct ant_cpuinfo info;
    uint64_t now = (boot_info.flags & BOOT_CPU_TSC) ? rdtsc() : 0;
    if (cpu >= (cpu_count ? cpu_count : 1))
        return -ANT_EINVAL;
    const struct cpu *c = &cpus[cpu];
    memset(&info, 0, sizeof info);
    info.cpu = cpu;
    info.apic_id = c->apic_id;
    info.state = c->running ? ANT_CPU_RUNNING : c->online ? ANT_CPU_PARKED : ANT_CPU_OFF;
    info.ticks = timer_ticks();
    /* Halted now: the time so far counts (its own idle_tsc is updated
     * when it wakes). */
    uint64_t idle = c->idle_tsc + (c->idle_since && now > c->idle_since ? now - c->idle_since : 0);
    info.idle_ticks = c->running ? c->idle_ticks : info.ticks;   /* one that never ran: all idle */
    info.tsc_lo = (uint32_t)now;
    info.tsc_hi = (uint32_t)(now >> 32);
    info.idle_lo = (uint32_t)idle;
    info.idle_hi = (uint32_t)(idle >> 32);
    info.ipcs = c->ipcs + c->fast_ipcs;
    info.switches = c->switches + c->fast_ipcs;
    info.ipis = c->ipis;
    info.own_ticks = c->ticks;
    for (int i = 0; i < MAX_THREADS; i++) {
        const struct thread *t = thread_at(i);
        info.threads += t->state != T_FREE && t->state != T_DEAD && t->cpu == cpu && t != c->idle;
    }
    return copy_to_user(tf->esi, &info, sizeof info);
}

int32_t SYSCALL_ABI sys_power(struct trap_frame *tf)
{
    uint32_t op = tf->ebx;
    if (me() != proc_manager)
        return -ANT_EPERM;                  /* through the manager (PM_POWER) */
    if (op == ANT_POWER_HALT)
        system_halt();
    if (op == ANT_POWER_REBOOT) {
        cli();
        console_emergency();                /* the line is seen before the reset */
        kprintf("boot: restarting the PC\n");
        system_restart();
    }
    return -ANT_EINVAL;
}

static int32_t SYSCALL_ABI sys_nosys(struct trap_frame *tf)
{
    (void)tf;
    return -ANT_ENOSYS;
}

/* The tables, from the list: what each kind of call takes and how it leaves. */
#define PEER_PLAIN(name) sys_nosys
#define PEER_OWN(name)   sys_nosys
#define PEER_SEND(name)  sys_##name
#define PEER_MSG(name)   sys_##name
#define FLAGS_PLAIN 0
#define FLAGS_OWN   0
#define FLAGS_SEND  0
#define FLAGS_MSG   SYSCALL_IRET
#define NOLOCK(nr) ((nr) == SYS_GETPID || (nr) == SYS_UPTIME ? SYSCALL_NOLOCK : 0)
#define ENTRY_(nr, NAME, name, kind, ...) [nr] = { sys_##name, FLAGS_##kind | NOLOCK(nr) },
#define PEER_ENTRY_(nr, NAME, name, kind, ...) [nr] = { PEER_##kind(name), FLAGS_##kind },
uint32_t sysenter_table[SYSENTER_SLOTS];
const struct syscall syscall_table[SYS_NCALLS] = { ANT_SYSCALLS(ENTRY_) };
const struct syscall syscall_peer_table[SYS_NCALLS] = { ANT_SYSCALLS(PEER_ENTRY_) };

void syscall_dispatch(struct trap_frame *tf)
{
    uint32_t eax = tf->eax, nr = eax & 0xFF;
    if (eax < SYS_NCALLS)
        tf->eax = (uint32_t)syscall_table[eax].fn(tf);
    else if (nr < SYS_NCALLS)
        tf->eax = (uint32_t)syscall_peer_table[nr].fn(tf);
    else
        tf->eax = (uint32_t)-ANT_ENOSYS;
}

void syscall_init_cpu(struct cpu *c)
{
    if (!(boot_info.flags & BOOT_CPU_SEP))
        return;
    wrmsr(MSR_SYSENTER_CS, SEL_KCODE);
    wrmsr(MSR_SYSENTER_ESP, (uint32_t)&c->sysenter.esp0);
    wrmsr(MSR_SYSENTER_EIP, (uint32_t)sysenter_entry);
}

/* The fastpath's entries (ipc/fastpath.asm), and the sysenter entry's own
 * (trapstubs.asm). */
void ipc_fast_call(void), ipc_fast_replyrecv(void), ipc_fast_send(void), sysenter_getpid(void),
    sysenter_general(void);

void syscall_init(void)
{
    pool_total = pool_free_count();
    for (uint32_t i = 0; i < SYSENTER_SLOTS; i++)
        sysenter_table[i] = (uint32_t)sysenter_general;
    sysenter_table[SYS_GETPID] = (uint32_t)sysenter_getpid;
    if (!boot_config.ipcfast_off) {
        sysenter_table[SYS_CALL] = (uint32_t)ipc_fast_call;
        sysenter_table[SYS_REPLYRECV] = (uint32_t)ipc_fast_replyrecv;
        sysenter_table[SYS_SEND] = (uint32_t)ipc_fast_send;
    } else {
        kprintf("ipc: ipcfast=off: every IPC call takes the general path\n");
    }
    syscall_init_cpu(this_cpu());
}
