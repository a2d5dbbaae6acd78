/* The 8253/8254 PIT, channel 0, as the system tick on IRQ 0. */
#include "kernel/timer.h"
#include "kernel/sched.h"
#include "kernel/trap.h"
#include "boot/x86.h"

#define PIT_CH0 PORT_PIT
#define PIT_CMD (PORT_PIT + 3)

static volatile uint32_t ticks;

static void timer_irq(int irq)
{
    (void)irq;
    ticks++;
    sched_tick();
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
