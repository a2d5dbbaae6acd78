/* Panics: print what happened and where on both consoles, then stop. A
 * test or scripted boot leaves QEMU through isa-debug-exit, so a panic is a
 * failure the harness sees at once, never a hang; on a real PC (no QEMU
 * found) nothing is written to that port: the verdict stays on the screen
 * until a key is pressed, then the PC restarts. */
#include "boot/panic.h"
#include "boot/console.h"
#include "boot/x86.h"
#include "lib/i8042.h"
#include "lib/uart.h"

int test_boot;
int stop_exits_qemu;

extern const char __text_start[], __text_end[];   /* linker.ld */

#define FW_CFG_SELECT 0x510         /* QEMU's firmware configuration device */
#define FW_CFG_DATA   0x511

/* Are we in QEMU? Its fw_cfg device answers "QEMU" to selector 0; a real
 * PC has nothing there. */
static int in_qemu(void)
{
    static const char sig[4] = {'Q', 'E', 'M', 'U'};
    outw(FW_CFG_SELECT, 0);
    for (int i = 0; i < 4; i++)
        if (inb(FW_CFG_DATA) != (uint8_t)sig[i])
            return 0;
    return 1;
}

/* Until a key goes down on the PS/2 keyboard or a byte comes in on COM1. */
static void wait_key(void)
{
    for (;;) {
        uint8_t s = inb(KBD_STATUS);
        if (s != PORT_ABSENT && (s & KBD_OBF) && !(inb(KBD_DATA) & KBD_RELEASE))
            return;
        uint8_t lsr = inb(UART_COM1 + UART_LSR);
        if (lsr != PORT_ABSENT && (lsr & LSR_DR)) {
            inb(UART_COM1 + UART_DATA);
            return;
        }
    }
}

void system_restart(void)
{
    cli();
    for (int i = 0; i < 100000 && (inb(KBD_STATUS) & KBD_IBF); i++)
        ;
    outb(KBD_STATUS, CMD_PULSE_RESET);
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) none = {0, 0};
    __asm__ volatile("lidt %0; int3" : : "m"(none));   /* no IDT: a triple fault resets */
    for (;;)
        hlt();
}

void system_halt(void)
{
    cli();
    console_emergency();
    kprintf("system halted: it is safe to switch the PC off now\n");
    for (;;)
        hlt();
}

void system_stop(int passed)
{
    cli();
    if (stop_exits_qemu && in_qemu())
        outb(PORT_DEBUG_EXIT, passed ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
    kprintf("press a key to restart\n");
    wait_key();
    system_restart();
}

/* Walk the saved-EBP chain while it stays in the kernel half (every
 * kernel stack lies above the text). */
static void backtrace(uint32_t ebp)
{
    kprintf("backtrace:");
    for (int depth = 0; depth < 16 && ebp >= (uint32_t)__text_start && (ebp & 3) == 0; depth++) {
        const uint32_t *frame = (const uint32_t *)ebp;
        uint32_t ret = frame[1];
        if (ret < (uint32_t)__text_start || ret >= (uint32_t)__text_end)
            break;
        kprintf(" %08x", ret);
        ebp = frame[0];
    }
    kprintf("\n");
}

void panic_start(void)
{
    cli();
    console_emergency();
}

void panic_finish(uint32_t ebp)
{
    backtrace(ebp);
    kprintf("system halted\n");
    system_stop(0);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    panic_start();
    kprintf("\nPANIC: ");
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
    panic_finish(read_ebp());
}
