/* The GDT lives in the data area (the CPU writes accessed bits and the TSS
 * busy bit into it), built at run time. */
#include "kernel/gdt.h"
#include "kernel/x86.h"


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
static const uint8_t *iomap_loaded;

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
    tss_io.end = 0xFF;
    gdt[SEL_TSS >> 3] = descriptor((uint32_t)&tss_io, sizeof tss_io - 1, SEG_TSS, 0);
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) gdtr = { sizeof gdt - 1, (uint32_t)gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n1:\n\t"
                     "mov %2, %%ax\n\t"
                     "mov %%ax, %%ds\n\tmov %%ax, %%es\n\tmov %%ax, %%ss\n\t"
                     "xor %%ax, %%ax\n\tmov %%ax, %%fs\n\tmov %%ax, %%gs\n\t"
                     "mov %3, %%ax\n\tltr %%ax"
                     : : "m"(gdtr), "i"(SEL_KCODE), "i"(SEL_KDATA), "i"(SEL_TSS) : "eax", "memory");
}

/* sysenter loads ESP with the address of this slot; the entry code then
 * loads the current thread's kernel stack from it. */
uint32_t *tss_esp0_slot(void)
{
    return &sysenter_stack.esp0;
}


void tss_set_iomap(const uint8_t *map)
{
    if (!map) {
        tss_io.tss.iomap_base = IOMAP_NONE;
        return;
    }
    if (map != iomap_loaded) {
        for (int i = 0; i < IOMAP_BYTES; i++)
            tss_io.iomap[i] = map[i];
        iomap_loaded = map;
    }
    tss_io.tss.iomap_base = IOMAP_OFF;
}

void tss_iomap_changed(const uint8_t *map)
{
    if (iomap_loaded == map)
        iomap_loaded = 0;
}
