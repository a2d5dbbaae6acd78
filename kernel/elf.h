/* ELF32 program images: validation of untrusted bytes (pure code). */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 8

struct elf_segment {
    uint32_t vaddr, memsz;      /* where, in user space */
    uint32_t offset, filesz;    /* what, in the file */
    int writable, executable;
};

struct elf_image {
    uint32_t entry;
    int nseg;
    struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/*
 * Check an image of size bytes: magic, class, data, machine, type, header
 * and segment bounds inside the file, segments inside user space below the
 * ICC area, page-congruent offsets, no two segments sharing a page, the
 * entry point in an executable segment. Fills img and returns 0, or returns
 * -1 with a reason in why.
 */
int elf_check(const uint8_t *file, size_t size, uint32_t user_lo, uint32_t user_hi,
              struct elf_image *img, char *why, size_t whylen);

#endif
