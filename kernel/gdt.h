/* Segments: the flat GDT (kernel and user code and data) and a TSS, one
 * of each per CPU (struct cpu, kernel/cpu.h). */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H
#include <stdint.h>

struct cpu;
/* Build CPU c's GDT and TSS, load them and the flat selectors on this CPU
 * (which is c). */
void gdt_init(struct cpu *c);
/* I/O permission bitmaps cover every port (0 to 0xFFFF); a set bit denies.
 * A map is kept in chunks: `chunks` has bit k set when chunk k (ports
 * k * IOMAP_CHUNK_PORTS onwards) grants any port, so loading a map into
 * the TSS touches the chunks that grant something, not all 8 KB. */
#define IOMAP_PORTS 0x10000
#define IOMAP_BYTES (IOMAP_PORTS / 8)
#define IOMAP_CHUNK_BYTES 256
#define IOMAP_CHUNK_PORTS (IOMAP_CHUNK_BYTES * 8)
#define IOMAP_CHUNKS (IOMAP_BYTES / IOMAP_CHUNK_BYTES)
_Static_assert(IOMAP_CHUNKS == 32, "one bit a chunk in a word");

struct iomap {
    uint32_t chunks;               /* chunks that grant a port */
    uint8_t bits[IOMAP_BYTES];
};
/* Deny every port. */
void iomap_init(struct iomap *m);
/* Grant ports [first, first + count). */
void iomap_grant(struct iomap *m, uint32_t first, uint32_t count);

struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap_base;
};
_Static_assert(sizeof(struct tss) == 104, "TSS is 104 bytes");

/* A CPU's TSS, with an I/O permission bitmap (ports past the segment
 * limit are denied too). */
struct tss_io {
    struct tss tss;
    uint8_t iomap[IOMAP_BYTES];
    uint8_t end;                   /* 0xFF: the CPU may read one byte past */
} __attribute__((packed, aligned(4)));

/* sysenter starts with ESP = &this CPU's sysenter.esp0. The scratch below it is
 * where a debug trap lands if a program entered with the trap flag set
 * (sysenter does not clear TF); trap_dispatch clears it and resumes. */
struct sysenter_stack {
    uint32_t scratch[256];
    uint32_t esp0;                 /* the TSS's esp0 - SYSENTER_ESP_BELOW_TOP */
};

/* On CPU c: give ring 3 the ports map allows (a process's bitmap), or
 * none (NULL). */
void tss_set_iomap(struct cpu *c, const struct iomap *map);
/* The bitmap map was edited (or is going away): every CPU loads it afresh
 * next time. */
void tss_iomap_changed(const struct iomap *map);

#endif
