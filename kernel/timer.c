/* The system tick: the 8253/8254 PIT, channel 0, on IRQ 0, until CPU 0's
 * local APIC timer takes over (docs/DESIGN.md §4). */
#include "kernel/timer.h"
#include "kernel/sched.h"
#include "kernel/trap.h"
#include "boot/x86.h"

#define PIT_CH0 PORT_PIT
#define PIT_CMD (PORT_PIT + 3)

static volatile uint32_t ticks;

void timer_tick(void)
{
    ticks++;
    sched_tick();
}

static void timer_irq(int irq)
{
    (void)irq;
    timer_tick();
}

/* Channel 0's count, latched. */
static uint32_t pit_count(void)
{
    outb(PIT_CMD, 0x00);            /* latch channel 0 */
    uint32_t lo = inb(PIT_CH0);
    return lo | (uint32_t)inb(PIT_CH0) << 8;
}

int timer_pit_periods(uint32_t n)
{
    uint32_t reloads = 0, prev = pit_count();
    for (uint32_t reads = 0; reloads < n; reads++) {
        uint32_t c = pit_count();
        reloads += c > prev;        /* it counts down, then reloads: an edge */
        prev = c;
        if (reads > 5000000)        /* some 3,300 reads a period on a PC */
            return 0;
    }
    return 1;
}

void timer_pit_release(void)
{
    irq_set_handler(0, 0);
}

void timer_init(void)
{
    uint32_t div = PIT_HZ / TIMER_HZ;
    outb(PIT_CMD, PIT_RATE_GEN);
    outb(PIT_CH0, (uint8_t)div);
    outb(PIT_CH0, (uint8_t)(div >> 8));
    irq_set_handler(0, timer_irq);
}

uint32_t timer_ticks(void)
{
    return ticks;
}
