/* Processes: an address space, a thread, a parent, an exit status. */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H
#include <stddef.h>
#include <stdint.h>
#include "include/ant/syscall.h"
#include "kernel/elf.h"
#include "kernel/gdt.h"
#include "mm/layout.h"
#include "mm/vm.h"

#define MAX_PROCS 64
_Static_assert(MAX_PROCS <= ICC_PT_SLOTS, "each process has a slot for its ICC page tables");
#define USER_STACK_TOP 0x7FFFF000   /* the page above is left unmapped */
#define USER_STACK_PAGES 16
#define PID_MAX 0xFFFFFE            /* IPC carries a pid in 24 bits; all ones is ANT_PID_NOTES */

enum proc_state { P_FREE, P_ALIVE, P_ZOMBIE };

struct thread;

struct proc {
    uint32_t pid;
    uint8_t state;              /* enum proc_state */
    uint16_t tag;               /* frame-table owner tag: slot + 1 */
    char name[ANT_NAME_MAX];
    char args[ANT_ARGS_MAX];
    struct vm vm;
    struct thread *thread;
    struct proc *parent;        /* NULL: nobody will wait; reaped at exit */
    struct thread *waiter;      /* parent thread blocked in proc_wait */
    int32_t exit_status;
    uint8_t priv;               /* may take I/O ports and IRQs (ANT_SPAWN_PRIV) */
    uint8_t io_on;              /* iomap is in force while it runs */
    uint8_t devices;            /* it has had ports or device memory: it may
                                   have started DMA (its ICC pages are kept in
                                   quarantine when it ends) */
    uint8_t child_notify;       /* a child's end sends it ANT_NOTE_CHILD */
    uint8_t rights;             /* ANT_RIGHT_*: given by the parent, never more than its own */
    uint8_t doomed;             /* killed while it ran on another CPU: that CPU
                                   ends it at its next kernel exit or block */
    int32_t doomed_status;
    struct thread *reaper;      /* the killer waiting for a doomed one's end */
    struct iomap iomap;         /* its I/O permission bitmap */
    struct vm_range {           /* pager-managed (kernel/paging.c) */
        uint32_t start, end;    /* page aligned; end 0: slot unused */
        uint8_t writable;
        uint8_t file;           /* pages of the program image: seg */
        uint8_t seg;
    } ranges[ANT_VM_RANGES];
    const struct module *image; /* its program, for file pages */
    struct elf_image elf;
} __attribute__((aligned(512)));    /* a power of two: cheap proc_table[i] */

/* Slot pid % MAX_PROCS holds process pid, if it is alive: O(1) lookup. */
extern struct proc proc_table[MAX_PROCS];

/* For the IPC fastpath: entry pid % PROC_LIVE_SLOTS is the thread of the
 * live process pid (P_ALIVE), else a thread whose pid no process has;
 * read and written under the big lock. PROC_LIVE_SLOTS is a multiple of
 * MAX_PROCS, so two live processes never share an entry, and the pid's
 * low byte indexes it. */
#define PROC_LIVE_SLOTS 256
_Static_assert(PROC_LIVE_SLOTS % MAX_PROCS == 0, "live processes have entries of their own");
extern struct thread *proc_live[PROC_LIVE_SLOTS];

extern struct proc kernel_proc;     /* pid 0: the inner core's own threads */
/* The process manager (init): every right, and the children of a process
 * that ends are its children then. NULL until it starts, and after. */
extern struct proc *proc_manager;

void proc_init(void);
/* Start program `name` (a boot module) with args; returns its pid or -error.
 * flags: PROC_PRIV (I/O rights), PROC_PAGED (read-only pages on demand). */
#define PROC_PRIV  0x1
#define PROC_PAGED 0x2
#define PROC_MANAGER 0x4            /* it is the process manager (every right) */
#define PROC_RIGHTS(r) ((int)(r) << 8)  /* ANT_RIGHT_* it has */
#define PROC_CPU(n) (((int)(n) + 1) << 16)  /* on CPU n (else smp_place chooses) */
int32_t proc_spawn(const char *name, const char *args, int prio, struct proc *parent, int flags);
/* Fill page w (at user address va) from p's program image. */
void proc_image_fill(const struct proc *p, const struct vm_range *r, uint32_t va, uint8_t *w);
/* End process p with status; frees everything it holds. Does not return
 * when p is the caller's own process. When p runs on another CPU at this
 * moment, that CPU ends it (p->doomed) within its next kernel entry. */
void proc_exit(struct proc *p, int32_t status);
/* The reserves: what a process without ANT_RIGHT_RESERVE may not take, so
 * that one program exhausting slots, frames or ICC pages never starves
 * the servers and the shell (docs/DESIGN.md §4). */
#define PROC_RESERVE_SLOTS 8
#define FRAME_RESERVE_MAX 256       /* frames, or 1/8 of the pool if less */
#define ICC_RESERVE_MAX 64          /* ICC pages, or 1/8 of the area if less */
/* May p take n more of a resource of which `left` remain, keeping
 * `reserve` back? Always, with ANT_RIGHT_RESERVE. */
static inline int proc_may_take(const struct proc *p, uint32_t n, uint32_t left, uint32_t reserve)
{
    return (p->rights & ANT_RIGHT_RESERVE) || (n <= left && left - n >= reserve);
}
uint32_t proc_free_slots(void);
uint32_t proc_frame_reserve(void);
/* Kill p and every process below it, the deepest first (SYS_KILL). */
void proc_kill_tree(struct proc *p, int32_t status);
/* Kill the current process for a fault, with a one-line report; its exit
 * status is ANT_KILLED_BASE + vector. */
void proc_fault(uint32_t vector, const char *what, uint32_t eip, uint32_t addr)
    __attribute__((noreturn));
/* Wait for child pid of parent (or any child, pid 0) to end; with nohang,
 * 0 when none has ended yet. */
int32_t proc_wait(struct proc *parent, uint32_t pid, int32_t *status, int nohang);
/* Fill info for the process in slot i: 0, -ANT_ESRCH (empty), -ANT_EINVAL. */
int proc_info(uint32_t i, struct ant_procinfo *info);
/* Every pool frame held for a process belongs to a live one, and each
 * holds as many as it counts: 0, or -1 with why. */
int proc_audit_frames(char *why, size_t len);
/* The ICC invariant (icc_check) over the live processes, and no dead one
 * counting pages: 0, or -1 with why. */
int proc_icc_check(char *why, size_t len);
struct proc *proc_find(uint32_t pid);
/* The live process pid, or NULL. */
static inline struct proc *proc_alive(uint32_t pid)
{
    struct proc *p = &proc_table[pid % MAX_PROCS];
    return p->pid == pid && p->state == P_ALIVE ? p : 0;
}
uint32_t proc_count(void);
/* Does p's thread run on another CPU at this moment (in ring 3, or waiting
 * for the big lock)? Its pages may then be in that CPU's TLB: whoever
 * unmaps them must wait (docs/DESIGN.md §4). (kernel/sched.c) */
int proc_runs_elsewhere(const struct proc *p);
/* What a layer above this one (ipc/) does when a process ends, after its
 * faults and notes are dropped and before its memory goes:
 * PROC_EXIT_HOOK(fn) at file scope registers fn (linker.ld gathers them). */
typedef void (*proc_exit_hook)(struct proc *p);
extern const proc_exit_hook __proc_exit_start[], __proc_exit_end[];
#define PROC_EXIT_HOOK(fn) \
    static const proc_exit_hook fn##_at_exit __attribute__((used, section(".proc_exit"))) = fn

/* p has mapped the screen (SYS_MAPIO): the inner core's log goes to it
 * until it ends. */
void proc_take_screen(struct proc *p);
int proc_owns_screen(const struct proc *p);

#endif
