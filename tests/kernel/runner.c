/* Runs the registered tests, one result line each over the console, and
 * checks that no test leaks pool frames or windows. */
#include "tests/kernel/ktest.h"
#include <stdarg.h>
#include "boot/console.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "mm/kspace.h"
#include "mm/pool.h"

extern const struct ktest __ktests_start[], __ktests_end[];

static int failed_now;
static char reason[160];

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    int n = fmt_snprintf(reason, sizeof reason, "%s:%d: ", file, line);
    va_start(ap, fmt);
    if (n < (int)sizeof reason)
        fmt_vsnprintf(reason + n, sizeof reason - (size_t)n, fmt, ap);
    va_end(ap);
    failed_now = 1;
}

static int selected(const char *sel, const char *name)
{
    size_t len = strlen(name);
    if (!strcmp(sel, "all"))                   /* manual_* tests stop the system */
        return strncmp(name, "manual_", 7) != 0;
    for (const char *p = sel; *p;) {
        const char *e = p;
        while (*e && *e != ',')
            e++;
        if ((size_t)(e - p) == len && !strncmp(p, name, len))
            return 1;
        p = *e ? e + 1 : e;
    }
    return 0;
}

static int run_one(const struct ktest *t)
{
    uint32_t free_before = pool_free_count(), win_before = window_in_use();
    failed_now = 0;
    t->fn();
    if (!failed_now && pool_free_count() != free_before)
        ktest_fail("runner", 0, "pool has %u frames, had %u before the test",
                   pool_free_count(), free_before);
    if (!failed_now && window_in_use() != win_before)
        ktest_fail("runner", 0, "%u windows left mapped", window_in_use() - win_before);
    if (failed_now)
        kprintf("ktest: FAIL %s: %s\n", t->name, reason);
    else
        kprintf("ktest: PASS %s\n", t->name);
    return !failed_now;
}

int ktest_run(const char *selector, int *npassed, int *nfailed)
{
    int passed = 0, failed = 0;
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
        if (!selected(selector, t->name))
            continue;
        if (run_one(t))
            passed++;
        else
            failed++;
    }
    if (passed + failed == 0)
        kprintf("ktest: FAIL selector: no test is called '%s'\n", selector), failed++;
    kprintf("ktest: done: %d passed, %d failed\n", passed, failed);
    *npassed = passed;
    *nfailed = failed;
    return failed == 0;
}
