/* Runs every registered host test: one line per test, then a summary. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/host/check.h"

#define HTEST_MAX 512

struct htest {
    const char *name;
    void (*fn)(void);
};

static struct htest tests[HTEST_MAX];
static int ntests;
static int overflowed;

static char reason[512];
static int failed;

void htest_register(const char *name, void (*fn)(void))
{
    if (ntests == HTEST_MAX) {
        overflowed = 1;
        return;
    }
    tests[ntests].name = name;
    tests[ntests].fn = fn;
    ntests++;
}

void htest_fail(const char *file, int line, const char *fmt, ...)
{
    if (failed)
        return;
    failed = 1;
    int n = snprintf(reason, sizeof reason, "%s:%d: ", file, line);
    if (n < 0 || (size_t)n >= sizeof reason)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason + n, sizeof reason - (size_t)n, fmt, ap);
    va_end(ap);
}

int htest_failed(void)
{
    return failed;
}

int htest_str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct htest *)a)->name, ((const struct htest *)b)->name);
}

int main(void)
{
    int passed = 0, nfailed = 0;

    if (overflowed) {
        printf("host: FAIL framework: more than %d tests\n", HTEST_MAX);
        nfailed++;
    }
    qsort(tests, (size_t)ntests, sizeof tests[0], by_name);
    for (int i = 0; i < ntests; i++) {
        failed = 0;
        reason[0] = 0;
        tests[i].fn();
        if (failed) {
            printf("host: FAIL %s: %s\n", tests[i].name, reason);
            nfailed++;
        } else {
            printf("host: PASS %s\n", tests[i].name);
            passed++;
        }
        fflush(stdout);
    }
    printf("host: %d passed, %d failed\n", passed, nfailed);
    return nfailed == 0 && ntests > 0 ? 0 : 1;
}
