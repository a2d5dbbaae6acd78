/*
 * init: the first outer-core process, the only one the inner core starts
 * by itself. It is the process manager: it sees the module list and starts
 * programs from it. (Server restarts and live replacement come later.)
 */
#include "lib/ant.h"
#include "lib/string.h"

static void list_modules(void)
{
    struct ant_modinfo m;
    ant_printf("init: modules:");
    for (uint32_t i = 0; ant_modinfo(i, &m) == 0; i++)
        ant_printf(" %s(%u)", m.name, m.size);
    ant_printf("\n");
}

/* Start a program and wait for it; returns its exit status, or -1. */
static int32_t run(const char *name, const char *args, uint32_t prio)
{
    int32_t status = -1, pid = ant_spawn(name, args, prio);
    if (pid < 0) {
        ant_printf("init: cannot start %s: %s\n", name, ant_strerror(pid));
        return -1;
    }
    if (ant_wait(pid, &status) != pid)
        return -1;
    return status;
}

int main(const char *args)
{
    ant_printf("init: AnT/i386 process manager, pid %d\n", ant_getpid());
    list_modules();
    if (!strcmp(args, "test")) {
        int32_t status = run("utest", "", 4);
        ant_printf("init: utest ended with status %d\n", status);
        int32_t ipc = run("ipctest", "", 4 | ANT_SPAWN_PRIV);
        ant_printf("init: ipctest ended with status %d\n", ipc);
        return status == 0 && ipc == 0 ? 0 : 1;
    }
    if (!strcmp(args, "bench")) {          /* make bench: init=bench */
        int32_t status = run("bench", "", 4);
        ant_printf("init: bench ended with status %d\n", status);
        return status == 0 ? 0 : 1;       /* 0x100 (killed) & 0xFF is 0 */
    }
    if (args[0]) {                         /* init= gave something else */
        ant_printf("init: unknown argument '%s' (known: test, bench)\n", args);
        return 2;
    }
    run("hello", "", 4);
    ant_printf("init: all programs ended; the system is idle\n");
    for (;;)
        ant_sleep(100000);
}
