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

/*  number             arguments                         result */
#define SYS_EXIT    0   /* code                           does not return */
#define SYS_YIELD   1   /* -                              0 */
#define SYS_SLEEP   2   /* ticks (1 tick = 10 ms)         0 */
#define SYS_GETPID  3   /* -                              own process id */
#define SYS_MMAP    4   /* addr (page aligned), len, prot zeroed pages mapped at addr: 0 */
#define SYS_MUNMAP  5   /* addr, len                      0 */
#define SYS_WRITE   6   /* buf, len                       bytes written to the console */
#define SYS_SPAWN   7   /* name, args, prio (>= caller's) child's process id */
#define SYS_WAIT    8   /* pid (0: any), &status, flags   pid of the reaped child (WNOHANG: 0 if none yet) */
#define SYS_MODINFO 9   /* index, struct ant_modinfo *    0 */
#define SYS_KILL    10  /* pid (a descendant)             0 */
#define SYS_MEMINFO 11  /* struct ant_meminfo *           0 */
#define SYS_GETARGS 12  /* buf, len                       length of the args string */
#define SYS_SEND    13  /* eax |= dest<<8; w0-w3; run    0 once received */
#define SYS_RECV    14  /* eax |= from<<8 (0: anyone)      sender pid; w0-w3; run */
#define SYS_CALL    15  /* eax |= dest<<8; w0-w3; run    send, then the reply: as RECV */
#define SYS_REPLY   16  /* eax |= caller<<8; w0-w3; run  0 (never blocks) */
#define SYS_REPLYRECV 17 /* eax |= caller<<8 (0: none)    reply, then as RECV from anyone */
#define SYS_ICC_ALLOC 18 /* npages                        address of a zeroed run */
#define SYS_ICC_FREE 19 /* addr, npages                  0 */
#define SYS_ICC_PHYS 20 /* addr                          physical address (owner only) */
#define SYS_ICC_INFO 21 /* struct ant_iccinfo *           0 */
#define SYS_IRQ_BIND 22 /* irq (1-15 but 2), privileged   0: IRQs arrive as messages */
#define SYS_IRQ_ACK 23  /* irq                            0: the line is unmasked again */
#define SYS_IOPERM  24  /* first port, count; privileged  0: ring-3 access (not the PICs, PIT, ...) */
#define SYS_PROCINFO 25 /* slot (0-63), struct ant_procinfo * 0; -ESRCH: an empty slot; -EINVAL: past the last */
#define SYS_MAPIO   26  /* addr, physical, npages; privileged device memory mapped at addr (uncached but the video memory): 0 */
#define SYS_UPTIME  27  /* -                              ticks since boot (1 tick = 10 ms) */
/* Virtual memory (issue: VM policy). The pager is the one process that
 * called SYS_VM_PAGER; the other VM_* calls are its alone (EPERM). */
#define SYS_VM_PAGER 28 /* -, privileged                    0: I am the pager (faults come to me) */
#define SYS_VM_FRAME 29 /* op (VM_GRAB / VM_RELEASE), frame  GRAB: a pool frame, now the pager's (physical address) */
#define SYS_VM_MAP  30  /* pid, va, frame, src             0: frame filled per src, mapped at va */
#define SYS_VM_UNMAP 31 /* pid, va, dst, slot               the frame, unmapped (invlpg), back to the pager */
#define SYS_VM_BITS 32  /* pid, va, flags (VM_CLEAR_*, VM_PIN, VM_UNPIN)  VM_B_* bits before the change */
#define SYS_VM_RESOLVE 33 /* pid, verdict (0 retry, else kill with that status) 0 */
#define SYS_VM_INFO 34  /* pid, struct ant_vminfo *          0 (anyone) */
#define SYS_ALARM   35  /* ticks (0: cancel)                0: ANT_NOTE_ALARM comes from pid 0 after ticks */
#define SYS_CPUINFO 36  /* cpu (0), struct ant_cpuinfo *    0; -EINVAL: no such CPU */
#define SYS_SCREEN  37  /* struct ant_screen *, cells, ncells  0: the screen, and its text */
#define SYS_LOGREAD 38  /* &pos, buf, len; the screen's owner bytes of the inner core's log */
#define SYS_VM_MEMO 39  /* op (VM_MEMO_GET/SET), buf, len; the pager  GET: bytes of the memo */
#define SYS_DMA_RESET 40 /* -; privileged                  0: I have reset my controller (see below) */
#define SYS_NCALLS  41

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
/* Messages from pid 0 (the inner core): w0 = an IRQ number (1-15, not 2),
 * or ANT_NOTE_CHILD (0: IRQ 0 is the inner core's timer, never bound). */
#define ANT_NOTE_CHILD 0

/* SYS_MMAP prot bits. LAZY: reserve the range only; a page gets a frame
 * (zeroed) from the pager when first touched (demand-zero), and may be paged
 * out. Needs a pager (else EAGAIN); a lazy range lives until the process
 * ends (munmap of it: EBUSY). At most ANT_VM_RANGES lazy ranges. */
#define ANT_PROT_WRITE 0x2
#define ANT_PROT_LAZY  0x4
#define ANT_VM_RANGES  8

/* More messages from pid 0 (see ANT_NOTE_CHILD): */
#define ANT_NOTE_VMEXIT 2   /* (the pager) a process with pager-managed pages
                               ended; its frames went back to the pool */
#define ANT_NOTE_FAULT 16   /* (the pager) w1 = pid, w2 = faulting page address
                               | VM_F_* flags, w3 = slot + 1 given at its last
                               VM_UNMAP (0: none); the thread waits for
                               SYS_VM_RESOLVE */
#define ANT_NOTE_ALARM 17   /* the time set with SYS_ALARM has come */
#define ANT_NOTE_LOG 18     /* (the screen's owner) more of the inner core's log
                               to show: SYS_LOGREAD */
#define VM_F_WRITE  0x1     /* the access was a write */
#define VM_F_FILE   0x2     /* a page of the program image (class: file), else
                               working storage (class: anonymous, demand-zero) */

/* SYS_VM_FRAME ops */
#define VM_GRAB     1
#define VM_RELEASE  2
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
};
#define ANT_PI_PAGER 0x1            /* the pager (SYS_VM_PAGER): the inner core says so */

/* SYS_CPUINFO: what one CPU has done. Cycles are the TSC's (0 without one;
 * under QEMU -icount shift=0 the TSC counts instructions). */
struct ant_cpuinfo {
    unsigned cpu;
    unsigned ticks;             /* timer ticks since boot */
    unsigned idle_ticks;        /* ticks that found it idle */
    unsigned tsc_lo, tsc_hi;    /* TSC now */
    unsigned idle_lo, idle_hi;  /* TSC cycles spent halted, waiting for an interrupt */
};

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
