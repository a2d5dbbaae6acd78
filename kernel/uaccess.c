/* The copy instructions below have __ex_table entries: a page fault on
 * them resumes at the fix-up, which makes the copy report failure. */
#include "kernel/uaccess.h"
#include "kernel/extable.h"
#include "include/ant/syscall.h"
#include "mm/layout.h"

int user_range_ok(uint32_t addr, uint32_t len)
{
    return addr >= USER_START && addr < USER_END && len <= USER_END - addr;
}

static int copy_raw(void *dst, const void *src, uint32_t len)
{
    int err = 0;
    __asm__ volatile(EX_TRY("rep movsb")
                     : "+r"(err), "+D"(dst), "+S"(src), "+c"(len) : : "memory");
    return err;
}

int copy_from_user(void *dst, uint32_t usrc, uint32_t len)
{
    if (!user_range_ok(usrc, len) || copy_raw(dst, (const void *)usrc, len))
        return -ANT_EFAULT;
    return 0;
}

int copy_to_user(uint32_t udst, const void *src, uint32_t len)
{
    if (!user_range_ok(udst, len) || copy_raw((void *)udst, src, len))
        return -ANT_EFAULT;
    return 0;
}

int copy_string_from_user(char *dst, uint32_t usrc, uint32_t cap)
{
    for (uint32_t i = 0; i < cap; i++) {
        if (copy_from_user(&dst[i], usrc + i, 1))
            return -ANT_EFAULT;
        if (!dst[i])
            return 0;
    }
    dst[cap - 1] = 0;
    return -ANT_EINVAL;
}
