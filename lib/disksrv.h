/*
 * The server half both disk drivers share (outer_core/ata, outer_core/ahci):
 * the disks they found and the paging spaces on them (lib/pspace.h), the
 * DISK_* requests of include/ant/servers.h and who may make them, waiting
 * for the device by interrupt with a deadline, replacement, and the log. A
 * driver finds its controller and disks, says how to move sectors, and
 * calls dsk_serve.
 */
#ifndef LIB_DISKSRV_H
#define LIB_DISKSRV_H
#include <stdint.h>
#include "lib/pspace.h"

#define DSK_DISKS_MAX 8
#define DSK_SPACES_MAX 8
#define DSK_SCRATCH_PAGES (PS_SCAN_BUF / 4096)
#define DSK_WAIT_TICKS 300              /* 3 s for a command to end */

struct dsk_disk {
    char where[24];                     /* "primary master", "port 2" */
    char model[41];
    uint64_t sectors;                   /* 512-byte sectors it has (paging spaces
                                           lie below 2^32: 2 TiB) */
    uint32_t unit;                      /* the driver's own number for it */
    uint8_t lba48;                      /* takes 48-bit commands */
};

struct dsk_driver {
    const char *name;                   /* log prefix: "ata", "ahci" */
    /* Move count sectors at lba between disk d and the ICC pages at va
     * (physically contiguous: dsk_phys). 0, or -ANT_EIO / -ANT_ETIMEDOUT
     * after the driver has said why and recovered the controller. */
    int32_t (*transfer)(const struct dsk_disk *d, int write, uint32_t lba, uint32_t count,
                        uint8_t *va);
    /* An interrupt arrived while no request was running (may be 0). */
    void (*stray_irq)(uint32_t irq);
    /* Stop the controller's DMA engines: a successor takes over (may be 0). */
    void (*quiesce)(void);
};

/* Before anything else: the ICC region's base (for dsk_phys) and scratch
 * pages. 0, or -error. */
int32_t dsk_init(const char *name);
/* The physical address of an ICC address: phys = virt - 2GB + icc_base,
 * the ICC area's rule; no table walk. */
uint32_t dsk_phys(const void *va);
/* DSK_SCRATCH_PAGES ICC pages of mine, physically contiguous. */
uint8_t *dsk_scratch(void);

/* The size of a disk from its IDENTIFY words, and whether it takes 48-bit
 * commands: the 48-bit size only when word 83 is valid (bits 15:14 = 01)
 * and says so, and when it is no smaller than the 28-bit one. */
uint64_t dsk_identify_size(const uint16_t id[256], uint8_t *lba48);
/* A disk found: look for paging spaces on it (reads only) and log one
 * line naming it and what is done with it. */
void dsk_add(const struct dsk_disk *d, const struct dsk_driver *drv);
/* A device that is not a disk this system uses: one line saying why. */
void dsk_skip(const char *where, const char *what, const char *why);
/* After the last dsk_add: the summary line. */
void dsk_found_all(void);
/* In a transfer that failed: the controller may still move data into or
 * out of the request's pages (it would not stop). They are kept, never
 * given back or freed while I live, and the reply carries no run. */
void dsk_hold_run(void);
/* The disk the driver calls unit was reset, or its link went down and up:
 * it may be another disk now. Before the next request to it, the header
 * of each of its paging spaces is read again and must be what it was. */
void dsk_unit_reset(uint32_t unit);

/* Wait for the device: a message from the inner core (an IRQ: done(ctx,
 * irq) says 1 finished, 0 not yet, < 0 failed), or, after ticks, give up
 * with -ANT_ETIMEDOUT. Without an IRQ (irq_bound 0), done is polled once
 * a tick instead. Client requests wait meanwhile. */
int32_t dsk_wait(uint32_t ticks, int irq_bound, int32_t (*done)(void *ctx, uint32_t irq),
                 void *ctx);

/* Serve DISK_* (and ping, crash, hand-over) for ever. args: the driver's
 * arguments ("takeover=PID" from the process manager). */
void dsk_serve(const struct dsk_driver *drv) __attribute__((noreturn));
/* A predecessor's counters, if args name one (takeover=PID); call before
 * touching the controller: it has stopped using it when this returns. */
void dsk_take_over(const char *args);
/* Whether args has the word w. */
int dsk_arg(const char *args, const char *w);

#endif
