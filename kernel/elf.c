/* ELF32 validation. Every field of the file is untrusted: each is checked
 * before use, with overflow-safe arithmetic. Fuzzed on the host. */
#include "kernel/elf.h"
#include "lib/fmt.h"

#define EI_NIDENT 16
#define ET_EXEC 2
#define EM_386 3
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PAGE 4096u

struct ehdr {
    uint8_t ident[EI_NIDENT];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

_Static_assert(sizeof(struct ehdr) == 52, "ELF32 header");
_Static_assert(sizeof(struct phdr) == 32, "ELF32 program header");

static uint32_t rd32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static int check_header(const uint8_t *f, size_t size, char *why, size_t n)
{
    if (size < sizeof(struct ehdr))
        return fmt_snprintf(why, n, "file of %u bytes is shorter than an ELF header", (unsigned)size), -1;
    if (f[0] != 0x7F || f[1] != 'E' || f[2] != 'L' || f[3] != 'F')
        return fmt_snprintf(why, n, "not an ELF file (bad magic)"), -1;
    if (f[4] != 1 || f[5] != 1 || f[6] != 1)
        return fmt_snprintf(why, n, "not a 32-bit little-endian ELF version 1"), -1;
    if (rd16(f + 16) != ET_EXEC || rd16(f + 18) != EM_386)
        return fmt_snprintf(why, n, "not an i386 executable (type %u, machine %u)",
                            rd16(f + 16), rd16(f + 18)), -1;
    uint32_t phoff = rd32(f + 28), phnum = rd16(f + 44), phentsize = rd16(f + 42);
    if (phentsize != sizeof(struct phdr) || phnum == 0 || phnum > 64)
        return fmt_snprintf(why, n, "bad program header table (%u entries of %u bytes)",
                            phnum, phentsize), -1;
    if (phoff > size || phnum * sizeof(struct phdr) > size - phoff)
        return fmt_snprintf(why, n, "program headers lie outside the file"), -1;
    return 0;
}

static int check_segment(const uint8_t *ph, size_t size, uint32_t lo, uint32_t hi,
                         struct elf_segment *s, char *why, size_t n)
{
    uint32_t off = rd32(ph + 4), va = rd32(ph + 8), filesz = rd32(ph + 16);
    uint32_t memsz = rd32(ph + 20), flags = rd32(ph + 24), align = rd32(ph + 28);
    if (filesz > memsz)
        return fmt_snprintf(why, n, "segment at %08x: file size over memory size", va), -1;
    if (off > size || filesz > size - off)
        return fmt_snprintf(why, n, "segment at %08x lies outside the file", va), -1;
    if (memsz == 0 || va < lo || va >= hi || memsz > hi - va)
        return fmt_snprintf(why, n, "segment %08x+%x is outside user space %08x-%08x",
                            va, memsz, lo, hi), -1;
    if ((align & (align - 1)) || (va - off) % PAGE)
        return fmt_snprintf(why, n, "segment at %08x is not page aligned with its offset", va), -1;
    s->vaddr = va;
    s->memsz = memsz;
    s->offset = off;
    s->filesz = filesz;
    s->writable = (flags & PF_W) != 0;
    s->executable = (flags & PF_X) != 0;
    return 0;
}

static int pages_overlap(const struct elf_segment *a, const struct elf_segment *b)
{
    uint32_t a0 = a->vaddr / PAGE, a1 = (a->vaddr + a->memsz - 1) / PAGE;
    uint32_t b0 = b->vaddr / PAGE, b1 = (b->vaddr + b->memsz - 1) / PAGE;
    return a0 <= b1 && b0 <= a1;
}

int elf_check(const uint8_t *f, size_t size, uint32_t lo, uint32_t hi,
              struct elf_image *img, char *why, size_t n)
{
    if (check_header(f, size, why, n))
        return -1;
    uint32_t phoff = rd32(f + 28), phnum = rd16(f + 44);
    img->entry = rd32(f + 24);
    img->nseg = 0;
    for (uint32_t i = 0; i < phnum; i++) {
        const uint8_t *ph = f + phoff + i * sizeof(struct phdr);
        if (rd32(ph) != PT_LOAD)
            continue;
        if (img->nseg == ELF_MAX_SEGMENTS)
            return fmt_snprintf(why, n, "more than %d loadable segments", ELF_MAX_SEGMENTS), -1;
        struct elf_segment *s = &img->seg[img->nseg];
        if (check_segment(ph, size, lo, hi, s, why, n))
            return -1;
        for (int j = 0; j < img->nseg; j++)
            if (pages_overlap(s, &img->seg[j]))
                return fmt_snprintf(why, n, "segments at %08x and %08x share a page",
                                    s->vaddr, img->seg[j].vaddr), -1;
        img->nseg++;
    }
    for (int i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (s->executable && img->entry >= s->vaddr && img->entry - s->vaddr < s->memsz)
            return 0;
    }
    if (!img->nseg)
        return fmt_snprintf(why, n, "no loadable segment"), -1;
    return fmt_snprintf(why, n, "entry point %08x is not in an executable segment", img->entry), -1;
}
