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

/* Enter by sysenter with ECX (the stack with the return address on top)
 * at esp: a kernel address or an unmapped one must end me (at the `ret`
 * the inner core returns to), whichever entry the call takes (getpid's,
 * the general one, the IPC one). */
static int sysenter_bad_stack(uint32_t call, uint32_t esp, uint32_t flags)
{
    __asm__ volatile("pushfl\n\t"               /* DF, NT, AC: the kernel must */
                     "orl %2, (%%esp)\n\t"       /* not run its C with them */
                     "popfl\n\t"
                     "sysenter"
                     : : "a"(call), "c"(esp), "r"(flags) : "edx", "memory", "cc");
    return 1;                       /* not reached */
}

/* ---- CPU state that must be mine alone (the switch tests) ---- */

#define SWITCH_ROUNDS 200
#define FCW_TRUNCATE 0x0F7F         /* fninit's 0x037F with rounding toward zero */

static int has_sse(void)
{
    return (ant_cpu_features() >> 25) & 1;
}

/* Between switches: four x87 values, a control word of my own and, with
 * SSE, all eight XMM registers hold what I put there. */
static int hold_x87(uint32_t k)
{
    int32_t v[4], out[4];
    uint32_t xin[32], xout[32];
    uint16_t cw = FCW_TRUNCATE, cw_out;
    int sse = has_sse();
    for (int i = 0; i < 4; i++)
        v[i] = (int32_t)(k * 1000 + (uint32_t)i + 1);
    for (int i = 0; i < 32; i++)
        xin[i] = k << 24 | (uint32_t)i;
    __asm__ volatile("fninit; fldcw %0" : : "m"(cw));
    if (sse)
        __asm__ volatile("movups 0(%0), %%xmm0; movups 16(%0), %%xmm1; movups 32(%0), %%xmm2;"
                         "movups 48(%0), %%xmm3; movups 64(%0), %%xmm4; movups 80(%0), %%xmm5;"
                         "movups 96(%0), %%xmm6; movups 112(%0), %%xmm7" : : "r"(xin) : "memory");
    for (int round = 0; round < SWITCH_ROUNDS; round++) {
        __asm__ volatile("fildl %0; fildl %1; fildl %2; fildl %3"
                         : : "m"(v[0]), "m"(v[1]), "m"(v[2]), "m"(v[3]));
        if (round & 1)
            ant_sleep(1);                   /* someone else runs meanwhile */
        else
            ant_yield();
        __asm__ volatile("fistpl %0; fistpl %1; fistpl %2; fistpl %3; fnstcw %4"
                         : "=m"(out[3]), "=m"(out[2]), "=m"(out[1]), "=m"(out[0]), "=m"(cw_out));
        if (cw_out != FCW_TRUNCATE)
            return 2;
        for (int i = 0; i < 4; i++)
            if (out[i] != v[i])
                return 3;
        if (sse) {
            __asm__ volatile("movups %%xmm0, 0(%0); movups %%xmm1, 16(%0); movups %%xmm2, 32(%0);"
                             "movups %%xmm3, 48(%0); movups %%xmm4, 64(%0); movups %%xmm5, 80(%0);"
                             "movups %%xmm6, 96(%0); movups %%xmm7, 112(%0)" : : "r"(xout) : "memory");
            if (memcmp(xin, xout, sizeof xin))
                return 4;
        }
    }
    return 0;
}

/* The same for the eight MMX registers (which are the x87 registers). */
static int hold_mmx(uint32_t k)
{
    uint32_t in[16], out[16];
    for (int i = 0; i < 16; i++)
        in[i] = k << 20 | (uint32_t)i << 8 | 0x5A;
    __asm__ volatile("movq 0(%0), %%mm0; movq 8(%0), %%mm1; movq 16(%0), %%mm2; movq 24(%0), %%mm3;"
                     "movq 32(%0), %%mm4; movq 40(%0), %%mm5; movq 48(%0), %%mm6; movq 56(%0), %%mm7"
                     : : "r"(in) : "memory");
    for (int round = 0; round < SWITCH_ROUNDS; round++) {
        if (round & 1)
            ant_sleep(1);
        else
            ant_yield();
        __asm__ volatile("movq %%mm0, 0(%0); movq %%mm1, 8(%0); movq %%mm2, 16(%0); movq %%mm3, 24(%0);"
                         "movq %%mm4, 32(%0); movq %%mm5, 40(%0); movq %%mm6, 48(%0); movq %%mm7, 56(%0)"
                         : : "r"(out) : "memory");
        if (memcmp(in, out, sizeof in))
            return 5;
    }
    __asm__ volatile("emms");
    return 0;
}

/* A new process's FPU is as after fninit, every register zero: nothing of
 * another program's values shows. */
static int fpu_clean(void)
{
    uint16_t cw, sw;
    uint32_t mm[16], x[32], mxcsr = 0;
    __asm__ volatile("fnstcw %0; fnstsw %1" : "=m"(cw), "=m"(sw));
    __asm__ volatile("movq %%mm0, 0(%0); movq %%mm1, 8(%0); movq %%mm2, 16(%0); movq %%mm3, 24(%0);"
                     "movq %%mm4, 32(%0); movq %%mm5, 40(%0); movq %%mm6, 48(%0); movq %%mm7, 56(%0);"
                     "emms" : : "r"(mm) : "memory");
    if (cw != 0x037F || sw != 0)
        return 6;
    for (int i = 0; i < 16; i++)
        if (mm[i])
            return 7;
    if (has_sse()) {
        __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
        __asm__ volatile("movups %%xmm0, 0(%0); movups %%xmm1, 16(%0); movups %%xmm2, 32(%0);"
                         "movups %%xmm3, 48(%0); movups %%xmm4, 64(%0); movups %%xmm5, 80(%0);"
                         "movups %%xmm6, 96(%0); movups %%xmm7, 112(%0)" : : "r"(x) : "memory");
        if (mxcsr != 0x1F80)
            return 8;
        for (int i = 0; i < 32; i++)
            if (x[i])
                return 9;
    }
    return 0;
}

/* After blocking calls through either entry (sysenter and int 0x80), DS
 * and ES hold the user selector and FS, GS what I loaded: "segs A B" loads
 * selector A into FS and B into GS. */
static int hold_segments(uint32_t fs, uint32_t gs)
{
    __asm__ volatile("movl %0, %%fs; movl %1, %%gs" : : "r"(fs), "r"(gs));
    for (int round = 0; round < SWITCH_ROUNDS; round++) {
        uint32_t ds, es, fs_now, gs_now;
        if (round & 1)
            ant_syscall_int80(SYS_SLEEP, 1, 0, 0, 0);
        else if (ant_has_sysenter())
            ant_syscall_sysenter(SYS_SLEEP, 1, 0, 0, 0);
        else
            ant_sleep(1);
        __asm__ volatile("movl %%ds, %0; movl %%es, %1; movl %%fs, %2; movl %%gs, %3"
                         : "=r"(ds), "=r"(es), "=r"(fs_now), "=r"(gs_now));
        if ((ds & 0xFFFF) != ANT_SEL_UDATA || (es & 0xFFFF) != ANT_SEL_UDATA)
            return 10;
        if ((fs_now & 0xFFFF) != fs || (gs_now & 0xFFFF) != gs)
            return 11;
        __asm__ volatile("movl %0, %%es" : : "r"(ds));  /* the reload that used to fault */
    }
    return 0;
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
        uint32_t pid = str_decimal(args + 5);
        struct ant_msg m = {{42, 0, 0, 0}, 0};
        return ant_send((int32_t)pid, &m) == 0 ? 0 : 1;
    }
    if (!strcmp(args, "memtag"))
        return memtag();
    if (!strcmp(args, "steal_console")) {  /* the user's next line, the shell */
        int32_t r = con_foreground(0);
        struct ant_msg m = {{PM_KILL, (uint32_t)ns_lookup("shell"), 0, 0}, 0};
        int32_t k = pm_call(&m);
        con_printf("victim: foreground: %s; kill the shell: %s\n", ant_strerror(r),
                   ant_strerror(k));
        return r == -ANT_EPERM && k == -ANT_EPERM ? 0 : 1;
    }
    if (!strncmp(args, "x87 ", 4))
        return hold_x87(str_decimal(args + 4));
    if (!strncmp(args, "mmx ", 4))
        return hold_mmx(str_decimal(args + 4));
    if (!strcmp(args, "fpu_clean"))
        return fpu_clean();
    if (!strncmp(args, "segs ", 5)) {
        const char *gs = args + 5;
        while (*gs && *gs != ' ')
            gs++;
        return hold_segments(str_decimal(args + 5), str_decimal(gs + (*gs == ' ')));
    }
    if (!strcmp(args, "tf_sysenter"))
        return sysenter_with_flags(1 << 8, SYS_GETPID) == ant_getpid() ? 0 : 1;
    if (!strncmp(args, "sysenter_bad ", 13)) {  /* CALL kernel|unmapped [flags] */
        const char *w = args + 13;
        uint32_t call = !strncmp(w, "getpid", 6) ? SYS_GETPID
                        : !strncmp(w, "yield", 5) ? SYS_YIELD
                        : SYS_CALL | (uint32_t)ant_getpid() << 8;
        while (*w && *w != ' ')
            w++;
        uint32_t esp = !strncmp(w, " kernel", 7) ? 0xC0001000u : 0x5F000000u;
        uint32_t n = (uint32_t)strlen(w);
        uint32_t flags = n >= 6 && !strcmp(w + n - 6, " flags") ? (1u << 10) | (1u << 14) | (1u << 18) : 0;
        return sysenter_bad_stack(call, esp, flags);
    }
    if (!strcmp(args, "nt_sysenter")) {
        sysenter_with_flags(1 << 14, SYS_YIELD);
        return ant_spawn("victim", "exit0", 4) > 0 ? 0 : 1;  /* a new thread irets */
    }
    if (!strcmp(args, "spin_later"))      /* start spinning once all are started */
        ant_sleep(50);
    if (!strcmp(args, "spin") || !strcmp(args, "spin_later"))
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
