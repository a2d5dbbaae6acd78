/*
 * The system-call ABI of AnT/i386, shared by the inner core and every user
 * program. One table: number, arguments, result.
 *
 * Registers, for both entries (int 0x80, and sysenter where the CPU has it):
 *   eax = call number (bits 0-7) and, for the IPC calls, a peer process id
 *         (bits 8-31; 0 = none/anyone); other calls want bits 8-31 zero;
 *   ebx, esi, edi, ebp = arguments 1-4 (for IPC: message words w0-w3);
 *   edx = the ICC run of an IPC message (ANT_ICC_RUN below, 0 = none);
 *   result in eax: >= 0 success, < 0 a negated ANT_E* error code.
 *   ecx is clobbered; edx too, except that IPC calls return a run in it.
 * sysenter: ecx = the user stack pointer, whose top word is the address to
 * return to (the stub reaches sysenter with a `call`); the inner core
 * returns there with that word popped.
 *
 * IPC is synchronous and addressed by process id (one thread a process).
 * A message is w0-w3 plus an optional run of ICC pages, which moves from
 * the sender's address space to the receiver's: unmapped from one, mapped
 * at the same addresses in the other, no byte copied. The receiver gets
 * eax = sender pid (0: the inner core, an interrupt: w0 = IRQ number),
 * w0-w3 in ebx, esi, edi, ebp and the run in edx.
 */
#ifndef ANT_SYSCALL_H
#define ANT_SYSCALL_H

#define ANT_VEC_SYSCALL 0x80        /* int ANT_VEC_SYSCALL: the entry every CPU has */
/* What a program's DS, ES and SS hold after every return to it, whichever
 * entry it took; FS and GS stay as it loaded them (null at start). */
#define ANT_SEL_UDATA 0x23
/* sysenter: the program passes its stack pointer in ECX and the inner core
 * returns, with that stack pointer, to this address, where every program
 * keeps a `ret` (lib/crt0.asm, the first byte of its text): a `call` to a
 * stub of `mov ecx, esp; sysenter` comes back after the call. The inner
 * core never reads the program's stack on the way in. */
#define ANT_SYSENTER_RET 0x00400000u

/*
 * The calls, in one list: everything else is made from it. The inner core's
 * dispatch tables and handler prototypes (each handler is sys_<name>), the
 * user stubs ant_<name> (lib/ant.h), the SYS_<NAME> numbers and SYS_NCALLS.
 * Adding a call: a line here, its handler, its test, the README's table.
 *
 * X(number, NAME, name, kind, result type, parameter count, (type, name)...)
 * kinds:
 *   PLAIN  the stub passes its parameters in ebx, esi, edi, ebp;
 *   OWN    the same ABI, but the stub is written by hand in lib/ant.c;
 *   SEND   IPC: eax bits 8-31 name a peer; a message goes out (w0-w3, run);
 *   MSG    IPC, as SEND, and a message comes back (in the same registers;
 *          the inner core leaves by iret, as sysexit would take edx).
 * Only SEND and MSG calls accept a peer in eax bits 8-31 (else ENOSYS).
 */
#define ANT_SYSCALLS(X) \
/*  nr  NAME        name       kind   result   n  parameters                              result */ \
  X( 0, EXIT,       exit,      OWN,   int32_t, 1, (int32_t, code))                      /* does not return */ \
  X( 1, YIELD,      yield,     PLAIN, int32_t, 0)                                       /* 0 */ \
  X( 2, SLEEP,      sleep,     PLAIN, int32_t, 1, (uint32_t, ticks))                    /* 0 (1 tick = 10 ms) */ \
  X( 3, GETPID,     getpid,    PLAIN, int32_t, 0)                                       /* own process id */ \
  X( 4, MMAP,       mmap,      PLAIN, int32_t, 3, (uint32_t, addr), (uint32_t, len), (uint32_t, prot)) \
                                                    /* zeroed pages at addr (page aligned): 0 */ \
  X( 5, MUNMAP,     munmap,    PLAIN, int32_t, 2, (uint32_t, addr), (uint32_t, len))    /* 0 */ \
  X( 6, WRITE,      write,     PLAIN, int32_t, 2, (const void *, buf), (uint32_t, len)) /* bytes written to the log */ \
  X( 7, SPAWN,      spawn,     PLAIN, int32_t, 3, (const char *, name), (const char *, args), (uint32_t, prio)) \
                                                    /* the child's pid (prio >= the caller's) */ \
  X( 8, WAIT,       wait,      OWN,   int32_t, 3, (int32_t, pid), (int32_t *, status), (uint32_t, flags)) \
                                                    /* the reaped child's pid (pid 0: any; WNOHANG: 0 if none yet) */ \
  X( 9, MODINFO,    modinfo,   PLAIN, int32_t, 2, (uint32_t, index), (struct ant_modinfo *, info)) /* 0 */ \
  X(10, KILL,       kill,      PLAIN, int32_t, 1, (int32_t, pid))                       /* 0 (a descendant) */ \
  X(11, MEMINFO,    meminfo,   PLAIN, int32_t, 1, (struct ant_meminfo *, info))         /* 0 */ \
  X(12, GETARGS,    getargs,   PLAIN, int32_t, 2, (char *, buf), (uint32_t, len))       /* the args string's length */ \
  X(13, SEND,       send,      SEND,  int32_t, 0)   /* eax |= dest<<8; w0-w3, run: 0 once received */ \
  X(14, RECV,       recv,      MSG,   int32_t, 0)   /* eax |= from<<8 (0: anyone): the sender's pid; w0-w3, run */ \
  X(15, CALL,       call,      MSG,   int32_t, 0)   /* eax |= dest<<8: send, then the reply as RECV */ \
  X(16, REPLY,      reply,     SEND,  int32_t, 0)   /* eax |= caller<<8: 0 (never blocks) */ \
  X(17, REPLYRECV,  replyrecv, MSG,   int32_t, 0)   /* eax |= caller<<8 (0: none): reply, then RECV from anyone */ \
  X(18, ICC_ALLOC,  icc_alloc, OWN,   int32_t, 1, (uint32_t, npages))                   /* the address of a zeroed run */ \
  X(19, ICC_FREE,   icc_free,  PLAIN, int32_t, 2, (void *, addr), (uint32_t, npages))   /* 0 */ \
  X(20, ICC_PHYS,   icc_phys,  PLAIN, int32_t, 2, (const void *, addr), (uint32_t *, pa)) /* 0, *pa (the owner only) */ \
  X(21, ICC_INFO,   icc_info,  PLAIN, int32_t, 1, (struct ant_iccinfo *, info))         /* 0 */ \
  X(22, IRQ_BIND,   irq_bind,  PLAIN, int32_t, 1, (int, irq))      /* 0: IRQ irq (1-15 but 2) comes as a note; privileged */ \
  X(23, IRQ_ACK,    irq_ack,   PLAIN, int32_t, 1, (int, irq))      /* 0: the line is unmasked again */ \
  X(24, IOPERM,     ioperm,    PLAIN, int32_t, 2, (uint32_t, first), (uint32_t, count)) \
                                                    /* 0: ring-3 access to the ports (not the PICs, PIT, ...); privileged */ \
  X(25, PROCINFO,   procinfo,  PLAIN, int32_t, 2, (uint32_t, slot), (struct ant_procinfo *, info)) \
                                                    /* 0; -ESRCH: an empty slot; -EINVAL: past the last (63) */ \
  X(26, MAPIO,      mapio,     PLAIN, int32_t, 3, (uint32_t, addr), (uint32_t, phys), (uint32_t, npages)) \
                                                    /* 0: device memory mapped at addr (see ANT_MAPIO_MAX); privileged */ \
  X(27, UPTIME,     uptime,    PLAIN, uint32_t, 0)  /* ticks since boot (1 tick = 10 ms) */ \
  X(28, VM_PAGER,   vm_pager,  PLAIN, int32_t, 0)   /* 0: I am the pager (faults come to me); privileged */ \
  X(29, VM_FRAME,   vm_frame,  PLAIN, int32_t, 2, (uint32_t, op), (uint32_t, frame)) \
                                                    /* VM_GRAB: a pool frame, now the pager's (physical address); VM_GRAB_MANY: their number */ \
  X(30, VM_MAP,     vm_map,    PLAIN, int32_t, 4, (uint32_t, pid), (uint32_t, va), (uint32_t, frame), (uint32_t, src)) \
                                                    /* 0: frame filled per src, mapped at va */ \
  X(31, VM_UNMAP,   vm_unmap,  PLAIN, int32_t, 4, (uint32_t, pid), (uint32_t, va), (uint32_t, dst), (uint32_t, slot)) \
                                                    /* the frame, unmapped (invlpg), back to the pager */ \
  X(32, VM_BITS,    vm_bits,   PLAIN, int32_t, 3, (uint32_t, pid), (uint32_t, va), (uint32_t, flags)) \
                                                    /* VM_B_* bits before the change (VM_CLEAR_*, VM_PIN, VM_UNPIN) */ \
  X(33, VM_RESOLVE, vm_resolve, PLAIN, int32_t, 2, (uint32_t, pid), (uint32_t, verdict)) \
                                                    /* 0 (verdict 0: run again; else kill with that status) */ \
  X(34, VM_INFO,    vm_info,   PLAIN, int32_t, 2, (uint32_t, pid), (struct ant_vminfo *, info)) /* 0 (anyone) */ \
  X(35, ALARM,      alarm,     PLAIN, int32_t, 1, (uint32_t, ticks)) /* 0: ANT_NOTE_ALARM after ticks (0: cancel) */ \
  X(36, CPUINFO,    cpuinfo,   PLAIN, int32_t, 2, (uint32_t, cpu), (struct ant_cpuinfo *, info)) /* 0; -EINVAL: no such CPU */ \
  X(37, SCREEN,     screen,    PLAIN, int32_t, 3, (struct ant_screen *, info), (uint16_t *, cells), (uint32_t, ncells)) \
                                                    /* 0: the screen, and its text */ \
  X(38, LOGREAD,    logread,   PLAIN, int32_t, 3, (uint32_t *, pos), (void *, buf), (uint32_t, len)) \
                                                    /* bytes of the inner core's log (the screen's owner) */ \
  X(39, VM_MEMO,    vm_memo,   PLAIN, int32_t, 3, (uint32_t, op), (void *, buf), (uint32_t, len)) \
                                                    /* VM_MEMO_GET: bytes of the memo (the pager) */ \
  X(40, DMA_RESET,  dma_reset, PLAIN, int32_t, 0)   /* 0: I have reset my controller (see below); privileged */ \
  X(41, POWER,      power,     PLAIN, int32_t, 1, (uint32_t, op)) /* ANT_POWER_*: no return; the manager only */ \
  X(42, VMMAP,      vmmap,     PLAIN, int32_t, 3, (uint32_t, pid), (uint32_t, from), (struct ant_maprun *, run)) \
                                                    /* 0: pid's first run of mappings at or after from */ \
  X(43, VM_RESOLVE_RECV, vm_resolve_recv, MSG, int32_t, 0) \
                                                    /* eax |= pid<<8: VM_RESOLVE with verdict w0, then RECV from anyone */

/* SYS_<NAME> = number, SYS_NCALLS; the list must count 0, 1, 2, ... */
#define ANT_SYSCALL_NR_(nr, NAME, ...) SYS_##NAME = nr,
#define ANT_SYSCALL_IDX_(nr, NAME, ...) ANT_SYSCALL_IDX_##NAME,
#define ANT_SYSCALL_DENSE_(nr, NAME, ...) \
    _Static_assert((int)SYS_##NAME == (int)ANT_SYSCALL_IDX_##NAME, "the call numbers of ANT_SYSCALLS count up from 0");
#ifndef __ASSEMBLER__
enum { ANT_SYSCALLS(ANT_SYSCALL_NR_) };
enum { ANT_SYSCALLS(ANT_SYSCALL_IDX_) SYS_NCALLS };
ANT_SYSCALLS(ANT_SYSCALL_DENSE_)
#endif

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
#define ANT_EPERM   11  /* not the owner of a page, or not privileged */
#define ANT_ENOSPC  12  /* no free run of ICC pages that long */
#define ANT_ERETRY  13  /* (servers, not the inner core) being replaced: look
                           the name up again and send the request again */
#define ANT_ENAMETOOLONG 14 /* (servers) a name longer than ANT_SVC_NAME_MAX */
#define ANT_EIO     15  /* (drivers) the device reported an error */
#define ANT_ETIMEDOUT 16 /* (drivers) the device did not answer in time */
#define ANT_NERRORS 17

/* An ICC run in one word: a page address in the ICC area with the page
 * count less one in the low 12 bits (1 to 4096 pages, 16MB). 0 = none. */
#define ANT_ICC_VIRT 0x80000000u
#define ANT_ICC_RUN_MAX 4096
#define ANT_ICC_RUN(addr, npages) ((unsigned)(addr) | ((unsigned)(npages) - 1))
#define ANT_ICC_RUN_ADDR(run) ((unsigned)(run) & 0xFFFFF000u)
#define ANT_ICC_RUN_PAGES(run) (((unsigned)(run) & 0xFFFu) + 1)

/* SYS_SPAWN: or into prio to give the child I/O rights (ioperm, irq_bind);
 * only a process that has them can pass them on. */
#define ANT_SPAWN_PRIV 0x100
/* SYS_SPAWN: or into prio to have the child's read-only program pages
 * (text, constants) brought in by the pager when first touched, and
 * dropped by it under memory pressure (class: file); needs a pager. */
#define ANT_SPAWN_PAGED 0x200
/* SYS_SPAWN: or ANT_SPAWN_RIGHTS(r) into prio to give the child rights r
 * (ANT_RIGHT_*), which must be rights of mine (else EPERM): rights are
 * only ever narrowed on the way down. Without it the child has none. The
 * inner core attests them (SYS_PROCINFO); servers check them per
 * operation (docs/DESIGN.md §6). */
/* SYS_POWER: stop the machine (the process manager only: PM_POWER). */
#define ANT_POWER_HALT   1          /* "system halted": safe to switch off */
#define ANT_POWER_REBOOT 2          /* restart the PC */
#define ANT_SPAWN_RIGHTS(r) (((unsigned)(r) & 0xFFu) << 16)
/* SYS_SPAWN: or ANT_SPAWN_CPU(n) into prio to run the child on CPU n (EINVAL
 * if CPU n does not schedule); without it the inner core places it:
 * processes with I/O rights on CPU 0, the others on the other CPUs in
 * turn (docs/DESIGN.md §4). */
#define ANT_SPAWN_CPU(n) ((((unsigned)(n) + 1) & 0xFu) << 24)
#define ANT_RIGHT_MANAGE  0x01  /* the process manager's PM_KILL, PM_CRASH, PM_REPLACE */
#define ANT_RIGHT_CONSOLE 0x02  /* CON_FOREGROUND: who reads the console's lines */
#define ANT_RIGHT_RESERVE 0x04  /* the last process slots, frames and ICC pages,
                                   kept for the servers and the shell: without
                                   it, EAGAIN / ENOMEM come first */
#define ANT_RIGHTS_ALL    0x07

/* SYS_RECV from ANT_PID_NOTES: only what the inner core sends (IRQs,
 * notes, alarms), never a process's message: a driver waiting for its
 * device takes no client's request meanwhile. Not a process id. */
#define ANT_PID_NOTES 0xFFFFFF

/* SYS_DMA_RESET: the ICC pages of a process that had device access (ports
 * or device memory) wait in quarantine when it ends, owned by no one: a
 * DMA it started may still land in them. They are free again when a
 * driver says it has reset its controller (no DMA of before can come), or
 * after 30 s at the latest. */

/* SYS_MAPIO: what may be mapped. The video memory (0xA0000-0xBFFFF: the
 * screen), and device memory: pages that are not RAM by the memory map (a
 * PCI device's registers, such as an AHCI controller's), mapped uncached.
 * Never RAM, never the APICs. At most ANT_MAPIO_MAX pages a call; munmap
 * unmaps them. */
#define ANT_MAPIO_MAX 64

/* SYS_WAIT flags. WNOTIFY: from now on, every child's end also sends the
 * caller a message from pid 0 with w0 = ANT_NOTE_CHILD (one message may
 * stand for several ends: reap with WNOHANG until it returns 0). */
#define ANT_WNOHANG  0x1
#define ANT_WNOTIFY  0x2
/* Messages from pid 0 (the inner core), "notes": w0 = an IRQ number (1-15,
 * not 2), or one of the ANT_NOTE_* kinds below (never an IRQ number). */
#define ANT_NOTE_BASE  0x100
#define ANT_NOTE_CHILD 0x100    /* a child ended (ANT_WNOTIFY) */
#define ANT_NOTE_VMEXIT 0x101   /* (the pager) a process with pager-managed pages
                                   ended; its frames went back to the pool */
#define ANT_NOTE_FAULT 0x102    /* (the pager) w1 = pid, w2 = faulting page address
                                   | VM_F_* flags, w3 = slot + 1 given at its last
                                   VM_UNMAP (0: none); the thread waits for
                                   SYS_VM_RESOLVE */
#define ANT_NOTE_ALARM 0x103    /* the time set with SYS_ALARM has come */
#define ANT_NOTE_LOG   0x104    /* (the screen's owner) more of the inner core's log
                                   to show: SYS_LOGREAD */
#define ANT_NOTE_LAST  ANT_NOTE_LOG

/* SYS_MMAP prot bits. LAZY: reserve the range only; a page gets a frame
 * (zeroed) from the pager when first touched (demand-zero), and may be paged
 * out. Needs a pager (else EAGAIN); a lazy range lives until the process
 * ends (munmap of it: EBUSY). At most ANT_VM_RANGES lazy ranges. */
#define ANT_PROT_WRITE 0x2
#define ANT_PROT_LAZY  0x4
#define ANT_VM_RANGES  8

/* ANT_NOTE_FAULT flags, in w2: */
#define VM_F_WRITE  0x1     /* the access was a write */
#define VM_F_FILE   0x2     /* a page of the program image (class: file), else
                               working storage (class: anonymous, demand-zero) */

/* SYS_VM_FRAME ops */
#define VM_GRAB     1
#define VM_RELEASE  2
#define VM_GRAB_MANY 3      /* op | n << 8, frame = a uint32_t[n] buffer: up to
                               n (1-VM_GRAB_MAX) pool frames written there; their number */
#define VM_GRAB_MAX 32
/* SYS_VM_MAP src: a frame is zeroed, filled from the program image (the
 * module stays in memory), or copied from a page of the pager's ICC area
 * (an address >= ANT_ICC_VIRT: a page read back from the paging space). */
#define VM_SRC_ZERO 0
#define VM_SRC_FILE 1
/* SYS_VM_UNMAP dst: 0 drop the page; an ICC address of the pager: copy the
 * page there first (for writing it to the paging space). slot: 0, or the
 * paging slot + 1 that holds the page now: kept in the page's (not present)
 * page-table entry and reported back with the next fault on it, so where a
 * page is does not depend on the pager's memory alone. */
/* SYS_VM_MEMO: up to ANT_VM_MEMO_MAX bytes the inner core keeps for the
 * pager across its death (like the slots in not-present PTEs): a pager
 * restarted after a crash reads what its predecessor wrote (its layout of
 * the paging spaces, so that a slot number means the same place). */
#define VM_MEMO_GET 0
#define VM_MEMO_SET 1
#define ANT_VM_MEMO_MAX 256
/* SYS_VM_BITS flags and result */
#define VM_CLEAR_REF   0x1
#define VM_CLEAR_DIRTY 0x2
#define VM_PIN         0x4  /* VM_UNMAP refuses a pinned page (EBUSY) */
#define VM_UNPIN       0x8
#define VM_B_PRESENT   0x1
#define VM_B_REF       0x2  /* accessed since the bit was last cleared */
#define VM_B_DIRTY     0x4  /* written since mapped (or since cleared) */
#define VM_B_PINNED    0x8

/* SYS_VMMAP: a run of pages mapped at consecutive addresses to consecutive
 * frames with the same bits, in pid's address space (the kernel's half
 * too). Mine, or anyone's with ANT_RIGHT_MANAGE; -ENOENT past the last. */
struct ant_maprun {
    unsigned va, pages, pa;     /* the first page's address and frame */
    unsigned flags;             /* ANT_MAP_* */
    unsigned kind;              /* enum ant_map_kind: what the area is */
    unsigned pd;                /* the space's page directory (its frame) */
};
#define ANT_MAP_WRITE    0x1
#define ANT_MAP_USER     0x2
#define ANT_MAP_GLOBAL   0x4    /* stays in the TLB across address spaces */
#define ANT_MAP_BIG      0x8    /* 4MB pages */
#define ANT_MAP_UNCACHED 0x10
enum ant_map_kind {
    ANT_MAPK_PRIVATE, ANT_MAPK_ICC, ANT_MAPK_TEXT, ANT_MAPK_DATA, ANT_MAPK_IOALIAS,
    ANT_MAPK_FRAMES, ANT_MAPK_WINDOW, ANT_MAPK_KSTACK, ANT_MAPK_MODULES, ANT_MAPK_SCREEN,
    ANT_MAPK_KDYN, ANT_MAPK_ICC_TABLES, ANT_MAPK_KERNEL,
};

struct ant_vminfo {
    unsigned ranges;            /* lazy ranges */
    unsigned reserved_pages;    /* pages in them */
    unsigned resident_pages;    /* of those, mapped now */
    unsigned faults_waiting;    /* threads of it waiting for the pager */
};

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
    unsigned reserve;           /* frames kept for ANT_RIGHT_RESERVE (not the pager's) */
};

/* SYS_PROCINFO: what `ps` shows. */
enum ant_proc_state {
    ANT_PS_RUN,                 /* running or ready to run */
    ANT_PS_RECV,                /* waiting for a message */
    ANT_PS_SEND,                /* waiting for its receiver to take a message */
    ANT_PS_REPLY,               /* waiting for the reply to a call */
    ANT_PS_SLEEP,               /* sleeping, or waiting for a child */
    ANT_PS_ZOMBIE,              /* ended; its parent has not reaped it yet */
    ANT_PS_PAGE,                /* waiting for the pager to bring a page in */
};

struct ant_procinfo {
    unsigned pid;
    unsigned ppid;              /* 0: the inner core started it (init), or orphan */
    char name[ANT_NAME_MAX];    /* its module */
    unsigned state;             /* enum ant_proc_state */
    unsigned peer;              /* for RECV (0: anyone), SEND and REPLY: the other pid */
    unsigned prio;
    unsigned priv;              /* started with ANT_SPAWN_PRIV */
    unsigned pages;             /* frames it holds: pages, page tables, directory */
    unsigned icc_pages;         /* ICC pages it owns */
    unsigned cpu_ticks;         /* ticks it has run */
    unsigned flags;             /* ANT_PI_* */
    unsigned rights;            /* ANT_RIGHT_*, as given at spawn */
    unsigned cpu;               /* the CPU its thread runs on */
};
#define ANT_PI_PAGER 0x1            /* the pager (SYS_VM_PAGER): the inner core says so */
#define ANT_PI_MANAGER 0x2          /* the process manager: the process the inner core
                                       started, parent of every orphan */

/* SYS_CPUINFO: what one CPU has done. Cycles are the TSC's (0 without one;
 * under QEMU -icount shift=0 the TSC counts instructions). */
struct ant_cpuinfo {
    unsigned cpu;
    unsigned ticks;             /* timer ticks since boot */
    unsigned idle_ticks;        /* ticks that found it idle */
    unsigned tsc_lo, tsc_hi;    /* TSC now */
    unsigned idle_lo, idle_hi;  /* TSC cycles spent halted, waiting for an interrupt */
    unsigned apic_id;           /* its local APIC's id (0 without one) */
    unsigned state;             /* ANT_CPU_* */
    unsigned ipcs;              /* IPC calls made on it */
    unsigned switches;          /* thread switches on it */
    unsigned ipis;              /* inter-processor interrupts it took */
    unsigned threads;           /* threads placed on it, alive now */
    unsigned own_ticks;         /* its own timer's ticks it has taken (on an
                                   emulator that shares host cores, fewer
                                   than `ticks` when it was not given one) */
};
#define ANT_CPU_RUNNING 0           /* it runs the scheduler */
#define ANT_CPU_PARKED  1           /* started, not (yet) scheduling */
#define ANT_CPU_OFF     2           /* named by the firmware, did not start */

/* SYS_SCREEN: what the boot loader set up (kind 0: nothing to draw on;
 * 1: text cells, VGA-style, at phys; 2: a linear framebuffer at phys),
 * where the inner core's log stands, and, for a framebuffer, its text:
 * up to ncells cells (char | attr << 8) into the buffer given, `cells` of
 * them. The owner of the screen is whoever maps it with SYS_MAPIO (the
 * console driver): the inner core's log then goes to it (SYS_LOGREAD,
 * ANT_NOTE_LOG), and comes back when it ends. */
#define ANT_SCREEN_NONE 0
#define ANT_SCREEN_TEXT 1
#define ANT_SCREEN_FB   2
struct ant_screen {
    unsigned kind;
    unsigned phys;
    unsigned width, height;     /* text: cells; framebuffer: pixels */
    unsigned pitch;             /* bytes a line */
    unsigned bpp;               /* framebuffer: 16, 24, 32 */
    unsigned char red_pos, red_size, green_pos, green_size, blue_pos, blue_size, pad[2];
    unsigned col, row;          /* the log's cursor, in cells */
    unsigned cells;             /* cells of text copied */
};
/* SYS_LOGREAD: *pos is where I want to read from (everything before it I
 * have shown; 0 at first: from where the screen was handed to me); set to
 * where the bytes copied start. */

struct ant_iccinfo {
    unsigned base;              /* physical address of the ICC region */
    unsigned total;             /* ICC pages */
    unsigned free;              /* ICC pages no process owns */
    unsigned mine;              /* ICC pages the caller owns */
    int check;                  /* 0: the ICC invariant holds and every pool
                                   frame is free or held by a live process
                                   (frame audit), -1: broken (the inner core
                                   prints why), 1: not checked (the caller is
                                   not privileged) */
};

#endif
