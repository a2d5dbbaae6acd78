/* hello: the smallest service: says who it is and what memory it holds. */
#include "lib/svc.h"

int main(const char *args)
{
    struct ant_meminfo mi;
    (void)args;
    ant_meminfo(&mi);
    con_printf("hello: pid %d, %u pages of my own, %u of %u pool frames free, %s entry\n",
               ant_getpid(), mi.my_pages, mi.pool_free, mi.pool_total,
               ant_has_sysenter() ? "sysenter" : "int 0x80");
    return 0;
}
