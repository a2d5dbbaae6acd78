/* The PIT tick. */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H
#include <stdint.h>

#define TIMER_HZ 100

void timer_init(void);
/* Ticks since timer_init. */
uint32_t timer_ticks(void);

#endif
