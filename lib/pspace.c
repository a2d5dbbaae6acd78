/*
 * Finding paging spaces on a disk. The rule is one-sided: a disk is used
 * only where a valid header says so, inside a partition table that holds
 * together; every doubt (a table that points past the disk, partitions
 * that overlap ours, a checksum that fails) means the disk is not used.
 * Only reads: the verdict says what the disk holds, for the log.
 */
#include "lib/pspace.h"
#include "lib/crc32.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define MBR_SIG_OFF 510
#define MBR_ENTRIES 446
#define MBR_TYPE_GPT 0xEE               /* the protective MBR of a GPT disk */
#define GPT_SIG "EFI PART"
#define GPT_HEADER_MIN 92
#define GPT_ENTRY_MIN 128
#define MIB(sectors) ((sectors) / 2048)
#define LBA_LIMIT 0xFFFFFFFFu                   /* sectors this system addresses */

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

static void say(struct ps_scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct ps_scan *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(s->verdict, sizeof s->verdict, fmt, ap);
    va_end(ap);
}

void ps_id_short(const uint8_t id[16], char buf[9])
{
    fmt_snprintf(buf, 9, "%02x%02x%02x%02x", id[0], id[1], id[2], id[3]);
}

static int is_magic(const uint8_t *sec)
{
    return !memcmp(sec, PS_MAGIC, 16);
}

const char *ps_header_problem(const void *sec, uint64_t sectors, char *why, size_t len)
{
    const struct ps_header *h = sec;
    if (!is_magic(sec))
        return "no paging-space header";
    if (crc32_update(0, h, offsetof(struct ps_header, crc)) != h->crc)
        return "its paging-space header is damaged (bad checksum)";
    if (h->version != PS_VERSION) {
        fmt_snprintf(why, len, "its paging-space header is version %u (this system knows %u)",
                     h->version, PS_VERSION);
        return why;
    }
    if (h->first_sector != PS_FIRST_SECTOR || h->slot_sectors != PS_SLOT_SECTORS)
        return "its paging-space header describes a layout this system does not know";
    if (!h->slots)
        return "its paging-space header says 0 slots";
    if (PS_FIRST_SECTOR + (uint64_t)h->slots * PS_SLOT_SECTORS > sectors) {
        fmt_snprintf(why, len, "its paging-space header says %u slots (%u MiB), past its "
                     "end (%u MiB)", h->slots, h->slots / 256, (uint32_t)MIB(sectors));
        return why;
    }
    return 0;
}

/* ---- what a disk without a paging space holds, for the verdict ---- */

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* A FAT or NTFS boot sector (a file system without a partition table). */
static const char *boot_sector_kind(const uint8_t *sec)
{
    if (le16(sec + MBR_SIG_OFF) != 0xAA55 || (sec[0] != 0xEB && sec[0] != 0xE9))
        return 0;
    if (!memcmp(sec + 3, "NTFS    ", 8))
        return "an NTFS file system";
    if (!memcmp(sec + 0x36, "FAT", 3) || !memcmp(sec + 0x52, "FAT32", 5))
        return "a FAT file system";
    if (!memcmp(sec + 3, "EXFAT   ", 8))
        return "an exFAT file system";
    return 0;
}

static const char *content_kind(struct ps_scan *s, const uint8_t *sec0)
{
    const char *kind = boot_sector_kind(sec0);
    if (kind)
        return kind;
    if (s->sectors > 64 && s->read(s->ctx, 64, 1, s->buf) == 0 && !memcmp(s->buf + 1, "CD001", 5))
        return "an ISO 9660 file system";
    if (s->sectors > 2 && s->read(s->ctx, 2, 1, s->buf) == 0 && le16(s->buf + 56) == 0xEF53)
        return "an ext2/3/4 file system";
    if (all_zero(sec0, PS_SECTOR))
        return "its first sector is all zeros";
    return "data of a kind this system does not know";
}

/* ---- spaces found ---- */

static void add_space(struct ps_scan *s, uint32_t start, uint32_t sectors, uint8_t table,
                      uint8_t part, const struct ps_header *h)
{
    if (s->nspaces == PS_MAX_SPACES)
        return;
    struct ps_space *sp = &s->space[s->nspaces++];
    sp->start = start;
    sp->sectors = sectors;
    sp->slots = h->slots;
    memcpy(sp->id, h->id, sizeof sp->id);
    sp->table = table;
    sp->part = part;
}

/* "paging space: MBR partition 2, 16383 slots (63 MiB), id 1a2b3c4d; ..." */
static void say_spaces(struct ps_scan *s)
{
    char *v = s->verdict;
    size_t n = sizeof s->verdict, at = 0;
    for (uint32_t i = 0; i < s->nspaces && at < n; i++) {
        const struct ps_space *sp = &s->space[i];
        char id[9];
        ps_id_short(sp->id, id);
        if (sp->table)
            at += (size_t)fmt_snprintf(v + at, n - at, "%s%s partition %u, %u slots (%u MiB), id %s",
                                       i ? "; " : "paging space: ", sp->table == 'M' ? "MBR" : "GPT",
                                       sp->part, sp->slots, sp->slots / 256, id);
        else
            at += (size_t)fmt_snprintf(v + at, n - at, "paging space: the whole disk, %u slots "
                                       "(%u MiB), id %s", sp->slots, sp->slots / 256, id);
    }
}

/* Why a partition is not used, for the verdict: the first one's reason. */
struct refusal {
    uint32_t part;                      /* 0: none yet */
    char why[120];
};

static void refuse(struct refusal *r, uint32_t part, const char *why)
{
    size_t i = 0;
    if (r->part)
        return;                         /* the first reason is the one told */
    for (; why[i] && i + 1 < sizeof r->why; i++)
        r->why[i] = why[i];
    r->why[i] = 0;
    r->part = part;
}

/* The header of the partition at [start, start + sectors): the space is
 * added, or the reason it is not used goes into r (if it is the first). */
static void try_partition(struct ps_scan *s, uint32_t start, uint32_t sectors, uint8_t table,
                          uint8_t part, struct refusal *r)
{
    char buf[sizeof r->why];
    const char *why = "its first sector cannot be read";
    if ((uint64_t)start + sectors > LBA_LIMIT)
        why = "it lies beyond 2 TiB, which this system does not reach";
    else if (!s->read(s->ctx, start, 1, s->buf))
        why = ps_header_problem(s->buf, sectors, buf, sizeof buf);
    if (!why)
        add_space(s, start, sectors, table, part, (const struct ps_header *)s->buf);
    else
        refuse(r, part, why);
}

static int overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    return a0 < b1 && b0 < a1;
}

/* ---- MBR ---- */

struct mbr_part {
    uint8_t flag, type;
    uint32_t start, count;
};

static void mbr_parts(const uint8_t *sec, struct mbr_part p[4])
{
    for (int i = 0; i < 4; i++) {
        const uint8_t *e = sec + MBR_ENTRIES + 16 * i;
        p[i].flag = e[0];
        p[i].type = e[4];
        p[i].start = le32(e + 8);
        p[i].count = le32(e + 12);
    }
}

/* A partition table, not a boot sector of a file system: the signature,
 * boot flags 0 or 0x80, and at least one entry in use. */
static int is_mbr(const uint8_t *sec)
{
    struct mbr_part p[4];
    int used = 0;
    if (le16(sec + MBR_SIG_OFF) != 0xAA55 || boot_sector_kind(sec))
        return 0;
    mbr_parts(sec, p);
    for (int i = 0; i < 4; i++) {
        if (p[i].flag != 0 && p[i].flag != 0x80)
            return 0;
        used += p[i].type != 0;
    }
    return used > 0;
}

static int has_gpt_entry(const uint8_t *sec)
{
    struct mbr_part p[4];
    mbr_parts(sec, p);
    for (int i = 0; i < 4; i++)
        if (p[i].type == MBR_TYPE_GPT)
            return 1;
    return 0;
}

static void scan_mbr(struct ps_scan *s, const uint8_t *sec0)
{
    struct mbr_part p[4];
    struct refusal r = {0, ""};
    int used = 0;
    mbr_parts(sec0, p);
    for (int i = 0; i < 4; i++) {
        if (!p[i].type)
            continue;
        used++;
        if (!p[i].count || !p[i].start || p[i].start >= s->sectors ||
            p[i].count > s->sectors - p[i].start) {
            say(s, "not used: MBR partition %d points past the end of the disk (sectors %u-%u of "
                   "%llu): the table is broken", i + 1, p[i].start, p[i].start + p[i].count - 1,
                (unsigned long long)s->sectors);
            return;
        }
    }
    for (int i = 0; i < 4; i++) {
        if (p[i].type != PS_MBR_TYPE)
            continue;
        for (int j = 0; j < 4; j++) {
            if (j != i && p[j].type &&
                overlap(p[i].start, (uint64_t)p[i].start + p[i].count, p[j].start,
                        (uint64_t)p[j].start + p[j].count)) {
                say(s, "not used: MBR partition %d (AnT paging) overlaps partition %d: the table "
                       "is broken", i + 1, j + 1);
                s->nspaces = 0;
                return;
            }
        }
        try_partition(s, p[i].start, p[i].count, 'M', (uint8_t)(i + 1), &r);
    }
    if (s->nspaces)
        say_spaces(s);
    else if (r.part)
        say(s, "not used: MBR partition %u is of the AnT paging type (%02x), but %s", r.part,
            PS_MBR_TYPE, r.why);
    else
        say(s, "not used: an MBR partition table (%d partitions) with no AnT paging partition "
               "(type %02x)", used, PS_MBR_TYPE);
}

/* ---- GPT ---- */

static const uint8_t gpt_type[16] = PS_GPT_TYPE;

struct gpt {
    uint32_t entries_lba, nentries, entry_size, entries_crc, entries_sectors;
    uint64_t first_usable, last_usable;
};

/* The primary GPT header (LBA 1), checked: 0 and *g, or -1 (verdict set). */
static int gpt_header(struct ps_scan *s, struct gpt *g)
{
    uint8_t *h = s->buf;
    if (s->read(s->ctx, 1, 1, h)) {
        say(s, "not used: its GPT header (sector 1) cannot be read");
        return -1;
    }
    uint32_t size = le32(h + 12), crc = le32(h + 16);
    if (memcmp(h, GPT_SIG, 8)) {
        say(s, "not used: a protective MBR, but no GPT header in sector 1");
        return -1;
    }
    if (size < GPT_HEADER_MIN || size > PS_SECTOR) {
        say(s, "not used: its GPT header has a size of %u bytes: broken", size);
        return -1;
    }
    h[16] = h[17] = h[18] = h[19] = 0;
    if (crc32_update(0, h, size) != crc) {
        say(s, "not used: its GPT header is damaged (bad checksum)");
        return -1;
    }
    uint64_t elba = le64(h + 72);
    g->nentries = le32(h + 80);
    g->entry_size = le32(h + 84);
    g->entries_crc = le32(h + 88);
    g->first_usable = le64(h + 40);
    g->last_usable = le64(h + 48);
    if (le64(h + 24) != 1 || g->last_usable >= s->sectors || g->first_usable > g->last_usable) {
        say(s, "not used: its GPT header does not fit the disk (%llu sectors): broken",
            (unsigned long long)s->sectors);
        return -1;
    }
    if (g->entry_size < GPT_ENTRY_MIN || g->entry_size % 8 || !g->nentries ||
        (uint64_t)g->nentries * g->entry_size > PS_SCAN_BUF) {
        say(s, "not used: its GPT has %u entries of %u bytes: more than this system reads",
            g->nentries, g->entry_size);
        return -1;
    }
    uint32_t esectors = (g->nentries * g->entry_size + PS_SECTOR - 1) / PS_SECTOR;
    if (elba < 2 || elba + esectors > s->sectors) {
        say(s, "not used: its GPT's partition entries lie past the end of the disk: broken");
        return -1;
    }
    g->entries_lba = (uint32_t)elba;
    g->entries_sectors = esectors;
    return 0;
}

static int entry_used(const uint8_t *e)
{
    return !all_zero(e, 16);
}

static void scan_gpt(struct ps_scan *s)
{
    struct gpt g;
    if (gpt_header(s, &g))
        return;
    uint32_t bytes = g.nentries * g.entry_size;
    if (s->read(s->ctx, g.entries_lba, (bytes + PS_SECTOR - 1) / PS_SECTOR, s->buf)) {
        say(s, "not used: its GPT's partition entries cannot be read");
        return;
    }
    if (crc32_update(0, s->buf, bytes) != g.entries_crc) {
        say(s, "not used: its GPT's partition entries are damaged (bad checksum)");
        return;
    }
    /* Check the whole table first: the buffer is reused for headers. */
    uint32_t used = 0, ours[PS_MAX_SPACES], nours = 0;
    uint64_t first[PS_MAX_SPACES], last[PS_MAX_SPACES];
    for (uint32_t i = 0; i < g.nentries; i++) {
        const uint8_t *e = s->buf + i * g.entry_size;
        if (!entry_used(e))
            continue;
        used++;
        uint64_t f = le64(e + 32), l = le64(e + 40);
        if (f > l || f < g.first_usable || l > g.last_usable) {
            say(s, "not used: GPT partition %u lies outside the disk's usable sectors: the table "
                   "is broken", i + 1);
            return;
        }
        if (!memcmp(e, gpt_type, 16) &&
            (f < (uint64_t)g.entries_lba + g.entries_sectors ||
             l + 1 + g.entries_sectors + 1 > s->sectors)) {
            say(s, "not used: GPT partition %u (AnT paging) overlaps the GPT itself (its entries "
                   "or their backup at the end of the disk): the table is broken", i + 1);
            return;
        }
        if (!memcmp(e, gpt_type, 16) && nours < PS_MAX_SPACES) {
            ours[nours] = i;
            first[nours] = f;
            last[nours++] = l;
        }
    }
    for (uint32_t k = 0; k < nours; k++) {
        for (uint32_t i = 0; i < g.nentries; i++) {
            const uint8_t *e = s->buf + i * g.entry_size;
            if (i != ours[k] && entry_used(e) &&
                overlap(first[k], last[k] + 1, le64(e + 32), le64(e + 40) + 1)) {
                say(s, "not used: GPT partition %u (AnT paging) overlaps partition %u: the table "
                       "is broken", ours[k] + 1, i + 1);
                return;
            }
        }
    }
    struct refusal r = {0, ""};
    for (uint32_t k = 0; k < nours; k++) {
        uint8_t part = (uint8_t)(ours[k] + 1 > 255 ? 255 : ours[k] + 1);
        if (last[k] >= LBA_LIMIT)
            refuse(&r, part, "it lies beyond 2 TiB, which this system does not reach");
        else
            try_partition(s, (uint32_t)first[k], (uint32_t)(last[k] - first[k] + 1), 'G', part, &r);
    }
    if (s->nspaces)
        say_spaces(s);
    else if (r.part)
        say(s, "not used: GPT partition %u is of the AnT paging type, but %s", r.part, r.why);
    else
        say(s, "not used: a GPT (%u partitions) with no AnT paging partition", used);
}

int32_t ps_scan_disk(struct ps_scan *s)
{
    uint8_t sec0[PS_SECTOR];
    s->nspaces = 0;
    s->verdict[0] = 0;
    if (s->sectors < PS_FIRST_SECTOR + PS_SLOT_SECTORS) {
        say(s, "not used: too small to hold a paging space");
        return 0;
    }
    int32_t r = s->read(s->ctx, 0, 1, sec0);
    if (r) {
        say(s, "not used: its first sector cannot be read");
        return r;
    }
    if (is_magic(sec0)) {
        char buf[120];
        uint64_t reach = s->sectors < LBA_LIMIT ? s->sectors : LBA_LIMIT;
        const char *why = ps_header_problem(sec0, reach, buf, sizeof buf);
        if (why) {
            say(s, "not used: whole-disk paging space, but %s", why);
        } else {
            add_space(s, 0, (uint32_t)reach, 0, 0, (const struct ps_header *)sec0);
            say_spaces(s);
        }
    } else if (is_mbr(sec0) && has_gpt_entry(sec0)) {
        scan_gpt(s);
    } else if (is_mbr(sec0)) {
        scan_mbr(s, sec0);
    } else {
        const char *kind = content_kind(s, sec0);
        say(s, "not used: no partition table and no paging-space header (%s)", kind);
    }
    return 0;
}
