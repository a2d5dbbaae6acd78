/* The server side of include/ant/servers.h: one request loop for every
 * server, with SVC_PING, SVC_CRASH and SVC_HANDOVER built in; one way to
 * answer; and the two ends of a hand-over of state. */
#ifndef LIB_SERVE_H
#define LIB_SERVE_H
#include <stdint.h>
#include "include/ant/servers.h"
#include "lib/ant.h"

/* A request with w0 = op goes to fn, which returns svc_answer(m, ...) (1:
 * m goes back now, with the run it came with) or 0: no reply now (the
 * caller waits for a later svc_reply, or fn has answered it itself).
 * right: the ANT_RIGHT_* the caller must have, as the inner core attests
 * (0: anyone); without it the answer is EPERM and fn is not called. */
struct svc_op {
    uint32_t op;
    int (*fn)(int32_t from, struct ant_msg *m);
    uint32_t right;
};

/* What a server has besides its operations (a hook may be 0). */
struct svc_hooks {
    uint32_t version;           /* the build SVC_PING answers (1, 2, ...) */
    /* A message from the inner core: an IRQ (w0 = its number) or a note
     * (w0 = ANT_NOTE_*). Without the hook they are dropped. */
    void (*note)(const struct ant_msg *m);
    /* SVC_HANDOVER from my successor: my state in a run of ICC pages of
     * mine, *bytes of it; 0 if there is no page for it. Without the hook I
     * cannot be replaced or restarted (the process manager): SVC_HANDOVER
     * and SVC_CRASH are ENOSYS. */
    uint32_t (*state)(uint32_t *bytes);
    /* The successor has my state (or knows there was no page for it):
     * answer what I hold, let go of what is its now; then I end. */
    void (*handed)(int32_t to);
    /* With no page for my state, carry on instead of ending (the pager:
     * the inner core has one pager at a time, so the two cannot both
     * serve; every other server ends, as two must never serve at once). */
    uint8_t stay_without_state;
    /* How to take the next message, if not by ant_recv(0, m): the pager
     * finishes a fault with the call that also receives (returns as
     * ant_recv, or an error with nothing received). */
    int32_t (*recv)(struct ant_msg *m);
};

/* Serve for ever: a request goes to its entry of ops[0..n-1], else to the
 * built-in SVC_PING, SVC_CRASH (the process manager's to ask) and
 * SVC_HANDOVER (my successor's), else gets ENOSYS. */
void svc_serve(const struct svc_op *ops, uint32_t n, const struct svc_hooks *hooks)
    __attribute__((noreturn));
/* m as a reply: w0 = status, w1-w3 = results, its run kept (it goes back).
 * Returns 1, for a handler to return. */
int svc_answer(struct ant_msg *m, int32_t status, uint32_t w1, uint32_t w2, uint32_t w3);
/* Send a reply to pid; if it has gone, free the run it had lent me. */
int32_t svc_reply(int32_t pid, struct ant_msg *m);
/* Give a run back to the pool (0: none). */
void svc_free_run(uint32_t run);

/* For the state hook: a copy of state (up to a page) in a fresh ICC page;
 * its run, *bytes = size; 0 if there is no page. */
uint32_t svc_state_page(const void *state, uint32_t size, uint32_t *bytes);

/* The successor's end (README, "Live replacement"). The pid given as the
 * word "takeover=PID" in a server's args (0: a fresh start). */
uint32_t svc_takeover_pid(const char *args);
/* Take `old`'s state (SVC_HANDOVER) into `into` when it is exactly size
 * bytes and sane() accepts it (sane may be 0); the pages it came in are
 * freed either way. 0, or -error: start fresh. */
int32_t svc_take_state(uint32_t old, void *into, uint32_t size, int (*sane)(const void *state));
/* Ask `old` for its state (SVC_HANDOVER): 0 and *state, *bytes (the run
 * is mine: free it when done), or -error (start fresh). */
int32_t svc_takeover(uint32_t old, void **state, uint32_t *bytes, uint32_t *npages);

#endif
