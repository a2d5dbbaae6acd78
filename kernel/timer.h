/* The system tick: the PIT's IRQ 0 until the local APIC timer of CPU 0
 * takes over (kernel/smp.c), at the same 100 Hz. */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H
#include <stdint.h>

#define TIMER_HZ 100

void timer_init(void);
/* Ticks since timer_init. */
uint32_t timer_ticks(void);
/* One tick of the system clock: the count, the timer wheel, this CPU's
 * share (the big lock held). */
void timer_tick(void);
/* Wait, polling the PIT's count, until it has run n periods (n edges on
 * its line): 1, or 0 if it does not count. */
int timer_pit_periods(uint32_t n);
/* CPU 0's local APIC timer is the tick from now on: the PIT's line goes
 * (the PIT itself keeps counting, masked, as the reference it was). */
void timer_pit_release(void);

#endif
