/* Frame table and page pool. Pure code, unit-tested on the host. */
#include "mm/frame.h"
#include "lib/fmt.h"

static const char *const state_names[FRAME_NSTATES] = {
    "absent", "firmware", "text", "data", "icc", "module", "kernel", "user", "free",
};

const char *ft_state_name(enum frame_state s)
{
    return (unsigned)s < FRAME_NSTATES ? state_names[s] : "?";
}

void ft_init(struct frame_table *t, struct frame *mem, uint32_t n)
{
    t->f = mem;
    t->n = n;
    t->free_head = t->zero_head = FRAME_NONE;
    t->zeroed = t->zeroing = 0;
    t->pooled = 0;
    for (int s = 0; s < FRAME_NSTATES; s++)
        t->count[s] = 0;
    for (uint32_t i = 0; i < n; i++) {
        mem[i].next = FRAME_NONE;
        mem[i].owner = 0;
        mem[i].state = FRAME_ABSENT;
        mem[i].flags = 0;
    }
    t->count[FRAME_ABSENT] = n;
}

void ft_mark(struct frame_table *t, uint32_t first, uint32_t count, enum frame_state s)
{
    if (t->pooled || first >= t->n)
        return;
    if (count > t->n - first)
        count = t->n - first;
    for (uint32_t i = first; i < first + count; i++) {
        t->count[t->f[i].state]--;
        t->f[i].state = (uint8_t)s;
        t->count[s]++;
    }
}

void ft_build_pool(struct frame_table *t)
{
    t->free_head = t->zero_head = FRAME_NONE;
    t->zeroed = t->zeroing = 0;
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->f[i].state == FRAME_FREE) {
            t->f[i].next = t->free_head;
            t->free_head = i;
        }
    }
    t->pooled = 1;
}

/* Unlink the head of list *head (not empty) and give it to s. */
static uint32_t take(struct frame_table *t, uint32_t *head, enum frame_state s, uint16_t owner)
{
    uint32_t i = *head;
    struct frame *f = &t->f[i];
    *head = f->next;
    f->next = FRAME_NONE;
    f->state = (uint8_t)s;
    f->owner = owner;
    f->flags &= FRAME_F_ZERO;
    t->count[FRAME_FREE]--;
    t->count[s]++;
    return i;
}

uint32_t ft_alloc(struct frame_table *t, enum frame_state s, uint16_t owner)
{
    if (s != FRAME_KERNEL && s != FRAME_USER)
        return FRAME_NONE;
    if (t->free_head != FRAME_NONE)
        return take(t, &t->free_head, s, owner);
    if (t->zero_head == FRAME_NONE)
        return FRAME_NONE;
    t->zeroed--;
    uint32_t i = take(t, &t->zero_head, s, owner);
    t->f[i].flags = 0;              /* not asked for: its user may write it */
    return i;
}

uint32_t ft_alloc_zero(struct frame_table *t, enum frame_state s, uint16_t owner)
{
    if (t->zero_head == FRAME_NONE || (s != FRAME_KERNEL && s != FRAME_USER))
        return ft_alloc(t, s, owner);   /* FRAME_F_ZERO clear */
    t->zeroed--;
    return take(t, &t->zero_head, s, owner);
}

uint32_t ft_take_dirty(struct frame_table *t)
{
    if (t->free_head == FRAME_NONE)
        return FRAME_NONE;
    t->zeroing++;
    return take(t, &t->free_head, FRAME_KERNEL, 0);
}

void ft_put_back(struct frame_table *t, uint32_t i, int zeroed)
{
    struct frame *f = &t->f[i];
    t->zeroing--;
    t->count[f->state]--;
    t->count[FRAME_FREE]++;
    f->state = FRAME_FREE;
    f->owner = 0;
    if (zeroed) {
        f->flags = FRAME_F_ZERO;
        f->next = t->zero_head;
        t->zero_head = i;
        t->zeroed++;
    } else {
        f->flags = 0;
        f->next = t->free_head;
        t->free_head = i;
    }
}

int ft_free(struct frame_table *t, uint32_t i)
{
    if (i >= t->n || !t->pooled)
        return -1;
    struct frame *f = &t->f[i];
    if (f->state != FRAME_KERNEL && f->state != FRAME_USER && f->state != FRAME_MODULE)
        return -1;
    t->count[f->state]--;
    t->count[FRAME_FREE]++;
    f->state = FRAME_FREE;
    f->owner = 0;
    f->flags = 0;
    f->next = t->free_head;
    t->free_head = i;
    return 0;
}

int ft_check(struct frame_table *t, char *why, size_t len)
{
    uint32_t seen[FRAME_NSTATES] = { 0 }, total = 0, listed = 0;
    int bad = 0;
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->f[i].state >= FRAME_NSTATES) {
            fmt_snprintf(why, len, "frame %u has state %u", i, t->f[i].state);
            return -1;
        }
        seen[t->f[i].state]++;
    }
    for (int s = 0; s < FRAME_NSTATES; s++) {
        total += seen[s];
        if (seen[s] != t->count[s]) {
            fmt_snprintf(why, len, "%s: counted %u, table holds %u",
                         state_names[s], t->count[s], seen[s]);
            return -1;
        }
    }
    if (total != t->n) {
        fmt_snprintf(why, len, "states add up to %u of %u frames", total, t->n);
        return -1;
    }
    uint32_t zeros = 0;
    for (int l = 0; l < 2 && !bad; l++) {
        for (uint32_t i = l ? t->zero_head : t->free_head; i != FRAME_NONE; i = t->f[i].next) {
            if (i >= t->n || t->f[i].state != FRAME_FREE || (t->f[i].flags & FRAME_F_MARK) ||
                !(t->f[i].flags & FRAME_F_ZERO) != !l) {
                fmt_snprintf(why, len, "%s list holds frame %u (%s%s)", l ? "zeroed" : "free", i,
                             i < t->n ? ft_state_name(t->f[i].state) : "out of range",
                             i >= t->n ? ""
                             : (t->f[i].flags & FRAME_F_MARK) ? ", twice"
                             : !(t->f[i].flags & FRAME_F_ZERO) != !l ? ", zero flag wrong" : "");
                bad = 1;
                break;
            }
            t->f[i].flags |= FRAME_F_MARK;
            listed++;
            zeros += (uint32_t)l;
        }
    }
    for (uint32_t i = 0; i < t->n; i++)
        t->f[i].flags &= (uint8_t)~FRAME_F_MARK;
    if (!bad && t->pooled && listed != t->count[FRAME_FREE]) {
        fmt_snprintf(why, len, "free list has %u frames, %u are free",
                     listed, t->count[FRAME_FREE]);
        bad = 1;
    }
    if (!bad && zeros != t->zeroed) {
        fmt_snprintf(why, len, "zeroed list has %u frames, counted %u", zeros, t->zeroed);
        bad = 1;
    }
    return bad ? -1 : 0;
}
