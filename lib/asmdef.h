/* How an asmdefs.c file hands a constant to NASM (see the Makefile's rule
 * for the build/inc files): compiled to assembly text only, each DEFINE leaves
 * a line "@asmdef NAME value" that the rule turns into "%define NAME value".
 * The value is the compiler's, so a structure offset follows the struct. */
#ifndef LIB_ASMDEF_H
#define LIB_ASMDEF_H
#include <stdint.h>

#define DEFINE_(str, value) \
    __asm__ volatile("\n.ascii \"@asmdef " str " %c0\"" : : "i"((int32_t)(value)))
#define DEFINE(name, value) DEFINE_(#name, value)   /* NAME = value */
#define SAME(name) DEFINE_(#name, name)             /* NAME = what the C headers say */

#endif
