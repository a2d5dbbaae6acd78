/* Modules stay resident for the life of the system, so that a program can
 * be started again (a restarted server) from its image. */
#include "kernel/module.h"
#include "boot/bootinfo.h"
#include "boot/console.h"
#include "lib/string.h"
#include "mm/kspace.h"


static struct module modules[BOOT_MODS_MAX];
static uint32_t nmodules;

/* The name is the last word of the module's command line: GRUB 2 passes
 * only the words after the path ("init"), other loaders the path too
 * ("/boot/init.elf init"). */
static const char *module_name(const char *cmdline)
{
    const char *name = cmdline;
    for (const char *p = cmdline; *p; p++)
        if (*p == ' ' && p[1] && p[1] != ' ')
            name = p + 1;
    return name;
}

void module_init(void)
{
    uint32_t va = MODULES_VIRT;
    for (uint32_t i = 0; i < boot_info.mod_count; i++) {
        const struct boot_module *b = &boot_info.mods[i];
        uint32_t size = b->end - b->start;
        if (size > MODULES_SIZE) {
            kprintf("module: '%s' is larger than the module area: ignored\n", b->name);
            continue;
        }
        uint32_t span = (size + PAGE_SIZE - 1) & PTE_FRAME_MASK;
        const char *name = module_name(b->name);
        if (!name[0] || name[0] == ' ' || module_find(name)) {
            kprintf("module: module %u ('%s') has no name or a repeated one: ignored\n",
                    i, b->name);
            continue;
        }
        if (va + span - MODULES_VIRT > MODULES_SIZE) {
            kprintf("module: '%s' does not fit in the module area: ignored\n", name);
            continue;
        }
        for (uint32_t off = 0; off < span; off += PAGE_SIZE)
            kspace_map(va + off, b->start + off);
        modules[nmodules].name = name;
        modules[nmodules].data = (const uint8_t *)va;
        modules[nmodules].size = size;
        nmodules++;
        va += span;
    }
    /* One line for all (a screen of 37 rows keeps the start of the log). */
    kprintf("modules: %u in %u KiB:", nmodules, (va - MODULES_VIRT) / 1024);
    for (uint32_t i = 0; i < nmodules; i++)
        kprintf(" %s", modules[i].name);
    kprintf("\n");
}

const struct module *module_find(const char *name)
{
    for (uint32_t i = 0; i < nmodules; i++)
        if (!strcmp(modules[i].name, name))
            return &modules[i];
    return 0;
}

const struct module *module_get(uint32_t index)
{
    return index < nmodules ? &modules[index] : 0;
}

uint32_t module_count(void)
{
    return nmodules;
}
