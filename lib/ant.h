/* The user runtime: system calls, console output, start-up. */
#ifndef LIB_ANT_H
#define LIB_ANT_H
#include <stdint.h>
#include "include/ant/syscall.h"

/* Every program defines main; args is the string it was started with. */
int main(const char *args);

int32_t ant_syscall_int80(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4);
int32_t ant_syscall_sysenter(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4);
/* The fast entry when the CPU has it (CPUID SEP), else int 0x80. */
int32_t ant_syscall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4);
int ant_has_sysenter(void);

void ant_exit(int code) __attribute__((noreturn));
int32_t ant_yield(void);
int32_t ant_sleep(uint32_t ticks);
int32_t ant_getpid(void);
int32_t ant_mmap(uint32_t addr, uint32_t len, uint32_t prot);
int32_t ant_munmap(uint32_t addr, uint32_t len);
int32_t ant_write(const void *buf, uint32_t len);
int32_t ant_spawn(const char *name, const char *args, uint32_t prio);
int32_t ant_wait(int32_t pid, int32_t *status);
int32_t ant_kill(int32_t pid);
int32_t ant_modinfo(uint32_t index, struct ant_modinfo *info);
int32_t ant_meminfo(struct ant_meminfo *info);

int ant_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The name of an error code (a positive ANT_E* or its negation). */
const char *ant_strerror(int32_t err);

#endif
