/*
 * The disk driver: the first ATA disk (primary channel, master) in ring 3,
 * behind the DISK_* requests (include/ant/servers.h), registered as "disk".
 *
 * LBA28 programmed I/O: IDENTIFY at start for the size, READ SECTORS and
 * WRITE SECTORS (up to 256 sectors a command) with the data moved by
 * `rep insw` / `rep outsw` straight between the data port and the ICC
 * pages the client lent (its run is mapped here while I hold it, and goes
 * back with every reply).
 *
 * Waiting for the drive: polled, not interrupt-driven. IPC cannot receive
 * from the inner core alone (ant_recv(0) means "anyone"), so waiting for
 * IRQ 14 in the middle of a request would also take clients' requests,
 * which I would then have to hold and queue. Instead one request is served
 * at a time, start to end: after each command the status register is
 * polled (ant_yield between polls, so servers of my priority still run)
 * until BSY clears, with a deadline in ticks, so a dead disk costs a
 * timeout and an EIO, never the server. IRQ 14 is still bound: the line is
 * mine, and its messages are acknowledged between requests (a read of the
 * status register clears the drive's interrupt, then irq_ack). A timeout
 * is followed by a reset of the channel; a drive that does not come back
 * from it is taken as gone, and every request fails with EIO from then on.
 *
 * Live replacement: a successor started with "takeover=PID" takes the
 * disk's size from PID (SVC_HANDOVER) instead of probing the drive while
 * its predecessor may still use it.
 */
#include "lib/ant.h"
#include "lib/fmt.h"
#include "lib/io.h"
#include "lib/string.h"
#include "lib/svc.h"

#ifndef SVC_VERSION
#define SVC_VERSION 1
#endif

/* The primary channel's command block; ATA_BASE + n below. */
#define ATA_BASE    0x1F0
#define ATA_DATA    (ATA_BASE + 0)  /* 16-bit data port */
#define ATA_COUNT   (ATA_BASE + 2)  /* sectors (0 means 256) */
#define ATA_LBA_LO  (ATA_BASE + 3)  /* LBA bits 0-7 */
#define ATA_LBA_MID (ATA_BASE + 4)  /* LBA bits 8-15; a signature after reset */
#define ATA_LBA_HI  (ATA_BASE + 5)  /* LBA bits 16-23; a signature after reset */
#define ATA_DRIVE   (ATA_BASE + 6)  /* drive select, LBA bits 24-27 */
#define ATA_STATUS  (ATA_BASE + 7)  /* read: status (clears the drive's interrupt) */
#define ATA_COMMAND (ATA_BASE + 7)  /* write: command */
#define ATA_PORTS   8
#define ATA_CTRL    0x3F6           /* write: device control; read: alternate
                                       status (does not clear the interrupt) */

#define ST_ERR      0x01            /* the last command failed */
#define ST_DRQ      0x08            /* the drive wants data moved */
#define ST_DF       0x20            /* drive fault */
#define ST_BSY      0x80            /* the drive owns the registers */
#define ST_ABSENT   0xFF            /* a floating bus: no controller */

#define CTRL_SRST   0x04            /* software reset of both drives */
#define DRIVE_LBA_MASTER 0xE0       /* bits 7, 5 set (obsolete, set by custom),
                                       6: LBA addressing, 4 clear: master */

#define CMD_READ    0x20            /* READ SECTORS, PIO, LBA28 */
#define CMD_WRITE   0x30            /* WRITE SECTORS, PIO, LBA28 */
#define CMD_IDENTIFY 0xEC

#define ID_CAPS     49              /* IDENTIFY word: capabilities */
#define ID_CAPS_LBA 0x0200          /* ... LBA supported */
#define ID_LBA28    60              /* words 60-61: sectors addressable by LBA28 */

#define SECTOR      512
#define SECTOR_WORDS (SECTOR / 2)
#define SECTORS_PER_PAGE (4096 / SECTOR)
#define MAX_PER_CMD 256             /* a sector count of 0 in ATA_COUNT */
#define LBA28_LIMIT 0x10000000u

#define IRQ_ATA     14
#define BIND_TRIES  500             /* 5 s of ticks for a predecessor to let go */
#define WAIT_TICKS  300             /* 3 s for any one step of a command */
#define RESET_TICKS 500             /* 5 s for a drive to come out of reset */
#define FAST_POLLS  64              /* polls before the first yield: QEMU and
                                       real drives are often done by then */

/* Everything a successor needs, handed over in one ICC page. */
struct state {
    uint32_t magic, version;
    uint32_t sectors;               /* of the disk; 0: no (working) disk */
};
_Static_assert(sizeof(struct state) <= 4096, "the state fits one ICC page");

static struct state st;
static uint16_t identify_data[SECTOR_WORDS];
static int irq_bound;

/* ---- the drive ---- */

static inline void read_words(void *buf, uint32_t words)
{
    __asm__ volatile("rep insw" : "+D"(buf), "+c"(words) : "d"((uint16_t)ATA_DATA) : "memory");
}

static inline void write_words(const void *buf, uint32_t words)
{
    __asm__ volatile("rep outsw" : "+S"(buf), "+c"(words) : "d"((uint16_t)ATA_DATA) : "memory");
}

/* The 400 ns a drive may take to show a new status after a command or a
 * drive select: four reads of the alternate status. */
static void settle(void)
{
    for (int i = 0; i < 4; i++)
        inb(ATA_CTRL);
}

/* Wait until the drive is not busy and shows every bit of want: 0, or
 * -ANT_EIO if it reports an error or the deadline passes. */
static int32_t wait_for(uint8_t want, uint32_t ticks)
{
    uint32_t t0 = ant_uptime();
    for (uint32_t polls = 0;; polls++) {
        uint8_t s = inb(ATA_STATUS);
        if (!(s & ST_BSY)) {
            if (s & (ST_ERR | ST_DF))
                return -ANT_EIO;
            if ((s & want) == want)
                return 0;
        }
        if (polls >= FAST_POLLS) {
            if (ant_uptime() - t0 > ticks)
                return -ANT_EIO;
            ant_yield();
        }
    }
}

/* Reset the channel: the way back from a timeout or a half-done transfer
 * (a predecessor that died in the middle of one). 0, or -ANT_EIO. */
static int32_t reset_channel(void)
{
    outb(ATA_CTRL, CTRL_SRST);
    ant_sleep(1);                   /* >= 5 us with SRST set */
    outb(ATA_CTRL, 0);
    ant_sleep(1);                   /* >= 2 ms before BSY means anything */
    if (inb(ATA_STATUS) == ST_ABSENT)
        return -ANT_EIO;
    return wait_for(0, RESET_TICKS);
}

/* Load the task file and start cmd on count (1-256) sectors at lba. */
static void issue(uint8_t cmd, uint32_t lba, uint32_t count)
{
    outb(ATA_DRIVE, (uint8_t)(DRIVE_LBA_MASTER | (lba >> 24 & 0x0F)));
    settle();
    outb(ATA_COUNT, (uint8_t)(count == MAX_PER_CMD ? 0 : count));
    outb(ATA_LBA_LO, (uint8_t)lba);
    outb(ATA_LBA_MID, (uint8_t)(lba >> 8));
    outb(ATA_LBA_HI, (uint8_t)(lba >> 16));
    outb(ATA_COMMAND, cmd);
    settle();
}

/* One command: count (1-256) sectors at lba between the drive and buf.
 * Each sector waits for DRQ; a write also waits for the drive to finish
 * (BSY clear) and report no error after its last sector. */
static int32_t command(uint8_t cmd, uint32_t lba, uint32_t count, uint8_t *buf)
{
    int32_t r = wait_for(0, WAIT_TICKS);
    if (r < 0 || inb(ATA_STATUS) & ST_DRQ)
        return r < 0 ? r : -ANT_EIO;    /* DRQ: a transfer left half done */
    issue(cmd, lba, count);
    for (uint32_t i = 0; i < count; i++, buf += SECTOR) {
        if ((r = wait_for(ST_DRQ, WAIT_TICKS)) < 0)
            return r;
        if (cmd == CMD_READ)
            read_words(buf, SECTOR_WORDS);
        else
            write_words(buf, SECTOR_WORDS);
        settle();                   /* BSY for the next sector, or the write */
    }
    return wait_for(0, WAIT_TICKS);
}

/* After a failed command: a reset, and a drive that does not come back
 * from it is gone. */
static void recover(void)
{
    if (reset_channel() < 0 && st.sectors) {
        st.sectors = 0;
        ant_printf("ata: the disk does not answer after a reset: every request fails with EIO\n");
    }
}

/* count sectors at lba, in commands of up to 256 sectors. */
static int32_t transfer(uint8_t cmd, uint32_t lba, uint32_t count, uint8_t *buf)
{
    while (count) {
        uint32_t n = count < MAX_PER_CMD ? count : MAX_PER_CMD;
        int32_t r = command(cmd, lba, n, buf);
        if (r < 0) {
            recover();
            return r;
        }
        lba += n;
        count -= n;
        buf += n * SECTOR;
    }
    return 0;
}

/* Whether the master answers IDENTIFY as an ATA disk; its data into
 * identify_data. A packet device (a CD drive) aborts IDENTIFY and shows
 * its signature instead: not a disk. */
static int identify(void)
{
    if (inb(ATA_STATUS) == ST_ABSENT || reset_channel() < 0)
        return 0;
    issue(CMD_IDENTIFY, 0, 0);
    if (inb(ATA_STATUS) == 0)
        return 0;               /* nothing drives the status: no master */
    if (wait_for(0, WAIT_TICKS) < 0 && !(inb(ATA_STATUS) & ST_ERR))
        return 0;
    if (inb(ATA_LBA_MID) || inb(ATA_LBA_HI))
        return 0;               /* a signature: packet (0x14, 0xEB) or SATA */
    if (wait_for(ST_DRQ, WAIT_TICKS) < 0)
        return 0;
    read_words(identify_data, SECTOR_WORDS);
    return 1;
}

/* The disk's size from IDENTIFY; 0: no disk usable with LBA28. */
static uint32_t probe(void)
{
    if (!identify() || !(identify_data[ID_CAPS] & ID_CAPS_LBA))
        return 0;
    uint32_t n = identify_data[ID_LBA28] | (uint32_t)identify_data[ID_LBA28 + 1] << 16;
    return n < LBA28_LIMIT ? n : LBA28_LIMIT - 1;
}

/* ---- replies ---- */

/* Fill m as a reply (its run goes back with it); 1: send it now. */
static int answer(struct ant_msg *m, int32_t status, uint32_t w1)
{
    m->w[0] = (uint32_t)status;
    m->w[1] = w1;
    m->w[2] = m->w[3] = 0;
    return 1;
}

/* ---- requests: each returns 1 when m is to be sent back now ---- */

static int op_info(int32_t from, struct ant_msg *m)
{
    (void)from;
    return st.sectors ? answer(m, 0, st.sectors) : answer(m, -ANT_EIO, 0);
}

/* w1 = first sector, w2 = sectors: inside the disk, and inside the run. */
static int32_t check_io(const struct ant_msg *m)
{
    uint32_t first = m->w[1], count = m->w[2];
    if (!st.sectors)
        return -ANT_EIO;
    if (!m->run || !count || count > ANT_ICC_RUN_PAGES(m->run) * SECTORS_PER_PAGE)
        return -ANT_EINVAL;
    if (first >= st.sectors || count > st.sectors - first)
        return -ANT_EINVAL;
    return 0;
}

static int op_read(int32_t from, struct ant_msg *m)
{
    (void)from;
    int32_t r = check_io(m);
    if (!r)
        r = transfer(CMD_READ, m->w[1], m->w[2], (uint8_t *)ANT_ICC_RUN_ADDR(m->run));
    return answer(m, r, 0);
}

static int op_write(int32_t from, struct ant_msg *m)
{
    (void)from;
    int32_t r = check_io(m);
    if (!r)
        r = transfer(CMD_WRITE, m->w[1], m->w[2], (uint8_t *)ANT_ICC_RUN_ADDR(m->run));
    return answer(m, r, 0);
}

static int op_ping(int32_t from, struct ant_msg *m)
{
    (void)from;
    return answer(m, 0, SVC_VERSION);
}

static int op_crash(int32_t from, struct ant_msg *m)
{
    if (from != pm_pid())
        return answer(m, -ANT_EPERM, 0);
    volatile int *volatile nowhere = 0;    /* so the compiler keeps the store */
    *nowhere = 1;
    return 0;
}

/* Hand my state to the successor and end. No request is half done (one
 * at a time), and none is held: the drive is idle and the successor's. */
static int op_handover(int32_t from, struct ant_msg *m)
{
    st.magic = SVC_STATE_MAGIC;
    st.version = SVC_VERSION;
    if (svc_hand_over((uint32_t)from, m, &st, sizeof st))
        ant_exit(0);
    return 0;
}

static const struct {
    uint32_t op;
    int (*fn)(int32_t from, struct ant_msg *m);
} ops[] = {
    {DISK_INFO, op_info}, {DISK_READ, op_read},   {DISK_WRITE, op_write},
    {SVC_PING, op_ping},  {SVC_CRASH, op_crash}, {SVC_HANDOVER, op_handover},
};

static int dispatch(int32_t from, struct ant_msg *m)
{
    for (uint32_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (ops[i].op == m->w[0])
            return ops[i].fn(from, m);
    return answer(m, -ANT_ENOSYS, 0);
}

/* IRQ 14, between requests: clear the drive's interrupt, open the line. */
static void irq_done(void)
{
    inb(ATA_STATUS);
    ant_irq_ack(IRQ_ATA);
}

static __attribute__((noreturn)) void serve(void)
{
    for (;;) {
        struct ant_msg m;
        int32_t from = ant_recv(0, &m);
        if (from == 0 && irq_bound && m.w[0] == IRQ_ATA)
            irq_done();
        else if (from > 0 && dispatch(from, &m))
            svc_reply(from, &m);
    }
}

/* ---- start-up ---- */

/* A predecessor's state, checked before I trust it. */
static int state_sane(const void *state)
{
    const struct state *s = state;
    return s->magic == SVC_STATE_MAGIC && s->sectors < LBA28_LIMIT;
}

/* Bind IRQ 14, waiting for a predecessor to let it go. */
static void bind_irq(void)
{
    int32_t r;
    for (int i = 0; (r = ant_irq_bind(IRQ_ATA)) == -ANT_EBUSY && i < BIND_TRIES; i++)
        ant_sleep(1);
    if (r < 0)
        ant_printf("ata: IRQ %d: %s (the driver polls: it works without)\n", IRQ_ATA,
                   ant_strerror(r));
    irq_bound = r == 0;
    inb(ATA_STATUS);                /* an interrupt raised before I was here */
}

/* My disk: the predecessor's (args "takeover=PID") or probed; a line
 * saying which into note. */
static void start(const char *args, char *note, uint32_t size)
{
    uint32_t old = svc_takeover_pid(args);
    int32_t r = old ? svc_take_state(old, &st, sizeof st, state_sane) : -ANT_ESRCH;
    if (old && r >= 0) {
        fmt_snprintf(note, size, "; took over from pid %u", (unsigned)old);
        return;
    }
    if (old)
        fmt_snprintf(note, size, "; takeover from pid %u failed (%s): probed afresh",
                     (unsigned)old, ant_strerror(r));
    st.sectors = probe();
}

int main(const char *args)
{
    char note[96] = "";
    if (ant_ioperm(ATA_BASE, ATA_PORTS) || ant_ioperm(ATA_CTRL, 1)) {
        ant_printf("ata: no I/O rights (started without ANT_SPAWN_PRIV?)\n");
        return 1;
    }
    start(args, note, sizeof note);
    if (!st.sectors) {
        ant_printf("ata: no disk on the primary channel\n");
    } else {
        bind_irq();
        ant_printf("ata: build %d (pid %d): disk of %u sectors (%u MiB)%s\n", SVC_VERSION,
                   (int)ant_getpid(), (unsigned)st.sectors, (unsigned)(st.sectors / 2048), note);
    }
    serve();
}
