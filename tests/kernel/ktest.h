/* The in-kernel test suite: KTEST(name) registers a test in a table that
 * ktest_run walks. A KASSERT that fails ends its test as failed. */
#ifndef TESTS_KERNEL_KTEST_H
#define TESTS_KERNEL_KTEST_H
#include <stdint.h>

struct ktest {
    const char *name;
    void (*fn)(void);
};

#define KTEST(n)                                                            \
    static void ktest_fn_##n(void);                                         \
    static const struct ktest ktest_rec_##n                                 \
        __attribute__((section(".ktests." #n), used, aligned(4))) = { #n, ktest_fn_##n }; \
    static void ktest_fn_##n(void)

#define KASSERT(c)                                                          \
    do {                                                                    \
        if (!(c)) {                                                         \
            ktest_fail(__FILE__, __LINE__, "%s", #c);                       \
            return;                                                         \
        }                                                                   \
    } while (0)

/* Fail with a message of its own (formatted), then return. */
#define KFAIL(...)                                                          \
    do {                                                                    \
        ktest_fail(__FILE__, __LINE__, __VA_ARGS__);                        \
        return;                                                             \
    } while (0)

void ktest_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#include "kernel/ktest.h"     /* ktest_run, what the runner offers the kernel */

#endif
