/* Memory and string functions (the compiler also calls memset/memcpy). */
#include "lib/string.h"
#include <stdint.h>

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    if (((uintptr_t)p & 3) == 0 && (n & 3) == 0) {
        uint32_t v = (uint8_t)c * 0x01010101u;
        size_t w = n / 4;
        __asm__ volatile("rep stosl" : "+D"(p), "+c"(w) : "a"(v) : "memory");
        return d;
    }
    __asm__ volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(c) : "memory");
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    void *dd = d;
    if ((((uintptr_t)d | (uintptr_t)s | n) & 3) == 0) {
        size_t w = n / 4;
        __asm__ volatile("rep movsl" : "+D"(dd), "+S"(s), "+c"(w) : : "memory");
        return d;
    }
    __asm__ volatile("rep movsb" : "+D"(dd), "+S"(s), "+c"(n) : : "memory");
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    if (dp <= sp || dp >= sp + n)
        return memcpy(d, s, n);
    while (n--)
        dp[n] = sp[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || !a[i])
            return (uint8_t)a[i] - (uint8_t)b[i];
    }
    return 0;
}

char *strncpy_safe(char *d, const char *s, size_t cap)
{
    size_t i = 0;
    if (!cap)
        return d;
    for (; s[i] && i + 1 < cap; i++)
        d[i] = s[i];
    d[i] = 0;
    return d;
}

unsigned str_decimal(const char *s)
{
    unsigned n = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        unsigned d = (unsigned)(*s - '0');
        n = n > (0xFFFFFFFFu - d) / 10 ? 0xFFFFFFFFu : n * 10 + d;
    }
    return n;
}
