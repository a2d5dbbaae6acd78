/* The server side of include/ant/servers.h: replies, and both ends of a
 * hand-over of state (README, "Live replacement"). */
#ifndef LIB_SERVE_H
#define LIB_SERVE_H
#include <stdint.h>
#include "include/ant/servers.h"
#include "lib/ant.h"

/* Give a run back to the pool (0: none); answer a caller, and if it has
 * gone, free the run it had lent me. */
void svc_free_run(uint32_t run);
int32_t svc_reply(int32_t pid, struct ant_msg *m);

/* The pid given as the word "takeover=PID" in a server's args (0: a fresh
 * start). */
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

#endif
