/* mm/memmap: usable RAM from a Multiboot-style map, and finding room in it. */
#include <stddef.h>
#include <stdint.h>
#include "mm/memmap.h"
#include "tests/host/check.h"

#define AVAIL 1
#define RESV  2
#define ACPI  3
#define NVS   4
#define BAD   5
#define E(b, l, t) { (uint64_t)(b), (uint64_t)(l), (t) }
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MB (1ull << 20)
#define GB (1ull << 30)

static struct memmap m;

/* Is avail[i] exactly [base, end)? */
static int range_is(int i, uint64_t base, uint64_t end)
{
    return i < m.n && m.avail[i].base == base && m.avail[i].end == end;
}

/* ---- memmap_build: available ranges ---- */

HTEST(memmap_single_range)
{
    struct boot_mmap_entry e[] = { E(MB, MB, AVAIL) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 1);
    CHECK(range_is(0, MB, 2 * MB));
    CHECK_EQ_U(memmap_total(&m), MB);
    CHECK_EQ_U(memmap_top(&m), 2 * MB);
}

HTEST(memmap_empty_map)
{
    memmap_build(&m, NULL, 0);
    CHECK_EQ_U(m.n, 0);
    CHECK_EQ_U(memmap_total(&m), 0);
    CHECK_EQ_U(memmap_top(&m), 0);
    CHECK(!memmap_contains(&m, 0, 0x1000));
}

HTEST(memmap_overlapping_ranges_merged)
{
    struct boot_mmap_entry e[] = { E(0x3000, 0x5000, AVAIL), E(0, 0x5000, AVAIL) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 1);
    CHECK(range_is(0, 0, 0x8000));
}

HTEST(memmap_adjacent_ranges_merged)
{
    struct boot_mmap_entry e[] = { E(0, 0x4000, AVAIL), E(0x4000, 0x4000, AVAIL) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 1);
    CHECK(range_is(0, 0, 0x8000));
}

HTEST(memmap_contained_range_merged)
{
    struct boot_mmap_entry e[] = { E(0, 0x10000, AVAIL), E(0x2000, 0x1000, AVAIL) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 1);
    CHECK(range_is(0, 0, 0x10000));
}

HTEST(memmap_disjoint_ranges_sorted)
{
    struct boot_mmap_entry e[] = {
        E(0x20000, 0x1000, AVAIL), E(0, 0x1000, AVAIL), E(0x10000, 0x2000, AVAIL),
    };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 3);
    CHECK(range_is(0, 0, 0x1000));
    CHECK(range_is(1, 0x10000, 0x12000));
    CHECK(range_is(2, 0x20000, 0x21000));
    CHECK_EQ_U(memmap_total(&m), 0x4000);
}

HTEST(memmap_zero_length_entry_ignored)
{
    struct boot_mmap_entry e[] = { E(0x5000, 0, AVAIL), E(0x10000, 0x1000, AVAIL) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 1);
    CHECK(range_is(0, 0x10000, 0x11000));
}

/* ---- reserved ranges ---- */

HTEST(memmap_reserved_inside_splits)
{
    struct boot_mmap_entry e[] = { E(0, 0x10000, AVAIL), E(0x4000, 0x2000, RESV) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 2);
    CHECK(range_is(0, 0, 0x4000));
    CHECK(range_is(1, 0x6000, 0x10000));
}

HTEST(memmap_reserved_before_available_in_list)
{
    struct boot_mmap_entry e[] = { E(0x4000, 0x2000, RESV), E(0, 0x10000, AVAIL) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 2);
    CHECK(range_is(0, 0, 0x4000));
    CHECK(range_is(1, 0x6000, 0x10000));
}

HTEST(memmap_reserved_clips_both_ends)
{
    struct boot_mmap_entry e[] = {
        E(0x2000, 0x8000, AVAIL), E(0, 0x3000, RESV), E(0x9000, 0x4000, RESV),
    };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 1);
    CHECK(range_is(0, 0x3000, 0x9000));
}

HTEST(memmap_reserved_covering_everything)
{
    struct boot_mmap_entry e[] = { E(0x2000, 0x2000, AVAIL), E(0x1000, 0x4000, RESV) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 0);
    CHECK_EQ_U(memmap_total(&m), 0);
}

HTEST(memmap_reserved_spanning_two_ranges)
{
    struct boot_mmap_entry e[] = {
        E(0, 0x4000, AVAIL), E(0x8000, 0x4000, AVAIL), E(0x3000, 0x6000, RESV),
    };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 2);
    CHECK(range_is(0, 0, 0x3000));
    CHECK(range_is(1, 0x9000, 0xC000));
}

HTEST(memmap_several_holes_in_one_range)
{
    struct boot_mmap_entry e[] = {
        E(0, 0x10000, AVAIL), E(0xA000, 0x1000, RESV), E(0x2000, 0x1000, NVS),
        E(0x6000, 0x1000, ACPI),
    };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 4);
    CHECK(range_is(0, 0, 0x2000));
    CHECK(range_is(1, 0x3000, 0x6000));
    CHECK(range_is(2, 0x7000, 0xA000));
    CHECK(range_is(3, 0xB000, 0x10000));
}

HTEST(memmap_every_other_type_is_reserved)
{
    struct boot_mmap_entry e[] = {
        E(0, 0x10000, AVAIL), E(0x1000, 0x1000, ACPI), E(0x3000, 0x1000, NVS),
        E(0x5000, 0x1000, BAD), E(0x7000, 0x1000, 0),
    };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(memmap_total(&m), 0x10000 - 4 * 0x1000);
}

HTEST(memmap_reserved_partial_page_removes_page)
{
    struct boot_mmap_entry e[] = { E(0, 0x10000, AVAIL), E(0x4800, 0x100, RESV) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 2);
    CHECK(range_is(0, 0, 0x4000));
    CHECK(range_is(1, 0x5000, 0x10000));
}

HTEST(memmap_reserved_len_wraps_removes_to_top)
{
    struct boot_mmap_entry e[] = { E(0, 0x10000, AVAIL), E(0x8000, UINT64_MAX, RESV) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 1);
    CHECK(range_is(0, 0, 0x8000));
}

/* ---- whole pages ---- */

HTEST(memmap_unaligned_bounds_shrunk)
{
    struct boot_mmap_entry e[] = { E(0x1234, 0x5678 - 0x1234, AVAIL) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 1);
    CHECK(range_is(0, 0x2000, 0x5000));
}

HTEST(memmap_less_than_a_page_dropped)
{
    struct boot_mmap_entry e[] = { E(0x1001, 0xFFE, AVAIL), E(0x3800, 0x1000, AVAIL) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 0);
}

HTEST(memmap_unaligned_adjacent_merge_before_shrinking)
{
    struct boot_mmap_entry e[] = { E(0, 0x1800, AVAIL), E(0x1800, 0x1800, AVAIL) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 1);
    CHECK(range_is(0, 0, 0x3000));
}

/* ---- 4GB ---- */

HTEST(memmap_above_4g_dropped)
{
    struct boot_mmap_entry e[] = { E(PHYS_LIMIT, GB, AVAIL), E(5 * GB, GB, AVAIL) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 0);
}

HTEST(memmap_crossing_4g_clipped)
{
    struct boot_mmap_entry e[] = { E(3 * GB, 2 * GB, AVAIL) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 1);
    CHECK(range_is(0, 3 * GB, PHYS_LIMIT));
}

HTEST(memmap_len_wraps_clipped_to_4g)
{
    struct boot_mmap_entry e[] = { E(0x1000, UINT64_MAX, AVAIL) };
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(m.n, 1);
    CHECK(range_is(0, 0x1000, PHYS_LIMIT));
}

HTEST(memmap_ends_exactly_at_4g)
{
    struct boot_mmap_entry e[] = { E(PHYS_LIMIT - 0x2000, 0x2000, AVAIL) };
    memmap_build(&m, e, COUNT(e));
    CHECK(range_is(0, PHYS_LIMIT - 0x2000, PHYS_LIMIT));
    CHECK_EQ_U(memmap_top(&m), PHYS_LIMIT);
}

/* ---- too many ranges ---- */

HTEST(memmap_too_many_ranges_counted_as_dropped)
{
    static struct boot_mmap_entry e[MEMMAP_MAX + 2];
    for (int i = 0; i < MEMMAP_MAX + 2; i++)
        e[i] = (struct boot_mmap_entry)E(0x2000ull * (uint64_t)i, 0x1000, AVAIL);
    memmap_build(&m, e, MEMMAP_MAX + 2);
    CHECK_EQ_U(m.n, MEMMAP_MAX);
    CHECK_EQ_U(m.dropped, 2);
}

/* ---- a real map: QEMU -m 3584 (3GB low, 512MB above 4GB, PCI hole) ---- */

static const struct boot_mmap_entry qemu3584[] = {
    E(0x00000000, 0x0009FC00, AVAIL),
    E(0x0009FC00, 0x00000400, RESV),
    E(0x000F0000, 0x00010000, RESV),
    E(0x00100000, 0xBFEE0000, AVAIL),
    E(0xBFFE0000, 0x00020000, RESV),
    E(0xFEFFC000, 0x00004000, RESV),
    E(0xFFFC0000, 0x00040000, RESV),
    E(0x100000000, 0x20000000, AVAIL),
};

static void build_qemu(void)
{
    memmap_build(&m, qemu3584, COUNT(qemu3584));
}

HTEST(memmap_qemu_3584_ranges)
{
    build_qemu();
    CHECK_EQ_U(m.n, 2);
    CHECK(range_is(0, 0, 0x9F000));
    CHECK(range_is(1, 0x100000, 0xBFFE0000));
    CHECK_EQ_U(m.dropped, 0);
}

HTEST(memmap_qemu_3584_total_and_top)
{
    build_qemu();
    CHECK_EQ_U(memmap_total(&m), 0x9F000ull + 0xBFEE0000ull);
    CHECK_EQ_U(memmap_top(&m), 0xBFFE0000);
}

HTEST(memmap_qemu_3584_contains)
{
    build_qemu();
    CHECK(memmap_contains(&m, 0x100000, 0x200000));
    CHECK(memmap_contains(&m, 0, 0x9F000));
    CHECK(memmap_contains(&m, 0xBFFDF000, 0xBFFE0000));
    CHECK(!memmap_contains(&m, 0x9F000, 0xA0000));        /* partial EBDA page */
    CHECK(!memmap_contains(&m, 0x9E000, 0x101000));       /* spans the hole */
    CHECK(!memmap_contains(&m, 0xBFFE0000, 0xBFFE1000));
    CHECK(!memmap_contains(&m, 0xD0000000, 0xD0001000));  /* PCI hole */
    CHECK(!memmap_contains(&m, 0x100000000, 0x100001000));
}

HTEST(memmap_qemu_3584_raw_reserved)
{
    int n = COUNT(qemu3584);
    CHECK(memmap_raw_reserved(qemu3584, n, 0xF0000, 0xF1000));
    CHECK(memmap_raw_reserved(qemu3584, n, 0x9F000, 0xA0000));
    CHECK(memmap_raw_reserved(qemu3584, n, 0xFFFFF000, 0x100000000));
    CHECK(!memmap_raw_reserved(qemu3584, n, 0x200000, 0x201000));
    CHECK(!memmap_raw_reserved(qemu3584, n, 0xA0000, 0xF0000));    /* unlisted */
    CHECK(!memmap_raw_reserved(qemu3584, n, 0xD0000000, 0xE0000000)); /* unlisted */
    CHECK(!memmap_raw_reserved(qemu3584, n, 0xEFFFF, 0xF0000));   /* just before */
    CHECK(!memmap_raw_reserved(qemu3584, n, 0x100000, 0x101000)); /* just after */
}

HTEST(memmap_qemu_3584_find_icc_region)
{
    struct mrange kernel = { 0x100000, 0x800000 };
    uint64_t at = 0;
    build_qemu();
    CHECK_EQ_U(memmap_find(&m, &kernel, 1, GB, 4 * MB, 0, &at), 0);
    CHECK_EQ_U(at, 0x800000);
    CHECK_EQ_U(memmap_find(&m, &kernel, 1, 3 * GB, 4 * MB, 0, &at), -1);
}

/* ---- memmap_find ---- */

static void build_one(uint64_t base, uint64_t end)
{
    struct boot_mmap_entry e[] = { E(base, end - base, AVAIL) };
    memmap_build(&m, e, 1);
}

HTEST(memmap_find_lowest_fit)
{
    uint64_t at = 0;
    build_one(MB, 16 * MB);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0x1000, 0x1000, 0, &at), 0);
    CHECK_EQ_U(at, MB);
}

HTEST(memmap_find_alignment)
{
    uint64_t at = 0;
    build_one(MB, 16 * MB);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0x1000, 4 * MB, 0, &at), 0);
    CHECK_EQ_U(at, 4 * MB);
}

HTEST(memmap_find_from)
{
    uint64_t at = 0;
    build_one(MB, 16 * MB);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0x1000, 0x1000, 0x123456, &at), 0);
    CHECK_EQ_U(at, 0x124000);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0x1000, 0x1000, 0x200000, &at), 0);
    CHECK_EQ_U(at, 0x200000);
}

HTEST(memmap_find_from_past_every_range)
{
    uint64_t at = 0;
    build_one(MB, 16 * MB);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0x1000, 0x1000, 16 * MB, &at), -1);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0x1000, 0x1000, PHYS_LIMIT, &at), -1);
}

HTEST(memmap_find_from_near_top_of_u64)
{
    uint64_t at = 0xDEAD;
    build_one(0x1000, MB);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0x1000, 0x1000, UINT64_MAX - 100, &at), -1);
    CHECK_EQ_U(at, 0xDEAD);
}

HTEST(memmap_find_exact_fit_at_range_end)
{
    uint64_t at = 0;
    build_one(0x1000, 0x5000);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0x4000, 0x1000, 0, &at), 0);
    CHECK_EQ_U(at, 0x1000);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0x4001, 0x1000, 0, &at), -1);
}

HTEST(memmap_find_skips_busy)
{
    struct mrange busy = { MB, MB + 0x80000 };
    uint64_t at = 0;
    build_one(MB, 16 * MB);
    CHECK_EQ_U(memmap_find(&m, &busy, 1, 0x1000, 0x1000, 0, &at), 0);
    CHECK_EQ_U(at, MB + 0x80000);
}

HTEST(memmap_find_realigns_after_busy)
{
    struct mrange busy = { MB, MB + 0x80800 };
    uint64_t at = 0;
    build_one(MB, 16 * MB);
    CHECK_EQ_U(memmap_find(&m, &busy, 1, 0x1000, 0x1000, 0, &at), 0);
    CHECK_EQ_U(at, MB + 0x81000);
}

HTEST(memmap_find_busy_chain_any_order)
{
    struct mrange busy[] = {
        { 0x300000, 0x380000 }, { 0x180000, 0x300000 }, { MB, 0x200000 },
    };
    uint64_t at = 0;
    build_one(MB, 16 * MB);
    CHECK_EQ_U(memmap_find(&m, busy, 3, 0x1000, 0x1000, 0, &at), 0);
    CHECK_EQ_U(at, 0x380000);
}

HTEST(memmap_find_gap_between_busy_too_small)
{
    struct mrange busy[] = { { MB, 0x101000 }, { 0x103000, 0x110000 } };
    uint64_t at = 0;
    build_one(MB, 16 * MB);
    CHECK_EQ_U(memmap_find(&m, busy, 2, 0x2000, 0x1000, 0, &at), 0);
    CHECK_EQ_U(at, 0x101000);
    CHECK_EQ_U(memmap_find(&m, busy, 2, 0x3000, 0x1000, 0, &at), 0);
    CHECK_EQ_U(at, 0x110000);
}

HTEST(memmap_find_busy_touching_is_not_a_clash)
{
    struct mrange busy[] = { { 0, MB }, { MB + 0x1000, 2 * MB } };
    uint64_t at = 0;
    build_one(MB, 16 * MB);
    CHECK_EQ_U(memmap_find(&m, busy, 2, 0x1000, 0x1000, 0, &at), 0);
    CHECK_EQ_U(at, MB);
}

HTEST(memmap_find_moves_to_next_range)
{
    struct boot_mmap_entry e[] = { E(0x1000, 0x3000, AVAIL), E(MB, MB, AVAIL) };
    uint64_t at = 0;
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0x4000, 0x1000, 0, &at), 0);
    CHECK_EQ_U(at, MB);
}

HTEST(memmap_find_busy_pushes_into_next_range)
{
    struct boot_mmap_entry e[] = { E(0x1000, 0x8000, AVAIL), E(MB, MB, AVAIL) };
    struct mrange busy = { 0x2000, 0x8000 };
    uint64_t at = 0;
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(memmap_find(&m, &busy, 1, 0x2000, 0x1000, 0, &at), 0);
    CHECK_EQ_U(at, MB);
}

HTEST(memmap_find_does_not_span_ranges)
{
    struct boot_mmap_entry e[] = { E(0, 0x4000, AVAIL), E(0x5000, 0x4000, AVAIL) };
    uint64_t at = 0;
    memmap_build(&m, e, COUNT(e));
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0x6000, 0x1000, 0, &at), -1);
}

HTEST(memmap_find_no_fit)
{
    struct mrange busy = { MB, 16 * MB };
    uint64_t at = 0;
    build_one(MB, 16 * MB);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 16 * MB, 0x1000, 0, &at), -1);
    CHECK_EQ_U(memmap_find(&m, &busy, 1, 0x1000, 0x1000, 0, &at), -1);
}

HTEST(memmap_find_huge_size_no_wrap)
{
    uint64_t at = 0;
    build_one(MB, 16 * MB);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, UINT64_MAX - 0x1000, 0x1000, 0, &at), -1);
}

HTEST(memmap_find_bad_align_or_size)
{
    uint64_t at = 0;
    build_one(MB, 16 * MB);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0x1000, 0, 0, &at), -1);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0x1000, 3, 0, &at), -1);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0x1000, 0x3000, 0, &at), -1);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 0, 0x1000, 0, &at), -1);
}

HTEST(memmap_find_align_one)
{
    uint64_t at = 0;
    build_one(MB, 16 * MB);
    CHECK_EQ_U(memmap_find(&m, NULL, 0, 1, 1, MB + 3, &at), 0);
    CHECK_EQ_U(at, MB + 3);
}
