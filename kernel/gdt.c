/* The GDT lives in the data area (the CPU writes accessed bits and the TSS
 * busy bit into it), built at run time. */
#include "kernel/gdt.h"
#include "kernel/cpu.h"
#include "boot/x86.h"
#include "include/ant/syscall.h"
#include "lib/string.h"

_Static_assert(SEL_UDATA == ANT_SEL_UDATA, "the ABI names the user data selector");

#define SEG_CODE  0x9A             /* present, ring 0, code, readable */
#define SEG_DATA  0x92             /* present, ring 0, data, writable */
#define SEG_RING3 0x60
#define SEG_TSS   0x89             /* present, 32-bit available TSS */
#define GRAN_4K_32 0xC             /* 4KB granularity, 32-bit */

/* The I/O bitmap is in force only while a process with I/O rights runs:
 * otherwise iomap_base points past the limit and ring 3 gets no port. */
#define IOMAP_OFF ((uint16_t)sizeof(struct tss))
#define IOMAP_NONE ((uint16_t)sizeof(struct tss_io))

struct cpu cpus[MAX_CPUS];

static uint64_t descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (uint64_t)(limit & 0xFFFF) | (uint64_t)(base & 0xFFFFFF) << 16 |
           (uint64_t)access << 40 | (uint64_t)((limit >> 16) & 0xF) << 48 |
           (uint64_t)(flags & 0xF) << 52 | (uint64_t)(base >> 24) << 56;
}

/* CPU c's GDT: the four flat segments, and its own TSS at entry
 * SEL_TSS / 8 + c->index, so that its task register names it (this_cpu). */
void gdt_init(struct cpu *c)
{
    uint32_t tss_sel = SEL_TSS + 8 * c->index;
    memset(c->gdt, 0, sizeof c->gdt);
    c->gdt[SEL_KCODE >> 3] = descriptor(0, 0xFFFFF, SEG_CODE, GRAN_4K_32);
    c->gdt[SEL_KDATA >> 3] = descriptor(0, 0xFFFFF, SEG_DATA, GRAN_4K_32);
    c->gdt[SEL_UCODE >> 3] = descriptor(0, 0xFFFFF, SEG_CODE | SEG_RING3, GRAN_4K_32);
    c->gdt[SEL_UDATA >> 3] = descriptor(0, 0xFFFFF, SEG_DATA | SEG_RING3, GRAN_4K_32);
    c->tss.tss.ss0 = SEL_KDATA;
    c->tss.tss.iomap_base = IOMAP_NONE;   /* ring 3 gets no ports */
    memset(c->tss.iomap, 0xFF, sizeof c->tss.iomap);     /* and none once a map is in */
    c->tss.end = 0xFF;
    c->iomap_loaded = 0;
    c->chunks_loaded = 0;
    c->gdt[tss_sel >> 3] = descriptor((uint32_t)&c->tss, sizeof c->tss - 1, SEG_TSS, 0);
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) gdtr = { sizeof c->gdt - 1, (uint32_t)c->gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n1:\n\t"
                     "mov %2, %%ax\n\tmov %%ax, %%ss\n\t"
                     "mov %3, %%ax\n\tmov %%ax, %%ds\n\tmov %%ax, %%es\n\t"
                     "xor %%ax, %%ax\n\tmov %%ax, %%fs\n\tmov %%ax, %%gs\n\t"
                     "ltr %w4"
                     : : "m"(gdtr), "i"(SEL_KCODE), "i"(SEL_KDATA), "i"(SEL_UDATA), "r"(tss_sel)
                     : "eax", "memory");
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
static void load_chunk(struct cpu *c, uint32_t k, const uint8_t *src)
{
    uint32_t *to = (uint32_t *)(c->tss.iomap + k * IOMAP_CHUNK_BYTES);
    const uint32_t *from = (const uint32_t *)src;
    for (uint32_t i = 0; i < IOMAP_CHUNK_BYTES / 4; i++)
        to[i] = from ? from[i] : 0xFFFFFFFFu;
}

void tss_set_iomap(struct cpu *c, const struct iomap *map)
{
    if (!map) {
        c->tss.tss.iomap_base = IOMAP_NONE;
        return;
    }
    if (map != c->iomap_loaded) {
        for (uint32_t dirty = c->chunks_loaded | map->chunks; dirty; dirty &= dirty - 1) {
            uint32_t k = (uint32_t)__builtin_ctz(dirty);
            load_chunk(c, k, (map->chunks >> k) & 1 ? map->bits + k * IOMAP_CHUNK_BYTES : 0);
        }
        c->chunks_loaded = map->chunks;
        c->iomap_loaded = map;
    }
    c->tss.tss.iomap_base = IOMAP_OFF;
}

void tss_iomap_changed(const struct iomap *map)
{
    for (uint32_t i = 0; i < MAX_CPUS; i++)
        if (cpus[i].iomap_loaded == map)
            cpus[i].iomap_loaded = 0;
}
