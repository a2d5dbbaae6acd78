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

void ant_exit(int code) __attribute__((noreturn));
int32_t ant_yield(void);
int32_t ant_sleep(uint32_t ticks);
int32_t ant_getpid(void);
int32_t ant_mmap(uint32_t addr, uint32_t len, uint32_t prot);
int32_t ant_munmap(uint32_t addr, uint32_t len);
int32_t ant_write(const void *buf, uint32_t len);
int32_t ant_spawn(const char *name, const char *args, uint32_t prio);
int32_t ant_wait(int32_t pid, int32_t *status);
/* With ANT_WNOHANG / ANT_WNOTIFY (include/ant/syscall.h). */
int32_t ant_wait_flags(int32_t pid, int32_t *status, uint32_t flags);
int32_t ant_kill(int32_t pid);
int32_t ant_modinfo(uint32_t index, struct ant_modinfo *info);
int32_t ant_meminfo(struct ant_meminfo *info);
/* The process in table slot i (0 to 63): 0, -ESRCH (empty), -EINVAL (past the end). */
int32_t ant_procinfo(uint32_t slot, struct ant_procinfo *info);
/* Ticks (10 ms) since boot. */
uint32_t ant_uptime(void);
/* Drivers: map npages of video memory (physical 0xA0000-0xBFFFF), or of a
 * device's registers (not RAM: uncached), at addr. */
int32_t ant_mapio(uint32_t addr, uint32_t phys, uint32_t npages);
/* ANT_NOTE_ALARM from pid 0 after ticks (0: cancel the alarm, and drop one
 * not yet received). One alarm a process. */
int32_t ant_alarm(uint32_t ticks);
/* Drivers: my controller is reset, no DMA started before can land now: the
 * pages dead drivers left in quarantine may be given out again. */
int32_t ant_dma_reset(void);
/* What CPU cpu (0) has done: ticks, idle time. */
int32_t ant_cpuinfo(uint32_t cpu, struct ant_cpuinfo *info);
/* The screen, where the inner core's log stands, and (a framebuffer) its
 * text: up to ncells cells into cells. */
int32_t ant_screen(struct ant_screen *info, uint16_t *cells, uint32_t ncells);
/* The screen's owner: the inner core's log from *pos (see SYS_LOGREAD). */
int32_t ant_logread(uint32_t *pos, void *buf, uint32_t len);

/* IPC (include/ant/syscall.h). A message: four words and an optional run
 * of ICC pages (ANT_ICC_RUN(addr, npages), 0 for none). */
struct ant_msg {
    uint32_t w[4];
    uint32_t run;
};
int32_t ant_ipc_int80(uint32_t eax, struct ant_msg *m);
int32_t ant_ipc_sysenter(uint32_t eax, struct ant_msg *m);
/* Send m to pid; returns 0 once pid has received it. */
int32_t ant_send(int32_t pid, const struct ant_msg *m);
/* Receive from pid (0: anyone; ANT_PID_NOTES: only IRQs and notes) into m;
 * returns the sender's pid (0: an interrupt, IRQ number in w[0], or a
 * note). */
int32_t ant_recv(int32_t from, struct ant_msg *m);
/* Send m to pid and receive its reply into m; returns pid. */
int32_t ant_call(int32_t pid, struct ant_msg *m);
/* Reply m to pid, which is waiting in ant_call on me. */
int32_t ant_reply(int32_t pid, const struct ant_msg *m);
/* Reply m to pid (if pid > 0), then receive from anyone into m. */
int32_t ant_replyrecv(int32_t pid, struct ant_msg *m);

/* ICC pages: a zeroed run of npages at *addr, owned by me. */
int32_t ant_icc_alloc(uint32_t npages, void **addr);
int32_t ant_icc_free(void *addr, uint32_t npages);
/* Physical address of an ICC address I own (for DMA). */
int32_t ant_icc_phys(const void *addr, uint32_t *pa);
int32_t ant_icc_info(struct ant_iccinfo *info);
/* Drivers (processes started with ANT_SPAWN_PRIV): IRQs as messages from
 * pid 0, and ring-3 access to I/O ports. */
int32_t ant_irq_bind(int irq);
int32_t ant_irq_ack(int irq);
int32_t ant_ioperm(uint32_t first, uint32_t count);
/* The pager's calls (SYS_VM_*). A frame comes back as its physical
 * address, which may look negative: only -4095..-1 are errors. */
int32_t ant_vm_pager(void);
int32_t ant_vm_frame(uint32_t op, uint32_t frame);
int32_t ant_vm_map(uint32_t pid, uint32_t va, uint32_t frame, uint32_t src);
int32_t ant_vm_unmap(uint32_t pid, uint32_t va, uint32_t dst, uint32_t slot);
int32_t ant_vm_bits(uint32_t pid, uint32_t va, uint32_t flags);
int32_t ant_vm_resolve(uint32_t pid, uint32_t verdict);
int32_t ant_vm_info(uint32_t pid, struct ant_vminfo *info);
/* The pager's memo, kept by the inner core across its death (VM_MEMO_*). */
int32_t ant_vm_memo(uint32_t op, void *buf, uint32_t len);

int ant_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Formatted output in pieces of up to 256 bytes to write. */
int ant_vprint(int32_t (*write)(const char *s, uint32_t len), const char *fmt, va_list ap);
/* The name of an error code (a positive ANT_E* or its negation). */
const char *ant_strerror(int32_t err);

#endif
