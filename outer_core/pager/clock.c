/* The pager's frame table, clock and paging slots (see clock.h). */
#include "outer_core/pager/clock.h"

/* ---- frame table ---- */

void clock_init(struct clock *c, struct pg_frame *mem, uint32_t cap)
{
    c->f = mem;
    c->cap = cap;
    c->n = c->hand = 0;
    c->free_head = c->spare_head = PG_NONE;
    c->held = c->nfree = c->nfile = c->sweeps = 0;
}

static void push(struct clock *c, uint32_t *head, uint32_t i)
{
    c->f[i].next = *head;
    *head = i;
}

int32_t clock_add(struct clock *c, uint32_t phys)
{
    uint32_t i = c->spare_head;
    if (i != PG_NONE)
        c->spare_head = c->f[i].next;
    else if (c->n < c->cap)
        i = c->n++;
    else
        return -1;
    struct pg_frame *e = &c->f[i];
    e->phys = phys;
    e->pid = e->va = 0;
    e->state = PG_FREE;
    e->flags = 0;
    push(c, &c->free_head, i);
    c->held++;
    c->nfree++;
    return (int32_t)i;
}

int32_t clock_take(struct clock *c)
{
    uint32_t i = c->free_head;
    if (i == PG_NONE)
        return -1;
    c->free_head = c->f[i].next;
    c->f[i].state = PG_TAKEN;
    c->f[i].next = PG_NONE;
    c->nfree--;
    return (int32_t)i;
}

void clock_use(struct clock *c, uint32_t i, uint32_t pid, uint32_t va, uint16_t flags)
{
    struct pg_frame *e = &c->f[i];
    e->pid = pid;
    e->va = va;
    e->flags = flags & (PG_FILE | PG_NEEDSLOT | PG_RECENT);
    e->state = PG_USED;
    c->nfile += (flags & PG_FILE) != 0;
}

/* Entry i leaves the used or taken state. */
static void unuse(struct clock *c, struct pg_frame *e)
{
    if (e->state == PG_USED && (e->flags & PG_FILE))
        c->nfile--;
    e->pid = e->va = 0;
    e->flags = 0;
}

void clock_release(struct clock *c, uint32_t i)
{
    struct pg_frame *e = &c->f[i];
    unuse(c, e);
    e->state = PG_FREE;
    push(c, &c->free_head, i);
    c->nfree++;
}

void clock_forget(struct clock *c, uint32_t i)
{
    struct pg_frame *e = &c->f[i];
    unuse(c, e);
    e->state = PG_ABSENT;
    e->phys = 0;
    push(c, &c->spare_head, i);
    c->held--;
}

uint32_t clock_forget_pid(struct clock *c, uint32_t pid)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->n; i++) {
        if (c->f[i].state == PG_USED && c->f[i].pid == pid) {
            clock_forget(c, i);
            n++;
        }
    }
    return n;
}

int32_t clock_adopt(struct clock *c, uint32_t phys, uint32_t pid, uint32_t va, uint16_t flags)
{
    int32_t i = clock_add(c, phys);
    if (i < 0)
        return -1;
    c->free_head = c->f[i].next;        /* clock_add put it on top of the free list */
    c->nfree--;
    clock_use(c, (uint32_t)i, pid, va, flags);
    if (flags & PG_PINNED)
        clock_pin(c, (uint32_t)i, 1);
    return i;
}

void clock_pin(struct clock *c, uint32_t i, int pinned)
{
    clock_mark(c, i, PG_PINNED, pinned);
}

int32_t clock_find(const struct clock *c, uint32_t pid, uint32_t va)
{
    for (uint32_t i = 0; i < c->n; i++)
        if (c->f[i].state == PG_USED && c->f[i].pid == pid && c->f[i].va == va)
            return (int32_t)i;
    return -1;
}

/* ---- the clock ---- */

static void advance(struct clock *c)
{
    if (++c->hand >= c->n) {
        c->hand = 0;
        c->sweeps++;
    }
}

/* Up to two revolutions from the hand for an unreferenced page (of class
 * file only, if file_only); the hand stops just past it. */
static int32_t sweep(struct clock *c, int file_only, const struct clock_ops *ops, void *ctx)
{
    for (uint32_t k = 0; k < 2 * c->n; k++) {
        uint32_t i = c->hand;
        const struct pg_frame *e = &c->f[i];
        advance(c);
        if (e->state != PG_USED || (e->flags & (PG_PINNED | ops->skip)))
            continue;
        if (file_only && !(e->flags & PG_FILE))
            continue;
        if (ops->referenced(ctx, e))
            continue;                   /* it ages */
        if (!ops->eligible || ops->eligible(ctx, e))
            return (int32_t)i;
    }
    return -1;
}

int32_t clock_victim(struct clock *c, const struct clock_ops *ops, void *ctx)
{
    if (!c->n)
        return -1;
    if (c->hand >= c->n)
        c->hand = 0;
    if (c->nfile) {
        int32_t i = sweep(c, 1, ops, ctx);
        if (i >= 0)
            return i;
    }
    return sweep(c, 0, ops, ctx);
}

/* ---- paging slots ---- */

static uint32_t chain_of(const struct slots *s, uint32_t pid, uint32_t va)
{
    uint32_t h = (va >> 12) * 2654435761u ^ pid * 40503u;
    h ^= h >> 15;
    return h & (s->nheads - 1);
}

static int in_use(const struct slots *s, uint32_t slot)
{
    return (s->bits[slot / 32] >> (slot % 32)) & 1;
}

static void set_bit(struct slots *s, uint32_t slot, int on)
{
    if (on)
        s->bits[slot / 32] |= 1u << (slot % 32);
    else
        s->bits[slot / 32] &= ~(1u << (slot % 32));
}

void slots_init(struct slots *s, uint32_t n, uint32_t *bits, struct pg_slot *own,
                uint32_t *heads, uint32_t nheads)
{
    s->bits = bits;
    s->own = own;
    s->heads = heads;
    s->n = n;
    s->nheads = nheads;
    s->used = s->hint = 0;
    for (uint32_t w = 0; w < (n + 31) / 32; w++)
        bits[w] = 0;
    for (uint32_t h = 0; h < nheads; h++)
        heads[h] = PG_NONE;
    for (uint32_t i = 0; i < n; i++)
        own[i] = (struct pg_slot){0, 0, PG_NONE};
}

int32_t slots_find(const struct slots *s, uint32_t pid, uint32_t va)
{
    if (!s->n || !pid)
        return -1;
    for (uint32_t i = s->heads[chain_of(s, pid, va)]; i != PG_NONE; i = s->own[i].next)
        if (s->own[i].pid == pid && s->own[i].va == va)
            return (int32_t)i;
    return -1;
}

/* Slot i now holds (pid, va): in use, and on its chain. */
static void own(struct slots *s, uint32_t i, uint32_t pid, uint32_t va)
{
    uint32_t h = chain_of(s, pid, va);
    if (!in_use(s, i))
        s->used++;
    set_bit(s, i, 1);
    s->own[i] = (struct pg_slot){pid, va, s->heads[h]};
    s->heads[h] = i;
}

/* Slot i off its chain (it keeps its bit). */
static void disown(struct slots *s, uint32_t i)
{
    struct pg_slot *o = &s->own[i];
    if (!o->pid)
        return;
    uint32_t *link = &s->heads[chain_of(s, o->pid, o->va)];
    while (*link != PG_NONE && *link != i)
        link = &s->own[*link].next;
    if (*link == i)
        *link = o->next;
    *o = (struct pg_slot){0, 0, PG_NONE};
}

/* The first clear bit from the hint on, or PG_NONE. */
static uint32_t first_free(const struct slots *s)
{
    uint32_t words = (s->n + 31) / 32;
    for (uint32_t k = 0; k < words; k++) {
        uint32_t w = (s->hint / 32 + k) % words, b = s->bits[w];
        if (b == 0xFFFFFFFFu)
            continue;
        for (uint32_t bit = 0; bit < 32; bit++) {
            uint32_t i = w * 32 + bit;
            if (!(b & 1u << bit) && i < s->n)
                return i;
        }
    }
    return PG_NONE;
}

int32_t slots_alloc(struct slots *s, uint32_t pid, uint32_t va)
{
    int32_t have = slots_find(s, pid, va);
    if (have >= 0)
        return have;
    if (!pid || s->used >= s->n)
        return -1;
    uint32_t i = first_free(s);
    if (i == PG_NONE)
        return -1;
    own(s, i, pid, va);
    s->hint = i + 1 < s->n ? i + 1 : 0;
    return (int32_t)i;
}

int slots_claim(struct slots *s, uint32_t slot, uint32_t pid, uint32_t va)
{
    if (slot >= s->n || !pid)
        return -1;
    if (in_use(s, slot))
        return s->own[slot].pid == pid && s->own[slot].va == va ? 0 : -1;
    int32_t old = slots_find(s, pid, va);
    if (old >= 0)
        slots_free(s, (uint32_t)old);       /* the inner core says it is here now */
    own(s, slot, pid, va);
    return 0;
}

void slots_free(struct slots *s, uint32_t slot)
{
    if (slot >= s->n || !in_use(s, slot))
        return;
    disown(s, slot);
    set_bit(s, slot, 0);
    s->used--;
}

uint32_t slots_free_pid(struct slots *s, uint32_t pid)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->n && pid; i++) {
        if (s->own[i].pid == pid && in_use(s, i)) {
            slots_free(s, i);
            n++;
        }
    }
    return n;
}

void slots_retire(struct slots *s, uint32_t slot)
{
    if (slot >= s->n)
        return;
    disown(s, slot);
    if (!in_use(s, slot))
        s->used++;
    set_bit(s, slot, 1);
}

int slots_owner(const struct slots *s, uint32_t slot, uint32_t *pid, uint32_t *va)
{
    if (slot >= s->n || !in_use(s, slot))
        return 0;
    *pid = s->own[slot].pid;
    *va = s->own[slot].va;
    return 1;
}
