/* Physical memory map handling. Pure code, unit-tested on the host. */
#include "mm/memmap.h"

#define PAGE 4096ULL

static void add_range(struct memmap *m, uint64_t base, uint64_t end)
{
    if (base >= end)
        return;
    if (m->n == MEMMAP_MAX) {
        m->dropped++;
        return;
    }
    m->avail[m->n].base = base;
    m->avail[m->n].end = end;
    m->n++;
}

/* Remove [a, b) from every range, splitting where needed. */
static void subtract(struct memmap *m, uint64_t a, uint64_t b)
{
    int n = m->n;
    for (int i = 0; i < n; i++) {
        struct mrange r = m->avail[i];
        if (r.end <= a || r.base >= b)
            continue;
        m->avail[i].end = r.base;          /* becomes empty or the left part */
        if (r.base < a)
            m->avail[i].end = a;
        else
            m->avail[i].base = m->avail[i].end = 0;
        if (r.end > b)
            add_range(m, b, r.end);
    }
}

static void sort_and_merge(struct memmap *m)
{
    for (int i = 1; i < m->n; i++) {       /* insertion sort: n is small */
        struct mrange r = m->avail[i];
        int j = i - 1;
        for (; j >= 0 && m->avail[j].base > r.base; j--)
            m->avail[j + 1] = m->avail[j];
        m->avail[j + 1] = r;
    }
    int out = 0;
    for (int i = 0; i < m->n; i++) {
        struct mrange r = m->avail[i];
        if (r.base >= r.end)
            continue;
        if (out && m->avail[out - 1].end >= r.base) {
            if (r.end > m->avail[out - 1].end)
                m->avail[out - 1].end = r.end;
        } else {
            m->avail[out++] = r;
        }
    }
    m->n = out;
}

void memmap_build(struct memmap *m, const struct boot_mmap_entry *e, int n)
{
    m->n = 0;
    m->dropped = 0;
    for (int i = 0; i < n; i++) {
        if (e[i].type != MMAP_AVAILABLE || e[i].base >= PHYS_LIMIT)
            continue;
        uint64_t end = e[i].base + e[i].len;
        if (end < e[i].base || end > PHYS_LIMIT)
            end = PHYS_LIMIT;
        add_range(m, e[i].base, end);
    }
    sort_and_merge(m);
    for (int i = 0; i < n; i++) {
        if (e[i].type == MMAP_AVAILABLE)
            continue;
        uint64_t end = e[i].base + e[i].len;
        subtract(m, e[i].base, end < e[i].base ? PHYS_LIMIT : end);
    }
    for (int i = 0; i < m->n; i++) {       /* whole pages only */
        m->avail[i].base = (m->avail[i].base + PAGE - 1) & ~(PAGE - 1);
        m->avail[i].end &= ~(PAGE - 1);
    }
    sort_and_merge(m);
}

uint64_t memmap_total(const struct memmap *m)
{
    uint64_t sum = 0;
    for (int i = 0; i < m->n; i++)
        sum += m->avail[i].end - m->avail[i].base;
    return sum;
}

uint64_t memmap_top(const struct memmap *m)
{
    return m->n ? m->avail[m->n - 1].end : 0;
}

int memmap_contains(const struct memmap *m, uint64_t a, uint64_t b)
{
    for (int i = 0; i < m->n; i++)
        if (m->avail[i].base <= a && b <= m->avail[i].end)
            return 1;
    return 0;
}

int memmap_raw_reserved(const struct boot_mmap_entry *e, int n, uint64_t a, uint64_t b)
{
    for (int i = 0; i < n; i++)
        if (e[i].type != MMAP_AVAILABLE && e[i].base < b && e[i].base + e[i].len > a)
            return 1;
    return 0;
}

/* The end of a busy range meeting [a, b), or 0 if none does. */
static uint64_t busy_end(const struct mrange *busy, int nbusy, uint64_t a, uint64_t b)
{
    uint64_t end = 0;
    for (int i = 0; i < nbusy; i++)
        if (busy[i].base < b && busy[i].end > a && busy[i].end > end)
            end = busy[i].end;
    return end;
}

int memmap_find(const struct memmap *m, const struct mrange *busy, int nbusy,
                uint64_t size, uint64_t align, uint64_t from, uint64_t *out)
{
    if (size == 0 || align == 0 || (align & (align - 1)))
        return -1;
    for (int i = 0; i < m->n; i++) {
        uint64_t a = m->avail[i].base > from ? m->avail[i].base : from;
        for (;;) {
            if (a > m->avail[i].end || m->avail[i].end - a < size)
                break;                      /* also keeps the rounding below from wrapping */
            a = (a + align - 1) & ~(align - 1);
            if (a > m->avail[i].end || m->avail[i].end - a < size)
                break;
            uint64_t clash = busy_end(busy, nbusy, a, a + size);
            if (!clash) {
                *out = a;
                return 0;
            }
            a = clash;
        }
    }
    return -1;
}
