/* kernel/cmdline: the kernel command line. */
#include <string.h>
#include "boot/cmdline.h"
#include "tests/host/check.h"

/* What the report callback was given, in order. */
#define MAX_REPORTS 8
static struct {
    int n;
    const char *why[MAX_REPORTS];
    char word[MAX_REPORTS][80];
} rep;

static void record(const char *why, const char *word, size_t len)
{
    if (rep.n < MAX_REPORTS) {
        rep.why[rep.n] = why;
        if (len >= sizeof rep.word[0])
            len = sizeof rep.word[0] - 1;
        memcpy(rep.word[rep.n], word, len);
        rep.word[rep.n][len] = 0;
    }
    rep.n++;
}

static struct kconfig cfg;

/* Parse line into a zeroed cfg with fresh reports; returns the count. */
static int parse(const char *line)
{
    memset(&cfg, 0, sizeof cfg);
    memset(&rep, 0, sizeof rep);
    return cmdline_parse(line, &cfg, record);
}

/* ---- defaults and the first word ---- */

HTEST(cmdline_empty_keeps_defaults)
{
    CHECK_EQ_U(parse(""), 0);
    CHECK_EQ_U(rep.n, 0);
    CHECK_EQ_U(cfg.icc_size, 0);
    CHECK_STR(cfg.test, "");
    CHECK_STR(cfg.init, "");
}

HTEST(cmdline_only_spaces)
{
    CHECK_EQ_U(parse("  \t  "), 0);
    CHECK_EQ_U(rep.n, 0);
}

HTEST(cmdline_kernel_path_skipped)
{
    CHECK_EQ_U(parse("/boot/ant.elf"), 0);
    CHECK_EQ_U(rep.n, 0);
}

HTEST(cmdline_path_then_options)
{
    CHECK_EQ_U(parse("/boot/ant.elf icc_size=1M test=ipc"), 0);
    CHECK_EQ_U(cfg.icc_size, 1u << 20);
    CHECK_STR(cfg.test, "ipc");
}

HTEST(cmdline_cpus)
{
    CHECK_EQ_U(parse("cpus=2"), 0);
    CHECK_EQ_U(cfg.cpus, 2);
    CHECK_EQ_U(parse("cpus=255"), 0);
    CHECK_EQ_U(cfg.cpus, 255);
    CHECK_EQ_U(parse("cpus=0 cpus=256 cpus=x cpus= cpus=1000"), 5);   /* each reported */
}

HTEST(cmdline_cpu_absent)
{
    CHECK_EQ_U(parse("cpu_absent=0"), 0);
    CHECK_EQ_U(cfg.cpu_absent, 1);              /* APIC id + 1 */
    CHECK_EQ_U(parse("cpu_absent=9"), 0);
    CHECK_EQ_U(cfg.cpu_absent, 10);
    CHECK_EQ_U(parse("cpu_absent=255 cpu_absent=-1 cpu_absent="), 3);
}

HTEST(cmdline_ipcfast_off)
{
    CHECK_EQ_U(parse("ipcfast=off"), 0);
    CHECK_EQ_U(cfg.ipcfast_off, 1);
    CHECK_EQ_U(parse("ipcfast=off ipcfast=on"), 0);
    CHECK_EQ_U(cfg.ipcfast_off, 0);
    CHECK_EQ_U(parse("ipcfast=0 ipcfast="), 2);
    CHECK_EQ_U(cfg.ipcfast_off, 0);
}

HTEST(cmdline_acpi_off)
{
    CHECK_EQ_U(parse("acpi=off"), 0);
    CHECK_EQ_U(cfg.acpi_off, 1);
    CHECK_EQ_U(parse("acpi=off acpi=on"), 0);
    CHECK_EQ_U(cfg.acpi_off, 0);                /* the last word wins */
    CHECK_EQ_U(parse("acpi=no acpi= acpi=offf"), 3);
    CHECK_EQ_U(cfg.acpi_off, 0);
}

HTEST(cmdline_first_word_with_eq_is_an_option)
{
    CHECK_EQ_U(parse("icc_size=2M"), 0);
    CHECK_EQ_U(cfg.icc_size, 2u << 20);
}

HTEST(cmdline_only_first_plain_word_skipped)
{
    CHECK_EQ_U(parse("/boot/ant.elf extra"), 1);
    CHECK_EQ_U(rep.n, 1);
    CHECK_STR(rep.why[0], "not of the form name=value");
    CHECK_STR(rep.word[0], "extra");
}

HTEST(cmdline_plain_word_after_option_reported)
{
    CHECK_EQ_U(parse("test=a kernel"), 1);
    CHECK_STR(rep.word[0], "kernel");
    CHECK_STR(cfg.test, "a");
}

HTEST(cmdline_spaces_and_tabs_separate_words)
{
    CHECK_EQ_U(parse("  \tk   icc_size=128K\t\ttest=x \t "), 0);
    CHECK_EQ_U(rep.n, 0);
    CHECK_EQ_U(cfg.icc_size, 128u << 10);
    CHECK_STR(cfg.test, "x");
}

/* ---- icc_size ---- */

HTEST(cmdline_icc_size_suffixes)
{
    CHECK_EQ_U(parse("k icc_size=256k"), 0);
    CHECK_EQ_U(cfg.icc_size, 256u << 10);
    CHECK_EQ_U(parse("k icc_size=3m"), 0);
    CHECK_EQ_U(cfg.icc_size, 3u << 20);
}

HTEST(cmdline_icc_size_plain_bytes)
{
    CHECK_EQ_U(parse("k icc_size=131072"), 0);
    CHECK_EQ_U(cfg.icc_size, 131072);
}

HTEST(cmdline_icc_size_exactly_min)
{
    CHECK_EQ_U(parse("k icc_size=64K"), 0);
    CHECK_EQ_U(cfg.icc_size, ICC_SIZE_MIN);
}

HTEST(cmdline_icc_size_exactly_max)
{
    CHECK_EQ_U(parse("k icc_size=1G"), 0);
    CHECK_EQ_U(cfg.icc_size, ICC_SIZE_LIMIT);
}

HTEST(cmdline_icc_size_rounded_up_to_4k)
{
    CHECK_EQ_U(parse("k icc_size=65537"), 0);
    CHECK_EQ_U(cfg.icc_size, 65536 + 4096);
    CHECK_EQ_U(parse("k icc_size=100000"), 0);
    CHECK_EQ_U(cfg.icc_size, 102400);
}

HTEST(cmdline_icc_size_round_up_to_the_limit)
{
    CHECK_EQ_U(parse("k icc_size=1073741823"), 0);
    CHECK_EQ_U(cfg.icc_size, ICC_SIZE_LIMIT);
}

/* One malformed icc_size value: reported as such and ignored. */
static int icc_rejected(const char *line)
{
    return parse(line) == 1 && rep.n == 1 && cfg.icc_size == 0 &&
           strcmp(rep.why[0], "malformed value") == 0 &&
           strcmp(rep.word[0], line + 2) == 0;
}

HTEST(cmdline_icc_size_garbage_rejected)
{
    CHECK(icc_rejected("k icc_size=zz"));
    CHECK(icc_rejected("k icc_size=12Q"));
    CHECK(icc_rejected("k icc_size=1M2"));
    CHECK(icc_rejected("k icc_size=-1M"));
}

HTEST(cmdline_icc_size_empty_rejected)
{
    CHECK(icc_rejected("k icc_size="));
}

HTEST(cmdline_icc_size_zero_rejected)
{
    CHECK(icc_rejected("k icc_size=0"));
}

HTEST(cmdline_icc_size_too_small_rejected)
{
    CHECK(icc_rejected("k icc_size=65535"));
    CHECK(icc_rejected("k icc_size=63K"));
}

HTEST(cmdline_icc_size_too_big_rejected)
{
    CHECK(icc_rejected("k icc_size=1073741825"));
    CHECK(icc_rejected("k icc_size=1025M"));
    CHECK(icc_rejected("k icc_size=2G"));
    CHECK(icc_rejected("k icc_size=99999999999999999999999"));
}

HTEST(cmdline_bad_value_keeps_earlier_one)
{
    CHECK_EQ_U(parse("k icc_size=1M icc_size=zz"), 1);
    CHECK_EQ_U(cfg.icc_size, 1u << 20);
}

HTEST(cmdline_last_value_wins)
{
    CHECK_EQ_U(parse("k icc_size=1M icc_size=2M test=a test=b"), 0);
    CHECK_EQ_U(cfg.icc_size, 2u << 20);
    CHECK_STR(cfg.test, "b");
}

/* ---- test= ---- */

HTEST(cmdline_test_selector_accepted)
{
    CHECK_EQ_U(parse("k test=pool,ipc_2,all"), 0);
    CHECK_STR(cfg.test, "pool,ipc_2,all");
}

static int test_rejected(const char *line)
{
    return parse(line) == 1 && rep.n == 1 && cfg.test[0] == 0 &&
           strcmp(rep.why[0], "malformed value") == 0;
}

HTEST(cmdline_test_selector_bad_chars_rejected)
{
    CHECK(test_rejected("k test=Pool"));
    CHECK(test_rejected("k test=a-b"));
    CHECK(test_rejected("k test=a.b"));
    CHECK(test_rejected("k test=a=b"));
}

HTEST(cmdline_test_selector_empty_rejected)
{
    CHECK(test_rejected("k test="));
}

HTEST(cmdline_test_selector_length_limit)
{
    char line[128] = "k test=";
    size_t at = strlen(line);
    memset(line + at, 'a', CMDLINE_TEST_MAX - 1);     /* 63: fits */
    line[at + CMDLINE_TEST_MAX - 1] = 0;
    CHECK_EQ_U(parse(line), 0);
    CHECK_EQ_U(strlen(cfg.test), CMDLINE_TEST_MAX - 1);
    line[at + CMDLINE_TEST_MAX - 1] = 'a';            /* 64: too long */
    line[at + CMDLINE_TEST_MAX] = 0;
    CHECK(test_rejected(line));
}

/* ---- init= ---- */

HTEST(cmdline_init_word_accepted)
{
    CHECK_EQ_U(parse("/boot/ant.elf init=bench"), 0);
    CHECK_EQ_U(rep.n, 0);
    CHECK_STR(cfg.init, "bench");
    CHECK_STR(cfg.test, "");
}

HTEST(cmdline_init_with_test_both_kept)
{
    CHECK_EQ_U(parse("k test=all init=bench"), 0);
    CHECK_STR(cfg.test, "all");
    CHECK_STR(cfg.init, "bench");
}

HTEST(cmdline_init_any_printable_word)
{
    CHECK_EQ_U(parse("k init=Run:hello,x=1/2-B_~!"), 0);
    CHECK_STR(cfg.init, "Run:hello,x=1/2-B_~!");
}

HTEST(cmdline_init_word_ends_at_space_or_tab)
{
    CHECK_EQ_U(parse("k init=bench\tplain"), 1);
    CHECK_STR(cfg.init, "bench");
    CHECK_STR(rep.word[0], "plain");
}

HTEST(cmdline_init_last_value_wins)
{
    CHECK_EQ_U(parse("k init=a init=bench"), 0);
    CHECK_STR(cfg.init, "bench");
}

static int init_rejected(const char *line)
{
    return parse(line) == 1 && rep.n == 1 && cfg.init[0] == 0 &&
           strcmp(rep.why[0], "malformed value") == 0 &&
           strcmp(rep.word[0], line + 2) == 0;
}

HTEST(cmdline_init_empty_rejected)
{
    CHECK(init_rejected("k init="));
}

HTEST(cmdline_init_control_and_high_bytes_rejected)
{
    CHECK(init_rejected("k init=a\x01" "b"));
    CHECK(init_rejected("k init=a\x7f"));
    CHECK(init_rejected("k init=caf\xc3\xa9"));
}

HTEST(cmdline_init_bad_value_keeps_earlier_one)
{
    CHECK_EQ_U(parse("k init=bench init="), 1);
    CHECK_STR(cfg.init, "bench");
}

HTEST(cmdline_init_length_limit)
{
    char line[128] = "k init=";
    size_t at = strlen(line);
    memset(line + at, 'b', CMDLINE_INIT_MAX - 1);     /* 63: fits */
    line[at + CMDLINE_INIT_MAX - 1] = 0;
    CHECK_EQ_U(parse(line), 0);
    CHECK_EQ_U(strlen(cfg.init), CMDLINE_INIT_MAX - 1);
    line[at + CMDLINE_INIT_MAX - 1] = 'b';            /* 64: too long */
    line[at + CMDLINE_INIT_MAX] = 0;
    CHECK(init_rejected(line));
}

HTEST(cmdline_init_name_must_match_exactly)
{
    CHECK_EQ_U(parse("k inits=a INIT=a ini=a"), 3);
    for (int i = 0; i < 3; i++)
        CHECK_STR(rep.why[i], "unknown option");
    CHECK_STR(cfg.init, "");
}

/* ---- unknown options and reporting ---- */

HTEST(cmdline_unknown_option_reported)
{
    CHECK_EQ_U(parse("k foo=1"), 1);
    CHECK_STR(rep.why[0], "unknown option");
    CHECK_STR(rep.word[0], "foo=1");
}

HTEST(cmdline_option_name_must_match_exactly)
{
    CHECK_EQ_U(parse("k icc_sizes=1M icc_siz=1M ICC_SIZE=1M =1M"), 4);
    CHECK_EQ_U(rep.n, 4);
    for (int i = 0; i < 4; i++)
        CHECK_STR(rep.why[i], "unknown option");
    CHECK_STR(rep.word[3], "=1M");
    CHECK_EQ_U(cfg.icc_size, 0);
}

HTEST(cmdline_report_count_words_and_order)
{
    CHECK_EQ_U(parse("/k a=1 icc_size=zz\tplain test=ok test=NO"), 4);
    CHECK_EQ_U(rep.n, 4);
    CHECK_STR(rep.word[0], "a=1");
    CHECK_STR(rep.word[1], "icc_size=zz");
    CHECK_STR(rep.word[2], "plain");
    CHECK_STR(rep.word[3], "test=NO");
    CHECK_STR(cfg.test, "ok");
}
