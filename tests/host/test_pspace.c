/* lib/pspace: which disks hold a paging space, and that nothing else is
 * ever taken for one. Disks are built in memory: whole-disk spaces, MBR
 * and GPT tables with and without an AnT partition, broken headers and
 * tables, other contents; then 200,000 mutated images, none of which may
 * yield a space that its header does not vouch for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/crc32.h"
#include "lib/pspace.h"
#include "tests/host/check.h"

#define DISK_SECTORS 8192           /* 4 MiB */
#define MIB_SECTORS 2048

struct disk {
    uint8_t *d;
    uint32_t sectors;
    uint32_t fail_at;               /* a sector whose read fails; 0: none */
};

static struct disk dk;
static uint8_t scratch[PS_SCAN_BUF];
static struct ps_scan sc;

static int32_t rd(void *ctx, uint32_t lba, uint32_t count, void *buf)
{
    struct disk *d = ctx;
    if (lba >= d->sectors || count > d->sectors - lba)
        return -1;
    if (d->fail_at && d->fail_at >= lba && d->fail_at < lba + count)
        return -15;
    memcpy(buf, d->d + (size_t)lba * PS_SECTOR, (size_t)count * PS_SECTOR);
    return 0;
}

static void disk_new(uint32_t sectors)
{
    free(dk.d);
    dk.d = calloc(sectors, PS_SECTOR);
    dk.sectors = sectors;
    dk.fail_at = 0;
}

static uint8_t *sector(uint32_t lba)
{
    return dk.d + (size_t)lba * PS_SECTOR;
}

static int32_t scan(void)
{
    memset(&sc, 0, sizeof sc);
    sc.read = rd;
    sc.ctx = &dk;
    sc.sectors = dk.sectors;
    sc.buf = scratch;
    return ps_scan_disk(&sc);
}

static int said(const char *text)
{
    return strstr(sc.verdict, text) != 0;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* A header for a space of `sectors` at lba, with slots (0: as many as fit). */
static void header_at(uint32_t lba, uint32_t sectors, uint32_t slots, uint8_t id0)
{
    struct ps_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, PS_MAGIC, 16);
    h.version = PS_VERSION;
    h.first_sector = PS_FIRST_SECTOR;
    h.slot_sectors = PS_SLOT_SECTORS;
    h.slots = slots ? slots : (sectors - PS_FIRST_SECTOR) / PS_SLOT_SECTORS;
    h.space_sectors = sectors;
    h.id[0] = id0;
    h.id[1] = 0x5A;
    h.crc = crc32_update(0, &h, offsetof(struct ps_header, crc));
    memcpy(sector(lba), &h, sizeof h);
}

static void rechecksum(uint32_t lba)
{
    struct ps_header *h = (struct ps_header *)sector(lba);
    h->crc = crc32_update(0, h, offsetof(struct ps_header, crc));
}

static void mbr_entry(int i, uint8_t type, uint32_t start, uint32_t count)
{
    uint8_t *e = sector(0) + 446 + 16 * i;
    e[0] = 0;
    e[4] = type;
    put32(e + 8, start);
    put32(e + 12, count);
    sector(0)[510] = 0x55;
    sector(0)[511] = 0xAA;
}

/* A FAT-looking boot sector at lba. */
static void fat_at(uint32_t lba)
{
    uint8_t *s = sector(lba);
    s[0] = 0xEB;
    s[1] = 0x3C;
    s[2] = 0x90;
    memcpy(s + 0x36, "FAT16   ", 8);
    s[510] = 0x55;
    s[511] = 0xAA;
}

static const uint8_t ant_guid[16] = PS_GPT_TYPE;
static const uint8_t linux_guid[16] = {0xAF, 0x3D, 0xC6, 0x0F, 0x83, 0x84, 0x72, 0x47,
                                       0x8E, 0x79, 0x3D, 0x69, 0xD8, 0x47, 0x7D, 0xE4};

#define GPT_ENTRIES 128
#define GPT_FIRST 34

/* A protective MBR and a GPT with entries set by gpt_entry; gpt_seal after. */
static void gpt_new(void)
{
    mbr_entry(0, 0xEE, 1, dk.sectors - 1);
    uint8_t *h = sector(1);
    memcpy(h, "EFI PART", 8);
    put32(h + 8, 0x00010000);
    put32(h + 12, 92);
    put64(h + 24, 1);
    put64(h + 32, dk.sectors - 1);
    put64(h + 40, GPT_FIRST);
    put64(h + 48, dk.sectors - 34);
    put64(h + 72, 2);
    put32(h + 80, GPT_ENTRIES);
    put32(h + 84, 128);
}

static void gpt_entry(int i, const uint8_t type[16], uint64_t first, uint64_t last)
{
    uint8_t *e = sector(2) + 128 * i;
    memcpy(e, type, 16);
    e[16] = (uint8_t)(i + 1);           /* a unique partition GUID */
    put64(e + 32, first);
    put64(e + 40, last);
}

static void gpt_seal(void)
{
    uint8_t *h = sector(1);
    put32(h + 88, crc32_update(0, sector(2), GPT_ENTRIES * 128));
    put32(h + 16, 0);
    put32(h + 16, crc32_update(0, h, 92));
}

/* ---- whole disks ---- */

HTEST(pspace_whole_disk)
{
    disk_new(DISK_SECTORS);
    header_at(0, DISK_SECTORS, 0, 1);
    CHECK(scan() == 0);
    CHECK_EQ_U(sc.nspaces, 1);
    CHECK_EQ_U(sc.space[0].start, 0);
    CHECK_EQ_U(sc.space[0].table, 0);
    CHECK_EQ_U(sc.space[0].slots, (DISK_SECTORS - 8) / 8);
    CHECK(said("paging space: the whole disk, 1023 slots"));
}

HTEST(pspace_header_damaged_or_foreign)
{
    disk_new(DISK_SECTORS);
    header_at(0, DISK_SECTORS, 0, 1);
    sector(0)[100] ^= 1;                /* a bit flipped: the checksum fails */
    CHECK(scan() == 0 && sc.nspaces == 0 && said("bad checksum"));
    header_at(0, DISK_SECTORS, 0, 1);
    ((struct ps_header *)sector(0))->version = 2;
    rechecksum(0);
    CHECK(scan() == 0 && sc.nspaces == 0 && said("version 2"));
    header_at(0, DISK_SECTORS, 0, 1);
    ((struct ps_header *)sector(0))->first_sector = 0;     /* would overlay the header */
    rechecksum(0);
    CHECK(scan() == 0 && sc.nspaces == 0 && said("layout"));
    header_at(0, DISK_SECTORS, 0, 1);
    ((struct ps_header *)sector(0))->slots = 0;
    rechecksum(0);
    CHECK(scan() == 0 && sc.nspaces == 0 && said("0 slots"));
}

HTEST(pspace_header_past_the_end)
{
    disk_new(DISK_SECTORS);
    header_at(0, DISK_SECTORS, 1024, 1);    /* 8 + 8 * 1024 > 8192 */
    CHECK(scan() == 0 && sc.nspaces == 0 && said("past its end"));
    header_at(0, DISK_SECTORS, 0xFFFFFFFFu, 1);     /* would wrap in 32 bits */
    CHECK(scan() == 0 && sc.nspaces == 0 && said("past its end"));
    header_at(0, DISK_SECTORS, 1023, 1);    /* exactly fits */
    CHECK(scan() == 0 && sc.nspaces == 1);
}

HTEST(pspace_other_contents_refused)
{
    disk_new(DISK_SECTORS);
    CHECK(scan() == 0 && sc.nspaces == 0 && said("all zeros"));
    fat_at(0);
    CHECK(scan() == 0 && sc.nspaces == 0 && said("a FAT file system"));
    disk_new(DISK_SECTORS);
    memcpy(sector(64) + 1, "CD001", 5);
    CHECK(scan() == 0 && sc.nspaces == 0 && said("ISO 9660"));
    disk_new(DISK_SECTORS);
    sector(2)[56] = 0x53;
    sector(2)[57] = 0xEF;
    CHECK(scan() == 0 && sc.nspaces == 0 && said("ext2/3/4"));
    disk_new(DISK_SECTORS);
    memset(sector(0), 0x37, PS_SECTOR);
    CHECK(scan() == 0 && sc.nspaces == 0 && said("does not know"));
    disk_new(8);                        /* too small for even one slot */
    CHECK(scan() == 0 && sc.nspaces == 0 && said("too small"));
}

HTEST(pspace_read_error)
{
    disk_new(DISK_SECTORS);
    dk.fail_at = 0;
    header_at(0, DISK_SECTORS, 0, 1);
    dk.fail_at = 0;
    memset(sector(0), 0, PS_SECTOR);
    mbr_entry(0, PS_MBR_TYPE, 2048, 2048);
    header_at(2048, 2048, 0, 1);
    dk.fail_at = 2048;
    CHECK(scan() == 0 && sc.nspaces == 0 && said("cannot be read"));
}

/* ---- MBR ---- */

HTEST(pspace_mbr_partition)
{
    disk_new(DISK_SECTORS);
    mbr_entry(0, 0x0C, 2048, 2048);     /* FAT32 LBA */
    fat_at(2048);
    mbr_entry(1, PS_MBR_TYPE, 4096, 4096);
    header_at(4096, 4096, 0, 2);
    CHECK(scan() == 0);
    CHECK_EQ_U(sc.nspaces, 1);
    CHECK_EQ_U(sc.space[0].start, 4096);
    CHECK_EQ_U(sc.space[0].sectors, 4096);
    CHECK_EQ_U(sc.space[0].table, 'M');
    CHECK_EQ_U(sc.space[0].part, 2);
    CHECK_EQ_U(sc.space[0].slots, 511);
    CHECK(said("MBR partition 2, 511 slots"));
}

HTEST(pspace_mbr_without_ours)
{
    disk_new(DISK_SECTORS);
    mbr_entry(0, 0x83, 2048, 4096);
    header_at(2048, 4096, 0, 1);        /* our header, but not our type: no */
    CHECK(scan() == 0 && sc.nspaces == 0 && said("no AnT paging partition"));
    mbr_entry(0, PS_MBR_TYPE, 2048, 4096);
    memset(sector(2048), 0, PS_SECTOR); /* our type, no header: no */
    CHECK(scan() == 0 && sc.nspaces == 0 && said("is of the AnT paging type") &&
          said("no paging-space header"));
    header_at(2048, 4096, 600, 1);      /* a header too big for the partition */
    CHECK(scan() == 0 && sc.nspaces == 0 && said("past its end"));
}

HTEST(pspace_mbr_broken_tables)
{
    disk_new(DISK_SECTORS);
    mbr_entry(0, 0x83, 2048, 2048);
    mbr_entry(1, PS_MBR_TYPE, 4096, DISK_SECTORS);  /* past the end */
    header_at(4096, 4096, 0, 1);
    CHECK(scan() == 0 && sc.nspaces == 0 && said("points past the end"));
    mbr_entry(1, PS_MBR_TYPE, 3000, 4096);      /* overlaps partition 1 */
    header_at(3000, 4096, 0, 1);
    CHECK(scan() == 0 && sc.nspaces == 0 && said("overlaps partition 1"));
    mbr_entry(1, PS_MBR_TYPE, 4096, 4096);
    mbr_entry(2, 0x07, 0xFFFFFF00u, 0x200);     /* another one wraps */
    header_at(4096, 4096, 0, 1);
    CHECK(scan() == 0 && sc.nspaces == 0 && said("points past the end"));
}

HTEST(pspace_mbr_two_spaces)
{
    disk_new(DISK_SECTORS);
    mbr_entry(0, PS_MBR_TYPE, 64, 2048);
    header_at(64, 2048, 0, 1);
    mbr_entry(3, PS_MBR_TYPE, 4096, 2048);
    header_at(4096, 2048, 0, 2);
    CHECK(scan() == 0 && sc.nspaces == 2);
    CHECK(sc.space[0].part == 1 && sc.space[1].part == 4);
}

/* ---- GPT ---- */

HTEST(pspace_gpt_partition)
{
    disk_new(DISK_SECTORS);
    gpt_new();
    gpt_entry(0, linux_guid, 2048, 4095);
    gpt_entry(3, ant_guid, 4096, 8000);
    header_at(4096, 3905, 0, 3);
    gpt_seal();
    CHECK(scan() == 0);
    CHECK_EQ_U(sc.nspaces, 1);
    CHECK_EQ_U(sc.space[0].start, 4096);
    CHECK_EQ_U(sc.space[0].sectors, 3905);
    CHECK_EQ_U(sc.space[0].table, 'G');
    CHECK_EQ_U(sc.space[0].part, 4);
    CHECK(said("GPT partition 4"));
}

HTEST(pspace_gpt_without_ours)
{
    disk_new(DISK_SECTORS);
    gpt_new();
    gpt_entry(0, linux_guid, 2048, 4095);
    header_at(2048, 2048, 0, 1);        /* a header in a Linux partition: no */
    gpt_seal();
    CHECK(scan() == 0 && sc.nspaces == 0 && said("a GPT (1 partitions) with no AnT"));
    gpt_entry(1, ant_guid, 4096, 6143); /* ours, without a header */
    gpt_seal();
    CHECK(scan() == 0 && sc.nspaces == 0 && said("no paging-space header"));
}

HTEST(pspace_gpt_ours_over_its_own_entries)
{
    disk_new(DISK_SECTORS);
    gpt_new();
    gpt_entry(0, ant_guid, 20, 4095);   /* starts inside the entries (LBA 2-33) */
    header_at(20, 4076, 0, 1);
    put64(sector(1) + 40, 20);          /* a first usable sector that lies */
    gpt_seal();
    CHECK(scan() == 0 && sc.nspaces == 0 && said("overlaps the GPT itself"));
    gpt_new();
    gpt_entry(0, ant_guid, 4096, DISK_SECTORS - 2);    /* over the backup at the end */
    header_at(4096, DISK_SECTORS - 4097, 0, 1);
    put64(sector(1) + 48, DISK_SECTORS - 2);
    gpt_seal();
    CHECK(scan() == 0 && sc.nspaces == 0 && said("overlaps the GPT itself"));
}

HTEST(pspace_beyond_2tib)
{
    /* A disk bigger than 32-bit sector numbers: its table is read against
     * its real size, a space past 2^32 sectors is refused, one below it
     * used. */
    disk_new(DISK_SECTORS);
    gpt_new();
    uint64_t big = 6ull << 30;          /* 3 TiB of sectors */
    put64(sector(1) + 48, big - 34);
    gpt_entry(0, ant_guid, 4096, 8000);
    header_at(4096, 3905, 0, 1);
    gpt_entry(1, ant_guid, 0x100000000ull, 0x100010000ull);
    gpt_seal();
    memset(&sc, 0, sizeof sc);
    sc.read = rd;
    sc.ctx = &dk;
    sc.sectors = big;
    sc.buf = scratch;
    CHECK(ps_scan_disk(&sc) == 0);
    CHECK_EQ_U(sc.nspaces, 1);
    CHECK_EQ_U(sc.space[0].start, 4096);
}

HTEST(pspace_gpt_broken)
{
    disk_new(DISK_SECTORS);
    gpt_new();
    gpt_entry(0, ant_guid, 4096, 6143);
    header_at(4096, 2048, 0, 1);
    gpt_seal();
    CHECK(scan() == 0 && sc.nspaces == 1);
    sector(1)[40] ^= 1;                 /* header changed, checksum not */
    CHECK(scan() == 0 && sc.nspaces == 0 && said("GPT header is damaged"));
    gpt_seal();
    sector(2)[40] ^= 1;                 /* an entry changed */
    CHECK(scan() == 0 && sc.nspaces == 0 && said("entries are damaged"));
    sector(2)[40] ^= 1;
    gpt_entry(1, linux_guid, 5000, 7000);   /* overlaps ours */
    gpt_seal();
    CHECK(scan() == 0 && sc.nspaces == 0 && said("overlaps partition 2"));
    gpt_entry(1, linux_guid, 6144, DISK_SECTORS + 10);  /* outside the disk */
    gpt_seal();
    CHECK(scan() == 0 && sc.nspaces == 0 && said("outside the disk's usable sectors"));
    gpt_entry(1, linux_guid, 6144, 7000);
    memset(sector(1), 0, 8);            /* no signature */
    gpt_seal();
    CHECK(scan() == 0 && sc.nspaces == 0 && said("no GPT header"));
    gpt_new();
    put32(sector(1) + 80, 100000);      /* too many entries to read */
    gpt_seal();
    CHECK(scan() == 0 && sc.nspaces == 0 && said("more than this system reads"));
}

/* ---- every mutation of a valid image: a space only where a header says ---- */

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* A space on a partition is one entry of its table, of our type, and no
 * other entry (nor the GPT itself) overlaps it: read here from the raw
 * sectors, not through the scanner. */
static int partition_sound(const struct ps_space *s)
{
    uint64_t a = s->start, b = (uint64_t)s->start + s->sectors;
    int found = 0;
    if (s->table == 'M') {
        for (int i = 0; i < 4; i++) {
            const uint8_t *e = sector(0) + 446 + 16 * i;
            uint64_t st = get32(e + 8), en = st + get32(e + 12);
            if (!e[4])
                continue;
            if (st == a && en == b && e[4] == PS_MBR_TYPE && i + 1 == s->part)
                found = 1;
            else if (st < b && a < en)
                return 0;
        }
        return found;
    }
    const uint8_t *h = sector(1);
    uint64_t elba = get64(h + 72);
    uint32_t n = get32(h + 80), size = get32(h + 84);
    if (size < 128 || (uint64_t)n * size > PS_SCAN_BUF || elba + (n * size + 511) / 512 > dk.sectors)
        return 0;
    if (a < elba + (n * size + 511) / 512)
        return 0;                       /* over the entries */
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = dk.d + elba * 512 + (size_t)i * size;
        uint64_t st = get64(e + 32), en = get64(e + 40) + 1;
        static const uint8_t zero[16];
        if (!memcmp(e, zero, 16))
            continue;
        if (st == a && en == b && !memcmp(e, ant_guid, 16) && i + 1 == s->part)
            found = 1;
        else if (st < b && a < en)
            return 0;
    }
    return found;
}

/* The invariant, checked here on its own: every space lies inside the
 * disk, after a header with the magic and a right checksum, its slots fit
 * in it, and a partition space is a sound entry of its table. */
static int spaces_sound(void)
{
    for (uint32_t i = 0; i < sc.nspaces; i++) {
        const struct ps_space *s = &sc.space[i];
        const struct ps_header *h = (const struct ps_header *)sector(s->start);
        if (s->start >= dk.sectors || s->sectors > dk.sectors - s->start)
            return 0;
        if (memcmp(h->magic, PS_MAGIC, 16) || h->slots != s->slots ||
            crc32_update(0, h, offsetof(struct ps_header, crc)) != h->crc)
            return 0;
        if (PS_FIRST_SECTOR + (uint64_t)s->slots * PS_SLOT_SECTORS > s->sectors)
            return 0;
        if (s->table && !partition_sound(s))
            return 0;
    }
    return 1;
}

/* Mutate a copy of the image made by make, round after round: each round
 * flips a few bits (in the tables mostly), sometimes makes the checksums
 * valid again over the damage, scans, and puts the touched sectors back. */
static void fuzz_from(void (*make)(void), uint32_t space_lba, int rounds)
{
    make();
    uint8_t *pristine = malloc((size_t)dk.sectors * PS_SECTOR);
    memcpy(pristine, dk.d, (size_t)dk.sectors * PS_SECTOR);
    for (int r = 0; r < rounds; r++) {
        uint32_t touched[10], nt = 0;
        int flips = 1 + (int)(next_rand() % 8);
        for (int k = 0; k < flips; k++) {
            uint32_t pick = next_rand() % 8;
            uint32_t lba = pick < 2 ? next_rand() % dk.sectors : pick == 2 ? space_lba
                                                                           : next_rand() % 3;
            sector(lba)[next_rand() % PS_SECTOR] ^= (uint8_t)(1u << (next_rand() % 8));
            touched[nt++] = lba;
        }
        if (next_rand() % 4 == 0)
            gpt_seal();                 /* valid checksums over bad contents */
        if (next_rand() % 4 == 0)
            rechecksum(space_lba);
        scan();
        if (!spaces_sound()) {
            htest_fail(__FILE__, __LINE__, "round %d: a space without a sound header: %s", r,
                       sc.verdict);
            break;
        }
        touched[nt++] = 1;
        touched[nt++] = space_lba;
        for (uint32_t i = 0; i < nt; i++)
            memcpy(sector(touched[i]), pristine + (size_t)touched[i] * PS_SECTOR, PS_SECTOR);
    }
    free(pristine);
}

static void make_gpt(void)
{
    disk_new(DISK_SECTORS);
    gpt_new();
    gpt_entry(0, linux_guid, 2048, 4095);
    gpt_entry(1, ant_guid, 4096, 8000);
    header_at(4096, 3905, 0, 3);
    gpt_seal();
}

static void make_mbr(void)
{
    disk_new(DISK_SECTORS);
    mbr_entry(0, 0x0C, 2048, 2048);
    mbr_entry(1, PS_MBR_TYPE, 4096, 4096);
    header_at(4096, 4096, 0, 2);
}

HTEST(pspace_fuzz_200000_mutations)
{
    fuzz_from(make_gpt, 4096, 100000);
    if (htest_failed())
        return;
    fuzz_from(make_mbr, 4096, 100000);
}
