/* The in-kernel test suite's entry, for a test boot (test= on the command
 * line). Only the test kernel (build/kernel-test.elf) has the suite: it
 * links tests/kernel, whose runner defines this. The kernel a user boots
 * (build/kernel.elf) links kernel/notests.c instead. */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

/* Run the tests the selector names ("all", or names separated by commas).
 * Returns 1 if every test passed; the counts into *passed, *failed. */
int ktest_run(const char *selector, int *passed, int *failed);

#endif
