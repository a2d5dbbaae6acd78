/* lib/fmt: printf-style formatting and fmt_parse_size. */
#define _DEFAULT_SOURCE             /* mmap, sigsetjmp for the guard-page test */
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "lib/fmt.h"
#include "tests/host/check.h"

static char buf[256];

/* ---- conversions ---- */

HTEST(fmt_d_positive_negative_zero)
{
    fmt_snprintf(buf, sizeof buf, "%d|%d|%d", 42, -42, 0);
    CHECK_STR(buf, "42|-42|0");
}

HTEST(fmt_d_int_min_and_max)
{
    fmt_snprintf(buf, sizeof buf, "%d %d", INT_MIN, INT_MAX);
    CHECK_STR(buf, "-2147483648 2147483647");
}

HTEST(fmt_i_is_signed_decimal)
{
    fmt_snprintf(buf, sizeof buf, "%i", -7);
    CHECK_STR(buf, "-7");
}

HTEST(fmt_u_uint_max)
{
    fmt_snprintf(buf, sizeof buf, "%u", UINT_MAX);
    CHECK_STR(buf, "4294967295");
}

HTEST(fmt_u_does_not_sign_extend)
{
    fmt_snprintf(buf, sizeof buf, "%u %x", (unsigned)-1, (unsigned)-2);
    CHECK_STR(buf, "4294967295 fffffffe");
}

HTEST(fmt_x_lower_and_X_upper)
{
    fmt_snprintf(buf, sizeof buf, "%x %X", 0xdeadbeefu, 0xdeadbeefu);
    CHECK_STR(buf, "deadbeef DEADBEEF");
}

HTEST(fmt_o_octal)
{
    fmt_snprintf(buf, sizeof buf, "%o %o %o", 0u, 8u, 0777u);
    CHECK_STR(buf, "0 10 777");
}

HTEST(fmt_ll_unsigned_64bit_max)
{
    fmt_snprintf(buf, sizeof buf, "%llu", (unsigned long long)UINT64_MAX);
    CHECK_STR(buf, "18446744073709551615");
}

HTEST(fmt_ll_hex_and_octal_64bit)
{
    fmt_snprintf(buf, sizeof buf, "%llx %llo", 0x123456789abcdef0ull,
                 (unsigned long long)UINT64_MAX);
    CHECK_STR(buf, "123456789abcdef0 1777777777777777777777");
}

HTEST(fmt_ll_signed_64bit_min)
{
    fmt_snprintf(buf, sizeof buf, "%lld", (long long)INT64_MIN);
    CHECK_STR(buf, "-9223372036854775808");
}

HTEST(fmt_l_long_matches_libc)
{
    char want[64];
    snprintf(want, sizeof want, "%ld %lu", LONG_MIN, ULONG_MAX);
    fmt_snprintf(buf, sizeof buf, "%ld %lu", LONG_MIN, ULONG_MAX);
    CHECK_STR(buf, want);
}

HTEST(fmt_c_char)
{
    fmt_snprintf(buf, sizeof buf, "[%c%c]", 'o', 'k');
    CHECK_STR(buf, "[ok]");
}

HTEST(fmt_s_string)
{
    fmt_snprintf(buf, sizeof buf, "<%s><%s>", "abc", "");
    CHECK_STR(buf, "<abc><>");
}

HTEST(fmt_s_null_prints_null)
{
    const char *volatile nul = NULL;
    fmt_snprintf(buf, sizeof buf, "%s", nul);
    CHECK_STR(buf, "(null)");
}

HTEST(fmt_percent_literal)
{
    fmt_snprintf(buf, sizeof buf, "100%% %d%%", 5);
    CHECK_STR(buf, "100% 5%");
}

HTEST(fmt_p_pads_to_8_hex_digits)
{
    fmt_snprintf(buf, sizeof buf, "%p %p", (void *)0x1234, (void *)0);
    CHECK_STR(buf, "0x00001234 0x00000000");
}

HTEST(fmt_p_all_digits_of_a_wide_pointer)
{
    char want[64];
    uintptr_t v = (uintptr_t)-1 / 15 * 11;  /* 0xbbbb...: every digit used */
    snprintf(want, sizeof want, "0x%jx", (uintmax_t)v);
    fmt_snprintf(buf, sizeof buf, "%p", (void *)v);
    CHECK_STR(buf, want);
}

/* Not checked by the compiler: formats it would reject. */
static int unchecked(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(out, size, fmt, ap);
    va_end(ap);
    return n;
}

HTEST(fmt_unknown_conversion_printed_as_is)
{
    CHECK_EQ_U(unchecked(buf, sizeof buf, "a%qb"), 4);
    CHECK_STR(buf, "a%qb");
}

HTEST(fmt_trailing_percent)
{
    CHECK_EQ_U(unchecked(buf, sizeof buf, "ab%"), 3);
    CHECK_STR(buf, "ab%");
}

/* ---- flags, width, precision ---- */

HTEST(fmt_width_right_justifies)
{
    fmt_snprintf(buf, sizeof buf, "[%5d][%5s]", 42, "ab");
    CHECK_STR(buf, "[   42][   ab]");
}

HTEST(fmt_width_left_justifies)
{
    fmt_snprintf(buf, sizeof buf, "[%-5d][%-5s][%-3c]", -42, "ab", 'z');
    CHECK_STR(buf, "[-42  ][ab   ][z  ]");
}

HTEST(fmt_width_narrower_than_value)
{
    fmt_snprintf(buf, sizeof buf, "[%2d][%1s]", 12345, "abc");
    CHECK_STR(buf, "[12345][abc]");
}

HTEST(fmt_zero_pad)
{
    fmt_snprintf(buf, sizeof buf, "%05d %08x %03u", 42, 0xbeefu, 7u);
    CHECK_STR(buf, "00042 0000beef 007");
}

HTEST(fmt_zero_pad_negative_sign_first)
{
    fmt_snprintf(buf, sizeof buf, "%06d", -42);
    CHECK_STR(buf, "-00042");
}

HTEST(fmt_zero_pad_int_min)
{
    fmt_snprintf(buf, sizeof buf, "%012d", INT_MIN);
    CHECK_STR(buf, "-02147483648");
}

HTEST(fmt_left_overrides_zero)
{
    CHECK_EQ_U(unchecked(buf, sizeof buf, "[%-05d]", 42), 7);
    CHECK_STR(buf, "[42   ]");
}

HTEST(fmt_star_width)
{
    fmt_snprintf(buf, sizeof buf, "[%*d][%-*s]", 6, 42, 4, "ab");
    CHECK_STR(buf, "[    42][ab  ]");
}

HTEST(fmt_ll_with_width)
{
    fmt_snprintf(buf, sizeof buf, "%020llx", 0xabcull);
    CHECK_STR(buf, "00000000000000000abc");
}

HTEST(fmt_precision_cuts_string)
{
    fmt_snprintf(buf, sizeof buf, "[%.3s][%.0s][%.9s]", "abcdef", "abc", "abc");
    CHECK_STR(buf, "[abc][][abc]");
}

HTEST(fmt_star_precision)
{
    fmt_snprintf(buf, sizeof buf, "[%.*s]", 2, "abcdef");
    CHECK_STR(buf, "[ab]");
}

HTEST(fmt_width_and_precision)
{
    fmt_snprintf(buf, sizeof buf, "[%5.2s][%-5.2s]", "abcdef", "abcdef");
    CHECK_STR(buf, "[   ab][ab   ]");
}

HTEST(fmt_precision_on_null_string)
{
    const char *volatile nul = NULL;
    fmt_snprintf(buf, sizeof buf, "[%.3s]", nul);
    CHECK_STR(buf, "[(nu]");
}

/*
 * C: with a precision, a %s argument need not be terminated if the array is
 * at least that long. The array is put right before an inaccessible page:
 * a read past it faults, and the handler reports the fault.
 */
static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
    (void)sig;
    siglongjmp(fault_jmp, 1);
}

HTEST(fmt_precision_does_not_read_past_array)
{
    long page = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    CHECK(mprotect(m + page, (size_t)page, PROT_NONE) == 0);
    char *abc = m + page - 3;
    memcpy(abc, "abc", 3);              /* no terminator before the guard */

    struct sigaction sa, old_segv, old_bus;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fault;
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    volatile int faulted = 0;
    if (sigsetjmp(fault_jmp, 1) == 0)
        fmt_snprintf(buf, sizeof buf, "[%.3s]", abc);
    else
        faulted = 1;
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    munmap(m, 2 * (size_t)page);

    CHECK(!faulted);
    CHECK_STR(buf, "[abc]");
}

/* ---- fmt_snprintf: truncation and return value ---- */

HTEST(fmt_snprintf_size0_writes_nothing)
{
    memset(buf, 'X', 8);
    CHECK_EQ_U(fmt_snprintf(buf, 0, "hello %d", 12), 8);
    CHECK_EQ_U(buf[0], 'X');
}

HTEST(fmt_snprintf_size0_null_buffer)
{
    CHECK_EQ_U(fmt_snprintf(NULL, 0, "%s", "abc"), 3);
}

HTEST(fmt_snprintf_size1_only_terminator)
{
    memset(buf, 'X', 8);
    CHECK_EQ_U(fmt_snprintf(buf, 1, "hello"), 5);
    CHECK_EQ_U(buf[0], 0);
    CHECK_EQ_U(buf[1], 'X');
}

HTEST(fmt_snprintf_truncates_small_buffer)
{
    memset(buf, 'X', 8);
    CHECK_EQ_U(fmt_snprintf(buf, 4, "hello"), 5);
    CHECK_STR(buf, "hel");
    CHECK_EQ_U(buf[4], 'X');
}

HTEST(fmt_snprintf_exact_fit)
{
    memset(buf, 'X', 8);
    CHECK_EQ_U(fmt_snprintf(buf, 6, "hello"), 5);
    CHECK_STR(buf, "hello");
    CHECK_EQ_U(buf[6], 'X');
}

HTEST(fmt_snprintf_one_short)
{
    CHECK_EQ_U(fmt_snprintf(buf, 5, "hello"), 5);
    CHECK_STR(buf, "hell");
}

HTEST(fmt_snprintf_truncates_inside_number)
{
    CHECK_EQ_U(fmt_snprintf(buf, 4, "%d", -123456), 7);
    CHECK_STR(buf, "-12");
}

HTEST(fmt_snprintf_return_counts_padding)
{
    CHECK_EQ_U(fmt_snprintf(buf, 3, "%10s|%-4d", "x", 1), 15);
    CHECK_STR(buf, "  ");
}

/* fmt_format: every character goes to the sink, and the count matches. */
struct sink {
    char s[64];
    int n;
};

static void to_sink(char c, void *arg)
{
    struct sink *k = arg;
    if (k->n < (int)sizeof k->s - 1)
        k->s[k->n] = c;
    k->n++;
}

HTEST(fmt_format_count_matches_sink)
{
    struct sink k = { { 0 }, 0 };
    int n = fmt_format(to_sink, &k, "%-4s|%05d|%x|%c", "ab", -3, 255u, '!');
    CHECK_EQ_U(n, k.n);
    CHECK_STR(k.s, "ab  |-0003|ff|!");
}

/* ---- fmt_parse_size ---- */

static int psize(const char *s, uint64_t max, uint64_t *out)
{
    return fmt_parse_size(s, strlen(s), max, out);
}

HTEST(parse_size_plain_number)
{
    uint64_t v = 0;
    CHECK_EQ_U(psize("4096", UINT64_MAX, &v), 0);
    CHECK_EQ_U(v, 4096);
}

HTEST(parse_size_zero)
{
    uint64_t v = 1;
    CHECK_EQ_U(psize("0", 100, &v), 0);
    CHECK_EQ_U(v, 0);
}

HTEST(parse_size_suffixes_both_cases)
{
    uint64_t k = 0, m = 0, g = 0, k2 = 0, m2 = 0, g2 = 0;
    CHECK_EQ_U(psize("512K", UINT64_MAX, &k) | psize("512k", UINT64_MAX, &k2), 0);
    CHECK_EQ_U(psize("64M", UINT64_MAX, &m) | psize("64m", UINT64_MAX, &m2), 0);
    CHECK_EQ_U(psize("3G", UINT64_MAX, &g) | psize("3g", UINT64_MAX, &g2), 0);
    CHECK_EQ_U(k, 512u << 10);
    CHECK_EQ_U(k2, k);
    CHECK_EQ_U(m, 64u << 20);
    CHECK_EQ_U(m2, m);
    CHECK_EQ_U(g, 3ull << 30);
    CHECK_EQ_U(g2, g);
}

HTEST(parse_size_respects_len)
{
    uint64_t v = 0;
    CHECK_EQ_U(fmt_parse_size("64Kjunk", 3, UINT64_MAX, &v), 0);
    CHECK_EQ_U(v, 65536);
}

HTEST(parse_size_empty_rejected)
{
    uint64_t v;
    CHECK(fmt_parse_size("123", 0, UINT64_MAX, &v) == -1);
}

HTEST(parse_size_no_digits_rejected)
{
    uint64_t v;
    CHECK(psize("zz", UINT64_MAX, &v) == -1);
    CHECK(psize("K", UINT64_MAX, &v) == -1);
    CHECK(psize("-5", UINT64_MAX, &v) == -1);
    CHECK(psize(" 5", UINT64_MAX, &v) == -1);
}

HTEST(parse_size_bad_suffix_rejected)
{
    uint64_t v;
    CHECK(psize("12Q", UINT64_MAX, &v) == -1);
    CHECK(psize("12T", UINT64_MAX, &v) == -1);
    CHECK(psize("12 ", UINT64_MAX, &v) == -1);
}

HTEST(parse_size_suffix_not_last_rejected)
{
    uint64_t v;
    CHECK(psize("12KB", UINT64_MAX, &v) == -1);
    CHECK(psize("1K2", UINT64_MAX, &v) == -1);
    CHECK(psize("1MM", UINT64_MAX, &v) == -1);
}

HTEST(parse_size_exactly_max_accepted)
{
    uint64_t a = 0, b = 0, c = 0;
    CHECK_EQ_U(psize("1000", 1000, &a), 0);
    CHECK_EQ_U(psize("1G", 1ull << 30, &b), 0);
    CHECK_EQ_U(psize("1048576K", 1ull << 30, &c), 0);
    CHECK_EQ_U(a, 1000);
    CHECK_EQ_U(b, 1ull << 30);
    CHECK_EQ_U(c, 1ull << 30);
}

HTEST(parse_size_over_max_rejected)
{
    uint64_t v;
    CHECK(psize("1001", 1000, &v) == -1);
    CHECK(psize("1025M", 1ull << 30, &v) == -1);
    CHECK(psize("1048577K", 1ull << 30, &v) == -1);
    CHECK(psize("2G", 1ull << 30, &v) == -1);
}

HTEST(parse_size_u64_max_accepted)
{
    uint64_t v = 0;
    CHECK_EQ_U(psize("18446744073709551615", UINT64_MAX, &v), 0);
    CHECK_EQ_U(v, UINT64_MAX);
}

HTEST(parse_size_suffix_overflow_rejected)
{
    uint64_t v;
    CHECK(psize("17179869184G", UINT64_MAX, &v) == -1);  /* 2^64 */
    CHECK(psize("18014398509481984K", UINT64_MAX, &v) == -1);
}

HTEST(parse_size_digit_overflow_rejected)
{
    uint64_t v = 12345;
    /* 2^64: the digits alone wrap a 64-bit accumulator. */
    CHECK(psize("18446744073709551616", UINT64_MAX, &v) == -1);
    CHECK(psize("99999999999999999999", UINT64_MAX, &v) == -1);
}

HTEST(parse_size_long_digits_over_small_max)
{
    uint64_t v;
    CHECK(psize("99999999999999999999999999999", 1ull << 30, &v) == -1);
}

HTEST(fmt_negative_star_width_left_justifies)
{
    char b[32];
    fmt_snprintf(b, sizeof b, "[%*d]", -6, 42);
    CHECK_STR(b, "[42    ]");
}
