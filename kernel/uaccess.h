/* Moving bytes between the kernel and the current process, fault-safe:
 * a bad pointer gives -ANT_EFAULT, never a kernel fault. */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H
#include <stdint.h>

/* Is [addr, addr+len) inside user space, without wrapping? */
int user_range_ok(uint32_t addr, uint32_t len);
int copy_from_user(void *dst, uint32_t usrc, uint32_t len);
int copy_to_user(uint32_t udst, const void *src, uint32_t len);
/* Copy a NUL-terminated string of at most cap-1 bytes; -ANT_EINVAL if longer. */
int copy_string_from_user(char *dst, uint32_t usrc, uint32_t cap);

#endif
