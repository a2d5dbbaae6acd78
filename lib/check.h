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

/* The suite's last line; with "report=PID" in args, its counts also go to
 * PID (init, adding up a test boot's verdict) as a message: w0 passed, w1
 * failed. Returns the exit status: the failures. */
static inline int check_finish(const char *suite, const char *args)
{
    ant_printf("%s: done: %d passed, %d failed\n", suite, check_passed, check_failed);
    const char *p = args;
    while (*p && (p[0] != 'r' || p[1] != 'e' || p[2] != 'p' || p[3] != 'o' || p[4] != 'r' ||
                  p[5] != 't' || p[6] != '='))
        p++;
    if (*p) {
        int32_t pid = 0;
        for (p += 7; *p >= '0' && *p <= '9'; p++)
            pid = pid * 10 + (*p - '0');
        struct ant_msg m = {{(uint32_t)check_passed, (uint32_t)check_failed, 0, 0}, 0};
        ant_send(pid, &m);
    }
    return check_failed > 255 ? 255 : check_failed;
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
