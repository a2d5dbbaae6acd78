/* mm/frame: the frame table and the page pool's free list. */
#include <string.h>
#include "mm/frame.h"
#include "tests/host/check.h"

#define N 16
static struct frame mem[N];
static struct frame_table t;
static char why[128];

static void setup(void)
{
    memset(mem, 0xAB, sizeof mem);      /* init must not rely on zeroed memory */
    memset(&t, 0xCD, sizeof t);
    ft_init(&t, mem, N);
}

/* Frames 0-1 firmware, 2-3 text, 4 icc, 5 module, 6-15 free; pool built. */
static void setup_pool(void)
{
    setup();
    ft_mark(&t, 0, 2, FRAME_FIRMWARE);
    ft_mark(&t, 2, 2, FRAME_TEXT);
    ft_mark(&t, 4, 1, FRAME_ICC);
    ft_mark(&t, 5, 1, FRAME_MODULE);
    ft_mark(&t, 6, 10, FRAME_FREE);
    ft_build_pool(&t);
}

static int clean(void)
{
    why[0] = 0;
    return ft_check(&t, why, sizeof why) == 0;
}

/* ---- init and mark ---- */

HTEST(frame_init_all_absent)
{
    setup();
    CHECK_EQ_U(t.n, N);
    CHECK_EQ_U(t.free_head, FRAME_NONE);
    CHECK_EQ_U(t.count[FRAME_ABSENT], N);
    for (int s = 1; s < FRAME_NSTATES; s++)
        CHECK_EQ_U(t.count[s], 0);
    for (int i = 0; i < N; i++) {
        CHECK_EQ_U(mem[i].state, FRAME_ABSENT);
        CHECK_EQ_U(mem[i].next, FRAME_NONE);
        CHECK_EQ_U(mem[i].flags, 0);
        CHECK_EQ_U(mem[i].owner, 0);
    }
    CHECK(clean());
}

HTEST(frame_mark_sets_states_and_counts)
{
    setup();
    ft_mark(&t, 2, 3, FRAME_FREE);
    CHECK_EQ_U(t.count[FRAME_FREE], 3);
    CHECK_EQ_U(t.count[FRAME_ABSENT], N - 3);
    CHECK_EQ_U(mem[1].state, FRAME_ABSENT);
    CHECK_EQ_U(mem[2].state, FRAME_FREE);
    CHECK_EQ_U(mem[4].state, FRAME_FREE);
    CHECK_EQ_U(mem[5].state, FRAME_ABSENT);
    CHECK(clean());
}

HTEST(frame_mark_again_moves_counts)
{
    setup();
    ft_mark(&t, 0, 8, FRAME_FREE);
    ft_mark(&t, 2, 2, FRAME_TEXT);
    CHECK_EQ_U(t.count[FRAME_FREE], 6);
    CHECK_EQ_U(t.count[FRAME_TEXT], 2);
    CHECK_EQ_U(t.count[FRAME_ABSENT], N - 8);
    CHECK(clean());
}

HTEST(frame_mark_clipped_to_table)
{
    setup();
    ft_mark(&t, N - 2, 10, FRAME_FREE);
    CHECK_EQ_U(t.count[FRAME_FREE], 2);
    ft_mark(&t, 1, 0xFFFFFFFFu, FRAME_DATA);    /* first + count would wrap */
    CHECK_EQ_U(t.count[FRAME_DATA], N - 1);
    CHECK_EQ_U(mem[0].state, FRAME_ABSENT);
    CHECK(clean());
}

HTEST(frame_mark_past_end_ignored)
{
    setup();
    ft_mark(&t, N, 1, FRAME_FREE);
    ft_mark(&t, 0xFFFFFFFFu, 5, FRAME_FREE);
    CHECK_EQ_U(t.count[FRAME_FREE], 0);
    CHECK_EQ_U(t.count[FRAME_ABSENT], N);
}

HTEST(frame_mark_after_pool_ignored)
{
    setup_pool();
    ft_mark(&t, 6, 2, FRAME_TEXT);
    CHECK_EQ_U(mem[6].state, FRAME_FREE);
    CHECK_EQ_U(t.count[FRAME_FREE], 10);
    CHECK(clean());
}

/* ---- the pool ---- */

HTEST(frame_pool_holds_exactly_free_frames)
{
    setup_pool();
    CHECK(clean());
    int listed = 0;
    for (uint32_t i = t.free_head; i != FRAME_NONE; i = mem[i].next, listed++)
        CHECK_EQ_U(mem[i].state, FRAME_FREE);
    CHECK_EQ_U(listed, 10);
}

HTEST(frame_alloc_before_pool_fails)
{
    setup();
    ft_mark(&t, 0, N, FRAME_FREE);
    CHECK_EQ_U(ft_alloc(&t, FRAME_KERNEL, 0), FRAME_NONE);
    CHECK_EQ_U(t.count[FRAME_FREE], N);
}

HTEST(frame_alloc_highest_first_lowest_last)
{
    setup_pool();
    for (uint32_t want = N - 1; want >= 6; want--)
        CHECK_EQ_U(ft_alloc(&t, FRAME_KERNEL, 0), want);
}

HTEST(frame_alloc_sets_state_owner_flags)
{
    setup_pool();
    mem[N - 1].flags = FRAME_F_PINNED | FRAME_F_REF;
    uint32_t f = ft_alloc(&t, FRAME_USER, 42);
    CHECK_EQ_U(f, N - 1);
    CHECK_EQ_U(mem[f].state, FRAME_USER);
    CHECK_EQ_U(mem[f].owner, 42);
    CHECK_EQ_U(mem[f].flags, 0);
    CHECK_EQ_U(mem[f].next, FRAME_NONE);
    CHECK_EQ_U(t.count[FRAME_USER], 1);
    CHECK_EQ_U(t.count[FRAME_FREE], 9);
    CHECK(clean());
}

HTEST(frame_alloc_until_empty)
{
    setup_pool();
    for (int i = 0; i < 10; i++)
        CHECK(ft_alloc(&t, i & 1 ? FRAME_USER : FRAME_KERNEL, 1) != FRAME_NONE);
    CHECK_EQ_U(ft_alloc(&t, FRAME_KERNEL, 0), FRAME_NONE);
    CHECK_EQ_U(ft_alloc(&t, FRAME_USER, 0), FRAME_NONE);
    CHECK_EQ_U(t.count[FRAME_FREE], 0);
    CHECK_EQ_U(t.count[FRAME_KERNEL], 5);
    CHECK_EQ_U(t.count[FRAME_USER], 5);
    CHECK_EQ_U(t.free_head, FRAME_NONE);
    CHECK(clean());
}

HTEST(frame_alloc_bad_state_rejected)
{
    setup_pool();
    uint32_t head = t.free_head;
    CHECK_EQ_U(ft_alloc(&t, FRAME_TEXT, 0), FRAME_NONE);
    CHECK_EQ_U(ft_alloc(&t, FRAME_FREE, 0), FRAME_NONE);
    CHECK_EQ_U(ft_alloc(&t, FRAME_MODULE, 0), FRAME_NONE);
    CHECK_EQ_U(t.free_head, head);
    CHECK_EQ_U(t.count[FRAME_FREE], 10);
    CHECK(clean());
}

HTEST(frame_free_then_alloc_is_lifo)
{
    setup_pool();
    uint32_t a = ft_alloc(&t, FRAME_KERNEL, 0);
    uint32_t b = ft_alloc(&t, FRAME_KERNEL, 0);
    CHECK_EQ_U(ft_free(&t, a), 0);
    CHECK_EQ_U(ft_free(&t, b), 0);
    CHECK_EQ_U(ft_alloc(&t, FRAME_USER, 3), b);
    CHECK_EQ_U(ft_alloc(&t, FRAME_USER, 3), a);
    CHECK(clean());
}

HTEST(frame_free_restores_counts)
{
    setup_pool();
    uint32_t a = ft_alloc(&t, FRAME_USER, 9);
    mem[a].flags = FRAME_F_PINNED | FRAME_F_REF;
    CHECK_EQ_U(ft_free(&t, a), 0);
    CHECK_EQ_U(mem[a].state, FRAME_FREE);
    CHECK_EQ_U(mem[a].owner, 0);
    CHECK_EQ_U(mem[a].flags, 0);
    CHECK_EQ_U(t.count[FRAME_USER], 0);
    CHECK_EQ_U(t.count[FRAME_FREE], 10);
    CHECK_EQ_U(t.free_head, a);
    CHECK(clean());
}

HTEST(frame_double_free_rejected)
{
    setup_pool();
    uint32_t a = ft_alloc(&t, FRAME_KERNEL, 0);
    ft_alloc(&t, FRAME_KERNEL, 0);
    CHECK_EQ_U(ft_free(&t, a), 0);
    uint32_t head = t.free_head, next = mem[a].next, nfree = t.count[FRAME_FREE];
    CHECK_EQ_U(ft_free(&t, a), -1);
    CHECK_EQ_U(t.free_head, head);
    CHECK_EQ_U(mem[a].next, next);
    CHECK_EQ_U(t.count[FRAME_FREE], nfree);
    CHECK(clean());
}

/* ft_free(frame) must fail and change nothing at all. */
static int free_rejected(uint32_t frame)
{
    struct frame before[N];
    struct frame_table tb = t;
    memcpy(before, mem, sizeof mem);
    return ft_free(&t, frame) == -1 && memcmp(before, mem, sizeof mem) == 0 &&
           memcmp(&tb, &t, sizeof t) == 0;
}

HTEST(frame_free_of_unallocated_rejected)
{
    setup_pool();
    CHECK(free_rejected(0));            /* firmware */
    CHECK(free_rejected(2));            /* text */
    CHECK(free_rejected(4));            /* icc */
    CHECK(free_rejected(6));            /* free */
    CHECK(free_rejected(N - 1));        /* free, list head */
    CHECK(clean());
}

HTEST(frame_free_of_data_and_absent_rejected)
{
    setup();
    ft_mark(&t, 0, 1, FRAME_DATA);
    ft_build_pool(&t);
    CHECK(free_rejected(0));
    CHECK(free_rejected(1));
}

HTEST(frame_free_out_of_range_rejected)
{
    setup_pool();
    CHECK(free_rejected(N));
    CHECK(free_rejected(FRAME_NONE));
}

HTEST(frame_free_before_pool_rejected)
{
    setup();
    ft_mark(&t, 3, 1, FRAME_MODULE);
    CHECK(free_rejected(3));
    CHECK_EQ_U(mem[3].state, FRAME_MODULE);
}

HTEST(frame_module_release)
{
    setup_pool();
    CHECK_EQ_U(ft_free(&t, 5), 0);
    CHECK_EQ_U(mem[5].state, FRAME_FREE);
    CHECK_EQ_U(t.count[FRAME_MODULE], 0);
    CHECK_EQ_U(t.count[FRAME_FREE], 11);
    CHECK(clean());
    CHECK_EQ_U(ft_alloc(&t, FRAME_USER, 1), 5);
    CHECK_EQ_U(ft_free(&t, 5), 0);
    CHECK(free_rejected(5));
}

/* ---- ft_check ---- */

HTEST(frame_check_detects_bad_count)
{
    setup_pool();
    t.count[FRAME_USER]++;
    CHECK(!clean());
    CHECK(strstr(why, "user") != NULL);
}

HTEST(frame_check_detects_counts_moved_between_states)
{
    setup_pool();
    t.count[FRAME_TEXT]--;
    t.count[FRAME_DATA]++;
    CHECK(!clean());
}

HTEST(frame_check_detects_cycle)
{
    setup_pool();
    uint32_t last = t.free_head;
    while (mem[last].next != FRAME_NONE)
        last = mem[last].next;
    mem[last].next = t.free_head;       /* the head is now listed twice */
    CHECK(!clean());
    CHECK(strstr(why, "twice") != NULL);
}

HTEST(frame_check_detects_self_loop)
{
    setup_pool();
    mem[t.free_head].next = t.free_head;
    CHECK(!clean());
}

HTEST(frame_check_detects_non_free_frame_listed)
{
    setup_pool();
    uint32_t second = mem[t.free_head].next;
    mem[second].state = FRAME_KERNEL;   /* counts stay consistent */
    t.count[FRAME_FREE]--;
    t.count[FRAME_KERNEL]++;
    CHECK(!clean());
    CHECK(strstr(why, "kernel") != NULL);
}

HTEST(frame_check_detects_frame_missing_from_list)
{
    setup_pool();
    t.free_head = mem[t.free_head].next;
    CHECK(!clean());
}

HTEST(frame_check_detects_link_out_of_range)
{
    setup_pool();
    mem[t.free_head].next = N + 5;
    CHECK(!clean());
    CHECK(strstr(why, "out of range") != NULL);
}

HTEST(frame_check_detects_bad_state)
{
    setup_pool();
    mem[3].state = 200;
    CHECK(!clean());
}

HTEST(frame_check_clears_its_marks)
{
    setup_pool();
    mem[t.free_head].next = t.free_head;
    CHECK(!clean());
    for (int i = 0; i < N; i++)
        CHECK_EQ_U(mem[i].flags & FRAME_F_MARK, 0);
}

HTEST(frame_check_keeps_other_flags)
{
    setup_pool();
    mem[N - 1].flags = FRAME_F_PINNED | FRAME_F_REF;
    CHECK(clean());
    CHECK_EQ_U(mem[N - 1].flags, FRAME_F_PINNED | FRAME_F_REF);
}

HTEST(frame_check_short_reason_buffer)
{
    char small[8];
    setup_pool();
    t.count[FRAME_USER]++;
    CHECK_EQ_U(ft_check(&t, small, sizeof small), -1);
    CHECK_EQ_U(strlen(small), sizeof small - 1);
}

HTEST(frame_state_names)
{
    CHECK_STR(ft_state_name(FRAME_ABSENT), "absent");
    CHECK_STR(ft_state_name(FRAME_MODULE), "module");
    CHECK_STR(ft_state_name(FRAME_FREE), "free");
    CHECK_STR(ft_state_name(FRAME_NSTATES), "?");
    CHECK_STR(ft_state_name((enum frame_state)-1), "?");
}

/* ---- random operations against a reference model ---- */

#define RN 1024
#define ROPS 100000

static struct frame rmem[RN];
static uint8_t model_state[RN];
static uint32_t model_stack[RN];     /* the free list: top is the next alloc */
static uint32_t model_top;

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static void model_mark(uint32_t first, uint32_t count, enum frame_state s)
{
    ft_mark(&t, first, count, s);
    for (uint32_t i = first; i < first + count; i++)
        model_state[i] = (uint8_t)s;
}

static void random_setup(void)
{
    ft_init(&t, rmem, RN);
    memset(model_state, FRAME_ABSENT, sizeof model_state);
    model_mark(0, 1, FRAME_FIRMWARE);
    model_mark(1, 100, FRAME_FREE);
    model_mark(101, 20, FRAME_TEXT);
    model_mark(121, 10, FRAME_ICC);
    model_mark(131, 30, FRAME_MODULE);
    model_mark(161, 800, FRAME_FREE);
    ft_build_pool(&t);
    model_top = 0;
    for (uint32_t i = 0; i < RN; i++)
        if (model_state[i] == FRAME_FREE)
            model_stack[model_top++] = i;
}

/* The table agrees with the model, frame by frame. */
static int matches_model(void)
{
    for (uint32_t i = 0; i < RN; i++)
        if (rmem[i].state != model_state[i])
            return 0;
    return t.count[FRAME_FREE] == model_top;
}

/* One random operation; returns 0 if the table disagreed with the model. */
static int random_op(void)
{
    uint32_t r = rnd(100);
    if (r < 45) {                                   /* alloc */
        enum frame_state s = r & 1 ? FRAME_USER : FRAME_KERNEL;
        uint32_t want = model_top ? model_stack[--model_top] : FRAME_NONE;
        if (ft_alloc(&t, s, (uint16_t)rnd(65536)) != want)
            return 0;
        if (want != FRAME_NONE)
            model_state[want] = (uint8_t)s;
        return 1;
    }
    uint32_t f = r < 95 ? rnd(RN) : RN + rnd(10);  /* a few out of range */
    uint8_t st = f < RN ? model_state[f] : FRAME_NSTATES;
    int ok = st == FRAME_KERNEL || st == FRAME_USER || st == FRAME_MODULE;
    if (ft_free(&t, f) != (ok ? 0 : -1))
        return 0;
    if (ok) {
        model_state[f] = FRAME_FREE;
        model_stack[model_top++] = f;
    }
    return 1;
}

HTEST(frame_random_ops_match_model)
{
    random_setup();
    CHECK(clean());
    for (int op = 0; op < ROPS; op++) {
        CHECK(random_op());
        if (op % 997 == 0) {
            CHECK(clean());
            CHECK(matches_model());
        }
    }
    CHECK(clean());
    CHECK(matches_model());
}

/* ---- the zeroed list ---- */

HTEST(frame_zeroing_moves_frames_to_the_zeroed_list)
{
    setup_pool();
    uint32_t a = ft_take_dirty(&t);
    CHECK(a >= 6 && a < N);
    CHECK_EQ_U(mem[a].state, FRAME_KERNEL);
    CHECK_EQ_U(t.zeroing, 1);
    CHECK_EQ_U(t.count[FRAME_FREE], 9);
    CHECK(clean());
    ft_put_back(&t, a, 1);
    CHECK_EQ_U(t.zeroing, 0);
    CHECK_EQ_U(t.zeroed, 1);
    CHECK_EQ_U(t.count[FRAME_FREE], 10);
    CHECK_EQ_U(mem[a].flags, FRAME_F_ZERO);
    CHECK(clean());
    uint32_t b = ft_take_dirty(&t);     /* never the zeroed one */
    CHECK(b != a && b != FRAME_NONE);
    ft_put_back(&t, b, 0);              /* abandoned: back with the others */
    CHECK_EQ_U(t.zeroed, 1);
    CHECK_EQ_U(mem[b].flags, 0);
    CHECK(clean());
}

HTEST(frame_alloc_keeps_zeroed_frames_for_alloc_zero)
{
    setup_pool();
    uint32_t z = ft_take_dirty(&t);
    ft_put_back(&t, z, 1);
    uint32_t a = ft_alloc(&t, FRAME_USER, 3);
    CHECK(a != z);
    CHECK_EQ_U(mem[a].flags, 0);
    uint32_t b = ft_alloc_zero(&t, FRAME_USER, 3);
    CHECK_EQ_U(b, z);
    CHECK_EQ_U(mem[b].flags, FRAME_F_ZERO);
    CHECK_EQ_U(mem[b].owner, 3);
    CHECK_EQ_U(t.zeroed, 0);
    uint32_t c = ft_alloc_zero(&t, FRAME_USER, 3);  /* none zeroed: any frame */
    CHECK(c != FRAME_NONE && c != a && c != b);
    CHECK_EQ_U(mem[c].flags, 0);
    CHECK(clean());
    CHECK(ft_free(&t, b) == 0);         /* freed: its content is unknown again */
    CHECK_EQ_U(mem[b].flags, 0);
    CHECK_EQ_U(t.zeroed, 0);
    CHECK(clean());
}

HTEST(frame_alloc_takes_zeroed_frames_when_no_other)
{
    setup_pool();
    uint32_t taken[10], n = 0, i;
    while ((i = ft_take_dirty(&t)) != FRAME_NONE)
        taken[n++] = i;
    CHECK_EQ_U(n, 10);
    for (i = 0; i < n; i++)
        ft_put_back(&t, taken[i], 1);
    CHECK_EQ_U(t.zeroed, 10);
    CHECK(clean());
    uint32_t a = ft_alloc(&t, FRAME_KERNEL, 0);
    CHECK(a != FRAME_NONE);
    CHECK_EQ_U(mem[a].flags, 0);        /* not asked for zeros: not marked */
    CHECK_EQ_U(t.zeroed, 9);
    CHECK(clean());
}

HTEST(frame_check_finds_a_wrong_zero_flag)
{
    setup_pool();
    uint32_t z = ft_take_dirty(&t);
    ft_put_back(&t, z, 1);
    mem[z].flags = 0;
    CHECK(!clean());
    mem[z].flags = FRAME_F_ZERO;
    CHECK(clean());
    t.zeroed = 2;
    CHECK(!clean());
}
