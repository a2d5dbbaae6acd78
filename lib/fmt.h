/* Formatted output without libc: printf-style formatting to any sink. */
#ifndef LIB_FMT_H
#define LIB_FMT_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*fmt_sink)(char c, void *arg);

/*
 * Supported: %d %i %u %x %X %o %c %s %p %%, flags '-' '0', a width (or *),
 * a precision for strings (.N or .*), and the length modifiers l and ll.
 * Returns the number of characters produced.
 */
int fmt_vformat(fmt_sink put, void *arg, const char *fmt, va_list ap);
int fmt_format(fmt_sink put, void *arg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like snprintf: always terminates (if size > 0), returns the full length. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Parse a size like "64M", "512K", "4096" into bytes; 0 on success, -1 if malformed or over max. */
int fmt_parse_size(const char *s, size_t len, uint64_t max, uint64_t *out);

#endif
