/* The user runtime: system calls, console output, start-up. */
#ifndef LIB_ANT_H
#define LIB_ANT_H
#include <stdarg.h>
#include <stdint.h>
#include "include/ant/syscall.h"

/* Every program defines main; args is the string it was started with. */
int main(const char *args);

int32_t ant_syscall_int80(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4);
int32_t ant_syscall_sysenter(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4);
/* The fast entry when the CPU has it (CPUID SEP), else int 0x80. */
int32_t ant_syscall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4);
int ant_has_sysenter(void);
/* CPUID leaf 1's EDX: the feature bits (FPU bit 0, SEP 11, SSE 25, ...). */
uint32_t ant_cpu_features(void);

/* IPC (include/ant/syscall.h). A message: four words and an optional run
 * of ICC pages (ANT_ICC_RUN(addr, npages), 0 for none). */
struct ant_msg {
    uint32_t w[4];
    uint32_t run;
};
int32_t ant_ipc_int80(uint32_t eax, struct ant_msg *m);
int32_t ant_ipc_sysenter(uint32_t eax, struct ant_msg *m);

/*
 * One stub a call, made from the list in include/ant/syscall.h:
 *   PLAIN: RESULT ant_<name>(its parameters);
 *   SEND:  int32_t ant_<name>(int32_t pid, const struct ant_msg *m);
 *   MSG:   int32_t ant_<name>(int32_t pid, struct ant_msg *m), m in and out.
 * The IPC stubs: send m to pid, 0 once received; receive from pid (0:
 * anyone; ANT_PID_NOTES: only IRQs and notes) into m, the sender's pid (0:
 * the inner core, w[0] an IRQ number or an ANT_NOTE_*); call: send, then
 * the reply into m; reply to pid waiting in ant_call on me; replyrecv:
 * reply (pid > 0), then receive from anyone.
 * The pager's ant_vm_frame returns a frame's physical address, which may
 * look negative: only -4095..-1 are errors.
 */
#define ANT_PARAM_(type, name) type name
#define ANT_PARAMS_0() void
#define ANT_PARAMS_1(a) ANT_PARAM_ a
#define ANT_PARAMS_2(a, b) ANT_PARAM_ a, ANT_PARAM_ b
#define ANT_PARAMS_3(a, b, c) ANT_PARAM_ a, ANT_PARAM_ b, ANT_PARAM_ c
#define ANT_PARAMS_4(a, b, c, d) ANT_PARAM_ a, ANT_PARAM_ b, ANT_PARAM_ c, ANT_PARAM_ d
#define ANT_STUB_DECL_PLAIN(name, result, n, ...) result ant_##name(ANT_PARAMS_##n(__VA_ARGS__));
#define ANT_STUB_DECL_OWN(name, result, n, ...)
#define ANT_STUB_DECL_SEND(name, ...) int32_t ant_##name(int32_t pid, const struct ant_msg *m);
#define ANT_STUB_DECL_MSG(name, ...) int32_t ant_##name(int32_t pid, struct ant_msg *m);
#define ANT_STUB_DECL_(nr, NAME, name, kind, ...) ANT_STUB_DECL_##kind(name, __VA_ARGS__)
ANT_SYSCALLS(ANT_STUB_DECL_)

/* The CPU my thread runs on (SYS_PROCINFO), and how many CPUs schedule,
 * CPU 0 to the count less one (SYS_CPUINFO). */
uint32_t ant_my_cpu(void);
uint32_t ant_cpus_running(void);

/* The OWN stubs. */
void ant_exit(int code) __attribute__((noreturn));
/* With ANT_WNOHANG / ANT_WNOTIFY (include/ant/syscall.h). */
int32_t ant_wait(int32_t pid, int32_t *status);
int32_t ant_wait_flags(int32_t pid, int32_t *status, uint32_t flags);
/* ICC pages: a zeroed run of npages at *addr, owned by me. */
int32_t ant_icc_alloc(uint32_t npages, void **addr);

int ant_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Formatted output in pieces of up to 256 bytes to write. */
int ant_vprint(int32_t (*write)(const char *s, uint32_t len), const char *fmt, va_list ap);
/* The name of an error code (a positive ANT_E* or its negation). */
const char *ant_strerror(int32_t err);
/* The same error in words, for people ("no such process"). */
const char *ant_strwords(int32_t err);

#endif
