/* PCI configuration mechanism #1: write the address of a register (bus,
 * device, function, offset, with bit 31 set) to 0xCF8, then move the
 * register's 32 bits through 0xCFC. */
#include "lib/pci.h"
#include "lib/ant.h"
#include "lib/fmt.h"
#include "lib/io.h"

#define PCI_ADDR 0xCF8
#define PCI_DATA 0xCFC
#define PCI_ENABLE 0x80000000u
#define PCI_ID 0x00                 /* vendor (16), device (16) */
#define PCI_CLASS 0x08              /* revision, progif, subclass, class */
#define PCI_HEADER 0x0C             /* bits 16-23: header type */
#define HEADER_MULTI 0x80           /* functions 1-7 exist */
#define VENDOR_NONE 0xFFFF

int32_t pci_open(void)
{
    int32_t r = ant_ioperm(PCI_ADDR, 4);
    return r ? r : ant_ioperm(PCI_DATA, 4);
}

static uint32_t address(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off)
{
    return PCI_ENABLE | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xFC);
}

static uint32_t read_at(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off)
{
    outl(PCI_ADDR, address(bus, dev, fn, off));
    return inl(PCI_DATA);
}

uint32_t pci_read32(const struct pci_dev *d, uint32_t off)
{
    return read_at(d->bus, d->dev, d->fn, off);
}

uint16_t pci_read16(const struct pci_dev *d, uint32_t off)
{
    return (uint16_t)(pci_read32(d, off) >> (8 * (off & 2)));
}

/* A 16-bit write touches only its own register: writing the whole dword
 * back would also clear the status register's write-1-to-clear bits. */
void pci_write16(const struct pci_dev *d, uint32_t off, uint16_t v)
{
    outl(PCI_ADDR, address(d->bus, d->dev, d->fn, off));
    outw((uint16_t)(PCI_DATA + (off & 2)), v);
}

/* Whether (bus, dev, fn) exists; its identity into d. */
static int probe(uint8_t bus, uint8_t dev, uint8_t fn, struct pci_dev *d)
{
    uint32_t id = read_at(bus, dev, fn, PCI_ID);
    if ((id & 0xFFFF) == VENDOR_NONE)
        return 0;
    uint32_t cls = read_at(bus, dev, fn, PCI_CLASS);
    d->bus = bus;
    d->dev = dev;
    d->fn = fn;
    d->vendor = (uint16_t)id;
    d->device = (uint16_t)(id >> 16);
    d->class = (uint8_t)(cls >> 24);
    d->subclass = (uint8_t)(cls >> 16);
    d->progif = (uint8_t)(cls >> 8);
    d->irq = (uint8_t)read_at(bus, dev, fn, PCI_IRQ_LINE);
    if (d->irq > 15)
        d->irq = PCI_IRQ_NONE;
    return 1;
}

int32_t pci_find(uint8_t class, uint8_t subclass, int progif, uint32_t index, struct pci_dev *out)
{
    for (uint32_t bus = 0; bus < 256; bus++) {
        for (uint8_t dev = 0; dev < 32; dev++) {
            for (uint8_t fn = 0; fn < 8; fn++) {
                struct pci_dev d;
                if (!probe((uint8_t)bus, dev, fn, &d)) {
                    if (fn == 0)
                        break;          /* no device: no functions */
                    continue;
                }
                if (d.class == class && d.subclass == subclass &&
                    (progif < 0 || d.progif == (uint8_t)progif) && index-- == 0) {
                    *out = d;
                    return 0;
                }
                if (fn == 0 && !((read_at((uint8_t)bus, dev, 0, PCI_HEADER) >> 16) & HEADER_MULTI))
                    break;
            }
        }
    }
    return -ANT_ENOENT;
}

enum pci_bar_kind pci_bar(const struct pci_dev *d, int n, uint32_t *base)
{
    uint32_t v = pci_read32(d, PCI_BAR0 + 4 * (uint32_t)n);
    *base = 0;
    if (v & 1) {
        *base = v & 0xFFFCu;
        return *base ? PCI_BAR_IO : PCI_BAR_NONE;
    }
    *base = v & ~0xFu;
    if (((v >> 1) & 3) == 2 && n < 5 && pci_read32(d, PCI_BAR0 + 4 * (uint32_t)n + 4))
        return PCI_BAR_MEM_HIGH;        /* 64 bits, above 4 GB: not for us */
    return *base ? PCI_BAR_MEM : PCI_BAR_NONE;
}

void pci_enable(const struct pci_dev *d, uint16_t bits)
{
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND, (uint16_t)((cmd | bits) & ~PCI_CMD_INTX_OFF));
}

void pci_where(const struct pci_dev *d, char buf[8])
{
    fmt_snprintf(buf, 8, "%02x:%02x.%x", d->bus, d->dev, d->fn);
}
