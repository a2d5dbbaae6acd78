/* victim: misbehaves on request, for the isolation and fault tests. The
 * argument names what to do; every fault must kill only this process. */
#include "lib/ant.h"
#include "lib/string.h"
#include "lib/svc.h"

#define TAG_ADDR 0x00800000u

static volatile uint32_t sink;

static int memtag(void)
{
    volatile uint32_t *tag = (volatile uint32_t *)TAG_ADDR;
    uint32_t me = (uint32_t)ant_getpid();
    if (ant_mmap(TAG_ADDR, 4096, ANT_PROT_WRITE))
        return 2;
    if (*tag != 0)
        return 3;                          /* fresh memory must be zero */
    *tag = me;
    for (int i = 0; i < 10; i++) {
        ant_sleep(1);                      /* let the other instance run */
        if (*tag != me)
            return 1;
    }
    return 0;
}

/* Recurse until the stack runs off its mapped pages (depth is opaque to
 * the compiler, so it cannot prove the recursion endless). */
/* Enter the kernel through sysenter with extra EFLAGS bits set by popfd
 * right before it: TF single-steps into the kernel's entry, NT would make
 * the kernel's next iret a task switch. The kernel must shrug both off. */
static inline __attribute__((always_inline)) int sysenter_with_flags(const uint32_t flags,
                                                                     uint32_t call)
{
    int32_t r;
    __asm__ volatile("pushl %%ebp\n\t"
                     "pushl $1f\n\t"             /* where the kernel returns */
                     "pushfl\n\t"
                     "orl %2, (%%esp)\n\t"
                     "leal 4(%%esp), %%ecx\n\t"   /* esp once popfl has run */
                     "popfl\n\t"
                     "sysenter\n"
                     "1:\tpopl %%ebp"
                     : "=a"(r) : "a"(call), "i"(flags) : "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");
    return r;
}

static int recurse(volatile int *depth)
{
    volatile char pad[512];
    pad[0] = (char)*depth;
    if (--*depth == 0)
        return 0;
    return recurse(depth) + pad[0];
}

int main(const char *args)
{
    if (!strcmp(args, "exit0"))
        return 0;
    if (!strcmp(args, "exit42"))
        return 42;
    if (!strncmp(args, "send ", 5)) {      /* a message {42} to pid, then exit */
        uint32_t pid = 0;
        for (const char *p = args + 5; *p >= '0' && *p <= '9'; p++)
            pid = pid * 10 + (uint32_t)(*p - '0');
        struct ant_msg m = {{42, 0, 0, 0}, 0};
        return ant_send((int32_t)pid, &m) == 0 ? 0 : 1;
    }
    if (!strcmp(args, "memtag"))
        return memtag();
    if (!strcmp(args, "tf_sysenter"))
        return sysenter_with_flags(1 << 8, SYS_GETPID) == ant_getpid() ? 0 : 1;
    if (!strcmp(args, "nt_sysenter")) {
        sysenter_with_flags(1 << 14, SYS_YIELD);
        return ant_spawn("victim", "exit0", 4) > 0 ? 0 : 1;  /* a new thread irets */
    }
    if (!strcmp(args, "spin"))
        for (;;)
            sink++;
    if (!strcmp(args, "icc_hog")) {        /* every free ICC page, held until killed */
        void *run;
        for (uint32_t want = 4096; want;)
            if (ant_icc_alloc(want, &run))
                want /= 2;
        for (;;)
            ant_sleep(100);
    }
    if (!strcmp(args, "pm_wait_run") || !strcmp(args, "pm_wait_names")) {
        void *page;                        /* PM_WAIT for myself or the name server, lending a page */
        struct ant_msg m = {{PM_NAMESERVER, 0, 0, 0}, 0};
        if (pm_call(&m) < 0)
            return 1;
        m.w[1] = args[8] == 'r' ? (uint32_t)ant_getpid() : m.w[1];
        m.w[0] = PM_WAIT;
        if (ant_icc_alloc(1, &page))
            return 1;
        m.run = ANT_ICC_RUN(page, 1);
        return pm_call(&m) < 0 ? 2 : 0;    /* never answered before I end */
    }
    if (!strcmp(args, "parent")) {         /* a spinning child and a zombie one */
        if (ant_spawn("victim", "spin", 4) < 0 || ant_spawn("victim", "exit0", 4) < 0)
            return 1;
        for (;;)                           /* the zombie is never reaped */
            ant_sleep(100);
    }
    if (!strcmp(args, "read_kernel"))
        sink = *(volatile uint32_t *)0xC0100000;
    else if (!strcmp(args, "write_kernel"))
        *(volatile uint32_t *)0xC0400000 = 1;
    else if (!strcmp(args, "read_ioalias"))
        sink = *(volatile uint32_t *)0xC08B8000;
    else if (!strcmp(args, "null"))
        sink = *(volatile uint32_t *)0;
    else if (!strcmp(args, "write_text"))
        *(volatile uint32_t *)(uint32_t)main = 0;
    else if (!strcmp(args, "icc_unowned"))
        sink = *(volatile uint32_t *)0x80000000;
    else if (!strcmp(args, "cli"))
        __asm__ volatile("cli");
    else if (!strcmp(args, "hlt"))
        __asm__ volatile("hlt");
    else if (!strcmp(args, "inb"))
        __asm__ volatile("inb $0x60, %%al" ::: "eax");
    else if (!strcmp(args, "outb"))
        __asm__ volatile("outb %%al, $0x80" ::: "memory");
    else if (!strcmp(args, "divide"))
        __asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx" ::: "eax", "ecx", "edx");
    else if (!strcmp(args, "ud2"))
        __asm__ volatile("ud2");
    else if (!strcmp(args, "int3"))
        __asm__ volatile("int3");
    else if (!strcmp(args, "stack_overflow"))
    {
        volatile int depth = 1 << 30;
        sink = (uint32_t)recurse(&depth);
    }
    else
        return 99;                         /* unknown request */
    return 77;                             /* the misdeed did not fault */
}
