/* The GDT lives in the data area (the CPU writes accessed bits and the TSS
 * busy bit into it), built at run time. */
#include "kernel/gdt.h"
#include "boot/x86.h"
#include "include/ant/syscall.h"
#include "lib/string.h"

_Static_assert(SEL_UDATA == ANT_SEL_UDATA, "the ABI names the user data selector");

#define SEG_CODE  0x9A             /* present, ring 0, code, readable */
#define SEG_DATA  0x92             /* present, ring 0, data, writable */
#define SEG_RING3 0x60
#define SEG_TSS   0x89             /* present, 32-bit available TSS */
#define GRAN_4K_32 0xC             /* 4KB granularity, 32-bit */

static uint64_t gdt[6];

/* The I/O bitmap is in force only while a process with I/O rights runs:
 * otherwise iomap_base points past the limit and ring 3 gets no port. */
struct tss_io tss_io;
#define IOMAP_OFF ((uint16_t)sizeof(struct tss))
#define IOMAP_NONE ((uint16_t)sizeof tss_io)
static const struct iomap *iomap_loaded;   /* its chunks are in tss_io */
static uint32_t chunks_loaded;                /* chunks of tss_io that grant */

struct sysenter_stack sysenter_stack;

static uint64_t descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (uint64_t)(limit & 0xFFFF) | (uint64_t)(base & 0xFFFFFF) << 16 |
           (uint64_t)access << 40 | (uint64_t)((limit >> 16) & 0xF) << 48 |
           (uint64_t)(flags & 0xF) << 52 | (uint64_t)(base >> 24) << 56;
}

void gdt_init(void)
{
    gdt[0] = 0;
    gdt[SEL_KCODE >> 3] = descriptor(0, 0xFFFFF, SEG_CODE, GRAN_4K_32);
    gdt[SEL_KDATA >> 3] = descriptor(0, 0xFFFFF, SEG_DATA, GRAN_4K_32);
    gdt[SEL_UCODE >> 3] = descriptor(0, 0xFFFFF, SEG_CODE | SEG_RING3, GRAN_4K_32);
    gdt[SEL_UDATA >> 3] = descriptor(0, 0xFFFFF, SEG_DATA | SEG_RING3, GRAN_4K_32);
    tss_io.tss.ss0 = SEL_KDATA;
    tss_io.tss.iomap_base = IOMAP_NONE;   /* ring 3 gets no ports */
    memset(tss_io.iomap, 0xFF, sizeof tss_io.iomap);     /* and none once a map is in */
    tss_io.end = 0xFF;
    gdt[SEL_TSS >> 3] = descriptor((uint32_t)&tss_io, sizeof tss_io - 1, SEG_TSS, 0);
    gdt_load();
    __asm__ volatile("ltr %w0" : : "r"(SEL_TSS) : "memory");
}

void gdt_load(void)
{
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) gdtr = { sizeof gdt - 1, (uint32_t)gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n1:\n\t"
                     "mov %2, %%ax\n\tmov %%ax, %%ss\n\t"
                     "mov %3, %%ax\n\tmov %%ax, %%ds\n\tmov %%ax, %%es\n\t"
                     "xor %%ax, %%ax\n\tmov %%ax, %%fs\n\tmov %%ax, %%gs"
                     : : "m"(gdtr), "i"(SEL_KCODE), "i"(SEL_KDATA), "i"(SEL_UDATA)
                     : "eax", "memory");
}

/* sysenter loads ESP with the address of this slot; the entry code then
 * loads the current thread's kernel stack from it. */
uint32_t *tss_esp0_slot(void)
{
    return &sysenter_stack.esp0;
}


void iomap_init(struct iomap *m)
{
    memset(m->bits, 0xFF, sizeof m->bits);
    m->chunks = 0;
}

void iomap_grant(struct iomap *m, uint32_t first, uint32_t count)
{
    for (uint32_t port = first; port < first + count; port++) {
        m->bits[port / 8] &= (uint8_t)~(1u << (port % 8));
        m->chunks |= 1u << (port / IOMAP_CHUNK_PORTS);
    }
}

/* Chunk k of the TSS bitmap from src (NULL: deny all), a word at a time. */
static void load_chunk(uint32_t k, const uint8_t *src)
{
    uint32_t *to = (uint32_t *)(tss_io.iomap + k * IOMAP_CHUNK_BYTES);
    const uint32_t *from = (const uint32_t *)src;
    for (uint32_t i = 0; i < IOMAP_CHUNK_BYTES / 4; i++)
        to[i] = from ? from[i] : 0xFFFFFFFFu;
}

void tss_set_iomap(const struct iomap *map)
{
    if (!map) {
        tss_io.tss.iomap_base = IOMAP_NONE;
        return;
    }
    if (map != iomap_loaded) {
        for (uint32_t dirty = chunks_loaded | map->chunks; dirty; dirty &= dirty - 1) {
            uint32_t k = (uint32_t)__builtin_ctz(dirty);
            load_chunk(k, (map->chunks >> k) & 1 ? map->bits + k * IOMAP_CHUNK_BYTES : 0);
        }
        chunks_loaded = map->chunks;
        iomap_loaded = map;
    }
    tss_io.tss.iomap_base = IOMAP_OFF;
}

void tss_iomap_changed(const struct iomap *map)
{
    if (iomap_loaded == map)
        iomap_loaded = 0;
}
