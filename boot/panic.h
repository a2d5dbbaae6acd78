/* Stopping the system: panic, and the QEMU exit used by test boots. */
#ifndef BOOT_PANIC_H
#define BOOT_PANIC_H
#include <stdint.h>

/* Print the message, a backtrace, and stop (a test boot exits QEMU failed). */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* The two halves of a panic, for one that prints more (a trap's registers,
 * kernel/trap.c): take the screen, interrupts off; then the backtrace from
 * ebp, and stop. */
void panic_start(void);
void panic_finish(uint32_t ebp) __attribute__((noreturn));
/* Halt for good, the screen and serial line taken back to say so. */
void system_halt(void) __attribute__((noreturn));
/* Restart the PC (the 8042's reset line, else a triple fault). */
void system_restart(void) __attribute__((noreturn));
/* Stop: exit QEMU with pass or fail if stop_exits_qemu; otherwise halt. */
void system_stop(int passed) __attribute__((noreturn));
/* Is this a test boot (test= on the command line)? */
extern int test_boot;
/* Does stopping leave QEMU through isa-debug-exit? Set for boots that a
 * script drives (test= or init= on the command line), so they end with a
 * status instead of a halted machine; other boots only halt. */
extern int stop_exits_qemu;

#endif
