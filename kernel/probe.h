/* Memory accesses that may fault: a fault returns -1 instead of a panic. */
#ifndef KERNEL_PROBE_H
#define KERNEL_PROBE_H
#include <stdint.h>

int probe_read32(uint32_t addr, uint32_t *val);
int probe_write32(uint32_t addr, uint32_t val);

#endif
