/* Per-CPU state (docs/DESIGN.md §4): one struct cpu for each CPU, in the
 * data area; this_cpu() finds the running CPU's from its task register. */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H
#include <stdint.h>
#include "boot/x86_bits.h"
#include "kernel/gdt.h"

#define NPRIO 8                     /* 0 is the most urgent */
#define GDT_ENTRIES (SEL_TSS / 8 + MAX_CPUS)   /* CPU i's TSS is entry SEL_TSS/8 + i */

struct thread;

struct runqueue {
    struct thread *head, *tail;
};

#define CPU_SHIFT 14                /* sizeof(struct cpu): 16 KB */

struct cpu {
    /* Read by the assembly (kernel/asmdefs.c gives their offsets). */
    /* One word the IPC fastpath tests whole: either byte set, it does not
     * go straight on. */
    uint8_t need_resched;           /* switch on the way back to user mode */
    uint8_t fpu_open;               /* CR0.TS is clear: current owns the FPU */
    uint16_t slow_pad;
    struct thread *cur;             /* the thread running here (current) */
    /* The rest: C only. */
    uint32_t index;
    uint8_t apic_id;
    uint8_t online;                 /* it has reached ap_main (set by it) */
    uint8_t running;                /* it runs the scheduler */
    struct thread *idle;
    struct thread *reap_pending;    /* a dead thread whose stack to free */
    struct thread *fpu_owner;       /* whose state this FPU's registers hold */
    struct runqueue rq[NPRIO];
    uint64_t idle_tsc;              /* cycles idle: halted, or zeroing free frames */
    uint64_t idle_since;            /* TSC when it went idle; 0: not idle */
    uint32_t idle_ticks;            /* its ticks that found the idle thread */
    uint32_t ticks;                 /* its own timer ticks */
    uint32_t ipcs;                  /* IPC calls made here */
    uint32_t switches;              /* thread switches here */
    uint32_t fast_ipcs;             /* IPC calls of the fastpath: each a switch */
    uint32_t ipis;                  /* inter-processor interrupts it took */
    volatile uint32_t flush_req;    /* a kernel TLB flush asked of it */
    const struct iomap *iomap_loaded;   /* its chunks are in tss */
    uint32_t chunks_loaded;         /* chunks of tss.iomap that grant */
    uint64_t gdt[GDT_ENTRIES];
    struct sysenter_stack sysenter;
    struct tss_io tss;
} __attribute__((aligned(1 << CPU_SHIFT)));
_Static_assert(sizeof(struct cpu) == 1 << CPU_SHIFT, "this_cpu() shifts by CPU_SHIFT");

extern struct cpu cpus[MAX_CPUS];

/* The running CPU: CPU i's TSS selector is SEL_TSS + 8 * i, and cpus[i]
 * is 1 << CPU_SHIFT bytes, so a shift and an add give it, with no memory
 * read. Not volatile: a thread never changes CPU (docs/DESIGN.md §4), so
 * the compiler may keep the answer for a whole function. Valid once
 * gdt_init has loaded the TSS (the first thing kernel_main does). */
static inline struct cpu *this_cpu(void)
{
    uint32_t sel;
    __asm__("str %w0\n\tmovzwl %w0, %0" : "=r"(sel));
    return (struct cpu *)((char *)cpus + ((sel - SEL_TSS) << (CPU_SHIFT - 3)));
}

/* How far below its kernel stack top a thread's sysenter entry starts:
 * at its trap frame's segment slots (kernel/sysenter.inc), so that the
 * entry never has ESP above a slot it relies on (an NMI pushes below ESP;
 * checked in kernel/asmdefs.c). */
#define SYSENTER_ESP_BELOW_TOP 44

/* The ring-0 stack CPU c switches to on a trap from ring 3 (esp0) or on
 * sysenter. */
static inline void cpu_set_kernel_stack(struct cpu *c, uint32_t esp0)
{
    c->tss.tss.esp0 = esp0;
    c->sysenter.esp0 = esp0 - SYSENTER_ESP_BELOW_TOP;
}

#endif
