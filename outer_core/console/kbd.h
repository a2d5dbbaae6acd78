/* The PS/2 keyboard's scancodes (set 1, US layout) as characters. */
#ifndef CONSOLE_KBD_H
#define CONSOLE_KBD_H
#include <stdint.h>

/* The character the byte from port 0x60 types, with shift and ctrl
 * applied, or -1 (a release, a modifier, a prefix, a key without one). */
int kbd_translate(uint8_t code);

#endif
