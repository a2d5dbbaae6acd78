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

/* The process manager's pid (found once through SYS_PROCINFO, whose
 * ANT_PI_MANAGER the inner core alone sets); -ESRCH. */
int32_t pm_pid(void);
/* The rights (ANT_RIGHT_*) the inner core says process pid has; 0 when
 * it has gone (a pid is never reused soon, so a new process in its slot
 * does not pass for it). */
uint32_t svc_rights_of(int32_t pid);
/* Call the process manager; returns the reply status (w0). */
int32_t pm_call(struct ant_msg *m);

/* The pid the process manager keeps for its server `name` (PM_SERVERS):
 * 0 when it runs without it (a driver that found no device), -ENOENT when
 * it has no such server. Unlike the name server's answer, this does not
 * lapse while a server restarts or its fallback driver starts. */
int32_t pm_server_pid(const char *name);

/* The pid behind a name, asked of the name server; -ENOENT. */
int32_t ns_lookup(const char *name);
/* Register name for pid (0: me). My own names (up to 4) are registered
 * again, by the runtime, with a name server I have not talked to before
 * (one restarted after a crash), the first time I talk to it. */
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

/* The console (CON_WRITE / CON_READ), through one ICC page kept by the
 * runtime. con_write returns len or -error; long text goes in pieces. */
int32_t con_write(const char *s, uint32_t len);
int con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One input line into buf (NUL-terminated, cut to size - 1); returns its
 * length, *flags gets CON_F_*; -error. */
int32_t con_readline(char *buf, uint32_t size, uint32_t *flags);
/* The same, giving the console the words Tab completes (NUL-separated,
 * len bytes, at most CON_WORDS_MAX; 0: the ones it has). */
int32_t con_readline_words(char *buf, uint32_t size, uint32_t *flags, const char *words,
                           uint32_t len);
/* Make pid (0: me) the process that gets input lines. */
int32_t con_foreground(uint32_t pid);

#endif
