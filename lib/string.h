/* The few string and memory functions the kernel and user programs need. */
#ifndef LIB_STRING_H
#define LIB_STRING_H
#include <stddef.h>

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strncpy_safe(char *d, const char *s, size_t cap);
/* The decimal number s starts with (0 if none), up to the first
 * non-digit; saturates at 0xFFFFFFFF. */
unsigned str_decimal(const char *s);

#endif
