/* Talking to the outer-core servers (include/ant/servers.h): find them by
 * name, call them with the retry rule, print and read lines. */
#ifndef LIB_SVC_H
#define LIB_SVC_H
#include <stdint.h>
#include "include/ant/servers.h"
#include "lib/ant.h"

/* Pack a server name (up to ANT_SVC_NAME_MAX bytes) into two words;
 * -ANT_ENAMETOOLONG / -ANT_EINVAL (empty). */
int svc_name_pack(const char *name, uint32_t w[2]);
/* The name in two words as a string (buf: ANT_SVC_NAME_MAX + 1 bytes). */
void svc_name_unpack(const uint32_t w[2], char *buf);

/* The process manager's pid (found once through SYS_PROCINFO); -ESRCH. */
int32_t pm_pid(void);
/* Call the process manager; returns the reply status (w0). */
int32_t pm_call(struct ant_msg *m);

/* The pid behind a name, asked of the name server; -ENOENT. */
int32_t ns_lookup(const char *name);
/* Register name for pid (0: me). */
int32_t ns_register(const char *name, uint32_t pid);

/* Call the server known by name with m; returns the reply status (w0),
 * m holds the reply. ESRCH or ERETRY: look the name up again and resend,
 * for up to SVC_RETRY_TICKS, as long as the message is whole (a request
 * whose run died with a server returns -ESRCH with m->run = 0: the caller
 * fills a new run and calls again). */
int32_t svc_call(const char *name, struct ant_msg *m);
/* The same, to a driver: the name's holder must be a process the process
 * manager started with I/O rights (while a driver restarts, anyone may
 * hold its name: the pager must not hand it paged-out memory). */
int32_t svc_call_priv(const char *name, struct ant_msg *m);

/* Server side: give a run back to the pool (0: none); answer a caller,
 * and if it has gone, free the run it had lent me. */
void svc_free_run(uint32_t run);
int32_t svc_reply(int32_t pid, struct ant_msg *m);

/* Server side of replacement (README, "Live replacement"). The pid given
 * as the word "takeover=PID" in a server's args (0: a fresh start). */
uint32_t svc_takeover_pid(const char *args);
/* May `from` take my state (SVC_HANDOVER)? It must be a child of my parent
 * started from a build of my program (NAME or NAME.v2). */
int svc_successor_ok(uint32_t from);
/* Answer SVC_HANDOVER m from `from` with my state (up to a page) in an ICC
 * page. 1: I must end now (the successor has the state, or knows there was
 * no page for it and starts fresh: two instances must never both serve);
 * 0: carry on (`from` is not my successor, or it died asking). */
int svc_hand_over(uint32_t from, struct ant_msg *m, const void *state, uint32_t bytes);
/* Take `old`'s state (SVC_HANDOVER) into `into` when it is exactly size
 * bytes and sane() accepts it (sane may be 0); the pages it came in are
 * freed either way. 0, or -error: start fresh. */
int32_t svc_take_state(uint32_t old, void *into, uint32_t size, int (*sane)(const void *state));
/* Ask `old` for its state (SVC_HANDOVER): 0 and *state, *bytes (the run
 * is mine: free it when done), or -error (start fresh). */
int32_t svc_takeover(uint32_t old, void **state, uint32_t *bytes, uint32_t *npages);

/* The console (CON_WRITE / CON_READ), through one ICC page kept by the
 * runtime. con_write returns len or -error; long text goes in pieces. */
int32_t con_write(const char *s, uint32_t len);
int con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One input line into buf (NUL-terminated, cut to size - 1); returns its
 * length, *flags gets CON_F_*; -error. */
int32_t con_readline(char *buf, uint32_t size, uint32_t *flags);
/* Make pid (0: me) the process that gets input lines. */
int32_t con_foreground(uint32_t pid);

#endif
