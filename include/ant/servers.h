/*
 * The outer core's servers and their messages (the ABI between programs
 * and the process manager, the name server and the console driver).
 *
 * Every request is an IPC call: w0 = operation, w1-w3 = arguments, and an
 * optional run of ICC pages. Every reply: w0 = status (>= 0 success, < 0 a
 * negated ANT_E* code), w1-w3 = results, and a run when the operation says
 * so. A server name is up to 8 bytes, packed in two words (w1, w2), NUL
 * padded (lib/svc.h: svc_name_pack).
 *
 * Finding servers: the process manager is the process the inner core
 * started (SYS_PROCINFO: ppid 0, name "init"); it tells where the name
 * server is (PM_NAMESERVER), and the name server tells where everyone
 * else is (NS_LOOKUP). lib/svc.h does all of this, with the retry rule:
 *
 * Replacement and restart (README, "Live replacement"): a server's name
 * stays while the process behind it changes. A client whose call fails
 * with ESRCH (the process is gone: the message was never taken, or it was
 * taken and the server died before replying) or whose reply is ERETRY
 * (the server is handing over to its replacement) looks the name up again
 * and sends the same request again, for up to SVC_RETRY_TICKS. So a
 * replacement loses nothing and duplicates nothing (requests taken are
 * completed or answered ERETRY, the others are never taken), and a crash
 * costs at most one re-execution of the request the dead server had taken
 * (a printed line may appear twice, never be lost).
 */
#ifndef ANT_SERVERS_H
#define ANT_SERVERS_H

#define ANT_SVC_NAME_MAX 8
#define SVC_RETRY_TICKS 1000        /* 10 s: a restart takes well under 1 s */

/* Every server, besides its own operations. */
#define SVC_HANDOVER 0x7F01 /* from the replacement (its pid was given to it by
                               the process manager as takeover=PID): the old
                               server stops taking requests, replies w1 = state
                               bytes, w2 = SVC_STATE_MAGIC, run = its state in
                               ICC pages; it then answers ERETRY to requests it
                               holds and ends (without a page for the state it
                               replies ENOMEM and ends all the same: the
                               successor starts fresh). Refused (EPERM) from anyone but
                               the process its parent started as replacement. */
#define SVC_CRASH    0x7F02 /* from the process manager only: fault on purpose
                               (a demonstration of restart): no reply */
#define SVC_PING     0x7F03 /* reply w1 = build version (1, 2, ...) */
#define SVC_STATE_MAGIC 0x53544154u  /* "STAT" */

/* Process manager (outer_core/init). */
#define PM_NAMESERVER 1     /* -> w1 = name server pid (0: none yet) */
#define PM_RUN    2         /* run = 1 ICC page: "MODULE ARGS" NUL-terminated;
                               -> w1 = pid; the page comes back */
#define PM_WAIT   3         /* w1 = pid of a PM_RUN program: reply when it has
                               ended: w1 = exit status */
#define PM_KILL   4         /* w1 = pid -> 0; EPERM for the process manager */
#define PM_REPLACE 5        /* w1, w2 = server name -> w1 = new pid, w2 = old
                               pid, w3 = new build version; the new build
                               (module NAME.v2, or back to NAME) takes over */
#define PM_CRASH  6         /* w1, w2 = server name -> w1 = its pid, asked to crash */
#define PM_CHECK  7         /* -> w1 = ICC info check (0 ok, -1 broken),
                               w2 = free ICC pages, w3 = restarts so far */
#define PM_SERVERS 8        /* w1 = index -> w1, w2 = name, w3 = pid
                               (ENOENT past the last): the servers it keeps */
#define PM_POWER  10        /* w1 = ANT_POWER_HALT or _REBOOT: no reply (the
                               machine stops); needs ANT_RIGHT_MANAGE */
#define PM_SUCCESSOR 9      /* w1 = a server's pid -> w1 = the pid the manager
                               started to replace it; ENOENT: none (a server
                               hands its state to that process alone) */
#define PM_INTERRUPT 11     /* w1 = pid: end a program I started (PM_RUN), not
                               a server: the console driver's Ctrl-C; EPERM
                               from anyone else, or for a server */

/* Name server (outer_core/names). */
#define NS_REGISTER 1       /* w1, w2 = name, w3 = pid (0: the caller). Allowed
                               to the process manager always, to others for
                               their own pid when the name is free or its
                               holder is gone */
#define NS_LOOKUP   2       /* w1, w2 = name -> w1 = pid; ENOENT */
#define NS_UNREGISTER 3     /* w1, w2 = name: the holder or the process manager */
#define NS_LIST     4       /* w1 = index -> w1, w2 = name, w3 = pid; ENOENT past the last */

/* Console driver (outer_core/console): owns COM1 (IRQ 4), the PS/2
 * keyboard (IRQ 1) and the VGA text screen. */
#define CON_WRITE   1       /* run = pages of text, w1 = bytes -> w1 = bytes
                               written; the run comes back (reuse it) */
#define CON_READ    2       /* run = 1 ICC page: reply when an input line is
                               complete: w1 = length (the page holds the line,
                               NUL-terminated, no newline), w2 = CON_F_* flags;
                               the page comes back. Only the foreground
                               process may read (EPERM), one reader at a time
                               (EBUSY). In: w1 = 0, or the length (up to
                               CON_WORDS_MAX) of the words Tab completes,
                               NUL-separated at the start of the page; they
                               stay until a reader gives others */
#define CON_WORDS_MAX 512
#define CON_FOREGROUND 3    /* w1 = pid: input lines go to it. Allowed to the
                               process manager, the foreground process, or
                               anyone when the foreground is gone */
#define CON_STATS   4       /* -> w1 = lines written, w2 = input lines,
                               w3 = input bytes dropped (not printable, or past
                               CON_LINE_MAX) */
#define CON_LINE_MAX 200    /* longer input lines are cut (CON_F_TRUNCATED) */
#define CON_F_TRUNCATED 0x1

/* Disk driver, name "disk": outer_core/ahci (SATA AHCI) or outer_core/ata
 * (IDE), whichever finds its controller; the protocol is the same. It
 * serves the paging spaces it found (lib/pspace.h: a disk or partition
 * with a valid header) and nothing else: requests address slots of a
 * space, never sectors, so no request can reach a byte outside a paging
 * space or its header. Data moves by DMA straight into and out of the ICC
 * pages of the run (lent, and given back with every reply). */
#define DISK_INFO   1       /* w1 = space index (0, 1, ...) -> w1 = slots,
                               w2 = the space's id (its first 4 bytes, as a
                               little-endian word: unique among the spaces
                               served), w3 = its disk; ENOENT past the last
                               space. Anyone may ask */
#define DISK_READ   2       /* w1 = space id, w2 = first slot, w3 = slots (1
                               to the pages of the run); run = the pages to
                               fill -> run back. The pager only (EPERM). A
                               space is named by its id, not its place in
                               the list, so a driver that comes back without
                               one of its disks never sends a request to
                               another: ENOENT */
#define DISK_WRITE  3       /* the same, run = the data. Errors: EPERM (not
                               the pager), ENOENT (no such space), EINVAL
                               (slots out of range, a run too small), EIO (the
                               disk failed), ETIMEDOUT (it did not answer) */
#define DISK_STATS  4       /* -> w1 = requests served, w2 = sectors moved,
                               w3 = errors. Anyone */
#define SVC_EXIT_NO_DEVICE 3    /* a driver's exit status when it finds no
                                   device of its kind: the process manager
                                   tries the next driver for the name, and
                                   does not restart it */

/* Pager (outer_core/pager): VM policy. */
#define PAGER_STATS 1       /* run = 1 ICC page: filled with struct
                               pager_stats (below) -> run back */
struct pager_stats {
    unsigned frames_managed;    /* frames it holds: free list + mapped */
    unsigned frames_free;       /* on its free list */
    unsigned low_mark, high_mark;
    unsigned faults, zero_fills, file_fills, page_ins, page_outs;
    unsigned steals_file, steals_work;
    unsigned clock_sweeps;      /* times the hand went round */
    unsigned slots_total, slots_used;
    unsigned kills;             /* processes killed: no memory, disk error */
};

#endif
