/*
 * Early boot, run with paging off at physical addresses (section .boot).
 *
 * It may not touch any kernel variable: they live in the kernel data area,
 * which does not exist until this code has chosen its frames. So it works on
 * physical pointers only, computing the physical address of a data-area
 * object from its link address. It must not call code outside this file
 * (the Makefile checks early.o for undefined symbols).
 *
 * Steps: check the boot magic and the CPU (PSE is required); copy the
 * Multiboot information into boot_info; pick a 4MB-aligned physical block
 * of RAM for the data area, away from the bootloader's structures and
 * modules; zero it; build the kernel page directory in it. entry.asm then
 * turns paging on.
 */
#include <stdint.h>
#include "boot/bootinfo.h"
#include "boot/x86_bits.h"
#include "lib/io.h"
#include "lib/uart.h"
#include "lib/vga.h"
#include "mm/kspace.h"
#include "mm/layout.h"

/* Multiboot 1 information structure, as the bootloader leaves it. */
struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name, apm_table;
    uint32_t vbe_control_info, vbe_mode_info;
    uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
    uint32_t fb_addr_lo, fb_addr_hi, fb_pitch, fb_width, fb_height;
    uint8_t fb_bpp, fb_type;
    uint16_t pad;               /* the colour fields start at 112, not at the 110 the
                                   specification's table says: GRUB's struct aligns
                                   the union holding them (a palette address) */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
} __attribute__((packed));
_Static_assert(__builtin_offsetof(struct mb_info, fb_addr_lo) == 88, "Multiboot 1 layout");
_Static_assert(__builtin_offsetof(struct mb_info, red_pos) == 112, "GRUB's Multiboot 1 layout");
struct mb_module { uint32_t start, end, string, reserved; };
#define MBI_MEM     (1 << 0)
#define MBI_CMDLINE (1 << 2)
#define MBI_MODS    (1 << 3)
#define MBI_MMAP    (1 << 6)
#define MBI_FRAMEBUFFER (1 << 12)
#define FB_TYPE_RGB 1
#define FB_TYPE_TEXT 2

#define BUSY_MAX (4 + 2 * BOOT_MODS_MAX)
struct span { uint64_t start, end; };

struct early {
    struct boot_info *bi;          /* physical pointer to boot_info */
    uint32_t data_phys;
    int test_mode;
    struct span busy[BUSY_MAX];
    int nbusy;
};

/* ---- messages: serial COM1 and the VGA text screen, both raw ---- */

static void early_putc(char c, int *col)
{
    volatile uint16_t *vga = (volatile uint16_t *)VGA_TEXT_PHYS;
    uart_putc(UART_COM1, c);
    if (c == '\n')
        *col = (*col / 80 + 1) * 80;
    else if (*col < 80 * 25)
        vga[(*col)++] = (uint16_t)(0x4F00 | (uint8_t)c); /* white on red */
}

static void early_puts(const char *s, int *col)
{
    while (*s)
        early_putc(*s++, col);
}

static void early_putu(uint32_t v, int *col)
{
    char buf[11];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        early_putc(buf[--n], col);
}

/* Print "AnT: <msg><number><tail>" and stop; a test or scripted boot
 * (test= or init=, as stop_exits_qemu later) exits QEMU failed. */
static void __attribute__((noreturn))
early_fail(struct early *e, const char *msg, uint32_t num, const char *tail)
{
    volatile uint16_t *vga = (volatile uint16_t *)VGA_TEXT_PHYS;
    int col = 0;
    for (int i = 0; i < 80 * 25; i++)
        vga[i] = 0x0720;
    uart_init(UART_COM1);
    early_puts("\nAnT/i386: cannot start: ", &col);
    early_puts(msg, &col);
    if (tail) {
        early_putu(num, &col);
        early_puts(tail, &col);
    }
    early_puts("\nAnT/i386: halted.\n", &col);
    if (e->test_mode)
        outb(PORT_DEBUG_EXIT, DEBUG_EXIT_FAIL);
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* ---- small helpers: no libc here ---- */

static void early_zero(void *p, uint32_t n)
{
    uint32_t *w = p;
    for (uint32_t i = 0; i < n / 4; i++)
        w[i] = 0;
}

static uint32_t early_strcpy(char *dst, const char *src, uint32_t cap)
{
    uint32_t i = 0;
    while (src[i] && i + 1 < cap) {
        dst[i] = src[i];
        i++;
    }
    dst[i] = 0;
    return src[i] != 0;             /* 1 if the string was cut */
}

static uint32_t early_strlen(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Does the command line hold a word starting with prefix? */
static int early_has_word(const char *s, const char *prefix)
{
    for (const char *p = s; *p; p++) {
        if (p != s && p[-1] != ' ')
            continue;
        uint32_t i = 0;
        while (prefix[i] && p[i] == prefix[i])
            i++;
        if (!prefix[i])
            return 1;
    }
    return 0;
}

/* Physical address of a kernel data-area object. */
static void *early_phys(const struct early *e, const void *kvirt)
{
    return (void *)((uint32_t)kvirt - KDATA_VIRT + e->data_phys);
}

/* ---- CPU ---- */

static int early_has_cpuid(void)
{
    uint32_t a, b;
    __asm__ volatile("pushfl; pushfl; xorl %2, (%%esp); popfl; pushfl; popl %0;"
                     "popl %1; pushl %1; popfl"
                     : "=&r"(a), "=&r"(b) : "i"(EFLAGS_ID) : "cc", "memory");
    return ((a ^ b) & EFLAGS_ID) != 0;
}

static uint32_t early_cpu_features(void)
{
    uint32_t eax = 1, ebx, ecx = 0, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    return edx;
}

/* ---- Multiboot information ---- */

static void early_add_busy(struct early *e, uint64_t start, uint64_t len)
{
    if (len && e->nbusy < BUSY_MAX) {
        e->busy[e->nbusy].start = start;
        e->busy[e->nbusy].end = start + len;
        e->nbusy++;
    }
}

static void early_copy_mmap(struct early *e, const struct mb_info *mbi)
{
    struct boot_info *bi = e->bi;
    if (!(mbi->flags & MBI_MMAP)) {
        if (!(mbi->flags & MBI_MEM))
            early_fail(e, "the bootloader gave no memory map.", 0, 0);
        bi->mmap[0].base = 0;                 /* lower and upper memory only */
        bi->mmap[0].len = (uint64_t)mbi->mem_lower * 1024;
        bi->mmap[0].type = MMAP_AVAILABLE;
        bi->mmap[1].base = 0x100000;
        bi->mmap[1].len = (uint64_t)mbi->mem_upper * 1024;
        bi->mmap[1].type = MMAP_AVAILABLE;
        bi->mmap_count = 2;
        return;
    }
    uint32_t p = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;
    while (p + 24 <= end) {
        const uint32_t *w = (const uint32_t *)p;   /* size, base, len, type */
        if (w[0] < 20)
            early_fail(e, "corrupt memory map from the bootloader.", 0, 0);
        if (bi->mmap_count == BOOT_MMAP_MAX) {
            bi->flags |= BOOT_TRUNC_MMAP;
            break;
        }
        struct boot_mmap_entry *m = &bi->mmap[bi->mmap_count++];
        m->base = w[1] | (uint64_t)w[2] << 32;
        m->len = w[3] | (uint64_t)w[4] << 32;
        m->type = w[5];
        p += w[0] + 4;
    }
}

/* The screen GRUB set up: a framebuffer (UEFI, or asked for), its text
 * page, or, when it says nothing, the VGA text page of a BIOS boot. */
static void early_copy_screen(struct early *e, const struct mb_info *mbi)
{
    struct screen_mode *s = &e->bi->screen;
    const char *why = 0;
    if (!(mbi->flags & MBI_FRAMEBUFFER)) {
        s->kind = SCREEN_TEXT;
        s->phys = VGA_TEXT_PHYS;
        s->width = 80;
        s->height = 25;
        s->pitch = 160;
        return;
    }
    s->phys = mbi->fb_addr_lo;
    s->width = mbi->fb_width;
    s->height = mbi->fb_height;
    s->pitch = mbi->fb_pitch;
    s->bpp = mbi->fb_bpp;
    if (mbi->fb_addr_hi)
        why = "the framebuffer lies above 4 GB";
    else if (mbi->fb_type == FB_TYPE_TEXT)
        s->kind = SCREEN_TEXT;
    else if (mbi->fb_type == FB_TYPE_RGB)
        s->kind = SCREEN_FB;
    else
        why = "the framebuffer has a palette, not RGB";
    s->red_pos = mbi->red_pos;
    s->red_size = mbi->red_size;
    s->green_pos = mbi->green_pos;
    s->green_size = mbi->green_size;
    s->blue_pos = mbi->blue_pos;
    s->blue_size = mbi->blue_size;
    if (why) {
        s->kind = SCREEN_NONE;
        early_strcpy(e->bi->screen_why, why, sizeof e->bi->screen_why);
    }
}

static void early_copy_modules(struct early *e, const struct mb_info *mbi)
{
    struct boot_info *bi = e->bi;
    if (!(mbi->flags & MBI_MODS) || mbi->mods_count == 0)
        return;
    const struct mb_module *m = (const struct mb_module *)mbi->mods_addr;
    for (uint32_t i = 0; i < mbi->mods_count; i++) {
        if (i == BOOT_MODS_MAX) {
            bi->flags |= BOOT_TRUNC_MODS;
            break;
        }
        if (m[i].end < m[i].start)
            early_fail(e, "corrupt module list: a module ends before it starts, module ",
                       i, ".");
        struct boot_module *b = &bi->mods[bi->mod_count++];
        b->start = m[i].start;
        b->end = m[i].end;
        if (m[i].string)
            early_strcpy(b->name, (const char *)m[i].string, BOOT_MODNAME_MAX);
    }
}

/* Note where the bootloader's own structures lie; they must survive until
 * copied, so the data area may not overlap them. */
static void early_note_mbi(struct early *e, const struct mb_info *mbi)
{
    early_add_busy(e, (uint32_t)mbi, sizeof *mbi);
    if (mbi->flags & MBI_CMDLINE)
        early_add_busy(e, mbi->cmdline, early_strlen((const char *)mbi->cmdline) + 1);
    if (mbi->flags & MBI_MMAP)
        early_add_busy(e, mbi->mmap_addr, mbi->mmap_length);
    if ((mbi->flags & MBI_MODS) && mbi->mods_count) {
        const struct mb_module *m = (const struct mb_module *)mbi->mods_addr;
        early_add_busy(e, mbi->mods_addr, mbi->mods_count * sizeof *m);
        for (uint32_t i = 0; i < mbi->mods_count && i < BOOT_MODS_MAX; i++) {
            early_add_busy(e, m[i].start, (uint64_t)m[i].end - m[i].start);
            if (m[i].string)
                early_add_busy(e, m[i].string,
                               early_strlen((const char *)m[i].string) + 1);
        }
    }
}

/* ---- choosing the data area ---- */

/* Is [a, b) wholly usable RAM according to the (raw) memory map? */
static int early_is_ram(const struct mb_info *mbi, uint64_t a, uint64_t b)
{
    uint32_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
    uint64_t pos = a;
    for (;;) {
        int advanced = 0;
        for (p = mbi->mmap_addr; p + 24 <= end; p += ((const uint32_t *)p)[0] + 4) {
            const uint32_t *w = (const uint32_t *)p;
            uint64_t base = w[1] | (uint64_t)w[2] << 32;
            uint64_t top = base + (w[3] | (uint64_t)w[4] << 32);
            if (w[5] != MMAP_AVAILABLE) {
                if (base < b && top > a)
                    return 0;             /* a reserved range overlaps */
            } else if (base <= pos && top > pos) {
                pos = top;
                advanced = 1;
            }
            if (w[0] < 20)
                return 0;
        }
        if (pos >= b)
            return 1;
        if (!advanced)
            return 0;
    }
}

static int early_is_free(const struct early *e, uint64_t a, uint64_t b)
{
    for (int i = 0; i < e->nbusy; i++)
        if (e->busy[i].start < b && e->busy[i].end > a)
            return 0;
    return 1;
}

static uint64_t early_usable_bytes(const struct mb_info *mbi)
{
    uint64_t sum = 0;
    if (!(mbi->flags & MBI_MMAP))
        return ((uint64_t)mbi->mem_lower + mbi->mem_upper) * 1024;
    uint32_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
    for (; p + 24 <= end; p += ((const uint32_t *)p)[0] + 4) {
        const uint32_t *w = (const uint32_t *)p;
        uint64_t base = w[1] | (uint64_t)w[2] << 32;
        uint64_t len = w[3] | (uint64_t)w[4] << 32;
        if (w[0] < 20)
            break;
        if (w[5] == MMAP_AVAILABLE && base < 0x100000000ULL)
            sum += (base + len > 0x100000000ULL) ? 0x100000000ULL - base : len;
    }
    return sum;
}

static uint32_t early_pick_data_area(struct early *e, const struct mb_info *mbi)
{
    for (uint64_t a = (uint64_t)TEXT_BIGPAGES * BIGPAGE_SIZE; a < 0x100000000ULL;
         a += BIGPAGE_SIZE) {
        uint64_t b = a + KDATA_SIZE;
        int ram = (mbi->flags & MBI_MMAP) ? early_is_ram(mbi, a, b)
                                          : b <= 0x100000 + (uint64_t)mbi->mem_upper * 1024;
        if (ram && early_is_free(e, a, b))
            return (uint32_t)a;
    }
    early_fail(e, "no free 4MB-aligned block of RAM for the kernel data area.", 0, 0);
}

/* ---- the kernel page directory ---- */

static void early_build_tables(const struct early *e, uint32_t cpu)
{
    struct kernel_tables *kt = early_phys(e, &ktables);
    uint32_t g = (cpu & CPUID_EDX_PGE) ? PTE_G : 0;
    kt->pd[0] = 0 | PTE_P | PTE_W | PDE_PS;          /* identity, removed later */
    for (uint32_t i = 0; i < TEXT_BIGPAGES; i++)
        kt->pd[KERNEL_PDE_FIRST + i] = i * BIGPAGE_SIZE | PTE_P | PDE_PS | g;
    kt->pd[KDATA_VIRT >> BIGPAGE_SHIFT] = e->data_phys | PTE_P | PTE_W | PDE_PS | g;
    for (uint32_t i = 0; i < KERNEL_PT_COUNT; i++)
        kt->pd[KERNEL_PDE_PT_FIRST + i] = (uint32_t)kt->pt[i] | PTE_P | PTE_W;
    for (uint32_t pa = IOHOLE_START; pa < IOHOLE_END; pa += PAGE_SIZE)
        kt->pt[0][pa >> PAGE_SHIFT] = pa | PTE_P | PTE_W | g;
}

/* Entry from entry.asm. Returns CR4 bits in the high half, CR3 in the low. */
uint64_t early_main(uint32_t magic, const struct mb_info *mbi)
{
    struct early e;
    early_zero(&e, sizeof e);
    if (magic == MB_BOOT_MAGIC && (mbi->flags & MBI_CMDLINE))
        e.test_mode = early_has_word((const char *)mbi->cmdline, "test=") ||
                      early_has_word((const char *)mbi->cmdline, "init=");
    if (magic != MB_BOOT_MAGIC)
        early_fail(&e, "not started by a Multiboot loader (bad magic).", 0, 0);
    if (!early_has_cpuid())
        early_fail(&e, "this CPU has no CPUID; AnT/i386 needs a Pentium or newer "
                       "with 4MB pages (PSE).", 0, 0);
    uint32_t cpu = early_cpu_features();
    if (!(cpu & CPUID_EDX_PSE))
        early_fail(&e, "this CPU lacks PSE (4MB pages), which AnT/i386 needs "
                       "for its kernel pages.", 0, 0);
    uint64_t usable = early_usable_bytes(mbi);
    if (usable < (uint64_t)MIN_RAM_KB * 1024)
        early_fail(&e, "AnT/i386 needs at least 16 MiB of RAM; this machine has ",
                   (uint32_t)(usable / 1024), " KiB usable.");

    early_note_mbi(&e, mbi);
    e.data_phys = early_pick_data_area(&e, mbi);
    early_zero((void *)e.data_phys, KDATA_SIZE);

    e.bi = early_phys(&e, &boot_info);
    e.bi->data_phys = e.data_phys;
    e.bi->flags |= ((cpu & CPUID_EDX_PGE) ? BOOT_CPU_PGE : 0) |
                   ((cpu & CPUID_EDX_SEP) ? BOOT_CPU_SEP : 0) |
                   ((cpu & CPUID_EDX_TSC) ? BOOT_CPU_TSC : 0);
    if ((mbi->flags & MBI_CMDLINE) &&
        early_strcpy(e.bi->cmdline, (const char *)mbi->cmdline, BOOT_CMDLINE_MAX))
        e.bi->flags |= BOOT_TRUNC_CMDLINE;
    early_copy_mmap(&e, mbi);
    early_copy_modules(&e, mbi);
    early_copy_screen(&e, mbi);
    early_build_tables(&e, cpu);

    uint32_t cr4 = CR4_PSE | ((cpu & CPUID_EDX_PGE) ? CR4_PGE : 0);
    return (uint64_t)cr4 << 32 | (uint32_t)early_phys(&e, ktables.pd);
}
