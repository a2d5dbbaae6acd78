/*
 * Scancode set 1, what a PC's 8042 delivers by default (it translates the
 * keyboard's set 2): one byte a key press (the make code), the same with
 * bit 7 set on release. Keys of the navigation block and the keypad's
 * Enter and '/' come after a 0xE0 prefix; Pause sends 0xE1 and five more
 * bytes. Caps Lock and Num Lock toggle, and change what the letters and
 * the keypad type.
 *
 * On the serial line, a terminal sends the same keys as escape sequences:
 * ESC [ A-D (arrows), ESC [ H / F and ESC [ 1~ 4~ 7~ 8~ (Home, End), ESC [
 * 2~ 3~ 5~ 6~ (Insert, Delete, Page Up/Down), with ESC O instead of ESC [
 * in "application" mode, and parameters for modifiers (ESC [ 1 ; 5 C).
 */
#include "outer_core/console/kbd.h"

#define KEY_RELEASE 0x80        /* bit 7: the key went up */
#define PREFIX_E0   0xE0
#define PREFIX_E1   0xE1
#define ACK         0xFA        /* the keyboard's answer to a command */
#define RESEND      0xFE
#define KEY_LSHIFT  0x2A
#define KEY_RSHIFT  0x36
#define KEY_CTRL    0x1D        /* right ctrl: E0 1D */
#define KEY_ALT     0x38        /* right alt: E0 38 */
#define KEY_CAPS    0x3A
#define KEY_NUM     0x45
#define KEY_SCROLL  0x46
#define KP_FIRST    0x47        /* keypad 7 */
#define KP_LAST     0x53        /* keypad . */

#define MOD_LSHIFT  0x1
#define MOD_RSHIFT  0x2
#define MOD_CTRL    0x4
#define MOD_ALT     0x8
#define MOD_SHIFT   (MOD_LSHIFT | MOD_RSHIFT)

#define ESC         0x1B

/* Make codes 0x00-0x39 (Esc to Space) to characters; 0: types nothing. */
static const char plain[] =
    "\0\033" "1234567890-=" "\b\t" "qwertyuiop[]" "\n\0" "asdfghjkl;'`"
    "\0\\" "zxcvbnm,./" "\0*\0 ";
static const char shifted[] =
    "\0\033" "!@#$%^&*()_+" "\b\t" "QWERTYUIOP{}" "\n\0" "ASDFGHJKL:\"~"
    "\0|" "ZXCVBNM<>?" "\0*\0 ";
#define KEYS 0x3A
_Static_assert(sizeof plain == KEYS + 1 && sizeof shifted == KEYS + 1,
               "one character a make code in both tables");

/* The keypad, 0x47-0x53: with Num Lock, and as navigation keys without. */
static const char keypad_num[] = "789-456+1230.";
static const int keypad_nav[] = {
    KEY_HOME, KEY_UP, KEY_PGUP, '-', KEY_LEFT, KEY_NONE, KEY_RIGHT, '+',
    KEY_END, KEY_DOWN, KEY_PGDN, KEY_INSERT, KEY_DELETE,
};
_Static_assert(sizeof keypad_num - 1 == KP_LAST - KP_FIRST + 1, "13 keypad keys");
_Static_assert(sizeof keypad_nav / sizeof keypad_nav[0] == KP_LAST - KP_FIRST + 1, "13 keypad keys");

static unsigned modifier(uint8_t key)
{
    return key == KEY_LSHIFT ? MOD_LSHIFT : key == KEY_RSHIFT ? MOD_RSHIFT
         : key == KEY_CTRL ? MOD_CTRL : key == KEY_ALT ? MOD_ALT : 0;
}

/* A key after 0xE0: the navigation block, the keypad's Enter and '/'. */
static int extended(uint8_t key)
{
    switch (key) {
    case 0x48: return KEY_UP;
    case 0x50: return KEY_DOWN;
    case 0x4B: return KEY_LEFT;
    case 0x4D: return KEY_RIGHT;
    case 0x47: return KEY_HOME;
    case 0x4F: return KEY_END;
    case 0x49: return KEY_PGUP;
    case 0x51: return KEY_PGDN;
    case 0x52: return KEY_INSERT;
    case 0x53: return KEY_DELETE;
    case 0x1C: return '\n';
    case 0x35: return '/';
    default: return KEY_NONE;
    }
}

/* A lock key went down: toggle it. */
static int lock(struct kbd *k, uint8_t key, int *changed)
{
    unsigned bit = key == KEY_CAPS ? KBD_LED_CAPS : key == KEY_NUM ? KBD_LED_NUM
                 : key == KEY_SCROLL ? KBD_LED_SCROLL : 0;
    if (!bit)
        return 0;
    k->locks ^= bit;
    *changed = 1;
    return 1;
}

/* A plain key's character, with shift, Caps Lock and ctrl applied. */
static int character(const struct kbd *k, uint8_t key)
{
    int shift = (k->mods & MOD_SHIFT) != 0;
    char c = plain[key];
    if (c >= 'a' && c <= 'z' && (k->locks & KBD_LED_CAPS))
        shift = !shift;             /* Caps Lock turns letters only */
    if (shift)
        c = shifted[key];
    if (!c)
        return KEY_NONE;
    if ((k->mods & MOD_CTRL) && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        return c & 0x1F;            /* Ctrl-U and friends */
    return (unsigned char)c;
}

int kbd_key(struct kbd *k, uint8_t code, int *leds_changed)
{
    *leds_changed = 0;
    if (k->skip) {                  /* the rest of Pause */
        k->skip--;
        return KEY_NONE;
    }
    if (code == PREFIX_E1) {
        k->skip = 5;
        return KEY_NONE;
    }
    if (code == PREFIX_E0) {
        k->prefix = PREFIX_E0;
        return KEY_NONE;
    }
    if (code == ACK || code == RESEND)
        return KEY_NONE;
    int ext = k->prefix == PREFIX_E0;
    k->prefix = 0;
    uint8_t key = code & (uint8_t)~KEY_RELEASE;
    unsigned mod = modifier(key);
    if (mod && !(ext && (key == KEY_LSHIFT || key == KEY_RSHIFT))) {
        k->mods = code & KEY_RELEASE ? k->mods & ~mod : k->mods | mod;
        return KEY_NONE;
    }
    if (code & KEY_RELEASE)
        return KEY_NONE;
    if (ext)
        return extended(key);       /* (E0 2A, E0 36: fake shifts, nothing) */
    if (lock(k, key, leds_changed))
        return KEY_NONE;
    if (key >= KP_FIRST && key <= KP_LAST && key != 0x4A && key != 0x4E)
        return k->locks & KBD_LED_NUM ? keypad_num[key - KP_FIRST] : keypad_nav[key - KP_FIRST];
    if (key == 0x4A || key == 0x4E)
        return keypad_num[key - KP_FIRST];
    if (key >= KEYS)
        return KEY_NONE;
    return character(k, key);
}

/* ---- the serial line ---- */

/* The final byte of ESC [ (or ESC O) with the first parameter. */
static int csi_key(uint8_t final, unsigned param)
{
    switch (final) {
    case 'A': return KEY_UP;
    case 'B': return KEY_DOWN;
    case 'C': return KEY_RIGHT;
    case 'D': return KEY_LEFT;
    case 'H': return KEY_HOME;
    case 'F': return KEY_END;
    case '~':
        switch (param) {
        case 1: case 7: return KEY_HOME;
        case 2: return KEY_INSERT;
        case 3: return KEY_DELETE;
        case 4: case 8: return KEY_END;
        case 5: return KEY_PGUP;
        case 6: return KEY_PGDN;
        }
        return KEY_NONE;
    default:
        return KEY_NONE;            /* a sequence this code does not know: swallowed */
    }
}

enum { TEXT, AFTER_ESC, IN_CSI, AFTER_SS3 };

int ansi_key(struct ansi *a, uint8_t byte)
{
    switch (a->state) {
    case AFTER_ESC:
        a->param = 0;
        a->nparam = 0;
        a->state = byte == '[' ? IN_CSI : byte == 'O' ? AFTER_SS3 : byte == ESC ? AFTER_ESC : TEXT;
        return KEY_NONE;            /* ESC x (Alt-x): swallowed */
    case IN_CSI:                    /* ESC [ params... final */
        if (byte >= '0' && byte <= '9') {
            if (a->nparam == 0 && a->param < 1000)
                a->param = (uint16_t)(a->param * 10 + (byte - '0'));
            return KEY_NONE;
        }
        if (byte == ';' || (byte >= 0x20 && byte < 0x40)) {
            a->nparam++;            /* modifiers and the like: not needed */
            return KEY_NONE;
        }
        a->state = TEXT;
        return byte >= 0x40 && byte <= 0x7E ? csi_key(byte, a->param) : KEY_NONE;
    case AFTER_SS3:                 /* ESC O final */
        a->state = TEXT;
        return csi_key(byte, 0);
    default:
        if (byte == ESC) {
            a->state = AFTER_ESC;
            return KEY_NONE;
        }
        return byte;
    }
}
