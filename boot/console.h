/* The inner core's log: COM1 and the screen, written together; handed to
 * the console driver once it owns them. */
#ifndef BOOT_CONSOLE_H
#define BOOT_CONSOLE_H
#include <stdarg.h>
#include <stdint.h>
#include "lib/screen.h"

/* Start the log on COM1 and on the screen GRUB set up (m), mapped at base
 * (0: none; why says why not). */
void console_init(const struct screen_mode *m, void *base, const char *why);
/* One line on what the screen is (after the banner). */
void console_report(void);
void kputc(char c);
void kputs(const char *s);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

/* The console driver owns the screen and the serial line: from now on the
 * log goes into a ring it reads (console_log_read), and fn is called when
 * there is more. */
void console_set_wake(void (*fn)(void));
void console_hand_over(void);
/* It is gone: what it had not shown is printed, then the log goes
 * straight to the devices again, below what it left on the screen. */
void console_take_back(void);
/* Up to len bytes of the ring into buf, from position *pos (bytes since
 * boot); everything before *pos has been shown. *pos is set to where the
 * bytes copied start (it moves forward if *pos was not in the ring). */
uint32_t console_log_read(uint32_t *pos, char *buf, uint32_t len);
/* The screen (kind SCREEN_NONE if unusable), and where the log's cursor is. */
void console_mode(struct screen_mode *m, uint32_t *col, uint32_t *row);
/* The text on a framebuffer screen (char | attr << 8), *ncells cells (0:
 * none kept). */
const uint16_t *console_text(uint32_t *ncells);
/* A panic: take the devices back at once, whoever has them. */
void console_emergency(void);

#endif
