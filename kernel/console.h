/* The kernel console: COM1 and the VGA text screen, written together. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H
#include <stdarg.h>
#include <stdint.h>

void console_init(void);
void kputc(char c);
void kputs(const char *s);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
/* The console driver (pid) has mapped the screen: the inner core writes
 * only to the serial line while that process lives. */
void console_give_screen(uint32_t pid);

#endif
