/* Stopping the system: panic, and the QEMU exit used by test boots. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H
#include <stdint.h>

struct trap_frame;

/* Print the message, a backtrace, and stop (a test boot exits QEMU failed). */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* The same for an unexpected trap in the kernel, with the registers. */
void panic_trap(const struct trap_frame *tf, const char *what) __attribute__((noreturn));
/* Stop: in a test boot, exit QEMU with pass or fail; otherwise halt. */
void system_stop(int passed) __attribute__((noreturn));
/* Is this a test boot (test= on the command line)? */
extern int test_boot;

#endif
