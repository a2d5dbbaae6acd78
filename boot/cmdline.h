/* The kernel command line: options, their defaults, and how they are read. */
#ifndef BOOT_CMDLINE_H
#define BOOT_CMDLINE_H
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_TEST_MAX 64
#define CMDLINE_INIT_MAX 64
#define ICC_SIZE_MIN   (64 * 1024)
#define ICC_SIZE_LIMIT (1024u * 1024 * 1024)

struct kconfig {
    uint64_t icc_size;              /* bytes; 0 means "choose from RAM size" */
    char test[CMDLINE_TEST_MAX];    /* test selector; empty: normal boot */
    char init[CMDLINE_INIT_MAX];    /* init's argument string; empty: the default */
    uint32_t cpus;                  /* at most this many CPUs (cpus=N); 0: all */
    uint32_t cpu_absent;            /* cpu_absent=ID: APIC id + 1 of a CPU to name
                                       besides the table's, one that never answers
                                       (for tests); 0: none */
    uint8_t acpi_off;               /* acpi=off: the ACPI tables are not read (the
                                       MP table names the CPUs) */
    uint8_t ipcfast_off;            /* ipcfast=off: no IPC fastpath (for tests) */
};

/* The options this boot was started with (kernel/main.c). */
extern struct kconfig boot_config;

/* Called for each word that is reported and ignored. */
typedef void (*cmdline_report)(const char *why, const char *word, size_t len);

/*
 * Parse "word word ..." into cfg (which starts zeroed). The first word is
 * the kernel's own path when it has no '='; it is skipped. Unknown or
 * malformed words are reported and ignored. Returns how many were.
 */
int cmdline_parse(const char *line, struct kconfig *cfg, cmdline_report report);

#endif
