/* Kernel command-line parsing. Pure code, unit-tested on the host. */
#include "boot/cmdline.h"
#include "lib/fmt.h"

struct option {
    const char *name;
    int (*set)(struct kconfig *cfg, const char *val, size_t len);
};

static int set_icc_size(struct kconfig *cfg, const char *val, size_t len)
{
    uint64_t v;
    if (fmt_parse_size(val, len, ICC_SIZE_LIMIT, &v) || v < ICC_SIZE_MIN)
        return -1;
    cfg->icc_size = (v + 4095) & ~(uint64_t)4095;
    return 0;
}

static int set_test(struct kconfig *cfg, const char *val, size_t len)
{
    if (len == 0 || len >= CMDLINE_TEST_MAX)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char c = val[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == ',';
        if (!ok)
            return -1;
    }
    for (size_t i = 0; i < len; i++)
        cfg->test[i] = val[i];
    cfg->test[len] = 0;
    return 0;
}

/* One word for init (e.g. "bench"): printable, no spaces (those end the
 * word), shorter than the buffer. */
static int set_init(struct kconfig *cfg, const char *val, size_t len)
{
    if (len == 0 || len >= CMDLINE_INIT_MAX)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (val[i] <= ' ' || val[i] > '~')
            return -1;
    for (size_t i = 0; i < len; i++)
        cfg->init[i] = val[i];
    cfg->init[len] = 0;
    return 0;
}

/* A decimal of 1 to 3 digits in [lo, 255] into *out; -1 if it is not. */
static int small_number(const char *val, size_t len, uint32_t lo, uint32_t *out)
{
    uint32_t n = 0;
    if (len == 0 || len > 3)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (val[i] < '0' || val[i] > '9')
            return -1;
        n = n * 10 + (uint32_t)(val[i] - '0');
    }
    if (n < lo || n > 255)
        return -1;
    *out = n;
    return 0;
}

/* cpus=N: 1 to 255. */
static int set_cpus(struct kconfig *cfg, const char *val, size_t len)
{
    return small_number(val, len, 1, &cfg->cpus);
}

/* cpu_absent=ID: 0 to 254, an APIC id that no CPU has. */
static int set_cpu_absent(struct kconfig *cfg, const char *val, size_t len)
{
    uint32_t id;
    if (small_number(val, len, 0, &id) || id == 255)
        return -1;
    cfg->cpu_absent = id + 1;
    return 0;
}

static int name_is(const char *word, size_t len, const char *name)
{
    size_t i = 0;
    for (; i < len && name[i]; i++)
        if (word[i] != name[i])
            return 0;
    return i == len && !name[i];
}

/* acpi=off (acpi=on: the default): for firmware whose ACPI tables lie. */
static int set_acpi(struct kconfig *cfg, const char *val, size_t len)
{
    if (!name_is(val, len, "off") && !name_is(val, len, "on"))
        return -1;
    cfg->acpi_off = name_is(val, len, "off");
    return 0;
}

/* ipcfast=off (ipcfast=on: the default): every IPC call by the general
 * path, for the tests that compare the two (ipc/fastpath.asm). */
static int set_ipcfast(struct kconfig *cfg, const char *val, size_t len)
{
    if (!name_is(val, len, "off") && !name_is(val, len, "on"))
        return -1;
    cfg->ipcfast_off = name_is(val, len, "off");
    return 0;
}

static const struct option options[] = {
    { "icc_size", set_icc_size },
    { "cpus", set_cpus },
    { "cpu_absent", set_cpu_absent },
    { "acpi", set_acpi },
    { "ipcfast", set_ipcfast },
    { "test", set_test },
    { "init", set_init },
};

/* One "name=value" word; returns 0 if taken, else reports it. */
static int parse_word(const char *w, size_t len, struct kconfig *cfg, cmdline_report report)
{
    size_t eq = 0;
    while (eq < len && w[eq] != '=')
        eq++;
    if (eq == len) {
        report("not of the form name=value", w, len);
        return 1;
    }
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        if (!name_is(w, eq, options[i].name))
            continue;
        if (options[i].set(cfg, w + eq + 1, len - eq - 1) == 0)
            return 0;
        report("malformed value", w, len);
        return 1;
    }
    report("unknown option", w, len);
    return 1;
}

int cmdline_parse(const char *line, struct kconfig *cfg, cmdline_report report)
{
    int bad = 0, first = 1;
    const char *p = line;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        size_t len = (size_t)(p - w);
        if (!len)
            break;
        int has_eq = 0;
        for (size_t i = 0; i < len; i++)
            has_eq |= w[i] == '=';
        if (!(first && !has_eq))
            bad += parse_word(w, len, cfg, report);
        first = 0;
    }
    return bad;
}
