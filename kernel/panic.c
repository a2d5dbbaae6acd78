/* Panics: print what happened and where on both consoles, then stop. A
 * test or scripted boot leaves QEMU through isa-debug-exit, so a panic is a
 * failure the harness sees at once, never a hang. */
#include "kernel/panic.h"
#include "kernel/console.h"
#include "kernel/trap.h"
#include "kernel/x86.h"
#include "mm/layout.h"

int test_boot;
int stop_exits_qemu;

extern const char __text_start[], __text_end[];   /* linker.ld */

void system_stop(int passed)
{
    cli();
    if (stop_exits_qemu)
        outb(PORT_DEBUG_EXIT, passed ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
    for (;;)
        hlt();
}

/* Walk the saved-EBP chain while it stays inside kernel space. */
static void backtrace(uint32_t ebp)
{
    kprintf("backtrace:");
    for (int depth = 0; depth < 16 && ebp >= KERNEL_VIRT && (ebp & 3) == 0; depth++) {
        const uint32_t *frame = (const uint32_t *)ebp;
        uint32_t ret = frame[1];
        if (ret < (uint32_t)__text_start || ret >= (uint32_t)__text_end)
            break;
        kprintf(" %08x", ret);
        ebp = frame[0];
    }
    kprintf("\n");
}

void panic(const char *fmt, ...)
{
    va_list ap;
    cli();
    kprintf("\nPANIC: ");
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
    backtrace(read_ebp());
    kprintf("system halted\n");
    system_stop(0);
}

void panic_trap(const struct trap_frame *tf, const char *what)
{
    cli();
    kprintf("\nPANIC: %s in the kernel at eip %08x (vector %u, error %08x)\n",
            what, tf->eip, tf->vector, tf->error);
    kprintf("eax %08x ebx %08x ecx %08x edx %08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
    kprintf("esi %08x edi %08x ebp %08x esp %08x\n", tf->esi, tf->edi, tf->ebp,
            (uint32_t)&tf->user_esp);
    kprintf("cs %04x ds %04x eflags %08x cr2 %08x cr3 %08x\n", tf->cs, tf->ds, tf->eflags,
            read_cr2(), read_cr3());
    backtrace(tf->ebp);
    kprintf("system halted\n");
    system_stop(0);
}
