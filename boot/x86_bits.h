/*
 * IA-32 and PC hardware constants, one name per bit, for the inner core's
 * C and (through the generated build/inc/asmdefs.inc, see
 * kernel/asmdefs.c) its assembly. What ring-3 drivers share with the inner
 * core (the UART, the 8042, the VGA cursor, port I/O) is in lib/.
 */
#ifndef X86_BITS_H
#define X86_BITS_H

/* CR0 */
#define CR0_PE  (1 << 0)    /* protected mode enable */
#define CR0_MP  (1 << 1)    /* wait/fwait obeys TS too */
#define CR0_EM  (1 << 2)    /* no FPU: every x87/MMX/SSE instruction traps */
#define CR0_TS  (1 << 3)    /* task switched: the next FPU instruction traps (#NM) */
#define CR0_NE  (1 << 5)    /* x87 errors as #MF, not through the PIC */
#define CR0_WP  (1 << 16)   /* ring 0 honours read-only pages */
#define CR0_PG  (1 << 31)   /* paging enable */

/* CR4 */
#define CR4_PSE (1 << 4)    /* 4MB pages allowed in PDEs */
#define CR4_PGE (1 << 7)    /* global pages survive CR3 loads */
#define CR4_OSFXSR (1 << 9)     /* the OS saves SSE state with fxsave: SSE allowed */
#define CR4_OSXMMEXCPT (1 << 10) /* SSE errors as #XM */

/* EFLAGS */
#define EFLAGS_TF (1 << 8)   /* single-step trap */
#define EFLAGS_IF (1 << 9)   /* interrupts enabled */
#define EFLAGS_NT (1 << 14)  /* nested task: iret would switch tasks */
#define EFLAGS_IOPL3 (3 << 12) /* I/O privilege level 3 */
#define EFLAGS_ID (1 << 21)  /* toggleable iff CPUID exists */
#define EFLAGS_RESERVED1 (1 << 1) /* always-one bit */

/* CPUID leaf 1, EDX */
#define CPUID_EDX_FPU (1 << 0)   /* an x87 on the chip */
#define CPUID_EDX_PSE (1 << 3)   /* page size extension (4MB pages) */
#define CPUID_EDX_TSC (1 << 4)   /* rdtsc */
#define CPUID_EDX_APIC (1 << 9)  /* an on-chip local APIC */
#define CPUID_EDX_SEP (1 << 11)  /* sysenter/sysexit */
#define CPUID_EDX_PGE (1 << 13)  /* global pages */
#define CPUID_EDX_MMX (1 << 23)
#define CPUID_EDX_FXSR (1 << 24) /* fxsave/fxrstor */
#define CPUID_EDX_SSE (1 << 25)
#define CPUID_EDX_SSE2 (1 << 26)

/* Page directory and page table entries */
#define PTE_P   (1 << 0)    /* present */
#define PTE_W   (1 << 1)    /* writable */
#define PTE_U   (1 << 2)    /* user accessible */
#define PTE_PWT (1 << 3)    /* write-through */
#define PTE_PCD (1 << 4)    /* cache disable */
#define PTE_A   (1 << 5)    /* accessed (set by the CPU) */
#define PTE_D   (1 << 6)    /* dirty (set by the CPU, PTEs and 4MB PDEs) */
#define PDE_PS  (1 << 7)    /* this PDE maps a 4MB page */
#define PTE_G   (1 << 8)    /* global: not flushed by CR3 loads */
#define PTE_AVAIL_SHIFT 9   /* bits 9-11 are free for the OS */
#define PTE_FRAME_MASK 0xFFFFF000 /* frame address in a PTE / 4KB PDE */
#define PDE_4MB_MASK 0xFFC00000 /* frame address in a 4MB PDE */

/* Model-specific registers */
#define MSR_APIC_BASE    0x1B  /* the local APIC's physical base, bit 11: enabled */
#define APIC_BASE_ENABLE (1 << 11)
#define MSR_SYSENTER_CS  0x174 /* the kernel's code selector for sysenter */
#define MSR_SYSENTER_ESP 0x175 /* its stack pointer */
#define MSR_SYSENTER_EIP 0x176 /* its entry point */

/* Page-fault error code */
#define PF_P    (1 << 0)    /* 0: not present, 1: protection violation */
#define PF_W    (1 << 1)    /* caused by a write */
#define PF_U    (1 << 2)    /* caused in user mode */

/* Sizes */
#define PAGE_SIZE 4096
#define PAGE_SHIFT 12
#define BIGPAGE_SIZE 0x400000
#define BIGPAGE_SHIFT 22

/* Multiboot 1 */
#define MB_HEADER_MAGIC 0x1BADB002   /* in the kernel image */
#define MB_BOOT_MAGIC 0x2BADB002     /* in EAX at entry */
#define MB_HEADER_ALIGN (1 << 0)     /* page-align modules */
#define MB_HEADER_MEMINFO (1 << 1)   /* ask for a memory map */
#define MB_HEADER_VIDEO (1 << 2)     /* the header's video fields say which mode */
#define MB_VIDEO_FB 0                /* mode_type: a linear framebuffer */

/* Segment selectors (GDT layout fixed in kernel/gdt.c) */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1B
#define SEL_UDATA 0x23
#define SEL_TSS   0x28       /* CPU 0's; CPU i's is SEL_TSS + 8 * i */
#define MAX_CPUS  8

/* I/O ports */
#define PORT_PIC1 0x20        /* master 8259: command, data at +1 */
#define PORT_PIC2 0xA0        /* slave 8259 */
#define PORT_IMCR 0x22        /* interrupt mode configuration (MP spec), data at +1 */
#define PORT_PIT 0x40         /* 8254 channels 0-2, command at +3 */
#define PIC_EOI 0x20          /* command: end of interrupt */
#define PIC_ICW1_INIT_ICW4 0x11 /* edge triggered, cascade, ICW4 follows */
#define PIC_ICW4_8086 0x01
#define PIC_OCW3_READ_ISR 0x0B /* the next read of the command port gives the ISR */
#define PIT_RATE_GEN 0x34     /* channel 0, lo/hi byte, mode 2 */
#define PIT_HZ 1193182        /* its input clock */
#define PORT_FAST_A20 0x92    /* system control port A: bit 0 resets the CPU */
#define PORT_ELCR 0x4D0       /* edge/level control of the 8259s, two bytes */
#define PORT_COM1 0x3F8
#define PORT_DEBUG_EXIT 0xF4  /* QEMU isa-debug-exit: status = (v << 1) | 1 */
#define DEBUG_EXIT_PASS 0x10  /* QEMU exits with 33 */
#define DEBUG_EXIT_FAIL 0x11  /* QEMU exits with 35 */

#endif
