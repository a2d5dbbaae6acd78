/*
 * bench: what the inner core's fast paths cost, in guest instructions.
 *
 * make bench boots it under `qemu-system-i386 -icount shift=0`, where the
 * guest TSC advances by one for every instruction executed, so `rdtsc`
 * counts instructions and every figure repeats exactly from run to run.
 * Each figure is printed as one line, "bench: NAME instructions VALUE":
 * the average over many operations after a warm-up, rounded.
 *
 * The program is its own peer. Started with no argument it measures;
 * started by itself, at its own priority, it is the other end:
 *   sink     receive from anyone forever; a message's w0 is the sender's
 *            TSC just before the send, so the sink times each one-way
 *            message up to the return of its receive; any pages go
 *            straight back to the sender (untimed); on OP_REPORT it sends
 *            the totals to the sender and starts again
 *   server   answer calls with reply-and-receive, w0 + 1, no pages
 *   spin     loop for ever (below my priority: ready, never run while I
 *            measure), so the round trip is timed with 32 more threads
 *            on the run queues
 *
 * Started with "live" (the shell's bench command), it measures the same
 * in the running system and prints through the console server, which owns
 * the screen there; without -icount, rdtsc counts CPU cycles, and the
 * lines say so.
 *
 * The IPC figures use the tightest user-side sequence (the inline stub
 * below), not the library's general one; the *_lib figures show what
 * ant_getpid and ant_call cost as they are.
 */
#include "lib/ant.h"
#include "lib/string.h"
#include "lib/svc.h"

#define WARMUP 100
#define SYSCALL_OPS 10000
#define IPC_OPS 10000
#define ICC_OPS 1000
#define COPY_OPS 100
#define COPY_SRC 0x10000000u        /* two private buffers of 256 pages */
#define COPY_DST 0x10100000u
#define COPY_MAX_PAGES 256
#define PAGE 4096u
#define PAGE_MARK 0xB0000000u       /* first word of page i of a run: MARK + i */
/* A pause before a figure that follows many allocations: the idle CPUs
 * zero frames again then (kernel/sched.c), and under -icount, at -smp 4,
 * their instructions would run the one clock on while it is timed. */
#define IDLE_TICKS 5u

/* What w1 of a message to the sink asks for. */
enum { OP_WARM, OP_TIMED, OP_REPORT };

/* The figures, in the order they are printed. */
enum {
    F_LOOP, F_NULL, F_NULL_INT80, F_NULL_LIB, F_ONEWAY, F_ROUNDTRIP, F_ROUNDTRIP_LIB,
    F_ICC_1, F_ICC_16, F_ICC_256, F_COPY_1, F_COPY_16, F_COPY_256, F_FAULT_ZERO, F_PAGE_IN,
    F_PAGE_IN_IDLE, F_ROUNDTRIP_XCPU, F_ICC_256_XCPU, F_ICC_1024, F_ICC_4096, F_ROUNDTRIP_BUSY,
    NFIGURES
};

static const char *const figure_name[NFIGURES] = {
    "empty_loop", "null_syscall", "null_syscall_int80", "null_syscall_lib",
    "ipc_oneway", "ipc_roundtrip", "ipc_roundtrip_lib",
    "icc_transfer_1p", "icc_transfer_16p", "icc_transfer_256p",
    "copy_1p", "copy_16p", "copy_256p", "page_fault_zero", "page_in", "page_in_idle",
    "ipc_roundtrip_xcpu", "icc_transfer_256p_xcpu", "icc_transfer_1024p", "icc_transfer_4096p",
    "ipc_roundtrip_32ready",
};

/* Where lines go and what rdtsc counts: the make bench boot, or live. */
static int (*out)(const char *fmt, ...) __attribute__((format(printf, 1, 2))) = ant_printf;
static const char *unit = "cycles";
static const char *counts = "CPU cycles (under QEMU -icount shift=0, make bench says "
                            "\"icount\": then instructions)";

static uint32_t figure[NFIGURES];
static int have[NFIGURES];
static int live;                /* in the running system, from the shell */
static int failures;

/* The sysenter stub: ECX = ESP, whose top word (pushed by the call) is the
 * address the inner core returns to, popping it. */
__asm__(".text\n"
        "bench_sysenter:\n\t"
        "movl %esp, %ecx\n\t"
        "sysenter\n"
        "bench_int80:\n\t"                   /* the same registers, every CPU */
        "int $0x80\n\t"
        "ret\n");
void bench_sysenter(void), bench_int80(void);
/* The entry ipc() calls: sysenter where the CPU has it, else int 0x80. */
static void (*bench_entry)(void) = bench_sysenter;

static inline uint32_t tsc(void)
{
    uint32_t lo;
    __asm__ volatile("rdtsc" : "=a"(lo) : : "edx");
    return lo;
}

/* A message of the bench: w0-w2 and a run (w3 is not used). */
struct bmsg {
    uint32_t w0, w1, w2, run;
};

/*
 * One IPC call through sysenter: EAX = call | peer << 8, w0-w2 in EBX,
 * ESI, EDI, the run in EDX. EBP (w3) is kept around the call, because a
 * receive loads the sender's w3 into it. Receiving calls return the
 * message in the same registers; after a plain send, EDX is clobbered.
 */
static inline int32_t ipc(uint32_t call, int32_t peer, struct bmsg *m)
{
    int32_t r = (int32_t)(call | (uint32_t)peer << 8);
    __asm__ volatile("push %%ebp\n\t"
                     "call *%[entry]\n\t"
                     "pop %%ebp"
                     : "+a"(r), "+b"(m->w0), "+S"(m->w1), "+D"(m->w2), "+d"(m->run)
                     : [entry] "m"(bench_entry)
                     : "ecx", "memory", "cc");
    return r;
}

static void fail(const char *what, int32_t err)
{
    out("bench: FAIL %s: %s (%d)\n", what, ant_strerror(err), err);
    failures++;
}

/* Record and print a figure: total instructions over n operations. */
static void report(int f, uint64_t total, uint32_t n)
{
    figure[f] = (uint32_t)((total + n / 2) / n);
    have[f] = 1;
    out("bench: %s %s %u\n", figure_name[f], unit, figure[f]);
}

/* ---- system calls: loops in assembly, so their shape is known ---- */

/* n turns of `dec; jnz`: the loop the system-call loops are built on. */
static uint32_t empty_loop(uint32_t n)
{
    uint32_t t0 = tsc();
    __asm__ volatile("1:\n\t"
                     "decl %0\n\t"
                     "jnz 1b"
                     : "+S"(n) : : "cc");
    return tsc() - t0;
}

/* n getpid calls by sysenter: mov eax; call stub (mov ecx, esp; sysenter). */
static uint32_t getpid_sysenter_loop(uint32_t n, int32_t *last)
{
    int32_t r;
    uint32_t t0 = tsc();
    __asm__ volatile("1:\n\t"
                     "movl %[nr], %%eax\n\t"
                     "call bench_sysenter\n\t"
                     "decl %[n]\n\t"
                     "jnz 1b"
                     : [n] "+S"(n), "=&a"(r)
                     : [nr] "i"(SYS_GETPID)
                     : "ecx", "edx", "memory", "cc");
    uint32_t t = tsc() - t0;
    *last = r;
    return t;
}

/* n getpid calls by int 0x80. */
static uint32_t getpid_int80_loop(uint32_t n, int32_t *last)
{
    int32_t r;
    uint32_t t0 = tsc();
    __asm__ volatile("1:\n\t"
                     "movl %[nr], %%eax\n\t"
                     "int $0x80\n\t"
                     "decl %[n]\n\t"
                     "jnz 1b"
                     : [n] "+S"(n), "=&a"(r)
                     : [nr] "i"(SYS_GETPID)
                     : "ecx", "edx", "memory", "cc");
    uint32_t t = tsc() - t0;
    *last = r;
    return t;
}

/* n calls of the library's ant_getpid. */
static uint32_t getpid_lib_loop(uint32_t n, int32_t *last)
{
    int32_t r;
    uint32_t t0 = tsc();
    __asm__ volatile("1:\n\t"
                     "call ant_getpid\n\t"
                     "decl %[n]\n\t"
                     "jnz 1b"
                     : [n] "+S"(n), "=&a"(r)
                     :
                     : "ecx", "edx", "memory", "cc");
    uint32_t t = tsc() - t0;
    *last = r;
    return t;
}

/* Time one loop kind, less the empty loop of the same length. */
static void syscall_figure(int f, uint32_t (*loop)(uint32_t, int32_t *), uint32_t empty)
{
    int32_t pid = ant_getpid(), last = 0;
    loop(WARMUP, &last);
    uint32_t t = loop(SYSCALL_OPS, &last);
    if (last != pid) {
        fail(figure_name[f], last);
        return;
    }
    report(f, t > empty ? t - empty : 0, SYSCALL_OPS);
}

static void measure_syscalls(void)
{
    empty_loop(WARMUP);
    uint32_t empty = empty_loop(SYSCALL_OPS);
    report(F_LOOP, empty, SYSCALL_OPS);
    out("bench: note: the null_syscall figures have the empty_loop "
        "(dec; jnz), measured in this run, subtracted\n");
    if (ant_has_sysenter())
        syscall_figure(F_NULL, getpid_sysenter_loop, empty);
    syscall_figure(F_NULL_INT80, getpid_int80_loop, empty);
    syscall_figure(F_NULL_LIB, getpid_lib_loop, empty);
}

/* ---- the peers ---- */

static void __attribute__((noreturn)) sink(void)
{
    uint64_t sum = 0;
    uint32_t count = 0;
    for (;;) {
        struct bmsg m = { 0, 0, 0, 0 };
        int32_t from = ipc(SYS_RECV, 0, &m);
        uint32_t t1 = tsc();
        if (from <= 0)
            continue;
        if (m.w1 == OP_TIMED) {
            sum += t1 - m.w0;
            count++;
        }
        if (m.run) {                        /* the pages go back, untimed */
            struct bmsg back = { 0, 0, 0, m.run };
            ipc(SYS_SEND, from, &back);
        }
        if (m.w1 == OP_REPORT) {
            struct bmsg totals = { (uint32_t)sum, (uint32_t)(sum >> 32), count, 0 };
            ipc(SYS_SEND, from, &totals);
            sum = 0;
            count = 0;
        }
    }
}

/* The server: receive from anyone, then answer each call by
 * reply-and-receive with w0 + 1 and no run, in a loop of assembly: eight
 * instructions a turn and the stub's two, where the C loop took twelve.
 * It never returns, so EBP (a receive loads it with w3) is not kept. */
static void __attribute__((noreturn)) server(void)
{
    __asm__ volatile("0:\n\t"
                     "movl %[recv], %%eax\n\t"
                     "call *bench_entry\n"
                     "1:\n\t"
                     "testl %%eax, %%eax\n\t"
                     "jle 0b\n\t"                  /* a note, or an error */
                     "shll $8, %%eax\n\t"
                     "orl %[replyrecv], %%eax\n\t"
                     "incl %%ebx\n\t"
                     "xorl %%edx, %%edx\n\t"
                     "call *bench_entry\n\t"
                     "jmp 1b"
                     : : [recv] "i"(SYS_RECV), [replyrecv] "i"(SYS_REPLYRECV) : "memory");
    __builtin_unreachable();
}

/* Ask the sink for its totals since the last report: the average. */
static int sink_average(int32_t sink_pid, int f, uint32_t n)
{
    struct bmsg m = { 0, OP_REPORT, 0, 0 };
    int32_t r = ipc(SYS_SEND, sink_pid, &m);
    if (r)
        return r;
    m = (struct bmsg){ 0, 0, 0, 0 };
    r = ipc(SYS_RECV, sink_pid, &m);
    if (r != sink_pid)
        return r < 0 ? r : -ANT_EINVAL;
    if (m.w2 != n)
        return -ANT_EINVAL;             /* the sink did not see them all */
    report(f, (uint64_t)m.w1 << 32 | m.w0, n);
    return 0;
}

/* ---- IPC ---- */

/* n one-way messages to the sink, each stamped with the TSC at its send;
 * with a run, take the pages back after each and let the sink get back
 * into its receive before the next. */
static int32_t send_stamped(int32_t sink_pid, uint32_t op, uint32_t run, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        struct bmsg m = { 0, op, 0, run };
        m.w0 = tsc();
        int32_t r = ipc(SYS_SEND, sink_pid, &m);
        if (r)
            return r;
        if (!run)
            continue;
        m = (struct bmsg){ 0, 0, 0, 0 };
        r = ipc(SYS_RECV, sink_pid, &m);
        if (r != sink_pid)
            return r < 0 ? r : -ANT_EINVAL;
        if (m.run != run)
            return -ANT_EINVAL;
        ant_yield();
    }
    return 0;
}

static void measure_oneway(int32_t sink_pid)
{
    int32_t r = send_stamped(sink_pid, OP_WARM, 0, WARMUP);
    if (!r)
        r = send_stamped(sink_pid, OP_TIMED, 0, IPC_OPS);
    if (!r)
        r = sink_average(sink_pid, F_ONEWAY, IPC_OPS);
    if (r)
        fail("ipc_oneway", r);
}

/* n calls to the server with the inline stub; the total in *total. */
static int32_t calls(int32_t server_pid, uint32_t n, uint64_t *total)
{
    *total = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct bmsg m = { i, 0, 0, 0 };
        uint32_t t0 = tsc();
        int32_t r = ipc(SYS_CALL, server_pid, &m);
        uint32_t t1 = tsc();
        if (r != server_pid || m.w0 != i + 1)
            return r < 0 ? r : -ANT_EINVAL;
        *total += t1 - t0;
    }
    return 0;
}

/* The same through the library's ant_call. */
static int32_t lib_calls(int32_t server_pid, uint32_t n, uint64_t *total)
{
    *total = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct ant_msg m = { { i, 0, 0, 0 }, 0 };
        uint32_t t0 = tsc();
        int32_t r = ant_call(server_pid, &m);
        uint32_t t1 = tsc();
        if (r != server_pid || m.w[0] != i + 1)
            return r < 0 ? r : -ANT_EINVAL;
        *total += t1 - t0;
    }
    return 0;
}

static void roundtrip_figure(int f, int32_t (*run)(int32_t, uint32_t, uint64_t *), int32_t server_pid)
{
    uint64_t total;
    int32_t r = run(server_pid, WARMUP, &total);
    if (!r)
        r = run(server_pid, IPC_OPS, &total);
    if (r)
        fail(figure_name[f], r);
    else
        report(f, total, IPC_OPS);
}

/* ---- ICC pages against copying ---- */

static void measure_icc_n(int32_t sink_pid, int f, uint32_t npages, uint32_t ops)
{
    void *addr;
    int32_t r = ant_icc_alloc(npages, &addr);
    if (r == -ANT_ENOMEM || r == -ANT_ENOSPC) {   /* make bench gives it icc_size=32M */
        out("bench: %s: the ICC area has no run of %u free pages here: not measured\n",
            figure_name[f], npages);
        return;
    }
    if (r) {
        fail(figure_name[f], r);
        return;
    }
    uint32_t *p = addr, run = ANT_ICC_RUN(addr, npages);
    for (uint32_t i = 0; i < npages; i++)
        p[i * PAGE / 4] = PAGE_MARK + i;
    r = send_stamped(sink_pid, OP_WARM, run, ops < WARMUP ? ops : WARMUP);
    if (!r)
        r = send_stamped(sink_pid, OP_TIMED, run, ops);
    if (!r)
        r = sink_average(sink_pid, f, ops);
    for (uint32_t i = 0; !r && i < npages; i++)
        if (p[i * PAGE / 4] != PAGE_MARK + i)
            r = -ANT_EINVAL;            /* not the same pages back */
    if (r)
        fail(figure_name[f], r);
    ant_icc_free(addr, npages);
}

static void measure_icc(int32_t sink_pid, int f, uint32_t npages)
{
    measure_icc_n(sink_pid, f, npages, ICC_OPS);
}

/* n copies of dwords words with rep movsd, counting the register set-up. */
static uint32_t copy_loop(uint32_t dwords, uint32_t n)
{
    uint32_t t0 = tsc();
    for (uint32_t i = 0; i < n; i++) {
        void *d = (void *)COPY_DST;
        const void *s = (const void *)COPY_SRC;
        uint32_t c = dwords;
        __asm__ volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(c) : : "memory");
    }
    return tsc() - t0;
}

static void measure_copies(void)
{
    uint32_t len = COPY_MAX_PAGES * PAGE;
    int32_t r = ant_mmap(COPY_SRC, len, ANT_PROT_WRITE);
    if (!r)
        r = ant_mmap(COPY_DST, len, ANT_PROT_WRITE);
    if (r) {
        fail("copy", r);
        return;
    }
    for (uint32_t off = 0; off < len; off += PAGE) {   /* touch every page */
        *(volatile uint32_t *)(COPY_SRC + off) = PAGE_MARK + off / PAGE;
        *(volatile uint32_t *)(COPY_DST + off) = 0;
    }
    ant_sleep(IDLE_TICKS);
    static const uint32_t pages[3] = { 1, 16, 256 };
    for (int k = 0; k < 3; k++) {
        uint32_t dwords = pages[k] * PAGE / 4;
        copy_loop(dwords, WARMUP / 10);
        report(F_COPY_1 + k, copy_loop(dwords, COPY_OPS), COPY_OPS);
    }
    if (*(volatile uint32_t *)(COPY_DST + len - PAGE) != PAGE_MARK + COPY_MAX_PAGES - 1)
        fail("copy", -ANT_EINVAL);
    ant_munmap(COPY_SRC, len);
    ant_munmap(COPY_DST, len);
}

/* ---- summary ---- */

/* " label a/b", the ratio with one decimal, e.g. " 256p 21.4x"; "-" if
 * either figure is missing. */
static void ratio(const char *label, int a, int b)
{
    out(" %s%s", label, label[0] ? " " : "");
    if (!have[a] || !have[b] || !figure[b]) {
        out("-");
        return;
    }
    uint32_t tenths = (uint32_t)(((uint64_t)figure[a] * 10 + figure[b] / 2) / figure[b]);
    out("%u.%ux", tenths / 10, tenths % 10);
}

static void summary(void)
{
    out("bench: summary: copy/icc_transfer:");
    ratio("1p", F_COPY_1, F_ICC_1);
    ratio("16p", F_COPY_16, F_ICC_16);
    ratio("256p", F_COPY_256, F_ICC_256);
    out("; ipc_roundtrip/null_syscall:");
    ratio("", F_ROUNDTRIP, F_NULL);
    out("; ipc_roundtrip/ipc_oneway:");
    ratio("", F_ROUNDTRIP, F_ONEWAY);
    out("\n");
}

/* A peer of my own priority on CPU cpu. */
static int32_t start_peer_on(const char *what, uint32_t cpu)
{
    int32_t pid = ant_spawn("bench", what, 4 | ANT_SPAWN_CPU(cpu));
    if (pid < 0)
        fail(what, pid);
    return pid;
}

static int32_t start_peer(const char *what)
{
    return start_peer_on(what, ant_my_cpu());           /* the same-CPU figures */
}

static void stop_peer(int32_t pid)
{
    int32_t status;
    if (pid > 0 && ant_kill(pid) == 0)
        ant_wait(pid, &status);
}

/* The round trip again with READY_PEERS more threads ready on my CPU, a
 * priority below mine (they run only when I and the server wait): the
 * scheduler's queues are per priority, so it should not move. */
#define READY_PEERS 32
#define READY_PRIO 6

static void measure_roundtrip_busy(int32_t server_pid)
{
    int32_t spin[READY_PEERS];
    uint32_t started = 0;
    for (; started < READY_PEERS; started++) {
        spin[started] = ant_spawn("bench", "spin", READY_PRIO | ANT_SPAWN_CPU(ant_my_cpu()));
        if (spin[started] < 0)
            break;
    }
    if (started == READY_PEERS)
        roundtrip_figure(F_ROUNDTRIP_BUSY, calls, server_pid);
    else if (live)
        out("bench: %s: %u more processes cannot be started here (%s): not measured\n",
            figure_name[F_ROUNDTRIP_BUSY], READY_PEERS, ant_strerror(spin[started]));
    else
        fail(figure_name[F_ROUNDTRIP_BUSY], spin[started]);
    for (uint32_t i = 0; i < started; i++)
        stop_peer(spin[i]);
}

/* Paging, when a pager runs (init=bench starts one that may hold 512
 * frames): a first touch of a lazy page (demand-zero, served by the pager,
 * well under its budget: no stealing), and a touch of a page the pager had
 * written out (read back from the paging space by the disk driver's DMA,
 * with the stealing and writing out it sets off). page_in counts the
 * instructions the CPU executes; the time it waits halted for the disk,
 * which QEMU completes in host time, is page_in_idle (cycles). The first
 * touches come after a short sleep, as in a system that has idle time: an
 * idle CPU zeroes free frames ahead (kernel/sched.c), so a demand-zero
 * fault finds its frame zeroed. */
#define LAZY_BASE 0x20000000u
#define ZERO_PAGES 128u
#define PAGED_PAGES 3072u           /* 6 x the pager's budget */

/* TSC cycles the CPU has spent halted, waiting for an interrupt. */
static uint64_t idle_cycles(void)
{
    struct ant_cpuinfo c;
    return ant_cpuinfo(0, &c) == 0 ? (c.idle_lo | (uint64_t)c.idle_hi << 32) : 0;
}

static void measure_paging(void)
{
    struct ant_msg m = {{PAGER_STATS, 0, 0, 0}, 0};
    void *page;
    if (ns_lookup("pager") <= 0 || ant_icc_alloc(1, &page)) {
        out("bench: no pager: no paging figures\n");
        return;
    }
    m.run = ANT_ICC_RUN(page, 1);
    if (svc_call("pager", &m) < 0) {
        fail("pager stats", (int32_t)m.w[0]);
        return;
    }
    struct pager_stats ps;
    memcpy(&ps, (void *)ANT_ICC_RUN_ADDR(m.run), sizeof ps);
    ant_icc_free((void *)ANT_ICC_RUN_ADDR(m.run), 1);
    uint32_t n = PAGED_PAGES;
    int page_in = ps.slots_total - ps.slots_used >= n;
    if (!page_in)
        out("bench: no paging space (or too small): no page_in figure\n");
    int32_t err = ant_mmap(LAZY_BASE, n * PAGE, ANT_PROT_WRITE | ANT_PROT_LAZY);
    if (err) {
        fail("lazy mmap", err);
        return;
    }
    volatile uint32_t *a = (uint32_t *)LAZY_BASE;
    uint64_t total = 0;
    ant_sleep(IDLE_TICKS);                  /* the idle CPU zeroes free frames */
    for (uint32_t p = 0; p < ZERO_PAGES; p++) {
        uint32_t t0 = tsc();
        a[p * (PAGE / 4)] = p;
        total += tsc() - t0;
    }
    report(F_FAULT_ZERO, total, ZERO_PAGES);
    if (!page_in)
        return;
    for (uint32_t p = ZERO_PAGES; p < n; p++)
        a[p * (PAGE / 4)] = p;              /* the first pages go out */
    total = 0;
    uint64_t idle = 0;
    for (uint32_t p = 0; p < ZERO_PAGES; p++) {
        uint64_t i0 = idle_cycles();
        uint32_t t0 = tsc();
        uint32_t v = a[p * (PAGE / 4)];
        total += tsc() - t0;
        idle += idle_cycles() - i0;
        if (v != p)
            fail("page_in read back", -ANT_EIO);
    }
    report(F_PAGE_IN, total - idle, ZERO_PAGES);
    out("bench: %s cycles %u\n", figure_name[F_PAGE_IN_IDLE],
        (unsigned)((idle + ZERO_PAGES / 2) / ZERO_PAGES));
    have[F_PAGE_IN_IDLE] = 1;
}

static int measure(void)
{
    out("bench: rdtsc ticks per operation: %s\n", counts);
    if (!ant_has_sysenter())
        out("bench: this CPU has no sysenter: every figure is through int 0x80\n");
    measure_syscalls();
    int32_t sink_pid = start_peer("sink"), server_pid = start_peer("server");
    if (sink_pid > 0)
        measure_oneway(sink_pid);
    if (server_pid > 0) {
        roundtrip_figure(F_ROUNDTRIP, calls, server_pid);
        roundtrip_figure(F_ROUNDTRIP_LIB, lib_calls, server_pid);
        measure_roundtrip_busy(server_pid);
    }
    if (sink_pid > 0) {
        measure_icc(sink_pid, F_ICC_1, 1);
        measure_icc(sink_pid, F_ICC_16, 16);
        measure_icc(sink_pid, F_ICC_256, 256);
        measure_icc_n(sink_pid, F_ICC_1024, 1024, ICC_OPS / 4);
        measure_icc_n(sink_pid, F_ICC_4096, 4096, ICC_OPS / 16);
    }
    measure_copies();
    if (!live)                  /* the running system may have no paging space */
        measure_paging();
    stop_peer(sink_pid);
    stop_peer(server_pid);
    uint32_t n = ant_cpus_running();
    if (n > 1) {
        /* Across CPUs: the peer on the next CPU; every call and reply
         * wakes the other CPU with an IPI. Under -icount the TSC is one
         * clock for all CPUs: the figures count the instructions of both. */
        uint32_t other = (ant_my_cpu() + 1) % n;
        out("bench: %u CPUs: me on CPU %u, the peers of the _xcpu figures on CPU %u\n", n,
            ant_my_cpu(), other);
        server_pid = start_peer_on("server", other);
        sink_pid = start_peer_on("sink", other);
        ant_sleep(4 * IDLE_TICKS);      /* after the new processes' frames */
        if (server_pid > 0)
            roundtrip_figure(F_ROUNDTRIP_XCPU, calls, server_pid);
        if (sink_pid > 0)
            measure_icc(sink_pid, F_ICC_256_XCPU, 256);
        stop_peer(sink_pid);
        stop_peer(server_pid);
    }
    summary();
    out("bench: %s\n", failures ? "FAILED" : "done");
    return failures ? 1 : 0;
}

int main(const char *args)
{
    if (!ant_has_sysenter())
        bench_entry = bench_int80;
    if (!strcmp(args, "sink"))
        sink();
    if (!strcmp(args, "server"))
        server();
    if (!strcmp(args, "spin"))
        for (;;)
            __asm__ volatile("pause");
    if (!strcmp(args, "live")) {
        live = 1;
        out = con_printf;
        unit = "cycles";
        counts = "CPU cycles (not instructions) in the running system";
        return measure();
    }
    if (!strcmp(args, "icount")) {     /* make bench: the TSC counts instructions */
        unit = "instructions";
        counts = "guest instructions under QEMU -icount shift=0";
    } else if (args[0]) {
        ant_printf("bench: unknown argument '%s'\n", args);
        return 2;
    }
    return measure();
}
