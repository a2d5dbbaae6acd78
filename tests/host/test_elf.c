/* The ELF validator against valid, hostile, truncated and mutated images.
 * Every image sits in a heap block of exactly its size, so AddressSanitizer
 * catches any read past the end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/elf.h"
#include "tests/host/check.h"

#define LO 0x1000u
#define HI 0x80000000u
#define IMG_SIZE 0x3000u
#define FUZZ_CASES 200000

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }

/* Program header i of the sample image. */
static uint8_t *ph(uint8_t *img, int i) { return img + 52 + 32 * i; }

static void set_ph(uint8_t *p, uint32_t off, uint32_t va, uint32_t filesz, uint32_t memsz,
                   uint32_t flags)
{
    put32(p, 1);                /* PT_LOAD */
    put32(p + 4, off);
    put32(p + 8, va);
    put32(p + 12, va);
    put32(p + 16, filesz);
    put32(p + 20, memsz);
    put32(p + 24, flags);
    put32(p + 28, 0x1000);
}

/* A valid image: text (R X) at 0x400000 from offset 0x1000, data (R W) at
 * 0x401000 from offset 0x2000 with a bss tail. */
static void make_sample(uint8_t *img)
{
    memset(img, 0, IMG_SIZE);
    memcpy(img, "\x7f" "ELF\x01\x01\x01", 7);
    put16(img + 16, 2);         /* ET_EXEC */
    put16(img + 18, 3);         /* EM_386 */
    put32(img + 20, 1);
    put32(img + 24, 0x400010);  /* entry */
    put32(img + 28, 52);        /* phoff */
    put16(img + 40, 52);
    put16(img + 42, 32);
    put16(img + 44, 2);
    set_ph(ph(img, 0), 0x1000, 0x400000, 0x800, 0x800, 5);
    set_ph(ph(img, 1), 0x2000, 0x401000, 0x100, 0x3000, 6);
}

static int check_copy(const uint8_t *img, size_t size, struct elf_image *out)
{
    char why[128];
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, img, size);
    int r = elf_check(copy, size, LO, HI, out, why, sizeof why);
    free(copy);
    return r;
}

HTEST(elf_valid_image_accepted)
{
    uint8_t img[IMG_SIZE];
    struct elf_image e;
    make_sample(img);
    CHECK(check_copy(img, sizeof img, &e) == 0);
    CHECK_EQ_U(e.entry, 0x400010);
    CHECK_EQ_U(e.nseg, 2);
    CHECK_EQ_U(e.seg[0].vaddr, 0x400000);
    CHECK(e.seg[0].executable && !e.seg[0].writable);
    CHECK(e.seg[1].writable && !e.seg[1].executable);
    CHECK_EQ_U(e.seg[1].memsz, 0x3000);
}

/* Apply one corruption and expect a refusal. */
static int refused(void (*corrupt)(uint8_t *img))
{
    uint8_t img[IMG_SIZE];
    struct elf_image e;
    make_sample(img);
    corrupt(img);
    return check_copy(img, sizeof img, &e) == -1;
}

static void bad_magic(uint8_t *i) { i[1] = 'X'; }
static void class64(uint8_t *i) { i[4] = 2; }
static void big_endian(uint8_t *i) { i[5] = 2; }
static void machine_x86_64(uint8_t *i) { put16(i + 18, 62); }
static void shared_object(uint8_t *i) { put16(i + 16, 3); }
static void phentsize_wrong(uint8_t *i) { put16(i + 42, 56); }
static void no_phdrs(uint8_t *i) { put16(i + 44, 0); }
static void phoff_past_end(uint8_t *i) { put32(i + 28, IMG_SIZE - 40); }
static void phoff_wraps(uint8_t *i) { put32(i + 28, 0xFFFFFFF0); }
static void seg_past_file(uint8_t *i) { put32(ph(i, 1) + 16, 0x1001); }
static void seg_offset_wraps(uint8_t *i) { put32(ph(i, 1) + 4, 0xFFFFF000); }
static void filesz_over_memsz(uint8_t *i) { put32(ph(i, 0) + 20, 0x100); }
static void in_null_page(uint8_t *i) { set_ph(ph(i, 0), 0x1000, 0x0, 0x800, 0x800, 5); }
static void into_icc(uint8_t *i) { set_ph(ph(i, 1), 0x2000, 0x7FFFF000, 0x100, 0x2000, 6); }
static void in_kernel(uint8_t *i) { set_ph(ph(i, 1), 0x2000, 0xC0100000, 0x100, 0x1000, 6); }
static void memsz_wraps(uint8_t *i) { set_ph(ph(i, 1), 0x2000, 0x401000, 0x100, 0xFFFFF000, 6); }
static void misaligned(uint8_t *i) { put32(ph(i, 1) + 4, 0x2010); }
static void bad_align(uint8_t *i) { put32(ph(i, 1) + 28, 0x1001); }
static void pages_shared(uint8_t *i) { set_ph(ph(i, 1), 0x2000, 0x400800, 0x100, 0x100, 6); }
static void entry_in_data(uint8_t *i) { put32(i + 24, 0x401010); }
static void entry_nowhere(uint8_t *i) { put32(i + 24, 0x12345678); }
static void no_load_segment(uint8_t *i) { put32(ph(i, 0), 4); put32(ph(i, 1), 4); }
static void empty_segment(uint8_t *i) { put32(ph(i, 1) + 20, 0); put32(ph(i, 1) + 16, 0); }

HTEST(elf_hostile_headers_refused)
{
    void (*const cases[])(uint8_t *) = {
        bad_magic, class64, big_endian, machine_x86_64, shared_object, phentsize_wrong,
        no_phdrs, phoff_past_end, phoff_wraps, seg_past_file, seg_offset_wraps,
        filesz_over_memsz, in_null_page, into_icc, in_kernel, memsz_wraps, misaligned,
        bad_align, pages_shared, entry_in_data, entry_nowhere, no_load_segment, empty_segment,
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (!refused(cases[i])) {
            htest_fail(__FILE__, __LINE__, "corruption %zu was accepted", i);
            return;
        }
}

HTEST(elf_every_truncation_refused)
{
    uint8_t img[IMG_SIZE];
    struct elf_image e;
    make_sample(img);
    for (size_t n = 0; n < 0x2100; n++)   /* the data segment's bytes end at 0x2100 */
        if (check_copy(img, n, &e) != -1) {
            htest_fail(__FILE__, __LINE__, "image cut to %zu bytes was accepted", n);
            return;
        }
    CHECK(check_copy(img, 0x2100, &e) == 0);
}

static uint32_t rng_state = 0x12345678;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* What an accepted image must satisfy, whatever the input was. */
static int sound(const struct elf_image *e, size_t size)
{
    int entry_ok = 0;
    if (e->nseg < 1 || e->nseg > ELF_MAX_SEGMENTS)
        return 0;
    for (int i = 0; i < e->nseg; i++) {
        const struct elf_segment *s = &e->seg[i];
        if (s->vaddr < LO || s->memsz == 0 || (uint64_t)s->vaddr + s->memsz > HI)
            return 0;
        if (s->filesz > s->memsz || (uint64_t)s->offset + s->filesz > size)
            return 0;
        if ((s->vaddr - s->offset) % 4096)
            return 0;
        for (int j = 0; j < i; j++) {
            const struct elf_segment *t = &e->seg[j];
            if (s->vaddr / 4096 <= (t->vaddr + t->memsz - 1) / 4096 &&
                t->vaddr / 4096 <= (s->vaddr + s->memsz - 1) / 4096)
                return 0;
        }
        entry_ok |= s->executable && e->entry >= s->vaddr && e->entry - s->vaddr < s->memsz;
    }
    return entry_ok;
}

HTEST(elf_fuzz_mutations)
{
    uint8_t img[IMG_SIZE];
    struct elf_image e;
    unsigned accepted = 0, refused_n = 0;
    for (int c = 0; c < FUZZ_CASES; c++) {
        make_sample(img);
        int flips = 1 + (int)(rng() % 8);
        for (int k = 0; k < flips; k++) {
            uint32_t r = rng();
            /* half the bytes in the headers, half anywhere */
            uint32_t at = (r & 1) ? (r >> 8) % (52 + 64) : (r >> 8) % IMG_SIZE;
            img[at] = (uint8_t)(r >> 24);
        }
        size_t size = (rng() % 4) ? IMG_SIZE : rng() % IMG_SIZE;
        if (check_copy(img, size, &e) == 0) {
            accepted++;
            if (!sound(&e, size)) {
                htest_fail(__FILE__, __LINE__, "case %d: an unsound image was accepted", c);
                return;
            }
        } else {
            refused_n++;
        }
    }
    CHECK(accepted > 1000);     /* both outcomes were exercised */
    CHECK(refused_n > 1000);
}
