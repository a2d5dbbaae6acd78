/* The inner core's start: one init call per line, in the order they need. */
#include "boot/bootinfo.h"
#include "boot/cmdline.h"
#include "boot/console.h"
#include "kernel/fpu.h"
#include "kernel/gdt.h"
#include "kernel/ktest.h"
#include "kernel/module.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/syscall.h"
#include "boot/panic.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "boot/x86.h"
#include "mm/icc.h"
#include "mm/kspace.h"
#include "mm/mm.h"
#include "lib/fmt.h"

struct boot_info boot_info;                    /* filled by early boot */
uint8_t boot_stack[BOOT_STACK_SIZE] __attribute__((aligned(16)));
uint32_t kdata_phys_base;
struct kconfig boot_config;

#define INIT_NAME "init"

void kernel_main(void);

static void report_option(const char *why, const char *word, size_t len)
{
    kprintf("cmdline: %s: '%.*s' ignored\n", why, (int)len, word);
}

static void report_cpu(void)
{
    if (!(boot_info.flags & BOOT_CPU_PGE))
        kprintf("cpu: WARNING: no global pages (PGE): kernel pages are flushed "
                "on every address-space switch\n");
    if (boot_info.flags & (BOOT_TRUNC_MMAP | BOOT_TRUNC_MODS | BOOT_TRUNC_CMDLINE))
        kprintf("boot: WARNING: boot information cut short (flags %x)\n", boot_info.flags);
}

static char test_args[32];

/* init's argument string: init= if given, else on a test boot "test" and
 * the in-kernel suite's counts, for the verdict of the whole boot. */
static const char *init_args(void)
{
    if (boot_config.init[0])
        return boot_config.init;
    return test_boot ? test_args : "";
}

/* Start the first outer-core process and wait for it to end. */
static int32_t run_init(void)
{
    int32_t status = -1;
    int32_t pid = proc_spawn(INIT_NAME, init_args(), PRIO_DEFAULT - 1, &kernel_proc,
                             PROC_PRIV | PROC_MANAGER);
    if (pid == -ANT_ENOENT)
        kprintf("boot: no '%s' module: GRUB must load the process manager as "
                "'module /boot/init.elf %s'\n", INIT_NAME, INIT_NAME);
    else if (pid < 0)
        kprintf("boot: cannot start '%s' (error %d)\n", INIT_NAME, -pid);
    if (pid < 0)
        return -1;
    kprintf("boot: started %s as pid %d\n", INIT_NAME, pid);
    proc_wait(&kernel_proc, (uint32_t)pid, &status, 0);
    return status;
}

/* Every CPU's index; this one's GDT and TSS, so this_cpu() is CPU 0. */
static void cpus_number(void)
{
    for (uint32_t i = 0; i < MAX_CPUS; i++)
        cpus[i].index = i;
    gdt_init(&cpus[0]);                        /* flat segments and CPU 0's TSS */
}

void kernel_main(void)
{
    kdata_phys_base = boot_info.data_phys;     /* data area usable from here */
    cpus_number();
    struct screen_mode screen = boot_info.screen;
    console_init(&screen, kspace_map_screen(&screen), boot_info.screen_why);  /* COM1, the screen */
    kspace_finish_boot();                      /* drop the identity mapping */
    kprintf("AnT/i386 inner core\n");
    console_report();
    cmdline_parse(boot_info.cmdline, &boot_config, report_option);
    test_boot = boot_config.test[0] != 0;
    stop_exits_qemu = test_boot || boot_config.init[0];  /* a scripted boot */
    report_cpu();
    trap_init();                               /* IDT, exceptions, PICs */
    fpu_init();                                /* x87/MMX/SSE: per thread, lazily */
    mm_init(&boot_config);                     /* ICC region, frame table, pool */
    icc_init(timer_ticks);                     /* ICC pages: all free */
    proc_init();                               /* the process table */
    sched_init();                              /* this becomes the boot thread */
    module_init();                             /* program images from GRUB */
    syscall_init();                            /* int 0x80 and sysenter */
    timer_init();                              /* the PIT tick drives preemption */
    sti();
    /* the other CPUs: found, started, waiting */
    smp_init(boot_config.cpus, boot_config.cpu_absent, boot_config.acpi_off);
    int passed = 0, failed = 0;
    int ok = test_boot ? ktest_run(boot_config.test, &passed, &failed) : 1;
    fmt_snprintf(test_args, sizeof test_args, "test ktest=%d/%d", passed, failed);
    smp_go();                                  /* they schedule too */
    int32_t status = run_init();
    if (test_boot)
        system_stop(ok && status == 0);
    kprintf("boot: init ended with status %d; system halted\n", status);
    system_stop(status == 0);
}
