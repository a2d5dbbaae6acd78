/*
 * FPU state per thread (docs/DESIGN.md §4). The inner core itself never
 * uses the FPU (-mgeneral-regs-only), so the registers always belong to
 * one user thread, fpu_owner, and need saving only when another thread
 * wants them. IA-32 SDM vol. 3 §13: CR0.TS makes the next x87/MMX/SSE
 * instruction raise #NM; fxsave/fxrstor need CR4.OSFXSR, which is also
 * what lets SSE instructions run at all.
 */
#include "kernel/fpu.h"
#include "boot/console.h"
#include "kernel/sched.h"
#include "lib/string.h"

#define FCW_DEFAULT   0x037F        /* what fninit sets: all x87 exceptions masked */
#define MXCSR_DEFAULT 0x1F80        /* all SSE exceptions masked, round to nearest */
#define FX_MXCSR      24            /* offsets in the fxsave image */
#define FN_FTW        8             /* ... and in the fnsave one (32-bit fields) */
#define FN_TAGS_EMPTY 0xFFFF

enum fpu_kind { FPU_NONE, FPU_FNSAVE, FPU_FXSAVE };

static uint8_t kind;                /* enum fpu_kind */
static struct fpu_state clean;      /* a fresh thread's first state */

static void save(struct fpu_state *s)
{
    if (kind == FPU_FXSAVE)
        __asm__ volatile("fxsave %0" : "=m"(*s));
    else
        __asm__ volatile("fnsave %0" : "=m"(*s));   /* also reinitialises */
}

static void restore(const struct fpu_state *s)
{
    if (kind == FPU_FXSAVE)
        __asm__ volatile("fxrstor %0" : : "m"(*s));
    else
        __asm__ volatile("frstor %0" : : "m"(*s));
}

void fpu_init(void)
{
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    uint32_t cr0 = read_cr0() & ~(uint32_t)(CR0_EM | CR0_TS | CR0_MP | CR0_NE);
    if (!(d & CPUID_EDX_FPU)) {
        kind = FPU_NONE;
        write_cr0(cr0 | CR0_EM);
        kprintf("fpu: this CPU has no FPU: a program that uses x87, MMX or SSE "
                "instructions is stopped\n");
        return;
    }
    write_cr0(cr0 | CR0_MP | CR0_NE);
    kind = FPU_FNSAVE;
    if (d & CPUID_EDX_FXSR) {
        kind = FPU_FXSAVE;
        write_cr4(read_cr4() | CR4_OSFXSR | ((d & CPUID_EDX_SSE) ? CR4_OSXMMEXCPT : 0));
    }
    /* A fresh thread's state, as after fninit, with every register zero
     * (MMX reads them whatever the tags say; firmware may have left
     * values in them). */
    uint16_t fcw = FCW_DEFAULT, tags = FN_TAGS_EMPTY;
    uint32_t mxcsr = MXCSR_DEFAULT;
    memset(&clean, 0, sizeof clean);
    memcpy(&clean.bytes[0], &fcw, sizeof fcw);
    if (kind == FPU_FNSAVE)
        memcpy(&clean.bytes[FN_FTW], &tags, sizeof tags);   /* fxsave: 0 = all empty */
    else if (d & CPUID_EDX_SSE)
        memcpy(&clean.bytes[FX_MXCSR], &mxcsr, sizeof mxcsr);
    for (uint32_t i = 0; i < MAX_CPUS; i++) {
        cpus[i].fpu_owner = 0;
        cpus[i].fpu_open = 0;
    }
    write_cr0(read_cr0() | CR0_TS);
    kprintf("fpu: x87%s%s%s; state per thread by %s, saved when another thread needs the FPU\n",
            (d & CPUID_EDX_MMX) ? ", MMX" : "", (d & CPUID_EDX_SSE) ? ", SSE" : "",
            (d & CPUID_EDX_SSE2) ? ", SSE2" : "", kind == FPU_FXSAVE ? "fxsave" : "fnsave");
}

int fpu_trap(void)
{
    if (kind == FPU_NONE)
        return 0;
    struct cpu *c = this_cpu();
    struct thread *me = c->cur;
    __asm__ volatile("clts" ::: "memory");
    c->fpu_open = 1;
    if (c->fpu_owner == me)
        return 1;
    if (c->fpu_owner)
        save(&c->fpu_owner->fpu);
    restore(me->fpu_used ? &me->fpu : &clean);
    me->fpu_used = 1;
    c->fpu_owner = me;
    return 1;
}

void fpu_forget(const struct thread *t)
{
    for (uint32_t i = 0; i < MAX_CPUS; i++)
        if (cpus[i].fpu_owner == t)
            cpus[i].fpu_owner = 0;
}
