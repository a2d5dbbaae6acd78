/*
 * The SATA AHCI disk driver, in ring 3, registered as "disk" (the requests
 * are lib/disksrv.h's, the same as outer_core/ata's). It finds the first
 * AHCI controller on PCI (class 01:06:01), maps its registers (ABAR, BAR
 * 5) with SYS_MAPIO, resets it, and brings up every implemented port that
 * has a device.
 *
 * Each port has one ICC page of its own for what the controller reads and
 * writes besides the data: the command list (one slot is used: one
 * command at a time), the received-FIS area and the command table. The
 * data moves by the controller's DMA straight into and out of the ICC
 * pages of the request; every physical address is the ICC rule's
 * (dsk_phys), so nothing walks a page table. The end of a command comes
 * by interrupt, as a message from the inner core, with an alarm as the
 * deadline. A failed or timed-out command is followed by a recovery of its
 * port (stop, clear errors, a COMRESET if the device stays busy).
 */
#include "lib/ant.h"
#include "include/ant/servers.h"
#include "lib/disksrv.h"
#include "lib/fmt.h"
#include "lib/pci.h"
#include "lib/string.h"

#ifndef SVC_VERSION
#define SVC_VERSION 1
#endif

/* Generic host control (ABAR + n) */
#define HBA_CAP     0x00            /* bits 4:0 ports - 1, bit 27 staggered spin-up */
#define HBA_GHC     0x04
#define GHC_HR      0x00000001u     /* HBA reset (self-clearing) */
#define GHC_IE      0x00000002u     /* interrupts on */
#define GHC_AE      0x80000000u     /* AHCI mode */
#define HBA_IS      0x08            /* a bit a port: its interrupt (write 1: clear) */
#define HBA_PI      0x0C            /* ports implemented */
#define HBA_CAP2    0x24
#define CAP2_BOH    0x00000001u     /* BIOS/OS handoff */
#define HBA_BOHC    0x28
#define BOHC_BOS    0x00000001u     /* the BIOS owns the controller */
#define BOHC_OOS    0x00000002u     /* the OS asks for it */
#define BOHC_BB     0x00000010u     /* the BIOS is busy with it */

/* Port x (ABAR + 0x100 + 0x80 x + n) */
#define PORT_BASE   0x100
#define PORT_SIZE   0x80
#define PX_CLB      0x00            /* command list, 1 KB aligned */
#define PX_CLBU     0x04
#define PX_FB       0x08            /* received FIS, 256 bytes aligned */
#define PX_FBU      0x0C
#define PX_IS       0x10
#define PX_IE       0x14
#define PX_CMD      0x18
#define CMD_ST      0x00000001u     /* process the command list */
#define CMD_SUD     0x00000002u     /* spin up the device */
#define CMD_POD     0x00000004u     /* power on the device */
#define CMD_FRE     0x00000010u     /* receive FISes */
#define CMD_FR      0x00004000u     /* FIS receive running */
#define CMD_CR      0x00008000u     /* command list running */
#define PX_TFD      0x20            /* bits 7:0 the device's status, 15:8 its error */
#define TFD_ERR     0x01
#define TFD_DRQ     0x08
#define TFD_BSY     0x80
#define PX_SIG      0x24
#define SIG_ATA     0x00000101u
#define SIG_ATAPI   0xEB140101u
#define SIG_SEMB    0xC33C0101u
#define SIG_PM      0x96690101u
#define PX_SSTS     0x28            /* bits 3:0 DET */
#define DET_PRESENT 3               /* a device, and the link is up */
#define PX_SCTL     0x2C
#define SCTL_COMRESET 1
#define PX_SERR     0x30
#define PX_CI       0x38            /* a bit a slot: issued, not yet done */
/* PxIS and PxIE bits */
#define IS_DHRS     (1u << 0)       /* a D2H register FIS: a command ended */
#define IS_PSS      (1u << 1)       /* a PIO setup FIS (IDENTIFY) */
#define IS_DSS      (1u << 2)
#define IS_SDBS     (1u << 3)
#define IS_DPS      (1u << 5)
#define IS_PCS      (1u << 6)       /* a device came or went */
#define IS_PRCS     (1u << 22)      /* the link went down or up */
#define IS_ERRORS   (0x7Du << 24)   /* OFS, INFS, IFS, HBDS, HBFS, TFES */
#define IE_WANTED   (IS_DHRS | IS_PSS | IS_DSS | IS_SDBS | IS_DPS | IS_PCS | IS_PRCS | IS_ERRORS)

/* In a port's page */
#define OFF_CL      0x000           /* command list: 32 headers of 32 bytes */
#define OFF_FIS     0x400           /* received FIS area: 256 bytes */
#define OFF_CT      0x500           /* command table: 0x80 bytes, then the PRDT */
#define CT_PRDT     0x80
#define PRDS        ((4096 - OFF_CT - CT_PRDT) / 16)
#define PRD_MAX     (4u << 20)      /* bytes an entry may move */
#define HDR_CFL_H2D 5               /* command FIS length in dwords */
#define HDR_WRITE   (1u << 6)
#define PRD_IRQ     (1u << 31)

#define FIS_H2D     0x27
#define FIS_COMMAND 0x80
#define DEV_LBA     0x40
#define ATA_READ_DMA_EXT  0x25
#define ATA_WRITE_DMA_EXT 0x35
#define ATA_READ_DMA      0xC8
#define ATA_WRITE_DMA     0xCA
#define ATA_IDENTIFY      0xEC

#define PORTS_MAX   32
#define MAX_PER_CMD 32768           /* sectors: 16 MB, the largest run */
#define ABAR_VIRT   0x30000000u     /* where the registers are mapped here */
#define BIND_TRIES  500

struct port {
    uint8_t up;                     /* a disk, ready */
    uint8_t *page;                  /* CL, FIS, CT */
    uint32_t no;
};

static volatile uint8_t *abar;
static struct port ports[PORTS_MAX];
static uint8_t irq = PCI_IRQ_NONE;
static int irq_bound;

static uint32_t rd(uint32_t off) { return *(volatile uint32_t *)(abar + off); }
/* A register write; the stores before it (a command table the controller
 * will read) are not moved after it by the compiler. */
static void wr(uint32_t off, uint32_t v)
{
    __asm__ volatile("" ::: "memory");
    *(volatile uint32_t *)(abar + off) = v;
}
static uint32_t prd(uint32_t p, uint32_t reg) { return rd(PORT_BASE + PORT_SIZE * p + reg); }
static void pwr(uint32_t p, uint32_t reg, uint32_t v) { wr(PORT_BASE + PORT_SIZE * p + reg, v); }

/* Wait up to ticks for (register & mask) == want: 1, or 0 on time out. */
static int wait_reg(uint32_t off, uint32_t mask, uint32_t want, uint32_t ticks)
{
    for (uint32_t t0 = ant_uptime();; ant_sleep(1)) {
        for (int i = 0; i < 64; i++)
            if ((rd(off) & mask) == want)
                return 1;
        if (ant_uptime() - t0 > ticks)
            return 0;
    }
}

static uint32_t port_reg(uint32_t p, uint32_t reg)
{
    return PORT_BASE + PORT_SIZE * p + reg;
}

/* ---- a port ---- */

/* Stop processing commands and receiving FISes (500 ms each at most). */
static int port_stop(uint32_t p)
{
    pwr(p, PX_CMD, prd(p, PX_CMD) & ~CMD_ST);
    int ok = wait_reg(port_reg(p, PX_CMD), CMD_CR, 0, 50);
    pwr(p, PX_CMD, prd(p, PX_CMD) & ~CMD_FRE);
    return wait_reg(port_reg(p, PX_CMD), CMD_FR, 0, 50) && ok;
}

static void port_start(uint32_t p)
{
    pwr(p, PX_CMD, prd(p, PX_CMD) | CMD_FRE);
    pwr(p, PX_CMD, prd(p, PX_CMD) | CMD_ST);
}

/* A COMRESET of the link; 1 when a device answers again. */
static int port_comreset(uint32_t p)
{
    pwr(p, PX_SCTL, (prd(p, PX_SCTL) & ~0xFu) | SCTL_COMRESET);
    ant_sleep(2);                   /* >= 1 ms */
    pwr(p, PX_SCTL, prd(p, PX_SCTL) & ~0xFu);
    return wait_reg(port_reg(p, PX_SSTS), 0xF, DET_PRESENT, 100);
}

/* After an error or a time out: stop, clear, reset the link if the device
 * stays busy, start again. */
static void port_recover(uint32_t p)
{
    dsk_unit_reset(p);          /* it may be another disk afterwards */
    if (!port_stop(p)) {
        dsk_hold_run();         /* it would not stop: its DMA may go on */
        ant_printf("ahci: port %u does not stop: not used any more\n", p);
        ports[p].up = 0;
        return;
    }
    pwr(p, PX_SERR, 0xFFFFFFFFu);
    pwr(p, PX_IS, 0xFFFFFFFFu);
    wr(HBA_IS, 1u << p);
    pwr(p, PX_CMD, prd(p, PX_CMD) | CMD_FRE);
    if ((prd(p, PX_TFD) & (TFD_BSY | TFD_DRQ)) &&
        (!port_comreset(p) || !wait_reg(port_reg(p, PX_TFD), TFD_BSY | TFD_DRQ, 0, 300))) {
        ant_printf("ahci: port %u does not come back from a reset: not used any more\n", p);
        ports[p].up = 0;
        return;
    }
    pwr(p, PX_SERR, 0xFFFFFFFFu);
    pwr(p, PX_IS, 0xFFFFFFFFu);
    port_start(p);
}

/* ---- one command ---- */

struct cmd_wait {
    uint32_t port;
};

/* Every port's interrupt bits cleared (a level-triggered line stays up
 * while one is set), and what port p had. A device that came or went, or
 * a link that went down, means the disk may be another now. */
static uint32_t clear_ports(uint32_t p)
{
    uint32_t mine = 0;
    for (uint32_t q = 0; q < PORTS_MAX; q++) {
        if (!ports[q].page)
            continue;
        uint32_t is = prd(q, PX_IS);
        if (is & (IS_PCS | IS_PRCS)) {
            pwr(q, PX_SERR, 0xFFFFFFFFu);   /* PCS and PRCS follow SError's bits */
            dsk_unit_reset(q);
        }
        pwr(q, PX_IS, is);
        if (q == p)
            mine = is;
    }
    wr(HBA_IS, rd(HBA_IS));
    return mine;
}

static int32_t cmd_done(void *ctx, uint32_t irq_no)
{
    const struct cmd_wait *w = ctx;
    uint32_t p = w->port, is = clear_ports(p);
    if (irq_no)
        ant_irq_ack((int)irq_no);
    if (is & IS_ERRORS)
        return -ANT_EIO;
    if (prd(p, PX_CI) & 1)
        return 0;                           /* not yet */
    return prd(p, PX_TFD) & TFD_ERR ? -ANT_EIO : 1;
}

/* An H2D register FIS for cmd on count sectors at lba. */
static void make_fis(uint8_t *f, uint8_t cmd, uint32_t lba, uint32_t count)
{
    memset(f, 0, 20);
    f[0] = FIS_H2D;
    f[1] = FIS_COMMAND;
    f[2] = cmd;
    f[4] = (uint8_t)lba;
    f[5] = (uint8_t)(lba >> 8);
    f[6] = (uint8_t)(lba >> 16);
    if (cmd != ATA_IDENTIFY)
        f[7] = DEV_LBA | (cmd == ATA_READ_DMA || cmd == ATA_WRITE_DMA ? (uint8_t)(lba >> 24 & 0xF) : 0);
    f[8] = (uint8_t)(lba >> 24);
    f[12] = (uint8_t)count;
    f[13] = (uint8_t)(count >> 8);
}

/* Issue cmd in slot 0 of port p with bytes of data at va; wait for its end. */
static int32_t command(uint32_t p, uint8_t cmd, int write, uint32_t lba, uint32_t count,
                       uint8_t *va, uint32_t bytes)
{
    uint8_t *pg = ports[p].page;
    uint32_t *hdr = (uint32_t *)(pg + OFF_CL), *prdt = (uint32_t *)(pg + OFF_CT + CT_PRDT);
    uint32_t n = 0, pa = dsk_phys(va);
    if (prd(p, PX_TFD) & (TFD_BSY | TFD_DRQ))
        return -ANT_EIO;
    for (; bytes; n++) {
        uint32_t len = bytes < PRD_MAX ? bytes : PRD_MAX;
        prdt[4 * n] = pa;
        prdt[4 * n + 1] = 0;
        prdt[4 * n + 2] = 0;
        prdt[4 * n + 3] = len - 1;
        pa += len;
        bytes -= len;
    }
    prdt[4 * (n - 1) + 3] |= PRD_IRQ;
    make_fis(pg + OFF_CT, cmd, lba, count);
    hdr[0] = HDR_CFL_H2D | (write ? HDR_WRITE : 0) | n << 16;
    hdr[1] = 0;
    hdr[2] = dsk_phys(pg + OFF_CT);
    hdr[3] = 0;
    pwr(p, PX_IS, 0xFFFFFFFFu);
    pwr(p, PX_CI, 1);
    struct cmd_wait w = {p};
    return dsk_wait(DSK_WAIT_TICKS, irq_bound, cmd_done, &w);
}

static int32_t transfer(const struct dsk_disk *d, int write, uint32_t lba, uint32_t count,
                        uint8_t *va)
{
    uint32_t p = d->unit, per = d->lba48 ? MAX_PER_CMD : 256;
    uint8_t cmd = write ? (d->lba48 ? ATA_WRITE_DMA_EXT : ATA_WRITE_DMA)
                        : (d->lba48 ? ATA_READ_DMA_EXT : ATA_READ_DMA);
    if (!ports[p].up)
        return -ANT_EIO;
    while (count) {
        uint32_t n = count < per ? count : per;
        int32_t r = command(p, cmd, write, lba, n == 65536 ? 0 : n, va, n * 512);
        if (r < 0) {
            ant_printf("ahci: port %u: %s of %u sectors at %u %s (status %02x, error %02x): "
                       "port reset\n", p, write ? "write" : "read", n, lba,
                       r == -ANT_ETIMEDOUT ? "timed out" : "failed", prd(p, PX_TFD) & 0xFF,
                       (prd(p, PX_TFD) >> 8) & 0xFF);
            port_recover(p);
            return r;
        }
        lba += n;
        count -= n;
        va += n * 512;
    }
    return 0;
}

static void stray_irq(uint32_t irq_no)
{
    clear_ports(PORTS_MAX);
    ant_irq_ack((int)irq_no);
}

/* Stop every port: a successor resets the controller and starts again. */
static void quiesce(void)
{
    wr(HBA_GHC, rd(HBA_GHC) & ~GHC_IE);
    for (uint32_t p = 0; p < PORTS_MAX; p++)
        if (ports[p].page)
            port_stop(p);
}

static const struct dsk_driver driver = {"ahci", transfer, stray_irq, quiesce};

/* ---- bringing the controller and its ports up ---- */

/* The controller from the firmware (BIOS/OS handoff), reset, AHCI mode. */
static int hba_reset(void)
{
    if ((rd(HBA_CAP2) & CAP2_BOH) && (rd(HBA_BOHC) & BOHC_BOS)) {
        wr(HBA_BOHC, rd(HBA_BOHC) | BOHC_OOS);
        if (!wait_reg(HBA_BOHC, BOHC_BOS, 0, 10) || (rd(HBA_BOHC) & BOHC_BB))
            wait_reg(HBA_BOHC, BOHC_BB | BOHC_BOS, 0, 200);
    }
    wr(HBA_GHC, rd(HBA_GHC) | GHC_AE);
    wr(HBA_GHC, rd(HBA_GHC) | GHC_HR);
    if (!wait_reg(HBA_GHC, GHC_HR, 0, 100))
        return 0;
    wr(HBA_GHC, rd(HBA_GHC) | GHC_AE);
    return 1;
}

static void model_of(const uint16_t *id, char *out, size_t size)
{
    size_t n = 0;
    for (int i = 0; i < 20 && n + 2 < size; i++) {
        out[n++] = (char)(id[27 + i] >> 8);
        out[n++] = (char)id[27 + i];
    }
    while (n && (out[n - 1] == ' ' || !out[n - 1]))
        n--;
    out[n] = 0;
}

/* IDENTIFY the disk on port p, and hand it to disksrv. */
static void add_disk(uint32_t p, const char *where)
{
    uint16_t *id = (uint16_t *)dsk_scratch();
    struct dsk_disk d;
    memset(&d, 0, sizeof d);
    strncpy_safe(d.where, where, sizeof d.where);
    d.unit = p;
    ports[p].up = 1;
    if (command(p, ATA_IDENTIFY, 0, 0, 0, (uint8_t *)id, 512) < 0) {
        port_recover(p);
        dsk_skip(where, "a disk", "it does not answer IDENTIFY");
        ports[p].up = 0;
        return;
    }
    model_of(id, d.model, sizeof d.model);
    if ((id[106] & 0xC000) == 0x4000 && (id[106] & 0x1000)) {
        dsk_skip(where, d.model, "its sectors are not 512 bytes long");
        ports[p].up = 0;
        return;
    }
    d.sectors = dsk_identify_size(id, &d.lba48);
    dsk_add(&d, &driver);
}

/* Bring port p up and look at what is on it. */
static void port_up(uint32_t p)
{
    char where[24];
    void *page;
    fmt_snprintf(where, sizeof where, "port %u", p);
    if (!port_stop(p)) {
        dsk_skip(where, "a port", "it does not stop (the firmware's?)");
        return;
    }
    if (ant_icc_alloc(1, &page) < 0) {
        dsk_skip(where, "a port", "no ICC page for its command list");
        return;
    }
    ports[p].page = page;
    pwr(p, PX_CLB, dsk_phys(ports[p].page + OFF_CL));
    pwr(p, PX_CLBU, 0);
    pwr(p, PX_FB, dsk_phys(ports[p].page + OFF_FIS));
    pwr(p, PX_FBU, 0);
    pwr(p, PX_SERR, 0xFFFFFFFFu);
    pwr(p, PX_IS, 0xFFFFFFFFu);
    pwr(p, PX_CMD, prd(p, PX_CMD) | CMD_FRE | CMD_SUD | CMD_POD);
    if (!wait_reg(port_reg(p, PX_SSTS), 0xF, DET_PRESENT, 20) && !port_comreset(p))
        return;                             /* nothing attached: not worth a line */
    if (!wait_reg(port_reg(p, PX_TFD), TFD_BSY | TFD_DRQ, 0, 300) &&
        (!port_comreset(p) || !wait_reg(port_reg(p, PX_TFD), TFD_BSY | TFD_DRQ, 0, 300))) {
        dsk_skip(where, "a device", "it stays busy after a reset");
        return;
    }
    pwr(p, PX_SERR, 0xFFFFFFFFu);
    pwr(p, PX_IS, 0xFFFFFFFFu);
    pwr(p, PX_IE, IE_WANTED);
    port_start(p);
    uint32_t sig = prd(p, PX_SIG);
    if (sig == SIG_ATA)
        add_disk(p, where);
    else if (sig == SIG_ATAPI)
        dsk_skip(where, "a packet device (CD or DVD)", "not a disk");
    else if (sig == SIG_PM)
        dsk_skip(where, "a port multiplier", "this driver does not look behind one");
    else
        dsk_skip(where, sig == SIG_SEMB ? "an enclosure bridge" : "a device", "not a disk");
}

/* The controller: found, mapped, reset. 0, or SVC_EXIT_NO_DEVICE. */
static int open_controller(struct pci_dev *p)
{
    uint32_t base;
    char where[8];
    if (pci_open() < 0 || pci_find(0x01, 0x06, 0x01, 0, p) < 0)
        return SVC_EXIT_NO_DEVICE;
    pci_where(p, where);
    enum pci_bar_kind k = pci_bar(p, 5, &base);
    if (k != PCI_BAR_MEM) {
        ant_printf("ahci: controller %s (%04x:%04x): its registers (BAR 5) are %s: not used\n",
                   where, p->vendor, p->device, k == PCI_BAR_MEM_HIGH ? "above 4 GB" : "not set");
        return SVC_EXIT_NO_DEVICE;
    }
    /* The registers up to the last implemented port's: the page holding
     * the generic ones first, then as many more as PI says. (Only so much:
     * the next page may be another device's, or the I/O APIC.) */
    uint32_t first = base & ~0xFFFu, pages = (base - first + PORT_BASE + 4095) / 4096;
    int32_t r = ant_mapio(ABAR_VIRT, first, pages);
    if (r == 0) {
        abar = (volatile uint8_t *)(ABAR_VIRT + (base - first));
        uint32_t pi = rd(HBA_PI), top = 32;
        while (top && !(pi & (1u << (top - 1))))
            top--;
        uint32_t need = (base - first + PORT_BASE + PORT_SIZE * top + 4095) / 4096;
        if (need > pages)
            r = ant_mapio(ABAR_VIRT + pages * 4096, first + pages * 4096, need - pages);
    }
    if (r < 0) {
        ant_printf("ahci: controller %s: its registers at %08x cannot be mapped (%s)\n", where,
                   base, ant_strerror(r));
        return SVC_EXIT_NO_DEVICE;
    }
    pci_enable(p, PCI_CMD_MEMORY | PCI_CMD_MASTER);
    ant_printf("ahci: controller %s (%04x:%04x), registers at %08x, IRQ %d, %u ports\n", where,
               p->vendor, p->device, base, p->irq == PCI_IRQ_NONE ? -1 : p->irq,
               (rd(HBA_CAP) & 0x1F) + 1);
    return 0;
}

static void bind_irq(void)
{
    int32_t r = -ANT_EINVAL;
    if (irq != PCI_IRQ_NONE)
        for (int i = 0; (r = ant_irq_bind(irq)) == -ANT_EBUSY && i < BIND_TRIES; i++)
            ant_sleep(1);
    irq_bound = r == 0;
    if (!irq_bound)
        ant_printf("ahci: no interrupt (%s): the ports are polled each tick\n",
                   irq == PCI_IRQ_NONE ? "none routed" : ant_strerror(r));
}

int main(const char *args)
{
    struct pci_dev p;
    int32_t r = dsk_init("ahci");
    if (r < 0) {
        ant_printf("ahci: no ICC pages for my buffers (%s)\n", ant_strerror(r));
        return 1;
    }
    if ((r = open_controller(&p)) != 0)
        return r;
    dsk_take_over(args);            /* a predecessor has stopped the ports */
    irq = p.irq;
    if (!hba_reset()) {
        ant_printf("ahci: the controller does not come out of reset\n");
        return 1;
    }
    ant_dma_reset();            /* no DMA of a dead predecessor's can land now */
    bind_irq();
    wr(HBA_IS, rd(HBA_IS));
    wr(HBA_GHC, rd(HBA_GHC) | GHC_IE);
    uint32_t pi = rd(HBA_PI);
    for (uint32_t port = 0; port < PORTS_MAX; port++)
        if (pi & (1u << port))
            port_up(port);
    ant_printf("ahci: build %d (pid %d): DMA, completion by %s\n", SVC_VERSION, (int)ant_getpid(),
               irq_bound ? "interrupt" : "polling");
    dsk_found_all();
    dsk_serve(&driver);
}
