/*
 * What early boot hands the kernel: a copy of the Multiboot information
 * (command line, memory map, modules) taken before paging, so that no later
 * code has to reach the bootloader's memory, plus what early boot decided.
 */
#ifndef BOOT_BOOTINFO_H
#define BOOT_BOOTINFO_H
#include <stdint.h>
#include "lib/screen.h"

#define BOOT_CMDLINE_MAX 256
#define BOOT_MMAP_MAX    64
#define BOOT_MODS_MAX    32
#define BOOT_MODNAME_MAX 64

#define MMAP_AVAILABLE   1        /* Multiboot memory type: usable RAM */

struct boot_mmap_entry {
    uint64_t base;
    uint64_t len;
    uint32_t type;
};

struct boot_module {
    uint32_t start;               /* physical, page aligned */
    uint32_t end;                 /* physical, exclusive */
    char name[BOOT_MODNAME_MAX];  /* the module's command line */
};

#define BOOT_CPU_PGE   (1 << 0)   /* CPU has global pages */
#define BOOT_CPU_SEP   (1 << 1)   /* CPU has sysenter/sysexit */
#define BOOT_CPU_TSC   (1 << 2)   /* CPU has rdtsc */
#define BOOT_TRUNC_MMAP (1 << 8)  /* memory map had more entries than we keep */
#define BOOT_TRUNC_MODS (1 << 9)  /* more modules than we keep */
#define BOOT_TRUNC_CMDLINE (1 << 10) /* command line was cut */

struct boot_info {
    uint32_t flags;               /* BOOT_* */
    uint32_t data_phys;           /* physical base of the kernel data area */
    char cmdline[BOOT_CMDLINE_MAX];
    uint32_t mmap_count;
    struct boot_mmap_entry mmap[BOOT_MMAP_MAX];
    uint32_t mod_count;
    struct boot_module mods[BOOT_MODS_MAX];
    struct screen_mode screen;    /* what GRUB set up (SCREEN_NONE: unusable) */
    char screen_why[48];          /* why it is SCREEN_NONE */
};

extern struct boot_info boot_info;

#endif
