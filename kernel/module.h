/* Boot modules (program images from GRUB), mapped read-only into kernel space. */
#ifndef KERNEL_MODULE_H
#define KERNEL_MODULE_H
#include <stddef.h>
#include <stdint.h>

struct module {
    const char *name;
    const uint8_t *data;        /* kernel virtual address */
    size_t size;
};

/* Map every module; report names that are empty or repeated. */
void module_init(void);
const struct module *module_find(const char *name);
const struct module *module_get(uint32_t index);
uint32_t module_count(void);

#endif
