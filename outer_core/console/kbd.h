/* Keys: the PS/2 keyboard's scancodes (set 1 as the 8042 translates, US
 * layout) and the serial line's ANSI escape sequences, both turned into
 * the same key events. Pure code (host-tested). */
#ifndef CONSOLE_KBD_H
#define CONSOLE_KBD_H
#include <stdint.h>

/* A key event: a character (0-255, control characters included), or one
 * of these; KEY_NONE when a byte types nothing (yet). */
enum {
    KEY_NONE = -1,
    KEY_UP = 0x100, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END,
    KEY_INSERT, KEY_DELETE, KEY_PGUP, KEY_PGDN,
};

/* Lock keys, as the keyboard's LED byte has them (command 0xED). */
#define KBD_LED_SCROLL 0x1
#define KBD_LED_NUM    0x2
#define KBD_LED_CAPS   0x4

struct kbd {
    unsigned mods;                  /* shift, ctrl, alt held */
    unsigned locks;                 /* KBD_LED_* on */
    uint8_t prefix;                 /* 0xE0 or 0xE1 seen, and bytes of E1 to skip */
    uint8_t skip;
};

/* The key event the byte from port 0x60 makes. *leds_changed is set when a
 * lock key toggled (the caller sets the LEDs to kbd->locks). */
int kbd_key(struct kbd *k, uint8_t code, int *leds_changed);

/* ESC [ ... and ESC O ... from a terminal. */
struct ansi {
    uint8_t state;                  /* text, after ESC, in ESC [, after ESC O */
    uint8_t nparam;
    uint16_t param;                 /* the first parameter of a CSI sequence */
};

/* The key event a byte from the serial line makes: a character, a key of
 * an escape sequence once it is complete, or KEY_NONE (inside one, or one
 * this code does not know: it types nothing). */
int ansi_key(struct ansi *a, uint8_t byte);

#endif
