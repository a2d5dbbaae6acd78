/*
 * The AnT/i386 memory map, in one place (docs/DESIGN.md §2). The table
 * below, these constants and the README's table are checked against each
 * other by scripts/check-memmap.py (make test).
 *
 *  virtual                    physical            page   use
 *  0x00000000-0x00000FFF      -                   -      null guard
 *  0x00001000-0x7FFFFFFF      pool frames         4KB U  private process memory
 *  0x80000000-0xBFFFFFFF      icc_base + (v-2GB)  4KB U  ICC data area
 *  0xC0000000-0xC03FFFFF      0 - 4MB             4MB RO G  low memory, kernel text
 *  0xC0400000-0xC07FFFFF      chosen at boot      4MB RW G  kernel data area
 *  0xC08A0000-0xC08FFFFF      0xA0000-0xFFFFF     4KB RW G  writable I/O-hole alias
 *  0xC1000000-0xC17FFFFF      pool frames         4KB RW G  frame table
 *  0xC2000000-0xC2FFFFFF      any frame           4KB RW G  temporary windows
 *  0xC4000000-0xCC1FFFFF      page tables         4KB RW G  space t's private PTEs as one
 *                                                           array at 0xC4000000 + (t-1) * 2MB
 *  0xCC400000-0xCC440FFF      page directories    4KB RW G  space t's directory at
 *                                                           0xCC400000 + (t-1) * 4KB
 *  0xD0000000-0xDFFFFFFF      pool frames         4KB RW G  kernel stacks
 *  0xE0000000-0xEFFFFFFF      boot modules        4KB RW G  program images from GRUB
 *  0xF0000000-0xF3FFFFFF      the framebuffer     4KB RW G  the screen of a UEFI boot
 *  0xF4000000-0xF7FFFFFF      pool frames         4KB RW G  other dynamic areas
 *  0xF8000000-0xFBFFFFFF      ICC page tables     4KB RW G  process p's ICC PTEs as one
 *                                                           array at 0xF8000000 + slot * 1MB
 *
 * Every kernel PDE (768-1023) is filled at boot and never changes: the text
 * and data PDEs are 4MB pages, the other 254 point at page tables that live
 * in the data area. A process directory copies them once.
 */
#ifndef MM_LAYOUT_H
#define MM_LAYOUT_H

#include "boot/x86_bits.h"

#define KERNEL_VIRT     0xC0000000  /* kernel half starts here (PDE 768) */
#define KERNEL_PHYS_LOAD 0x00100000 /* kernel text is loaded at 1MB */
#define TEXT_BIGPAGES   1           /* T: 4MB pages covering the text */
#define KDATA_VIRT      0xC0400000  /* kernel data area, one 4MB page */
#define KDATA_SIZE      0x00400000
#define IOALIAS_VIRT    0xC0800000  /* alias of physical pa is IOALIAS_VIRT + pa */
#define IOHOLE_START    0x000A0000
#define IOHOLE_END      0x00100000
#define IOALIAS_START   (IOALIAS_VIRT + IOHOLE_START)   /* the mapped part of the alias */
#define IOALIAS_END     (IOALIAS_VIRT + IOHOLE_END)
#define FRAMETAB_VIRT   0xC1000000  /* frame table, sized by RAM */
#define FRAMETAB_MAX    0x00800000
#define WINDOW_VIRT     0xC2000000  /* temporary single-page mappings */
#define WINDOW_COUNT    4096
#define WINDOW_SIZE     (WINDOW_COUNT * PAGE_SIZE)
#define VM_SLOTS        65          /* owner tags 1-64 (processes) and 65 (VM_TAG_TEST) */
#define PRIV_PT_VIRT    0xC4000000  /* each space's private page tables, 2MB a slot */
#define PRIV_PT_SLOT    0x00200000
#define PRIV_PT_SIZE    (VM_SLOTS * PRIV_PT_SLOT)
#define PD_VIRT         0xCC400000  /* each space's directory, a page a slot */
#define PD_SIZE         (VM_SLOTS * PAGE_SIZE)
#define KSTACK_VIRT     0xD0000000  /* kernel stacks (with guard pages) */
#define KSTACK_AREA     0x10000000
#define MODULES_VIRT    0xE0000000  /* boot modules, resident */
#define MODULES_SIZE    0x10000000
#define FB_VIRT         0xF0000000  /* the linear framebuffer, if GRUB set one up */
#define FB_SIZE         0x04000000
#define KDYN_VIRT       0xF4000000  /* other dynamic kernel pages */
#define KDYN_SIZE       0x04000000
#define LAPIC_VIRT      (KDYN_VIRT + KDYN_SIZE - PAGE_SIZE) /* the local APIC's registers */
#define ICC_PT_VIRT     0xF8000000  /* each process's ICC page tables, 1MB a slot */
#define ICC_PT_SLOT     0x00100000
#define ICC_PT_SLOTS    64          /* processes: the area holds 64 slots */
#define ICC_PT_SIZE     (ICC_PT_SLOTS * ICC_PT_SLOT)

#define USER_START      0x00001000
#define ICC_VIRT        0x80000000  /* ICC page v is physical v - ICC_VIRT + icc_base */
#define ICC_MAX         0x40000000
#define USER_END        0xC0000000

#define KERNEL_PDE_FIRST 768
#define KERNEL_PDE_PT_FIRST 770     /* first kernel PDE backed by a page table */
#define KERNEL_PT_COUNT 254         /* PDEs 770-1023 */

#define MIN_RAM_KB      (15 * 1024) /* usable RAM needed: "16 MiB" less firmware */
#define BOOT_STACK_SIZE 16384      /* kernel boot stack, in the data area */

#ifndef __ASSEMBLER__
#include <stdint.h>
extern uint32_t kdata_phys_base;    /* physical address of the data area */
/* Kernel virtual address of a data-area object -> physical, no table walk. */
static inline uint32_t kdata_phys(const void *p)
{
    return (uint32_t)(uintptr_t)p - KDATA_VIRT + kdata_phys_base;
}
#endif
#endif
