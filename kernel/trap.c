/* The IDT, the interrupt lines (the 8259 PICs, or the I/O APIC where it
 * takes a line), and trap dispatch: exceptions, IRQs, fix-ups. */
#include "kernel/trap.h"
#include "kernel/paging.h"
#include "boot/console.h"
#include "kernel/extable.h"
#include "boot/panic.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/lock.h"
#include "kernel/syscall.h"
#include "kernel/ioapic.h"
#include "kernel/timer.h"
#include "boot/x86.h"

#define PIC1 PORT_PIC1
#define PIC2 PORT_PIC2

#define GATE_INT32 0x8E            /* present, DPL 0, 32-bit interrupt gate */
#define GATE_DPL3  0x60            /* callable from ring 3 */

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t zero, type;
    uint16_t off_hi;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 8, "IDT gate is 8 bytes");

extern const uint32_t trap_stubs[256];

static struct idt_gate idt[256];
static irq_handler irq_handlers[16];
static uint16_t pic_mask;          /* the 8259's mask */
static uint16_t lines_masked;      /* masked by irq_mask, wherever the line goes */
static uint16_t apic_lines;        /* lines the I/O APIC delivers */
static uint16_t lines_pending;     /* an edge came while the line was masked */
uint32_t trap_last_fixup_addr, trap_last_fixup_vector;

static const char *const exception_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
    "invalid opcode", "no FPU", "double fault", "coprocessor overrun", "invalid TSS",
    "segment not present", "stack fault", "general protection", "page fault", "15",
    "FPU error", "alignment check", "machine check", "SIMD error",
};

const char *trap_name(uint32_t v)
{
    if (v < 32 && exception_names[v])
        return exception_names[v];
    return v < 48 ? "interrupt" : "trap";
}

static void set_gate(int v, uint32_t handler, uint8_t type)
{
    idt[v].off_lo = (uint16_t)handler;
    idt[v].sel = SEL_KCODE;
    idt[v].zero = 0;
    idt[v].type = type;
    idt[v].off_hi = (uint16_t)(handler >> 16);
}

static void pic_write_mask(void)
{
    outb(PIC1 + 1, (uint8_t)pic_mask);
    outb(PIC2 + 1, (uint8_t)(pic_mask >> 8));
}

static void pic_init(void)
{
    outb(PIC1, PIC_ICW1_INIT_ICW4);
    outb(PIC2, PIC_ICW1_INIT_ICW4);
    outb(PIC1 + 1, VEC_IRQ0);      /* ICW2: vector base */
    outb(PIC2 + 1, VEC_IRQ0 + 8);
    outb(PIC1 + 1, 1 << 2);        /* ICW3: slave on line 2 */
    outb(PIC2 + 1, 2);
    outb(PIC1 + 1, PIC_ICW4_8086);
    outb(PIC2 + 1, PIC_ICW4_8086);
    pic_mask = 0xFFFF & ~(1 << 2); /* all masked but the cascade */
    pic_write_mask();
}

void pic_eoi(int irq)
{
    if (irq >= 8)
        outb(PIC2, PIC_EOI);
    outb(PIC1, PIC_EOI);
}

/* The hardware's mask for one line, from its handler and lines_masked. An
 * edge-triggered I/O APIC pin is not masked while its handler is set: the
 * I/O APIC drops an edge that comes while masked (the 8259 keeps it in its
 * IRR), so such an edge is noted in lines_pending and handed over when the
 * line is unmasked. */
static void line_apply(int irq)
{
    uint16_t bit = (uint16_t)(1 << irq);
    int off = !irq_handlers[irq] || (lines_masked & bit);
    if (apic_lines & bit) {
        ioapic_mask(irq, !irq_handlers[irq] || (off && ioapic_level(irq)));
        off = 1;                   /* and never from the 8259 */
    }
    pic_mask = (uint16_t)(off ? pic_mask | bit : pic_mask & ~bit);
    pic_write_mask();
}

void irq_mask(int irq, int masked)
{
    uint32_t fl = irq_save();
    uint16_t bit = (uint16_t)(1 << irq);
    lines_masked = (uint16_t)(masked ? lines_masked | bit : lines_masked & ~bit);
    line_apply(irq);
    if (!masked && (lines_pending & bit)) {
        lines_pending &= (uint16_t)~bit;
        if (irq_handlers[irq])
            irq_handlers[irq](irq);
    }
    irq_restore(fl);
}

void irq_set_handler(int irq, irq_handler handler)
{
    uint32_t fl = irq_save();
    irq_handlers[irq] = handler;
    lines_pending &= (uint16_t)~(1 << irq);
    irq_mask(irq, !handler);
    irq_restore(fl);
}

/* Every line but the cascade, after a change of route. */
static void lines_apply(void)
{
    for (int irq = 0; irq < 16; irq++)
        if (irq != 2)
            line_apply(irq);
}

/* Every line back to the 8259 (as it was before irq_use_ioapic). */
static void lines_to_pic(void)
{
    ioapic_stop();
    apic_lines = 0;
    lines_apply();
}

int irq_use_ioapic(uint32_t dest)
{
    uint32_t fl = irq_save();
    apic_lines = (uint16_t)ioapic_start(dest, IRQ_ISA_DEVICES, VEC_IRQ0);
    lines_apply();
    irq_restore(fl);
    /* Believe the route only once the PIT's tick has come through it: a
     * table that lies about the timer's pin would stop the clock. */
    uint32_t t0 = timer_ticks();
    if (!(apic_lines & 1) || (timer_pit_periods(3) && timer_ticks() != t0))
        return apic_lines != 0;
    fl = irq_save();
    lines_to_pic();
    irq_restore(fl);
    kprintf("irq: the PIT's tick does not come through the I/O APIC (GSI %u): the 8259 "
            "keeps every line\n", ioapic_gsi(0, &fl));
    return 0;
}

int irq_via_ioapic(int irq)
{
    return (apic_lines >> irq) & 1;
}

int irq_in_use(int irq)
{
    return irq_handlers[irq] != 0;
}

void trap_load_idt(void)
{
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) idtr = { sizeof idt - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

void trap_init(void)
{
    for (int v = 0; v < 256; v++)
        set_gate(v, trap_stubs[v], GATE_INT32);
    set_gate(VEC_SYSCALL, trap_stubs[VEC_SYSCALL], GATE_INT32 | GATE_DPL3);
    trap_load_idt();
    pic_init();
}

int trap_fixup(struct trap_frame *tf)
{
    for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
        if (e->fault_eip == tf->eip) {
            trap_last_fixup_addr = tf->vector == VEC_PAGE ? read_cr2() : 0;
            trap_last_fixup_vector = tf->vector;
            tf->eip = e->fixup_eip;
            return 1;
        }
    }
    return 0;
}

/* Is this IRQ 7 or 15 a spurious one (not in the PIC's in-service register)? */
static int irq_spurious(int irq)
{
    uint16_t port = irq == 7 ? PIC1 : PIC2;
    outb(port, PIC_OCW3_READ_ISR);
    if (inb(port) & 0x80)
        return 0;
    if (irq == 15)
        outb(PIC1, PIC_EOI);       /* the master did see the cascade */
    return 1;
}

static void handle_irq(struct trap_frame *tf)
{
    int irq = (int)tf->vector - VEC_IRQ0;
    uint16_t bit = (uint16_t)(1 << irq);
    sched_idle_end();
    /* The I/O APIC's (in the local APIC's in-service register), or the
     * 8259's: a line the I/O APIC took may still bring a spurious 15. */
    if ((apic_lines & bit) && lapic_in_service(tf->vector)) {
        if (lines_masked & bit)
            lines_pending |= bit;
        else if (irq_handlers[irq])
            irq_handlers[irq](irq);  /* before the EOI: a level line is masked */
        lapic_eoi();
        return;
    }
    if ((irq == 7 || irq == 15) && irq_spurious(irq))
        return;
    pic_eoi(irq);
    if (irq_handlers[irq])
        irq_handlers[irq](irq);
}

/* An unexpected trap in the kernel: what, where, the registers; stop. */
static void __attribute__((noreturn)) panic_trap(const struct trap_frame *tf, const char *what)
{
    panic_start();
    kprintf("\nPANIC: %s in the kernel at eip %08x (vector %u, error %08x)\n",
            what, tf->eip, tf->vector, tf->error);
    kprintf("eax %08x ebx %08x ecx %08x edx %08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
    kprintf("esi %08x edi %08x ebp %08x esp %08x\n", tf->esi, tf->edi, tf->ebp,
            (uint32_t)&tf->user_esp);
    kprintf("cs %04x ds %04x eflags %08x cr2 %08x cr3 %08x\n", tf->cs, tf->ds, tf->eflags,
            read_cr2(), read_cr3());
    panic_finish(tf->ebp);
}

static void user_exception(struct trap_frame *tf)
{
    uint32_t addr = tf->vector == VEC_PAGE ? read_cr2() : 0;
    if (tf->vector == VEC_PAGE && paging_fault(tf, addr))
        return;                     /* the pager mapped it: run it again */
    if (tf->vector == VEC_NO_FPU && fpu_trap())
        return;                     /* its FPU state is in: run it again */
    proc_fault(tf->vector, tf->vector == VEC_NO_FPU ? "FPU instruction, and there is no FPU"
                                                   : trap_name(tf->vector), tf->eip, addr);
}

/* A program that sets TF and then executes sysenter single-steps into the
 * kernel's entry: drop TF and carry on (sysexit returns with it clear). */
static int sysenter_single_step(struct trap_frame *tf)
{
    if (tf->vector != VEC_DEBUG || tf->eip != (uint32_t)sysenter_entry)
        return 0;
    tf->eflags &= ~(uint32_t)EFLAGS_TF;
    return 1;
}

/* The local APIC's own vectors: IPIs and its timer (CPU 0's is the
 * system clock, with the big lock held). */
static void handle_apic(struct trap_frame *tf, struct cpu *c)
{
    sched_idle_end();
    lapic_eoi();
    if (tf->vector == VEC_LTIMER) {
        if (c == &cpus[0])
            timer_tick();
        else
            sched_tick_local();
        return;
    }
    c->ipis++;                      /* VEC_RESCHED: need_resched is set, or the
                                       idle loop looks at its queues */
}

/* Is this system call one that runs without the big lock? */
static int syscall_nolock(const struct trap_frame *tf)
{
    return tf->eax < SYS_NCALLS && (syscall_table[tf->eax].flags & SYSCALL_NOLOCK);
}

void trap_dispatch(struct trap_frame *tf)
{
    int from_user = (tf->cs & 3) == 3;
    struct cpu *c = this_cpu();
    if (tf->vector == VEC_SYSCALL && from_user && syscall_nolock(tf)) {
        syscall_dispatch(tf);
        return;
    }
    if (tf->vector == VEC_PAGE && from_user) {  /* the fault path, straight */
        bkl_take(c, "a trap");
        user_exception(tf);
        sched_preempt_point();
        bkl_drop();
        return;
    }
    if (tf->vector >= VEC_RESCHED && tf->vector <= VEC_LTIMER) {
        if (tf->vector == VEC_FLUSH) {      /* answered without the lock: its holder waits */
            smp_flush_answer(c);
            lapic_eoi();
            return;
        }
        if (!bkl_held(c) && !(tf->vector == VEC_LTIMER && c == &cpus[0])) {
            /* This CPU's own tick and the wake-up IPI touch this CPU's
             * state only: no lock, unless there is a switch to make. An
             * idle CPU goes back to its loop, which looks at its queues. */
            handle_apic(tf, c);
            if (from_user && c->need_resched) {
                bkl_take(c, "a preemption");
                sched_preempt_point();
                bkl_drop();
            }
            return;
        }
    }
    int took = !bkl_held(c);
    if (took)
        bkl_take(c, "a trap");
    if (tf->vector == VEC_NMI) {
        kprintf("trap: NMI (hardware error reported by the chipset) ignored\n");
    } else if (tf->vector == VEC_MACHINE_CHECK) {
        panic_trap(tf, "machine check");
    } else if (tf->vector >= VEC_IRQ0 && tf->vector < VEC_IRQ0 + 16) {
        handle_irq(tf);
    } else if (tf->vector == VEC_SYSCALL && from_user) {
        syscall_dispatch(tf);
    } else if (tf->vector == VEC_RESCHED || tf->vector == VEC_LTIMER) {
        handle_apic(tf, c);
    } else if (tf->vector == VEC_APIC_SPURIOUS) {
        /* the local APIC's: no EOI, nothing to do (not on the syscall path) */
    } else if (!from_user) {
        if (!sysenter_single_step(tf) && !trap_fixup(tf))
            panic_trap(tf, trap_name(tf->vector));
    } else {
        user_exception(tf);
    }
    if (from_user)
        sched_preempt_point();
    if (took)
        bkl_drop();
}
