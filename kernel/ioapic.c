/*
 * The I/O APIC (IA-32 SDM vol. 3 §10 and the 82093AA datasheet for the
 * registers; ACPI 6 §5.2.12 for the MADT's entries). Registers are reached
 * through a select register and a window; redirection entry n is the pair
 * 0x10 + 2n (vector, delivery, polarity, trigger, mask) and 0x11 + 2n (the
 * destination APIC id in bits 24-31). An ISA line is GSI = line, active
 * high and edge-triggered, unless the MADT overrides it (IRQ 0 -> GSI 2 on
 * most PCs, the ACPI SCI level and active low). Everything is masked until
 * a handler asks for its line (kernel/trap.c).
 */
#include "kernel/ioapic.h"
#include "boot/console.h"
#include "boot/x86.h"
#include "mm/kspace.h"
#include "mm/layout.h"

#define REG_SELECT  0x00            /* byte offsets of the two registers */
#define REG_WINDOW  0x10
#define IOAPIC_VER  0x01            /* bits 16-23: the last redirection entry */
#define IOAPIC_REDIR 0x10
#define RED_MASKED  0x10000
#define RED_LEVEL   0x8000
#define RED_LOW     0x2000          /* active low (else high) */
#define INTI_POLARITY 0x3           /* MPS INTI flags: 01 high, 11 low, 00 the bus's */
#define INTI_TRIGGER  0xC           /* 0100 edge, 1100 level, 00 the bus's */
#define ISA_LINES   16

struct ioapic {
    volatile uint32_t *regs;
    uint32_t id, pa, gsi_base, pins;
};

static struct ioapic ioapics[IOAPIC_MAX];
static uint32_t ioapic_count;
static uint32_t line_gsi[ISA_LINES];    /* GSI + 1 of an overridden line, 0: GSI = line */
static uint16_t line_flags[ISA_LINES];
static uint8_t line_apic[ISA_LINES];    /* where a line taken went: its I/O APIC */
static uint8_t line_pin[ISA_LINES];
static uint32_t line_red[ISA_LINES];    /* its entry's low word, unmasked */
static uint32_t taken;

static uint32_t reg_read(const struct ioapic *a, uint32_t reg)
{
    a->regs[REG_SELECT / 4] = reg;
    return a->regs[REG_WINDOW / 4];
}

static void reg_write(const struct ioapic *a, uint32_t reg, uint32_t v)
{
    a->regs[REG_SELECT / 4] = reg;
    a->regs[REG_WINDOW / 4] = v;
}

void ioapic_found(uint32_t id, uint32_t pa, uint32_t gsi_base)
{
    if (ioapic_count == IOAPIC_MAX) {
        kprintf("irq: I/O APIC %u at %08x: more than %u, left out\n", id, pa, IOAPIC_MAX);
        return;
    }
    if ((pa & 0xF) || pa < IOHOLE_END) {
        kprintf("irq: the MADT puts I/O APIC %u at %08x, not a register address: ignored\n",
                id, pa);
        return;
    }
    ioapics[ioapic_count++] = (struct ioapic){ .id = id, .pa = pa, .gsi_base = gsi_base };
}

void ioapic_override(uint32_t irq, uint32_t gsi, uint32_t flags)
{
    if (irq >= ISA_LINES) {
        kprintf("irq: the MADT overrides ISA IRQ %u, which does not exist: ignored\n", irq);
        return;
    }
    line_gsi[irq] = gsi + 1;
    line_flags[irq] = (uint16_t)flags;
}

/* The I/O APIC whose pins hold gsi, or NULL. */
static struct ioapic *holder(uint32_t gsi, uint32_t *pin)
{
    for (uint32_t i = 0; i < ioapic_count; i++) {
        struct ioapic *a = &ioapics[i];
        if (a->regs && gsi >= a->gsi_base && gsi - a->gsi_base < a->pins) {
            *pin = gsi - a->gsi_base;
            return a;
        }
    }
    return 0;
}

/* Bring up I/O APIC i: mapped, answering, every pin masked; 0 if not. */
static int bring_up(uint32_t i)
{
    struct ioapic *a = &ioapics[i];
    uint32_t va = LAPIC_VIRT - (i + 1) * PAGE_SIZE;
    kspace_map(va, a->pa & ~(PAGE_SIZE - 1));
    *kspace_pte(va) |= PTE_PCD | PTE_PWT;               /* registers: uncached */
    invlpg(va);
    a->regs = (volatile uint32_t *)(va + (a->pa & (PAGE_SIZE - 1)));
    uint32_t ver = reg_read(a, IOAPIC_VER);
    if (ver == 0xFFFFFFFFu || ((ver >> 16) & 0xFF) == 0xFF) {
        kprintf("irq: I/O APIC %u at %08x does not answer: ignored\n", a->id, a->pa);
        a->regs = 0;
        return 0;
    }
    a->pins = ((ver >> 16) & 0xFF) + 1;
    for (uint32_t p = 0; p < a->pins; p++) {
        reg_write(a, IOAPIC_REDIR + 2 * p, RED_MASKED);
        reg_write(a, IOAPIC_REDIR + 2 * p + 1, 0);
    }
    return 1;
}

uint32_t ioapic_gsi(uint32_t irq, uint32_t *flags)
{
    *flags = line_flags[irq];
    return line_gsi[irq] ? line_gsi[irq] - 1 : irq;
}

uint32_t ioapic_start(uint32_t dest, uint32_t want, uint32_t vec0)
{
    uint32_t up = 0;
    for (uint32_t i = 0; i < ioapic_count; i++)
        up += (uint32_t)bring_up(i);
    if (!up)
        return 0;
    for (uint32_t irq = 0; irq < ISA_LINES; irq++) {
        uint32_t flags, gsi = ioapic_gsi(irq, &flags), pin = 0;
        /* A line the MADT describes goes through it whatever it is; a
         * line it does not describe only if it is a standard ISA device's
         * (want): a PCI device's line in the 8259's routing may reach the
         * I/O APIC somewhere else, which only the AML would say. */
        if (!(want & (1u << irq)) && !line_gsi[irq])
            continue;
        struct ioapic *a = holder(gsi, &pin);
        int dup = 0;
        for (uint32_t j = 0; a && j < irq; j++)
            dup |= (taken & (1u << j)) && &ioapics[line_apic[j]] == a && line_pin[j] == pin;
        if (!a || dup) {
            kprintf("irq: IRQ %u's GSI %u is %s: it stays with the 8259\n", irq, gsi,
                    dup ? "another line's too" : "on no I/O APIC");
            continue;
        }
        uint32_t red = vec0 + irq;
        if ((flags & INTI_TRIGGER) == INTI_TRIGGER)
            red |= RED_LEVEL;
        if ((flags & INTI_POLARITY) == INTI_POLARITY)
            red |= RED_LOW;
        line_apic[irq] = (uint8_t)(a - ioapics);
        line_pin[irq] = (uint8_t)pin;
        line_red[irq] = red;
        reg_write(a, IOAPIC_REDIR + 2 * pin + 1, dest << 24);
        reg_write(a, IOAPIC_REDIR + 2 * pin, red | RED_MASKED);
        taken |= 1u << irq;
    }
    for (uint32_t i = 0; i < ioapic_count; i++)
        if (ioapics[i].regs)
            kprintf("irq: I/O APIC %u at %08x: %u pins from GSI %u\n", ioapics[i].id,
                    ioapics[i].pa, ioapics[i].pins, ioapics[i].gsi_base);
    kprintf("irq: to APIC id %u through the I/O APIC: IRQ", dest);
    for (uint32_t irq = 0; irq < ISA_LINES; irq++)
        if (taken & (1u << irq))
            kprintf(" %u%s", irq, (line_red[irq] & RED_LEVEL) ? "(level)" : "");
    kprintf("; the 8259 keeps the rest\n");
    return taken;
}

void ioapic_stop(void)
{
    for (uint32_t irq = 0; irq < ISA_LINES; irq++)
        ioapic_mask((int)irq, 1);
    taken = 0;
}


int ioapic_level(int irq)
{
    return (taken & (1u << irq)) && (line_red[irq] & RED_LEVEL);
}

void ioapic_mask(int irq, int masked)
{
    if (!(taken & (1u << irq)))
        return;
    reg_write(&ioapics[line_apic[irq]], IOAPIC_REDIR + 2u * line_pin[irq],
              line_red[irq] | (masked ? RED_MASKED : 0));
}
