/*
 * Scancode set 1, what a PC's 8042 delivers by default: one byte a key
 * press (the make code), the same with bit 7 set on release. Keys behind
 * an 0xE0 prefix (arrows, keypad extras, right ctrl) type nothing here.
 */
#include "outer_core/console/kbd.h"

#define KEY_RELEASE 0x80        /* bit 7: the key went up */
#define PREFIX_E0   0xE0        /* an extended key's code follows */
#define KEY_LSHIFT  0x2A
#define KEY_RSHIFT  0x36
#define KEY_LCTRL   0x1D

#define MOD_LSHIFT  0x1
#define MOD_RSHIFT  0x2
#define MOD_CTRL    0x4
#define MOD_SHIFT   (MOD_LSHIFT | MOD_RSHIFT)

/* Make codes 0x00-0x39 (Esc to Space) to characters; 0: types nothing. */
static const char plain[] =
    "\0\0" "1234567890-=" "\b\0" "qwertyuiop[]" "\n\0" "asdfghjkl;'`"
    "\0\\" "zxcvbnm,./" "\0*\0 ";
static const char shifted[] =
    "\0\0" "!@#$%^&*()_+" "\b\0" "QWERTYUIOP{}" "\n\0" "ASDFGHJKL:\"~"
    "\0|" "ZXCVBNM<>?" "\0*\0 ";
#define KEYS 0x3A
_Static_assert(sizeof plain == KEYS + 1 && sizeof shifted == KEYS + 1,
               "one character a make code in both tables");

static unsigned mods;           /* MOD_* held down */
static int extended;            /* the previous byte was PREFIX_E0 */

static unsigned modifier(uint8_t key)
{
    return key == KEY_LSHIFT ? MOD_LSHIFT : key == KEY_RSHIFT ? MOD_RSHIFT
         : key == KEY_LCTRL ? MOD_CTRL : 0;
}

int kbd_translate(uint8_t code)
{
    int ext = extended;
    extended = code == PREFIX_E0;
    if (ext || code == PREFIX_E0)
        return -1;
    uint8_t key = code & (uint8_t)~KEY_RELEASE;
    unsigned mod = modifier(key);
    if (mod) {
        mods = code & KEY_RELEASE ? mods & ~mod : mods | mod;
        return -1;
    }
    if ((code & KEY_RELEASE) || key >= KEYS)
        return -1;
    char c = (mods & MOD_SHIFT ? shifted : plain)[key];
    if (!c)
        return -1;
    if ((mods & MOD_CTRL) && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        return c & 0x1F;        /* Ctrl-U and friends */
    return (unsigned char)c;
}
