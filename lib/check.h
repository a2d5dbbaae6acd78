/* A small harness for the user-level test suites: CHECK(c) ends the
 * current test as failed; check_report prints "SUITE: PASS name" or
 * "SUITE: FAIL name: line N: what" and counts. One suite a program. */
#ifndef LIB_CHECK_H
#define LIB_CHECK_H
#include "lib/ant.h"
#include "lib/fmt.h"

#define CHECK(c)                                                             \
    do {                                                                     \
        if (!(c)) {                                                          \
            check_fail(__LINE__, #c);                                        \
            return;                                                          \
        }                                                                    \
    } while (0)

static int check_failed_now, check_passed, check_failed;
static char check_why[160];

/* Record the first failure of the current test. */
static inline void check_fail(int line, const char *what)
{
    if (!check_failed_now)
        fmt_snprintf(check_why, sizeof check_why, "line %d: %s", line, what);
    check_failed_now = 1;
}

/* Report the test that just ran, and start the next one clean. */
static inline void check_report(const char *suite, const char *name)
{
    if (check_failed_now) {
        ant_printf("%s: FAIL %s: %s\n", suite, name, check_why);
        check_failed++;
    } else {
        ant_printf("%s: PASS %s\n", suite, name);
        check_passed++;
    }
    check_failed_now = 0;
}

#endif
