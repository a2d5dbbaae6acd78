/*
 * The constants lib/syscall.asm uses, computed by the compiler from the
 * ABI headers (see kernel/asmdefs.c for how): build/inc/libdefs.inc.
 */
#include <stddef.h>
#include "lib/asmdef.h"
#include "include/ant/syscall.h"
#include "lib/ant.h"

void asmdefs(void);
void asmdefs(void)
{
    SAME(ANT_VEC_SYSCALL);
    DEFINE(MSG_W0, offsetof(struct ant_msg, w[0]));
    DEFINE(MSG_W1, offsetof(struct ant_msg, w[1]));
    DEFINE(MSG_W2, offsetof(struct ant_msg, w[2]));
    DEFINE(MSG_W3, offsetof(struct ant_msg, w[3]));
    DEFINE(MSG_RUN, offsetof(struct ant_msg, run));
}
