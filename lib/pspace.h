/*
 * Paging spaces on disk (docs/DESIGN.md §5, "Paging spaces"): the header that
 * marks one, and how a disk is read to find them. A paging space is a
 * whole disk, or a partition of an MBR (type PS_MBR_TYPE) or of a GPT
 * (type PS_GPT_TYPE), whose first sector holds a valid header; nothing
 * else is ever a paging space, whatever it holds. The disk drivers use
 * this to decide what they may write; it is pure code, host-tested.
 *
 * Layout of a space of S sectors starting at sector B:
 *   B .. B+7              the header (sector B) and 7 reserved sectors
 *   B+8+8k .. B+8+8k+7    slot k (one 4 KB page), k < slots
 * and 8 + 8 * slots <= S.
 */
#ifndef LIB_PSPACE_H
#define LIB_PSPACE_H
#include <stddef.h>
#include <stdint.h>

#define PS_SECTOR 512
#define PS_MAGIC "ANT-PAGING-SPACE"     /* 16 bytes, no NUL */
#define PS_VERSION 1
#define PS_FIRST_SECTOR 8               /* slot 0, sectors into the space */
#define PS_SLOT_SECTORS 8               /* a slot is a 4 KB page */
#define PS_MBR_TYPE 0x7F                /* MBR partition type of a paging space */
/* GPT partition type 84F0B229-24E2-4ECF-ABF0-29D19E42413E, as on disk. */
#define PS_GPT_TYPE {0x29, 0xB2, 0xF0, 0x84, 0xE2, 0x24, 0xCF, 0x4E, \
                     0xAB, 0xF0, 0x29, 0xD1, 0x9E, 0x42, 0x41, 0x3E}
#define PS_MAX_SPACES 4                 /* on one disk */
#define PS_GPT_ENTRIES_MAX 256          /* 32 KB of entries at most */
#define PS_SCAN_BUF (PS_GPT_ENTRIES_MAX * 128)  /* scratch the scan needs */

/* The header, in the space's first sector. Little-endian. */
struct ps_header {
    char magic[16];                     /* PS_MAGIC */
    uint32_t version;                   /* PS_VERSION */
    uint32_t first_sector;              /* PS_FIRST_SECTOR */
    uint32_t slot_sectors;              /* PS_SLOT_SECTORS */
    uint32_t slots;                     /* size of the space in slots */
    uint64_t space_sectors;             /* sectors the tool saw (for the record) */
    uint8_t id[16];                     /* random, chosen when it was made */
    char label[32];                     /* NUL-padded text, for people */
    uint8_t zero[420];
    uint32_t crc;                       /* CRC-32 of bytes 0-507 */
};
_Static_assert(sizeof(struct ps_header) == PS_SECTOR, "the header is one sector");

/* A paging space found on a disk. */
struct ps_space {
    uint32_t start;                     /* its first sector (the header) */
    uint32_t sectors;                   /* of the disk or partition */
    uint32_t slots;
    uint8_t id[16];
    uint8_t table;                      /* 0 whole disk, 'M' MBR, 'G' GPT */
    uint8_t part;                       /* partition number (1-based) */
};

/* Read count sectors from lba into buf: 0, or < 0 if the disk fails. */
typedef int32_t (*ps_read_fn)(void *ctx, uint32_t lba, uint32_t count, void *buf);

struct ps_scan {
    /* in */
    ps_read_fn read;
    void *ctx;
    uint64_t sectors;                   /* of the disk (all of it, past 2 TiB too:
                                           its tables are checked against it; a
                                           space must lie below 2^32 sectors) */
    uint8_t *buf;                       /* PS_SCAN_BUF bytes of scratch */
    /* out */
    struct ps_space space[PS_MAX_SPACES];
    uint32_t nspaces;
    char verdict[200];                  /* one line: what it holds, and why it
                                           is (not) used */
};

/* Look at a disk: its paging spaces, and the verdict. 0, or the read
 * error (verdict says where). Only reads. */
int32_t ps_scan_disk(struct ps_scan *s);

/* Is sector sec (PS_SECTOR bytes) a valid header for a space of sectors
 * sectors? 0, or a reason (a constant, or written into why). */
const char *ps_header_problem(const void *sec, uint64_t sectors, char *why, size_t len);
/* The id as 8 hex digits (its first 4 bytes) into buf (9 bytes). */
void ps_id_short(const uint8_t id[16], char buf[9]);

#endif
