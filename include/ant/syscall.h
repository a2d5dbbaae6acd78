/*
 * The system-call ABI of AnT/i386, shared by the inner core and every user
 * program. One table: number, arguments, result.
 *
 * Registers, for both entries (int 0x80, and sysenter where the CPU has it):
 *   eax = call number; ebx, esi, edi, ebp = arguments 1-4;
 *   result in eax: >= 0 success, < 0 a negated ANT_E* error code.
 *   ecx and edx are clobbered (sysenter needs them for the return).
 */
#ifndef ANT_SYSCALL_H
#define ANT_SYSCALL_H

/*  number             arguments                         result */
#define SYS_EXIT    0   /* code                           does not return */
#define SYS_YIELD   1   /* -                              0 */
#define SYS_SLEEP   2   /* ticks (1 tick = 10 ms)         0 */
#define SYS_GETPID  3   /* -                              own process id */
#define SYS_MMAP    4   /* addr (page aligned), len, prot zeroed pages mapped at addr: 0 */
#define SYS_MUNMAP  5   /* addr, len                      0 */
#define SYS_WRITE   6   /* buf, len                       bytes written to the console */
#define SYS_SPAWN   7   /* name, args, prio (>= caller's) child's process id */
#define SYS_WAIT    8   /* pid, &status                   pid of the reaped child */
#define SYS_MODINFO 9   /* index, struct ant_modinfo *    0 */
#define SYS_KILL    10  /* pid (a child)                  0 */
#define SYS_MEMINFO 11  /* struct ant_meminfo *           0 */
#define SYS_GETARGS 12  /* buf, len                       length of the args string */
#define SYS_NCALLS  13

/* Errors: returned negated. */
#define ANT_EINVAL  1   /* an argument is out of range or malformed */
#define ANT_EFAULT  2   /* a pointer is not valid user memory of this process */
#define ANT_ENOMEM  3   /* no frames left */
#define ANT_ENOSYS  4   /* no such call */
#define ANT_ESRCH   5   /* no such process */
#define ANT_ECHILD  6   /* not a child of the caller, or no child */
#define ANT_ENOEXEC 7   /* the image is not a valid program */
#define ANT_ENOENT  8   /* no module of that name */
#define ANT_EBUSY   9   /* the address range is in use */
#define ANT_EAGAIN  10  /* a table is full: try later */

/* SYS_MMAP prot bits */
#define ANT_PROT_WRITE 0x2

/* Exit status of a process killed by a fault: ANT_KILLED_BASE + the CPU
 * exception vector (0 divide, 6 invalid opcode, 13 protection, 14 page). */
#define ANT_KILLED_BASE 0x100
#define ANT_KILLED_BY_KILL 0x1FF

#define ANT_NAME_MAX 32
#define ANT_ARGS_MAX 128

struct ant_modinfo {
    char name[ANT_NAME_MAX];
    unsigned size;              /* bytes */
};

struct ant_meminfo {
    unsigned pool_free;         /* frames in the page pool */
    unsigned pool_total;        /* frames the pool started with */
    unsigned my_pages;          /* frames held by the caller (pages and tables) */
    unsigned procs;             /* live processes */
};

#endif
