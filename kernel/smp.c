/*
 * The CPUs (docs/DESIGN.md §4): find them, start them, say so, and give
 * them IPIs, a timer and a place in the scheduler. The ACPI MADT names them (the RSDP in the EBDA or the BIOS area,
 * then the RSDT or XSDT); without it the Intel MP tables do; every table is
 * checked (signature, length, checksum) before a byte of it is believed,
 * and a table that fails is named in the log and passed over. Each CPU
 * other than this one is started with INIT, then two start-up IPIs to a
 * trampoline in low memory (kernel/trampoline.asm), and waited for a
 * bounded time: one that does not answer is reported and left out, never
 * waited for for ever. A CPU started comes up on the same global kernel
 * pages, CR0, CR4, kernel page directory and IDT, builds its own GDT and
 * TSS, reports itself online and waits for smp_go; then it takes the big
 * lock and becomes its idle thread, and the scheduler runs there as on
 * the boot CPU. Every CPU's tick is its local APIC timer, set to the PIT's
 * 100 Hz against the PIT at boot; CPU 0's is the system clock (the tick
 * count and the timer wheel), and the PIT, which was until then, is left
 * counting with its line masked.
 */
#include "kernel/smp.h"
#include "boot/bootinfo.h"
#include "boot/console.h"
#include "boot/x86.h"
#include "kernel/gdt.h"
#include "kernel/ioapic.h"
#include "kernel/lock.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "boot/panic.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "mm/kspace.h"
#include "mm/layout.h"

/* Local APIC registers (offsets), IA-32 SDM vol. 3 §10.4 */
#define LAPIC_ID      0x020
#define LAPIC_EOI     0x0B0
#define LAPIC_SVR     0x0F0         /* bit 8: software enable */
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3E0
#define TIMER_DIV16   0x3
#define TIMER_PERIODIC 0x20000
#define LVT_MASKED    0x10000
#define LAPIC_ISR     0x100         /* in-service: 8 words, 0x10 apart */
#define LAPIC_ESR     0x280
#define LAPIC_ICR_LO  0x300
#define LAPIC_ICR_HI  0x310         /* destination APIC id in bits 24-31 */
#define SVR_ENABLE    0x100
#define ICR_INIT      0x500
#define ICR_STARTUP   0x600
#define ICR_LEVEL     0x8000
#define ICR_ASSERT    0x4000
#define ICR_PENDING   0x1000        /* delivery status: not yet accepted */
#define ICR_FIXED     0x0000

#define ACPI_HDR      36            /* a table's header */
#define MADT_ENTRIES  44
#define MADT_LAPIC    0             /* entry: processor local APIC */
#define MADT_IOAPIC   1             /* entry: I/O APIC */
#define MADT_OVERRIDE 2             /* entry: interrupt source override */
#define MADT_ENABLED  0x1
#define MADT_ONLINE_CAPABLE 0x2
#define MP_PROC       0             /* MP config entry: processor (20 bytes) */
#define MP_PROC_EN    0x1
#define TABLE_MAX     8192
#define START_TICKS   20            /* 200 ms for a CPU to come online */
#define LAPIC_MIN_PER_TICK 64       /* a timer slower than 6.4 kHz is not believed */

uint32_t cpu_count;

extern const uint8_t ap_tramp_start[], ap_tramp_end[], ap_tramp_params[];

static volatile uint32_t *lapic;
static uint8_t table[TABLE_MAX];   /* one ACPI or MP table being read */
static uint8_t ap_stacks[MAX_CPUS][4096] __attribute__((aligned(16)));
static const char *source;         /* which table named the CPUs */
static uint8_t apic_ids[MAX_CPUS]; /* as the table names them */
static volatile uint32_t go;       /* smp_go: the others may schedule */
static uint32_t lapic_per_tick;    /* local APIC timer counts in one PIT tick */
static uint32_t next_service_cpu;  /* smp_place's round robin */
static volatile uint32_t flush_va; /* the page smp_flush_kernel drops */

static uint32_t lapic_read(uint32_t reg)
{
    return lapic[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
    lapic[reg / 4] = v;
    (void)lapic[LAPIC_ID / 4];      /* the write is done before the next step */
}

/* len bytes of physical memory at pa into dst, through temporary windows. */
static void phys_read(void *dst, uint32_t pa, uint32_t len)
{
    uint8_t *d = dst;
    while (len) {
        uint32_t off = pa & (PAGE_SIZE - 1), n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
        uint8_t *w = window_map(pa - off);
        memcpy(d, w + off, n);
        window_unmap(w);
        d += n, pa += n, len -= n;
    }
}

static uint8_t checksum(const uint8_t *p, uint32_t n)
{
    uint8_t s = 0;
    while (n--)
        s += *p++;
    return s;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A 16-byte aligned structure starting with sig (of siglen bytes) whose
 * first len bytes sum to 0, in [from, to); its physical address or 0. */
static uint32_t scan(uint32_t from, uint32_t to, const char *sig, uint32_t siglen, uint32_t len)
{
    uint8_t chunk[1024 + 64];
    for (uint32_t a = from & ~15u; a < to; a += 1024) {
        uint32_t n = to - a < 1024 ? to - a : 1024;
        phys_read(chunk, a, n + 64);        /* len <= 64: a structure at the end is whole */
        for (uint32_t o = 0; o < n; o += 16)
            if (!memcmp(chunk + o, sig, siglen) && checksum(chunk + o, len) == 0)
                return a + o;
    }
    return 0;
}

/* The EBDA's address (BIOS data area word 0x40E), if it looks like one. */
static uint32_t ebda(void)
{
    uint16_t seg;
    phys_read(&seg, 0x40E, 2);
    uint32_t a = (uint32_t)seg << 4;
    return a >= 0x80000 && a < 0xA0000 ? a : 0;
}

/* The ACPI table at pa into `table`, checked: its length, 0 if bad. */
uint32_t smp_acpi_table(uint32_t pa, const char *sig)
{
    phys_read(table, pa, ACPI_HDR);
    uint32_t len = get32(table + 4);
    if (sig && memcmp(table, sig, 4))
        return 0;
    if (len < ACPI_HDR || len > TABLE_MAX) {
        kprintf("cpu: ACPI table %.4s at %08x has a bad length (%u): ignored\n", table, pa, len);
        return 0;
    }
    phys_read(table, pa, len);
    if (checksum(table, len)) {
        kprintf("cpu: ACPI table %.4s at %08x fails its checksum: ignored\n", table, pa);
        return 0;
    }
    return len;
}

static void add_cpu(uint32_t apic_id)
{
    for (uint32_t i = 0; i < cpu_count; i++)
        if (apic_ids[i] == apic_id)
            return;                 /* named twice */
    if (cpu_count == MAX_CPUS) {
        kprintf("cpu: APIC id %u: more than %u CPUs, left out\n", apic_id, MAX_CPUS);
        return;
    }
    apic_ids[cpu_count++] = (uint8_t)apic_id;
}

/* The CPUs the MADT names; 0 if there is no usable MADT. */
static int from_madt(void)
{
    uint32_t e = ebda(), rsdp = e ? scan(e, e + 1024, "RSD PTR ", 8, 20) : 0;
    uint8_t r[36];
    if (!rsdp)
        rsdp = scan(0xE0000, 0x100000, "RSD PTR ", 8, 20);
    if (!rsdp)
        return 0;
    phys_read(r, rsdp, sizeof r);
    uint32_t root = get32(r + 16), step = 4;
    if (r[15] >= 2 && get32(r + 20) >= 36 && checksum(r, 36) == 0 && get32(r + 28) == 0 &&
        get32(r + 24)) {
        root = get32(r + 24);       /* the XSDT, below 4GB */
        step = 8;
    }
    uint32_t len = smp_acpi_table(root, step == 8 ? "XSDT" : "RSDT"), madt = 0;
    if (!len) {
        kprintf("cpu: no valid ACPI %s at %08x\n", step == 8 ? "XSDT" : "RSDT", root);
        return 0;
    }
    uint32_t entries[64], n = 0;
    for (uint32_t o = ACPI_HDR; o + step <= len && n < 64; o += step) {
        if (step == 8 && get32(table + o + 4))
            continue;               /* above 4GB */
        entries[n++] = get32(table + o);
    }
    for (uint32_t i = 0; i < n && !madt; i++) {
        uint8_t sig[4];
        phys_read(sig, entries[i], 4);
        if (!memcmp(sig, "APIC", 4))
            madt = entries[i];
    }
    if (!madt || !(len = smp_acpi_table(madt, "APIC")) || len < MADT_ENTRIES)
        return 0;
    for (uint32_t o = MADT_ENTRIES; o + 2 <= len;) {
        uint8_t type = table[o], elen = table[o + 1];
        if (elen < 2 || o + elen > len) {
            kprintf("cpu: ACPI MADT entry at offset %u is malformed: the rest is ignored\n", o);
            break;
        }
        if (type == MADT_LAPIC && elen >= 8 && (get32(table + o + 4) & MADT_ENABLED))
            add_cpu(table[o + 3]);
        else if (type == MADT_IOAPIC && elen >= 12)
            ioapic_found(table[o + 2], get32(table + o + 4), get32(table + o + 8));
        else if (type == MADT_OVERRIDE && elen >= 10 && table[o + 2] == 0)   /* bus 0: ISA */
            ioapic_override(table[o + 3], get32(table + o + 4),
                            (uint32_t)table[o + 8] | (uint32_t)table[o + 9] << 8);
        o += elen;
    }
    source = "ACPI MADT";
    return cpu_count > 0;
}

/* The CPUs the Intel MP configuration table names; 0 without one. */
static int from_mp(void)
{
    uint16_t base_kb;
    phys_read(&base_kb, 0x413, 2);
    uint32_t e = ebda(), fp = e ? scan(e, e + 1024, "_MP_", 4, 16) : 0;
    if (!fp && base_kb >= 512 && base_kb <= 640)
        fp = scan((uint32_t)base_kb * 1024 - 1024, (uint32_t)base_kb * 1024, "_MP_", 4, 16);
    if (!fp)
        fp = scan(0xF0000, 0x100000, "_MP_", 4, 16);
    if (!fp)
        return 0;
    uint8_t f[16];
    phys_read(f, fp, 16);
    uint32_t cfg = get32(f + 4);
    if (!cfg)
        return 0;                   /* a default configuration: not supported */
    phys_read(table, cfg, 44);
    uint32_t len = (uint32_t)table[4] | (uint32_t)table[5] << 8, count = table[34] | table[35] << 8;
    if (memcmp(table, "PCMP", 4) || len < 44 || len > TABLE_MAX) {
        kprintf("cpu: MP configuration table at %08x is malformed: ignored\n", cfg);
        return 0;
    }
    phys_read(table, cfg, len);
    if (checksum(table, len)) {
        kprintf("cpu: MP configuration table at %08x fails its checksum: ignored\n", cfg);
        return 0;
    }
    for (uint32_t o = 44, i = 0; i < count && o < len; i++) {
        if (table[o] == MP_PROC) {
            if (o + 20 > len)
                break;
            if (table[o + 3] & MP_PROC_EN)
                add_cpu(table[o + 1]);
            o += 20;
        } else if (table[o] <= 4) {
            o += 8;
        } else {
            kprintf("cpu: MP table entry type %u is unknown: the rest is ignored\n", table[o]);
            break;
        }
    }
    source = "MP table";
    return cpu_count > 0;
}

static void wait_ticks(uint32_t n);

/* The local APIC timer's counts, and the TSC's cycles, in one PIT tick. */
static void calibrate(void)
{
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV16);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    uint32_t t0 = timer_ticks();
    while (timer_ticks() == t0)
        __asm__ volatile("pause");
    uint64_t tsc0 = (boot_info.flags & BOOT_CPU_TSC) ? rdtsc() : 0;
    lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFFu);
    wait_ticks(4);
    uint32_t left = lapic_read(LAPIC_TIMER_CUR);
    uint64_t tsc = (boot_info.flags & BOOT_CPU_TSC) ? rdtsc() - tsc0 : 0;
    lapic_write(LAPIC_TIMER_INIT, 0);
    lapic_per_tick = (0xFFFFFFFFu - left) / 4;
    lock_set_tsc_rate(tsc / 4 * TIMER_HZ);
}

static void wait_ticks(uint32_t n)
{
    uint32_t t0 = timer_ticks();
    while (timer_ticks() - t0 < n)
        __asm__ volatile("pause");
}

/* Send an IPI; 0 once the local APIC took it, -1 if it never did. */
static int ipi(uint32_t apic_id, uint32_t cmd)
{
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_ICR_HI, apic_id << 24);
    lapic_write(LAPIC_ICR_LO, cmd);
    for (uint32_t t0 = timer_ticks(); lapic_read(LAPIC_ICR_LO) & ICR_PENDING;)
        if (timer_ticks() - t0 > 2)
            return -1;
    return 0;
}

static void lapic_timer_start(void)
{
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV16);
    lapic_write(LAPIC_LVT_TIMER, VEC_LTIMER | TIMER_PERIODIC);
    lapic_write(LAPIC_TIMER_INIT, lapic_per_tick);
}

/* The first C code of another CPU (from the trampoline). */
__attribute__((noreturn, used)) static void ap_main(uint32_t cpu)
{
    struct cpu *c = &cpus[cpu];
    gdt_init(c);                    /* its own GDT and TSS: this_cpu() works */
    trap_load_idt();
    syscall_init_cpu(c);
    write_cr0(read_cr0() | CR0_TS); /* no thread's FPU state is here */
    lapic_write(LAPIC_SVR, lapic_read(LAPIC_SVR) | SVR_ENABLE | VEC_APIC_SPURIOUS);
    __atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
    while (!go)
        __asm__ volatile("pause");
    if (!c->idle)                   /* given up on: it came too late */
        for (;;)
            __asm__ volatile("cli; hlt");
    write_cr3(read_cr3());          /* the trampoline's low mapping is gone */
    lapic_timer_start();
    c->cur = c->idle;               /* what it runs until the lock is its */
    __atomic_store_n(&c->running, 1, __ATOMIC_RELEASE);
    bkl_take(c, "a CPU starting");
    switch_context_first(c->idle);
}

/* Is [pa, pa + 4KB) RAM the memory map says is free? */
static int low_page_free(uint32_t pa)
{
    for (uint32_t i = 0; i < boot_info.mmap_count; i++) {
        const struct boot_mmap_entry *m = &boot_info.mmap[i];
        if (m->type == MMAP_AVAILABLE && m->base <= pa && m->base + m->len >= pa + PAGE_SIZE)
            return 1;
    }
    return 0;
}

/* Start CPU i; 1 when it came online. */
static int start_cpu(uint32_t i)
{
    struct ap_params p = {
        .cr0 = read_cr0(), .cr3 = read_cr3(), .cr4 = read_cr4(),
        .stack = (uint32_t)ap_stacks[i] + sizeof ap_stacks[i],
        .entry = (uint32_t)ap_main, .cpu = i,
    };
    uint8_t *w = window_map(AP_TRAMP_PHYS);
    memcpy(w, ap_tramp_start, (size_t)(ap_tramp_end - ap_tramp_start));
    memcpy(w + (ap_tramp_params - ap_tramp_start), &p, sizeof p);
    window_unmap(w);
    uint32_t id = cpus[i].apic_id;
    if (!sched_init_cpu(&cpus[i])) {
        kprintf("cpu: no memory for CPU %u's idle thread\n", i);
        return 0;
    }
    if (ipi(id, ICR_INIT | ICR_LEVEL | ICR_ASSERT) < 0)
        return 0;
    wait_ticks(1);                  /* 10 ms */
    ipi(id, ICR_INIT | ICR_LEVEL);  /* deassert */
    for (int k = 0; k < 2 && !__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE); k++) {
        if (ipi(id, ICR_STARTUP | (AP_TRAMP_PHYS >> 12)) < 0)
            return 0;
        wait_ticks(1);
    }
    for (uint32_t t0 = timer_ticks(); timer_ticks() - t0 < START_TICKS;)
        if (__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE))
            return 1;
    return 0;
}

void smp_init(uint32_t limit, uint32_t absent, int no_acpi)
{
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    if (!(d & CPUID_EDX_APIC) || !(rdmsr(MSR_APIC_BASE) & APIC_BASE_ENABLE)) {
        kprintf("cpu: no local APIC: one CPU, with the PIC\n");
        return;
    }
    uint32_t base = (uint32_t)rdmsr(MSR_APIC_BASE) & 0xFFFFF000u;
    kspace_map(LAPIC_VIRT, base);
    *kspace_pte(LAPIC_VIRT) |= PTE_PCD | PTE_PWT;       /* registers: uncached */
    invlpg(LAPIC_VIRT);
    lapic = (volatile uint32_t *)LAPIC_VIRT;
    uint32_t me = lapic_read(LAPIC_ID) >> 24;
    if (no_acpi)
        kprintf("cpu: acpi=off: the ACPI tables are not read\n");
    if ((no_acpi || !from_madt()) && !from_mp()) {
        kprintf("cpu: no ACPI MADT or MP table names the CPUs: one CPU\n");
        return;
    }
    if (absent)
        add_cpu(absent - 1);        /* cpu_absent=: as if the table named it */
    /* This CPU first, then the others in the order the table gives. */
    for (uint32_t i = 0; i < cpu_count; i++) {
        if (apic_ids[i] == me) {
            apic_ids[i] = apic_ids[0];
            apic_ids[0] = (uint8_t)me;
        }
    }
    if (apic_ids[0] != me) {
        kprintf("cpu: the %s does not name this CPU (APIC id %u): one CPU\n", source, me);
        cpu_count = 1;
        apic_ids[0] = (uint8_t)me;
    }
    for (uint32_t i = 0; i < cpu_count; i++)
        cpus[i].apic_id = apic_ids[i];
    cpus[0].online = 1;
    if (limit && cpu_count > limit) {
        kprintf("cpu: %u CPUs found, cpus=%u: using %u\n", cpu_count, limit, limit);
        cpu_count = limit;
    }
    if (cpu_count > 1 && !low_page_free(AP_TRAMP_PHYS)) {
        kprintf("cpu: low page %08x is not free RAM: the other CPUs are not started\n",
                AP_TRAMP_PHYS);
        cpu_count = 1;
    }
    lapic_write(LAPIC_SVR, lapic_read(LAPIC_SVR) | SVR_ENABLE | VEC_APIC_SPURIOUS);
    irq_use_ioapic(me);             /* device interrupts to this CPU, CPU 0 */
    calibrate();
    if (lapic_per_tick < LAPIC_MIN_PER_TICK) {
        kprintf("cpu: the local APIC timer does not count (%u in a tick): one CPU, on the "
                "PIT\n", lapic_per_tick);
        cpu_count = 1;
    } else {
        uint32_t fl = irq_save();   /* this CPU's tick from its own timer too */
        timer_pit_release();
        lapic_timer_start();
        irq_restore(fl);
        kprintf("cpu: the tick is each CPU's local APIC timer (%u counts, %u Hz); the PIT's "
                "line is masked\n", lapic_per_tick, TIMER_HZ);
    }
    ktables.pd[0] = PTE_P | PTE_W | PDE_PS;              /* the trampoline, where it is */
    for (uint32_t i = 1; i < cpu_count; i++)
        if (!start_cpu(i)) {
            kprintf("cpu: CPU %u (APIC id %u) did not start: left out\n", i, cpus[i].apic_id);
            if (cpus[i].idle)
                sched_kill_thread(cpus[i].idle);
            cpus[i].idle = 0;       /* should it come late, it parks */
        }
    ktables.pd[0] = 0;
    write_cr3(read_cr3());          /* the low mapping leaves this TLB; the others'
                                       go at their first CR3 load */
    char list[MAX_CPUS * 4 + 1] = "";
    for (uint32_t i = 0, n = 0; i < cpu_count; i++)
        if (cpus[i].online)
            n += (uint32_t)fmt_snprintf(list + n, sizeof list - n, " %u", i);
    kprintf("cpu: %u CPU%s (%s, APIC ids", cpu_count, cpu_count == 1 ? "" : "s", source);
    for (uint32_t i = 0; i < cpu_count; i++)
        kprintf(" %u", cpus[i].apic_id);
    kprintf("):%s online\n", list);
}

uint32_t smp_online(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < MAX_CPUS; i++)
        n += __atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE);
    return n ? n : 1;
}

uint32_t smp_running(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < MAX_CPUS; i++)
        n += __atomic_load_n(&cpus[i].running, __ATOMIC_ACQUIRE);
    return n ? n : 1;
}

void smp_go(void)
{
    uint32_t want = smp_online();
    if (want < 2)
        return;
    kspace_remote_flush = smp_flush_kernel;
    __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
    /* Each comes to `running` in a few instructions; a bounded wait, so
     * the first processes are placed on every CPU. */
    for (uint32_t t0 = timer_ticks(); smp_running() < want && timer_ticks() - t0 < START_TICKS;)
        __asm__ volatile("pause");
    kprintf("cpu: %u CPUs schedule: servers with I/O rights on CPU 0, other processes "
            "on CPUs 1-%u in turn\n", smp_running(), smp_running() - 1);
}

/* Servers (processes with I/O rights: the drivers, the manager) on CPU 0,
 * where the device interrupts are delivered, so that a driver's
 * interrupt wakes it with no IPI and the servers call one another on one
 * CPU; every other process on the others in turn: AnT's distribution of
 * functions, OS servers apart from services. */
int smp_place(int want, int server)
{
    uint32_t n = smp_running();
    if (want >= 0)
        return (uint32_t)want < MAX_CPUS && cpus[want].running ? want :
               (want == 0 ? 0 : -1);
    if (n < 2 || server)
        return 0;
    for (uint32_t k = 0; k < MAX_CPUS; k++) {
        uint32_t i = 1 + (next_service_cpu++ % (MAX_CPUS - 1));
        if (cpus[i].running)
            return (int)i;
    }
    return 0;
}

int lapic_in_service(uint32_t vector)
{
    return (lapic_read(LAPIC_ISR + (vector / 32) * 0x10) >> (vector % 32)) & 1;
}

void lapic_eoi(void)
{
    lapic[LAPIC_EOI / 4] = 0;
}

void smp_ipi(struct cpu *c, uint32_t vector)
{
    uint32_t fl = irq_save();
    lapic[LAPIC_ICR_HI / 4] = (uint32_t)c->apic_id << 24;
    lapic[LAPIC_ICR_LO / 4] = ICR_FIXED | vector;
    irq_restore(fl);
}

void smp_flush_answer(struct cpu *c)
{
    if (!__atomic_load_n(&c->flush_req, __ATOMIC_ACQUIRE))
        return;
    invlpg(flush_va);
    __atomic_store_n(&c->flush_req, 0, __ATOMIC_RELEASE);
}

/* A kernel page leaves every TLB before its frame goes elsewhere: other
 * CPUs may hold it (the IPC path writes a peer's kernel stack, ICC page
 * tables are reached through kernel space). A CPU running a program gets
 * the IPI; one waiting for the big lock answers from its spin loop; one
 * halted wakes for the IPI. Rare: a thread's end, a process's end. */
void smp_flush_kernel(uint32_t va)
{
    struct cpu *me = this_cpu();
    uint32_t asked = 0;
    flush_va = va;
    for (uint32_t i = 0; i < MAX_CPUS; i++) {
        struct cpu *c = &cpus[i];
        if (c == me || !__atomic_load_n(&c->running, __ATOMIC_ACQUIRE))
            continue;
        __atomic_store_n(&c->flush_req, 1, __ATOMIC_RELEASE);
        smp_ipi(c, VEC_FLUSH);
        asked |= 1u << i;
    }
    uint64_t t0 = (boot_info.flags & BOOT_CPU_TSC) ? rdtsc() : 0;
    for (uint32_t spins = 0; asked; spins++) {
        for (uint32_t m = asked; m; m &= m - 1) {
            uint32_t i = (uint32_t)__builtin_ctz(m);
            if (!__atomic_load_n(&cpus[i].flush_req, __ATOMIC_ACQUIRE))
                asked &= ~(1u << i);
        }
        __asm__ volatile("pause");
        if (asked && (spins & 0xFFFFF) == 0xFFFFF && lock_overdue(t0, spins))
            panic("smp: CPU %u does not answer a TLB flush (page %08x)",
                  (uint32_t)__builtin_ctz(asked), va);
    }
}
