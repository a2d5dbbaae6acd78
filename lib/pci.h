/* PCI configuration space for ring-3 drivers, through ports 0xCF8/0xCFC
 * (configuration mechanism #1): find a device by its class, read and
 * write its registers, decode its BARs. The driver needs I/O rights
 * (ANT_SPAWN_PRIV); pci_open asks for the two ports. */
#ifndef LIB_PCI_H
#define LIB_PCI_H
#include <stdint.h>

#define PCI_COMMAND     0x04        /* 16 bits */
#define PCI_CMD_IO      0x0001      /* decodes its I/O BARs */
#define PCI_CMD_MEMORY  0x0002      /* decodes its memory BARs */
#define PCI_CMD_MASTER  0x0004      /* may start DMA (bus master) */
#define PCI_CMD_INTX_OFF 0x0400     /* INTx# disabled */
#define PCI_BAR0        0x10
#define PCI_IRQ_LINE    0x3C        /* 8 bits: the IRQ the firmware routed it to */
#define PCI_IRQ_NONE    0xFF

struct pci_dev {
    uint8_t bus, dev, fn;
    uint16_t vendor, device;
    uint8_t class, subclass, progif;
    uint8_t irq;                    /* PCI_IRQ_LINE: 0-15, or PCI_IRQ_NONE */
};

/* I/O rights to the configuration ports: 0, or -error. */
int32_t pci_open(void);
uint32_t pci_read32(const struct pci_dev *d, uint32_t off);
uint16_t pci_read16(const struct pci_dev *d, uint32_t off);
void pci_write16(const struct pci_dev *d, uint32_t off, uint16_t v);
/* The index-th device (from 0) of class, subclass (and progif, unless
 * progif < 0), scanning every bus: 0 and *out, or -ANT_ENOENT. */
int32_t pci_find(uint8_t class, uint8_t subclass, int progif, uint32_t index,
                 struct pci_dev *out);

/* BAR n decoded: kind, base address, and whether it is usable here. */
enum pci_bar_kind { PCI_BAR_NONE, PCI_BAR_IO, PCI_BAR_MEM, PCI_BAR_MEM_HIGH };
enum pci_bar_kind pci_bar(const struct pci_dev *d, int n, uint32_t *base);
/* Set bits of the command register (PCI_CMD_*), clear INTx disable. */
void pci_enable(const struct pci_dev *d, uint16_t bits);
/* "bb:dd.f" into buf (8 bytes). */
void pci_where(const struct pci_dev *d, char buf[8]);

#endif
