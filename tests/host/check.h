/*
 * A tiny host test framework. HTEST(name) defines a test and registers it
 * (from a constructor) in a table that main.c runs. A failed check records
 * its place and reason and returns from the test; only the first failure of
 * a test is kept.
 */
#ifndef TESTS_HOST_CHECK_H
#define TESTS_HOST_CHECK_H

void htest_register(const char *name, void (*fn)(void));
void htest_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Has the running test failed already? (For checks made in helpers.) */
int htest_failed(void);

#define HTEST(n)                                                            \
    static void htest_fn_##n(void);                                         \
    __attribute__((constructor)) static void htest_reg_##n(void)            \
    {                                                                       \
        htest_register(#n, htest_fn_##n);                                   \
    }                                                                       \
    static void htest_fn_##n(void)

#define CHECK(c)                                                            \
    do {                                                                    \
        if (!(c)) {                                                         \
            htest_fail(__FILE__, __LINE__, "CHECK(%s)", #c);                \
            return;                                                         \
        }                                                                   \
    } while (0)

#define CHECK_EQ_U(a, b)                                                    \
    do {                                                                    \
        unsigned long long a_ = (unsigned long long)(a);                    \
        unsigned long long b_ = (unsigned long long)(b);                    \
        if (a_ != b_) {                                                     \
            htest_fail(__FILE__, __LINE__,                                  \
                       "CHECK_EQ_U(%s, %s): %llu (0x%llx) != %llu (0x%llx)", \
                       #a, #b, a_, a_, b_, b_);                             \
            return;                                                         \
        }                                                                   \
    } while (0)

/* Either string may be NULL; two NULLs are equal. */
int htest_str_eq(const char *a, const char *b);

#define CHECK_STR(a, b)                                                     \
    do {                                                                    \
        const char *a_ = (a), *b_ = (b);                                    \
        if (!htest_str_eq(a_, b_)) {                                        \
            htest_fail(__FILE__, __LINE__,                                  \
                       "CHECK_STR(%s, %s): \"%s\" != \"%s\"", #a, #b,       \
                       a_ ? a_ : "(NULL)", b_ ? b_ : "(NULL)");             \
            return;                                                         \
        }                                                                   \
    } while (0)

#endif
