/* outer_core/pager/clock: the pager's frame table, clock and paging slots.
 * The reference bits come from a trace: ref[i] is entry i's bit; the
 * clock reads it through the callback, which clears it (as SYS_VM_BITS
 * with VM_CLEAR_REF does) and logs which entry was looked at. */
#include <string.h>
#include "outer_core/pager/clock.h"
#include "tests/host/check.h"

#define N 8
#define PID 5
#define VA(i) (0x10000000u + (uint32_t)(i) * 4096u)
#define PHYS(i) (0x00200000u + (uint32_t)(i) * 4096u)

static struct pg_frame mem[N];
static struct clock c;

static struct {
    int ref[N];
    int sticky[N];          /* touched again at once: the bit is set on every look */
    int no_slot[N];         /* not eligible (a page that would need a new slot) */
    int log[4 * N + 4];     /* entries whose bit was read, in order */
    int nlog;
} tr;

static int referenced(void *ctx, const struct pg_frame *e)
{
    (void)ctx;
    int i = (int)(e - mem);
    if (tr.nlog < (int)(sizeof tr.log / sizeof tr.log[0]))
        tr.log[tr.nlog++] = i;
    int was = tr.ref[i];
    tr.ref[i] = tr.sticky[i];
    return was;
}

static int eligible(void *ctx, const struct pg_frame *e)
{
    (void)ctx;
    return !tr.no_slot[e - mem];
}

static const struct clock_ops ops = {referenced, 0, 0};
static const struct clock_ops ops_filtered = {referenced, eligible, 0};
static const struct clock_ops ops_skipping = {referenced, 0, PG_NEEDSLOT};

/* n frames added, taken and mapped in order; classes from a string:
 * 'w' working storage, 'f' file, 'p' pinned working page, '-' left free. */
static void setup(const char *classes)
{
    memset(mem, 0xAB, sizeof mem);
    memset(&tr, 0, sizeof tr);
    clock_init(&c, mem, N);
    int n = (int)strlen(classes);
    for (int i = 0; i < n; i++)
        clock_add(&c, PHYS(i));
    /* The free list is LIFO: take them all, then map entry i for class i. */
    for (int i = 0; i < n; i++)
        clock_take(&c);
    for (int i = 0; i < n; i++) {
        if (classes[i] == '-') {
            clock_release(&c, (uint32_t)i);
            continue;
        }
        clock_use(&c, (uint32_t)i, PID, VA(i), classes[i] == 'f' ? PG_FILE : 0);
        if (classes[i] == 'p')
            clock_pin(&c, (uint32_t)i, 1);
    }
}

static void refs(const char *bits)
{
    for (int i = 0; bits[i]; i++)
        tr.ref[i] = bits[i] == '1';
}

/* The trace of looks as a string of entry digits, "0123". */
static const char *looks(void)
{
    static char s[sizeof tr.log / sizeof tr.log[0] + 1];
    int i = 0;
    for (; i < tr.nlog; i++)
        s[i] = (char)('0' + tr.log[i]);
    s[i] = 0;
    return s;
}

/* ---- the clock ---- */

HTEST(clock_takes_first_unreferenced_and_ages_the_others)
{
    setup("wwww");
    refs("1101");
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 2);
    CHECK_STR(looks(), "012");
    CHECK_EQ_U(tr.ref[0], 0);           /* aged: cleared as the hand passed */
    CHECK_EQ_U(tr.ref[1], 0);
    CHECK_EQ_U(tr.ref[3], 1);           /* beyond the victim: untouched */
    CHECK_EQ_U(c.hand, 3);
    CHECK_EQ_U(c.sweeps, 0);
    CHECK_EQ_U(mem[2].state, PG_USED);  /* the caller steals it, then releases */
}

HTEST(clock_all_referenced_clears_all_then_takes_first)
{
    setup("wwww");
    refs("1111");
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 0);
    CHECK_STR(looks(), "01230");
    for (int i = 0; i < 4; i++)
        CHECK_EQ_U(tr.ref[i], 0);
    CHECK_EQ_U(c.sweeps, 1);
    CHECK_EQ_U(c.hand, 1);
}

HTEST(clock_hand_goes_on_from_the_last_victim)
{
    setup("wwww");
    refs("1101");
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 2);
    clock_release(&c, 2);
    tr.nlog = 0;
    tr.ref[1] = 1;                      /* touched again since */
    /* 3 is aged now, 0 was aged by the first search: 0 goes. */
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 0);
    CHECK_STR(looks(), "30");
    CHECK_EQ_U(tr.ref[3], 0);
    CHECK_EQ_U(tr.ref[1], 1);
    CHECK_EQ_U(c.sweeps, 1);
    tr.nlog = 0;
    /* 1 is set: aged; 2 is free now: passed without a look; 3 goes. */
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 3);
    CHECK_STR(looks(), "13");
}

HTEST(clock_skips_pinned_without_looking)
{
    setup("pwpw");
    refs("0100");                       /* the pinned ones would go first */
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 3);
    CHECK_STR(looks(), "13");
    clock_pin(&c, 0, 0);                /* unpinned: fair game again */
    tr.nlog = 0;
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 0);
    CHECK_STR(looks(), "0");
}

HTEST(clock_skips_free_and_taken_entries)
{
    setup("--ww");
    refs("0010");
    int32_t t = clock_take(&c);         /* one of the free ones, being filled */
    CHECK(t == 0 || t == 1);
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 3);
    CHECK_STR(looks(), "23");
}

HTEST(clock_file_pages_go_first_even_when_a_work_page_is_older)
{
    /* The hand is at working page 0, unreferenced: a plain clock would take
     * it. The file page is referenced: aged in the first revolution of the
     * file search and taken in the second. Working bits are not touched. */
    setup("wwfw");
    refs("0010");
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 2);
    CHECK_STR(looks(), "22");
    CHECK_EQ_U(c.sweeps, 1);
    CHECK_EQ_U(c.hand, 3);
    CHECK_EQ_U(c.nfile, 1);
}

HTEST(clock_working_storage_only_when_no_file_page_can_go)
{
    setup("wf");
    tr.sticky[1] = 1;                   /* the file page is in constant use */
    refs("01");
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 0);
    CHECK_STR(looks(), "110");          /* two revolutions for a file page */
    CHECK_EQ_U(c.sweeps, 2);
    CHECK_EQ_U(c.hand, 1);
}

HTEST(clock_without_file_pages_skips_the_file_search)
{
    setup("www");
    refs("111");
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 0);
    CHECK_EQ_U(c.sweeps, 1);            /* not 3: no fruitless file revolutions */
}

HTEST(clock_none_when_all_pinned_or_empty)
{
    setup("");
    CHECK_EQ_U(clock_victim(&c, &ops, 0), -1);
    setup("pp--");
    CHECK_EQ_U(clock_victim(&c, &ops, 0), -1);
    CHECK_EQ_U(tr.nlog, 0);
}

HTEST(clock_none_when_every_page_is_touched_again_at_once)
{
    setup("www");
    for (int i = 0; i < 3; i++)
        tr.sticky[i] = tr.ref[i] = 1;
    CHECK_EQ_U(clock_victim(&c, &ops, 0), -1);
    CHECK_EQ_U(tr.nlog, 6);             /* bounded: two revolutions */
}

HTEST(clock_ineligible_pages_are_passed)
{
    setup("wwww");
    refs("1011");
    tr.no_slot[0] = tr.no_slot[1] = 1;
    /* 0: set, aged; 1: clear but not eligible; 2, 3: aged; round again:
     * 0 and 1 not eligible, 2 goes. */
    CHECK_EQ_U(clock_victim(&c, &ops_filtered, 0), 2);
    CHECK_STR(looks(), "0123012");
    CHECK_EQ_U(tr.ref[0], 0);
    tr.nlog = 0;
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 3);     /* unfiltered: 3 was aged */
    CHECK_STR(looks(), "3");
    tr.nlog = 0;
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 0);     /* now 0 can go */
    CHECK_STR(looks(), "0");
}

HTEST(clock_none_when_nothing_eligible)
{
    setup("fww");
    refs("000");
    tr.no_slot[1] = tr.no_slot[2] = 1;
    CHECK_EQ_U(clock_victim(&c, &ops_filtered, 0), 0);     /* the file page */
    clock_release(&c, 0);
    tr.nlog = 0;
    CHECK_EQ_U(clock_victim(&c, &ops_filtered, 0), -1);
    CHECK_EQ_U(tr.nlog, 4);                                 /* two revolutions, no more */
}

/* ---- the frame table ---- */

HTEST(clock_free_list_counts)
{
    setup("");
    CHECK_EQ_U(clock_take(&c), -1);
    CHECK_EQ_U(clock_add(&c, PHYS(0)), 0);
    CHECK_EQ_U(clock_add(&c, PHYS(1)), 1);
    CHECK_EQ_U(c.held, 2);
    CHECK_EQ_U(c.nfree, 2);
    CHECK_EQ_U(clock_take(&c), 1);      /* last added first */
    CHECK_EQ_U(c.nfree, 1);
    CHECK_EQ_U(c.held, 2);
    CHECK_EQ_U(mem[1].phys, PHYS(1));
    clock_use(&c, 1, PID, VA(1), PG_FILE);
    CHECK_EQ_U(c.nfile, 1);
    clock_release(&c, 1);               /* stolen: back on the free list */
    CHECK_EQ_U(c.nfile, 0);
    CHECK_EQ_U(c.nfree, 2);
    CHECK_EQ_U(mem[1].state, PG_FREE);
    CHECK_EQ_U(mem[1].phys, PHYS(1));   /* the frame is still mine */
}

HTEST(clock_forgotten_entries_are_reused)
{
    setup("wfw");
    CHECK_EQ_U(c.held, 3);
    clock_forget(&c, 1);
    CHECK_EQ_U(c.held, 2);
    CHECK_EQ_U(c.nfile, 0);
    CHECK_EQ_U(mem[1].state, PG_ABSENT);
    CHECK_EQ_U(clock_add(&c, PHYS(7)), 1);  /* the spare entry, not a new one */
    CHECK_EQ_U(c.n, 3);
    CHECK_EQ_U(mem[1].phys, PHYS(7));
}

HTEST(clock_forget_pid_drops_only_that_process)
{
    setup("wfww");
    clock_release(&c, 3);
    clock_take(&c);
    clock_use(&c, 3, PID + 1, VA(3), 0);
    CHECK_EQ_U(clock_forget_pid(&c, PID), 3);
    CHECK_EQ_U(c.held, 1);
    CHECK_EQ_U(c.nfile, 0);
    CHECK_EQ_U(mem[3].state, PG_USED);
    CHECK_EQ_U(clock_find(&c, PID, VA(0)), -1);
    CHECK_EQ_U(clock_find(&c, PID + 1, VA(3)), 3);
    refs("1111");
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 3);   /* the forgotten are never looked at */
    CHECK_STR(looks(), "33");
}

HTEST(clock_table_full)
{
    setup("");
    for (int i = 0; i < N; i++)
        CHECK_EQ_U(clock_add(&c, PHYS(i)), (uint32_t)i);
    CHECK_EQ_U(clock_add(&c, PHYS(N)), -1);
    CHECK_EQ_U(c.held, N);
}

/* ---- paging slots ---- */

#define SLOTS 40                        /* not a multiple of 32: the tail word */
static uint32_t bits[(SLOTS + 31) / 32];
static struct pg_slot own[SLOTS];
static uint32_t heads[16];
static struct slots s;

static void slots_setup(uint32_t n, uint32_t nheads)
{
    memset(bits, 0xFF, sizeof bits);    /* init must not rely on zeroed memory */
    memset(own, 0xCD, sizeof own);
    memset(heads, 0xEE, sizeof heads);
    slots_init(&s, n, bits, own, heads, nheads);
}

HTEST(slots_deferred_until_first_write)
{
    slots_setup(SLOTS, 16);
    CHECK_EQ_U(s.used, 0);
    CHECK_EQ_U(slots_find(&s, PID, VA(0)), -1);  /* touched, never written */
    CHECK_EQ_U(slots_alloc(&s, PID, VA(0)), 0);
    CHECK_EQ_U(slots_alloc(&s, PID, VA(1)), 1);
    CHECK_EQ_U(s.used, 2);
    CHECK_EQ_U(slots_alloc(&s, PID, VA(0)), 0);     /* written again: the same slot */
    CHECK_EQ_U(s.used, 2);
    CHECK_EQ_U(slots_find(&s, PID, VA(1)), 1);
    CHECK_EQ_U(slots_find(&s, PID + 1, VA(1)), -1);
}

HTEST(slots_freed_when_the_process_ends)
{
    slots_setup(SLOTS, 16);
    for (int i = 0; i < 3; i++)
        slots_alloc(&s, PID, VA(i));
    CHECK_EQ_U(slots_alloc(&s, PID + 1, VA(0)), 3);
    CHECK_EQ_U(slots_free_pid(&s, PID), 3);
    CHECK_EQ_U(s.used, 1);
    for (int i = 0; i < 3; i++)
        CHECK_EQ_U(slots_find(&s, PID, VA(i)), -1);
    CHECK_EQ_U(slots_find(&s, PID + 1, VA(0)), 3);
    CHECK_EQ_U(slots_free_pid(&s, PID), 0);
}

HTEST(slots_exhaustion_and_reuse)
{
    slots_setup(SLOTS, 16);
    for (int i = 0; i < SLOTS; i++)
        CHECK_EQ_U(slots_alloc(&s, PID, VA(i)), (uint32_t)i);
    CHECK_EQ_U(s.used, SLOTS);
    CHECK_EQ_U(slots_alloc(&s, PID, VA(SLOTS)), -1);
    CHECK_EQ_U(slots_alloc(&s, PID, VA(7)), 7);     /* a page that has one still does */
    slots_free(&s, 35);
    CHECK_EQ_U(s.used, SLOTS - 1);
    CHECK_EQ_U(slots_find(&s, PID, VA(35)), -1);
    CHECK_EQ_U(slots_alloc(&s, PID, VA(SLOTS)), 35);
    CHECK_EQ_U(slots_alloc(&s, PID, VA(SLOTS + 1)), -1);
}

HTEST(slots_never_past_the_end)
{
    slots_setup(5, 4);                  /* bits 5-31 of the word are not slots */
    for (int i = 0; i < 5; i++)
        CHECK_EQ_U(slots_alloc(&s, PID, VA(i)), (uint32_t)i);
    CHECK_EQ_U(slots_alloc(&s, PID, VA(5)), -1);
    slots_setup(0, 1);                  /* no paging disk */
    CHECK_EQ_U(slots_alloc(&s, PID, VA(0)), -1);
    CHECK_EQ_U(slots_find(&s, PID, VA(0)), -1);
}

HTEST(slots_one_chain_for_all)
{
    slots_setup(SLOTS, 1);              /* every page collides */
    for (int i = 0; i < 10; i++)
        slots_alloc(&s, PID, VA(i));
    slots_free(&s, 4);
    slots_free(&s, 9);
    slots_free(&s, 0);
    for (int i = 0; i < 10; i++)
        CHECK_EQ_U(slots_find(&s, PID, VA(i)), i == 0 || i == 4 || i == 9 ? -1 : i);
    CHECK_EQ_U(s.used, 7);
}

HTEST(slots_claim_what_the_inner_core_reports)
{
    slots_setup(SLOTS, 16);
    CHECK_EQ_U(slots_claim(&s, 12, PID, VA(3)), 0);     /* a pager that restarted */
    CHECK_EQ_U(slots_find(&s, PID, VA(3)), 12);
    CHECK_EQ_U(s.used, 1);
    CHECK_EQ_U(slots_claim(&s, 12, PID, VA(3)), 0);
    CHECK_EQ_U(s.used, 1);
    CHECK_EQ_U(slots_claim(&s, 12, PID, VA(4)), -1);  /* another page's */
    CHECK_EQ_U(slots_claim(&s, SLOTS, PID, VA(4)), -1);
    CHECK_EQ_U(slots_claim(&s, 20, PID, VA(3)), 0);     /* it moved: the old one is freed */
    CHECK_EQ_U(slots_find(&s, PID, VA(3)), 20);
    CHECK_EQ_U(s.used, 1);
    for (int i = 0; i < 13; i++)
        CHECK(slots_alloc(&s, PID + 1, VA(i)) != 20);
}

HTEST(slots_retired_are_never_given_again)
{
    slots_setup(4, 4);
    CHECK_EQ_U(slots_alloc(&s, PID, VA(0)), 0);
    slots_retire(&s, 0);                /* the disk could not write it */
    CHECK_EQ_U(slots_find(&s, PID, VA(0)), -1);
    CHECK_EQ_U(s.used, 1);
    slots_retire(&s, 2);
    CHECK_EQ_U(s.used, 2);
    CHECK_EQ_U(slots_alloc(&s, PID, VA(0)), 1);
    CHECK_EQ_U(slots_alloc(&s, PID, VA(1)), 3);
    CHECK_EQ_U(slots_alloc(&s, PID, VA(2)), -1);
    CHECK_EQ_U(slots_free_pid(&s, PID), 2);
    CHECK_EQ_U(s.used, 2);              /* the retired stay out */
}

HTEST(slots_search_wraps_round_the_tail_word)
{
    slots_setup(SLOTS, 16);
    for (int i = 0; i < SLOTS; i++)
        slots_alloc(&s, PID, VA(i));
    slots_free(&s, 3);
    slots_free(&s, 37);
    CHECK_EQ_U(slots_alloc(&s, PID + 1, VA(0)), 3);
    CHECK_EQ_U(slots_alloc(&s, PID + 1, VA(1)), 37);   /* the search is in the tail word now */
    slots_free(&s, 10);
    CHECK_EQ_U(slots_alloc(&s, PID + 1, VA(2)), 10);   /* not 40: past the last slot */
    CHECK_EQ_U(s.used, SLOTS);
}

HTEST(clock_adopted_pages_are_used_not_free)
{
    setup("w");
    CHECK_EQ_U(clock_adopt(&c, PHYS(5), PID + 1, VA(5), PG_FILE), 1);
    CHECK_EQ_U(clock_adopt(&c, PHYS(6), PID + 1, VA(6), PG_PINNED), 2);
    CHECK_EQ_U(c.held, 3);
    CHECK_EQ_U(c.nfree, 0);
    CHECK_EQ_U(c.nfile, 1);
    CHECK_EQ_U(clock_take(&c), -1);
    CHECK_EQ_U(clock_find(&c, PID + 1, VA(6)), 2);
    refs("000");
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 1);       /* the file page first */
    clock_release(&c, 1);
    CHECK_EQ_U(c.nfile, 0);
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 0);       /* 2 is pinned */
    clock_release(&c, 0);
    CHECK_EQ_U(clock_victim(&c, &ops, 0), -1);
}

HTEST(slots_owner_tells_whose)
{
    uint32_t pid = 1, va = 1;
    slots_setup(8, 4);
    CHECK(!slots_owner(&s, 0, &pid, &va));
    slots_alloc(&s, PID, VA(3));
    slots_retire(&s, 5);
    CHECK(slots_owner(&s, 0, &pid, &va));
    CHECK_EQ_U(pid, PID);
    CHECK_EQ_U(va, VA(3));
    CHECK(slots_owner(&s, 5, &pid, &va));
    CHECK_EQ_U(pid, 0);
    CHECK(!slots_owner(&s, 8, &pid, &va));
}

HTEST(clock_skips_marked_pages_unlooked_at)
{
    setup("wwww");
    refs("0000");
    clock_mark(&c, 0, PG_NEEDSLOT, 1);
    clock_mark(&c, 1, PG_NEEDSLOT, 1);
    CHECK_EQ_U(clock_victim(&c, &ops_skipping, 0), 2);
    CHECK_STR(looks(), "2");
    CHECK_EQ_U(clock_victim(&c, &ops, 0), 3);       /* unskipping: the next one */
    clock_mark(&c, 0, PG_NEEDSLOT, 0);
    tr.nlog = 0;
    clock_release(&c, 2);
    clock_release(&c, 3);
    CHECK_EQ_U(clock_victim(&c, &ops_skipping, 0), 0);
    CHECK_STR(looks(), "0");
    CHECK_EQ_U(mem[1].flags, PG_NEEDSLOT);
    clock_release(&c, 1);
    CHECK_EQ_U(mem[1].flags, 0);                    /* a mark goes with the page */
}

HTEST(clock_adopted_marks_stay)
{
    setup("");
    CHECK_EQ_U(clock_adopt(&c, PHYS(0), PID, VA(0), PG_NEEDSLOT), 0);
    CHECK_EQ_U(clock_adopt(&c, PHYS(1), PID, VA(1), 0), 1);
    CHECK_EQ_U(mem[0].flags, PG_NEEDSLOT);
    CHECK_EQ_U(clock_victim(&c, &ops_skipping, 0), 1);  /* a predecessor's mark counts */
}
