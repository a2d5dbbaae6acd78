/*
 * The IDE disk driver, in ring 3, registered as "disk" (the requests are
 * lib/disksrv.h's): both channels of a PCI IDE controller (class 01:01),
 * master and slave, or the legacy ports when there is no PCI controller.
 *
 * Transfers go by bus-master DMA straight between the disk and the ICC
 * pages of the request (their physical address is the ICC rule, no table
 * walk: lib/disksrv.h, dsk_phys), and their end comes by interrupt, as a
 * message from the inner core: the driver receives from ANT_PID_NOTES
 * only, with an alarm as the deadline, so a client's request waits in its
 * queue meanwhile. Without a bus-master controller (or with the argument
 * "pio") the data goes by programmed I/O, the drive's status polled.
 * A command that fails or times out is followed by a reset of its channel
 * and an EIO (or ETIMEDOUT) for that request alone.
 *
 * Which sectors may be written is not decided here: disksrv turns slots of
 * a paging space into sectors; this file only moves what it is given.
 */
#include "lib/ant.h"
#include "include/ant/servers.h"
#include "lib/disksrv.h"
#include "lib/fmt.h"
#include "lib/io.h"
#include "lib/pci.h"
#include "lib/string.h"

#ifndef SVC_VERSION
#define SVC_VERSION 1
#endif

/* A channel's command block, at cmd + n. */
#define REG_DATA    0               /* 16-bit data port */
#define REG_ERROR   1
#define REG_COUNT   2               /* sectors (0 means 256, or 65536 in LBA48) */
#define REG_LBA0    3
#define REG_LBA1    4               /* a signature after reset: packet device */
#define REG_LBA2    5
#define REG_DRIVE   6               /* drive select, LBA bits 24-27 */
#define REG_STATUS  7               /* read: status (clears the drive's interrupt) */
#define REG_COMMAND 7               /* write: command */
#define CMD_PORTS   8
/* ctl: read alternate status (does not clear the interrupt), write control */
#define CTL_SRST    0x04            /* software reset of both drives */
#define CTL_NIEN    0x02            /* the drive's interrupt off */

#define ST_ERR      0x01
#define ST_DRQ      0x08
#define ST_DF       0x20
#define ST_BSY      0x80
#define ST_ABSENT   0xFF            /* a floating bus: nothing there */

#define DRIVE_LBA   0xE0            /* bits 7, 5 (obsolete, set), 6: LBA; 4: slave */
#define DRIVE_SLAVE 0x10

#define CMD_READ_PIO     0x20
#define CMD_READ_PIO_EXT 0x24
#define CMD_WRITE_PIO    0x30
#define CMD_WRITE_PIO_EXT 0x34
#define CMD_READ_DMA     0xC8
#define CMD_READ_DMA_EXT 0x25
#define CMD_WRITE_DMA    0xCA
#define CMD_WRITE_DMA_EXT 0x35
#define CMD_IDENTIFY     0xEC

/* IDENTIFY words */
#define ID_MODEL    27              /* 20 words of text, bytes swapped */
#define ID_CAPS     49
#define ID_CAPS_LBA 0x0200
#define ID_CAPS_DMA 0x0100
#define ID_LBA28    60              /* 60-61 */
#define ID_CMDSET2  83
#define ID_LBA48_OK 0x0400
#define ID_SECTOR_SIZE 106          /* bit 12: logical sectors longer than 256 words */
#define ID_LBA48    100             /* 100-103 */

/* Bus-master IDE registers, at bm + n (8 a channel). */
#define BM_COMMAND  0               /* bit 0 start, bit 3 into memory */
#define BM_STATUS   2               /* bit 0 active, 1 error, 2 interrupt (write 1: clear) */
#define BM_PRDT     4               /* physical address of the PRD table */
#define BM_START    0x01
#define BM_TO_MEMORY 0x08
#define BMS_ACTIVE  0x01
#define BMS_ERROR   0x02
#define BMS_IRQ     0x04
#define PRD_END     0x80000000u     /* in the last entry's count word */
#define PRD_MAX     65536u          /* bytes an entry moves, not across 64 KB */
#define PRDS_MAX    512             /* one page of entries */

#define SECTOR      512
#define MAX_PER_CMD28 256
#define MAX_PER_CMD48 65536
#define LBA28_LIMIT 0x10000000u
#define BIND_TRIES  500             /* 5 s for a predecessor to let go of an IRQ */
#define RESET_TICKS 300             /* 3 s for a drive to come out of reset */
#define PIO_TICKS   300

struct channel {
    uint16_t cmd, ctl, bm;          /* bm 0: no bus master */
    uint8_t irq, irq_bound;
    uint8_t present;                /* something answers on it */
    const char *name;
};

static struct channel chans[2];
static uint32_t *prdt;              /* PRD table, one ICC page */
static int use_dma;
static uint16_t id_buf[256];

/* unit = channel * 2 + slave */
static struct channel *chan_of(uint32_t unit) { return &chans[unit / 2]; }

/* ---- the drive, by programmed I/O ---- */

static void settle(const struct channel *c)
{
    for (int i = 0; i < 4; i++)     /* 400 ns for a new status */
        inb(c->ctl);
}

/* Not busy, showing every bit of want: 0, or -EIO / -ETIMEDOUT. */
static int32_t pio_wait(const struct channel *c, uint8_t want, uint32_t ticks)
{
    uint32_t t0 = ant_uptime();
    for (uint32_t polls = 0;; polls++) {
        uint8_t s = inb((uint16_t)(c->cmd + REG_STATUS));
        if (s == ST_ABSENT)
            return -ANT_EIO;
        if (!(s & ST_BSY)) {
            if (s & (ST_ERR | ST_DF))
                return -ANT_EIO;
            if ((s & want) == want)
                return 0;
        }
        if (polls >= 64) {
            if (ant_uptime() - t0 > ticks)
                return -ANT_ETIMEDOUT;
            ant_yield();
        }
    }
}

/* Reset the channel: back from a timeout or a half-done transfer. */
static int32_t reset_channel(const struct channel *c)
{
    if (c->bm)
        outb((uint16_t)(c->bm + BM_COMMAND), 0);
    outb(c->ctl, CTL_SRST | CTL_NIEN);
    ant_sleep(1);                   /* >= 5 us with SRST set */
    outb(c->ctl, 0);
    ant_sleep(1);                   /* >= 2 ms before BSY means anything */
    return pio_wait(c, 0, RESET_TICKS);
}

static void select_drive(const struct channel *c, uint32_t unit, uint32_t lba_top)
{
    outb((uint16_t)(c->cmd + REG_DRIVE),
         (uint8_t)(DRIVE_LBA | (unit & 1 ? DRIVE_SLAVE : 0) | (lba_top & 0x0F)));
    settle(c);
}

/* Load the task file for count sectors at lba and send cmd. */
static void issue(const struct channel *c, uint32_t unit, int lba48, uint8_t cmd, uint32_t lba,
                  uint32_t count)
{
    uint16_t p = c->cmd;
    select_drive(c, unit, lba48 ? 0 : lba >> 24);
    if (lba48) {                    /* the high bytes first, then the low */
        outb((uint16_t)(p + REG_COUNT), (uint8_t)(count >> 8));
        outb((uint16_t)(p + REG_LBA0), (uint8_t)(lba >> 24));
        outb((uint16_t)(p + REG_LBA1), 0);
        outb((uint16_t)(p + REG_LBA2), 0);
    }
    outb((uint16_t)(p + REG_COUNT), (uint8_t)count);
    outb((uint16_t)(p + REG_LBA0), (uint8_t)lba);
    outb((uint16_t)(p + REG_LBA1), (uint8_t)(lba >> 8));
    outb((uint16_t)(p + REG_LBA2), (uint8_t)(lba >> 16));
    outb((uint16_t)(p + REG_COMMAND), cmd);
    settle(c);
}

static inline void read_words(uint16_t port, void *buf, uint32_t words)
{
    __asm__ volatile("rep insw" : "+D"(buf), "+c"(words) : "d"(port) : "memory");
}

static inline void write_words(uint16_t port, const void *buf, uint32_t words)
{
    __asm__ volatile("rep outsw" : "+S"(buf), "+c"(words) : "d"(port) : "memory");
}

/* One PIO command on count sectors; each waits for DRQ. */
static int32_t pio_command(const struct dsk_disk *d, int write, uint32_t lba, uint32_t count,
                           uint8_t *buf)
{
    const struct channel *c = chan_of(d->unit);
    int32_t r = pio_wait(c, 0, PIO_TICKS);
    if (r < 0)
        return r;
    uint8_t cmd = write ? (d->lba48 ? CMD_WRITE_PIO_EXT : CMD_WRITE_PIO)
                        : (d->lba48 ? CMD_READ_PIO_EXT : CMD_READ_PIO);
    issue(c, d->unit, d->lba48, cmd, lba, count);
    for (uint32_t i = 0; i < count; i++, buf += SECTOR) {
        if ((r = pio_wait(c, ST_DRQ, PIO_TICKS)) < 0)
            return r;
        if (write)
            write_words((uint16_t)(c->cmd + REG_DATA), buf, SECTOR / 2);
        else
            read_words((uint16_t)(c->cmd + REG_DATA), buf, SECTOR / 2);
        settle(c);
    }
    return pio_wait(c, 0, PIO_TICKS);
}

/* ---- bus-master DMA ---- */

/* The PRD table for bytes at va (contiguous): entries of up to 64 KB that
 * do not cross a 64 KB boundary. */
static void build_prdt(const uint8_t *va, uint32_t bytes)
{
    uint32_t pa = dsk_phys(va), n = 0;
    while (bytes) {
        uint32_t room = PRD_MAX - (pa & (PRD_MAX - 1));
        uint32_t len = bytes < room ? bytes : room;
        prdt[2 * n] = pa;
        prdt[2 * n + 1] = len == PRD_MAX ? 0 : len;     /* 0 means 64 KB */
        pa += len;
        bytes -= len;
        n++;
    }
    prdt[2 * n - 1] |= PRD_END;
}

struct dma_wait {
    const struct channel *c;
    uint8_t bms, status;
};

/* Channel c's interrupt cleared without ending anything: its drive's
 * (a status read), and its bus master's bits. */
static void quiet(const struct channel *c)
{
    inb((uint16_t)(c->cmd + REG_STATUS));
    if (c->bm)
        outb((uint16_t)(c->bm + BM_STATUS),
             (uint8_t)(inb((uint16_t)(c->bm + BM_STATUS)) | BMS_IRQ | BMS_ERROR));
}

/* The interrupt of a channel other than busy's (on another line, or on a
 * line they share: native mode): cleared, so it neither stays masked nor
 * keeps a level-triggered line up. */
static void quiet_others(const struct channel *busy, uint32_t irq)
{
    for (int i = 0; i < 2; i++)
        if (&chans[i] != busy && chans[i].present && chans[i].irq == irq)
            quiet(&chans[i]);
}

/* The channel's interrupt (irq 0: polled): is the transfer over? Over
 * means the bus master stopped with its interrupt (or error) bit, and the
 * drive is no longer busy: the data is where it belongs. */
static int32_t dma_done(void *ctx, uint32_t irq)
{
    struct dma_wait *w = ctx;
    const struct channel *c = w->c;
    if (irq)
        quiet_others(c, irq);
    if (irq && irq != c->irq) {
        ant_irq_ack((int)irq);
        return 0;
    }
    uint8_t bms = inb((uint16_t)(c->bm + BM_STATUS));
    int ended = irq ? (bms & (BMS_IRQ | BMS_ERROR)) != 0 : !(bms & BMS_ACTIVE);
    for (int i = 0; ended && i < 10000 && (inb(c->ctl) & ST_BSY); i++)
        ;                           /* the interrupt may come a moment before BSY drops */
    if (!ended || (inb(c->ctl) & ST_BSY)) {
        if (irq)
            ant_irq_ack((int)irq);  /* not the end yet */
        return 0;
    }
    w->bms = bms;
    outb((uint16_t)(c->bm + BM_COMMAND), 0);               /* stop the engine */
    w->status = inb((uint16_t)(c->cmd + REG_STATUS));       /* clears the drive's interrupt */
    outb((uint16_t)(c->bm + BM_STATUS), (uint8_t)(bms | BMS_IRQ | BMS_ERROR));
    if (irq)
        ant_irq_ack((int)irq);
    return (bms & BMS_ERROR) || (w->status & (ST_ERR | ST_DF)) ? -ANT_EIO : 1;
}

/* One DMA command on count sectors into or out of va. */
static int32_t dma_command(const struct dsk_disk *d, int write, uint32_t lba, uint32_t count,
                           uint8_t *va)
{
    const struct channel *c = chan_of(d->unit);
    uint8_t s = inb((uint16_t)(c->cmd + REG_STATUS));
    if (s & (ST_BSY | ST_DRQ))
        return -ANT_EIO;            /* a command left half done: reset first */
    build_prdt(va, count * SECTOR);
    uint8_t dir = write ? 0 : BM_TO_MEMORY;
    outb((uint16_t)(c->bm + BM_COMMAND), dir);
    outl((uint16_t)(c->bm + BM_PRDT), dsk_phys(prdt));
    outb((uint16_t)(c->bm + BM_STATUS), (uint8_t)(inb((uint16_t)(c->bm + BM_STATUS)) |
                                                  BMS_IRQ | BMS_ERROR));
    uint8_t cmd = write ? (d->lba48 ? CMD_WRITE_DMA_EXT : CMD_WRITE_DMA)
                        : (d->lba48 ? CMD_READ_DMA_EXT : CMD_READ_DMA);
    issue(c, d->unit, d->lba48, cmd, lba, count);
    outb((uint16_t)(c->bm + BM_COMMAND), (uint8_t)(dir | BM_START));
    struct dma_wait w = {c, 0, 0};
    return dsk_wait(DSK_WAIT_TICKS, c->irq_bound, dma_done, &w);
}

/* ---- what disksrv calls ---- */

static int32_t transfer(const struct dsk_disk *d, int write, uint32_t lba, uint32_t count,
                        uint8_t *va)
{
    uint32_t per = d->lba48 ? MAX_PER_CMD48 : MAX_PER_CMD28;
    if (use_dma && per > PRDS_MAX * PRD_MAX / SECTOR / 2)
        per = PRDS_MAX * PRD_MAX / SECTOR / 2;          /* the PRD table's reach */
    while (count) {
        uint32_t n = count < per ? count : per;
        int32_t r = use_dma ? dma_command(d, write, lba, n, va) : pio_command(d, write, lba, n, va);
        if (r < 0) {
            const struct channel *c = chan_of(d->unit);
            ant_printf("ata: %s %s: %s of %u sectors at %u %s: channel reset\n", c->name,
                       d->unit & 1 ? "slave" : "master", write ? "write" : "read", n, lba,
                       r == -ANT_ETIMEDOUT ? "timed out" : "failed");
            if (reset_channel(c) < 0)
                ant_printf("ata: %s channel does not come back from the reset\n", c->name);
            dsk_unit_reset(d->unit & ~1u);      /* both drives of the channel */
            dsk_unit_reset(d->unit | 1u);
            return r;
        }
        lba += n;
        count -= n;
        va += n * SECTOR;
    }
    return 0;
}

/* An interrupt between requests (a drive's late word): clear and reopen. */
static void stray_irq(uint32_t irq)
{
    for (int i = 0; i < 2; i++) {
        const struct channel *c = &chans[i];
        if (c->present && c->irq == irq) {
            inb((uint16_t)(c->cmd + REG_STATUS));
            if (c->bm)
                outb((uint16_t)(c->bm + BM_STATUS),
                     (uint8_t)(inb((uint16_t)(c->bm + BM_STATUS)) | BMS_IRQ | BMS_ERROR));
        }
    }
    ant_irq_ack((int)irq);
}

static const struct dsk_driver driver = {"ata", transfer, stray_irq, 0};

/* ---- finding the drives ---- */

/* IDENTIFY unit into id_buf: 1 an ATA disk, 0 nothing, -1 a packet device. */
static int identify(const struct channel *c, uint32_t unit)
{
    select_drive(c, unit, 0);
    if (inb((uint16_t)(c->cmd + REG_STATUS)) == ST_ABSENT)
        return 0;
    outb((uint16_t)(c->cmd + REG_COUNT), 0);
    outb((uint16_t)(c->cmd + REG_LBA0), 0);
    outb((uint16_t)(c->cmd + REG_LBA1), 0);
    outb((uint16_t)(c->cmd + REG_LBA2), 0);
    outb((uint16_t)(c->cmd + REG_COMMAND), CMD_IDENTIFY);
    settle(c);
    if (inb((uint16_t)(c->cmd + REG_STATUS)) == 0)
        return 0;                   /* nothing drives the status */
    int32_t r = pio_wait(c, 0, PIO_TICKS);
    uint8_t mid = inb((uint16_t)(c->cmd + REG_LBA1)), hi = inb((uint16_t)(c->cmd + REG_LBA2));
    if (mid == 0x14 && hi == 0xEB)
        return -1;                  /* the ATAPI signature */
    if (r < 0 || mid || hi || pio_wait(c, ST_DRQ, PIO_TICKS) < 0)
        return 0;
    read_words((uint16_t)(c->cmd + REG_DATA), id_buf, 256);
    return 1;
}

static void model_of(char *out, size_t size)
{
    size_t n = 0;
    for (int i = 0; i < 20 && n + 2 < size; i++) {
        out[n++] = (char)(id_buf[ID_MODEL + i] >> 8);
        out[n++] = (char)id_buf[ID_MODEL + i];
    }
    while (n && (out[n - 1] == ' ' || !out[n - 1]))
        n--;
    out[n] = 0;
}

static void add_drive(uint32_t unit)
{
    const struct channel *c = chan_of(unit);
    struct dsk_disk d;
    memset(&d, 0, sizeof d);
    fmt_snprintf(d.where, sizeof d.where, "%s %s", c->name, unit & 1 ? "slave" : "master");
    int kind = identify(c, unit);
    if (kind < 0) {
        dsk_skip(d.where, "a packet device (CD or DVD)", "not a disk");
        return;
    }
    if (!kind)
        return;                     /* nothing there: not worth a line */
    model_of(d.model, sizeof d.model);
    d.unit = unit;
    if (!(id_buf[ID_CAPS] & ID_CAPS_LBA)) {
        dsk_skip(d.where, d.model, "it cannot address sectors by number (LBA)");
        return;
    }
    if ((id_buf[ID_SECTOR_SIZE] & 0xC000) == 0x4000 && (id_buf[ID_SECTOR_SIZE] & 0x1000)) {
        dsk_skip(d.where, d.model, "its sectors are not 512 bytes long");
        return;
    }
    d.sectors = dsk_identify_size(id_buf, &d.lba48);
    dsk_add(&d, &driver);
}

/* Bind the channel's IRQ, waiting for a predecessor to let it go. */
static void bind_irq(struct channel *c)
{
    int32_t r;
    if (c->irq > 15)
        return;
    for (int i = 0; (r = ant_irq_bind(c->irq)) == -ANT_EBUSY && i < BIND_TRIES; i++)
        ant_sleep(1);
    c->irq_bound = r == 0;
    if (r < 0)
        ant_printf("ata: %s channel: IRQ %u: %s (its status is polled instead)\n", c->name,
                   c->irq, ant_strerror(r));
}

static int32_t open_ports(const struct channel *c)
{
    int32_t r = ant_ioperm(c->cmd, CMD_PORTS);
    if (!r)
        r = ant_ioperm(c->ctl, 1);
    if (!r && c->bm)
        r = ant_ioperm(c->bm, 8);
    return r;
}

/* The channels of a PCI IDE controller (compatibility or native mode),
 * or the legacy ones. 0, or -ENOENT when there is no controller at all. */
static int32_t find_channels(void)
{
    static const uint16_t legacy_cmd[2] = {0x1F0, 0x170}, legacy_ctl[2] = {0x3F6, 0x376};
    static const uint8_t legacy_irq[2] = {14, 15};
    struct pci_dev p;
    int pci = pci_open() == 0 && pci_find(0x01, 0x01, -1, 0, &p) == 0;
    uint32_t bm = 0;
    chans[0].name = "primary";
    chans[1].name = "secondary";
    if (pci && (p.progif & 0x80) && pci_bar(&p, 4, &bm) == PCI_BAR_IO) {
        pci_enable(&p, PCI_CMD_IO | PCI_CMD_MASTER);
    } else {
        bm = 0;
        if (pci)
            pci_enable(&p, PCI_CMD_IO);
    }
    for (int i = 0; i < 2; i++) {
        struct channel *c = &chans[i];
        uint32_t cmd, ctl;
        int native = pci && (p.progif & (1 << (2 * i)));
        if (native && pci_bar(&p, 2 * i, &cmd) == PCI_BAR_IO &&
            pci_bar(&p, 2 * i + 1, &ctl) == PCI_BAR_IO) {
            c->cmd = (uint16_t)cmd;
            c->ctl = (uint16_t)(ctl + 2);
            c->irq = p.irq;
        } else {
            c->cmd = legacy_cmd[i];
            c->ctl = legacy_ctl[i];
            c->irq = legacy_irq[i];
        }
        c->bm = bm ? (uint16_t)(bm + 8 * i) : 0;
    }
    if (pci) {
        char where[8];
        pci_where(&p, where);
        ant_printf("ata: IDE controller %s (%04x:%04x)%s\n", where, p.vendor, p.device,
                   bm ? ", bus-master DMA" : ": no bus master, programmed I/O");
    }
    return pci ? 0 : -ANT_ENOENT;
}

/* Does anything answer on channel c? */
static int channel_alive(struct channel *c)
{
    if (open_ports(c) < 0)
        return 0;
    uint8_t s = inb((uint16_t)(c->cmd + REG_STATUS));
    if (s == ST_ABSENT)
        return 0;
    return reset_channel(c) == 0 || inb((uint16_t)(c->cmd + REG_STATUS)) != ST_ABSENT;
}

int main(const char *args)
{
    void *page;
    int32_t r = dsk_init("ata");
    if (r == 0)
        r = ant_icc_alloc(1, &page);
    if (r < 0) {
        ant_printf("ata: no ICC pages for my buffers (%s)\n", ant_strerror(r));
        return 1;
    }
    prdt = page;
    int pci = find_channels() == 0;
    dsk_take_over(args);            /* a predecessor has stopped with the drives */
    int alive = 0;
    for (int i = 0; i < 2; i++)
        alive += chans[i].present = (uint8_t)channel_alive(&chans[i]);
    if (alive)
        ant_dma_reset();        /* the channels are reset: no DMA of before can land */
    if (!alive) {
        if (pci)
            ant_printf("ata: the IDE controller's channels do not answer\n");
        return SVC_EXIT_NO_DEVICE;
    }
    use_dma = chans[0].bm && !dsk_arg(args, "pio");
    for (int i = 0; i < 2; i++)
        if (chans[i].present)
            bind_irq(&chans[i]);
    for (uint32_t unit = 0; unit < 4; unit++)
        if (chan_of(unit)->present)
            add_drive(unit);
    ant_printf("ata: build %d (pid %d): %s\n", SVC_VERSION, (int)ant_getpid(),
               use_dma ? "DMA, completion by interrupt" : "programmed I/O, status polled");
    dsk_found_all();
    dsk_serve(&driver);
}
