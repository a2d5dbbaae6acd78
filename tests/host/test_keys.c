/* outer_core/console/kbd: scancodes and escape sequences to key events. */
#include <string.h>
#include "outer_core/console/kbd.h"
#include "tests/host/check.h"

static struct kbd k;

/* The key event of a sequence of scancodes: the last one that is not
 * KEY_NONE (or KEY_NONE). */
static int press(const uint8_t *codes, int n)
{
    int key = KEY_NONE, leds;
    for (int i = 0; i < n; i++) {
        int r = kbd_key(&k, codes[i], &leds);
        if (r != KEY_NONE)
            key = r;
    }
    return key;
}

#define CHECK_KEY(a, b) CHECK((a) == (int)(b))
#define PRESS(...) press((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

HTEST(keys_plain_shift_ctrl)
{
    memset(&k, 0, sizeof k);
    CHECK_KEY(PRESS(0x1E), 'a');
    CHECK_KEY(PRESS(0x9E), KEY_NONE);        /* its release */
    CHECK_KEY(PRESS(0x2A, 0x1E, 0xAA), 'A');           /* shift held */
    CHECK_KEY(PRESS(0x1E), 'a');
    CHECK_KEY(PRESS(0x1D, 0x16, 0x9D), 0x15);          /* Ctrl-U */
    CHECK_KEY(PRESS(0x1C), '\n');
    CHECK_KEY(PRESS(0x0E), '\b');
}

HTEST(keys_extended)
{
    memset(&k, 0, sizeof k);
    CHECK_KEY(PRESS(0xE0, 0x48), KEY_UP);
    CHECK_KEY(PRESS(0xE0, 0xC8), KEY_NONE);  /* its release */
    CHECK_KEY(PRESS(0xE0, 0x50), KEY_DOWN);
    CHECK_KEY(PRESS(0xE0, 0x4B), KEY_LEFT);
    CHECK_KEY(PRESS(0xE0, 0x4D), KEY_RIGHT);
    CHECK_KEY(PRESS(0xE0, 0x47), KEY_HOME);
    CHECK_KEY(PRESS(0xE0, 0x4F), KEY_END);
    CHECK_KEY(PRESS(0xE0, 0x53), KEY_DELETE);
    CHECK_KEY(PRESS(0xE0, 0x1C), '\n');                /* keypad Enter */
    CHECK_KEY(PRESS(0xE0, 0x35), '/');
    CHECK_KEY(PRESS(0xE0, 0x2A, 0xE0, 0x4D), KEY_RIGHT); /* a fake shift first */
    CHECK_KEY(PRESS(0x1E), 'a');                       /* ... which shifted nothing */
    CHECK_KEY(PRESS(0xE0, 0x1D, 0x16, 0xE0, 0x9D), 0x15);  /* right ctrl */
    CHECK_KEY(PRESS(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5), KEY_NONE);    /* Pause */
    CHECK_KEY(PRESS(0x1E), 'a');
    CHECK_KEY(PRESS(0xFA), KEY_NONE);        /* a command's ACK */
}

HTEST(keys_locks)
{
    int leds;
    memset(&k, 0, sizeof k);
    CHECK(kbd_key(&k, 0x3A, &leds) == KEY_NONE && leds && k.locks == KBD_LED_CAPS);
    CHECK(kbd_key(&k, 0xBA, &leds) == KEY_NONE && !leds);
    CHECK_KEY(PRESS(0x1E), 'A');                       /* Caps Lock: letters */
    CHECK_KEY(PRESS(0x02), '1');                       /* ... not digits */
    CHECK_KEY(PRESS(0x2A, 0x1E, 0xAA), 'a');           /* shift undoes it */
    CHECK_KEY(PRESS(0x47), KEY_HOME);                  /* keypad 7, Num Lock off */
    CHECK(kbd_key(&k, 0x45, &leds) == KEY_NONE && leds && (k.locks & KBD_LED_NUM));
    CHECK_KEY(PRESS(0x47), '7');
    CHECK_KEY(PRESS(0x53), '.');
    CHECK_KEY(PRESS(0x4E), '+');
    CHECK(kbd_key(&k, 0x46, &leds) == KEY_NONE && leds && (k.locks & KBD_LED_SCROLL));
}

static int feed(struct ansi *a, const char *s)
{
    int key = KEY_NONE, typed = 0;
    for (; *s; s++) {
        int r = ansi_key(a, (uint8_t)*s);
        if (r != KEY_NONE) {
            key = r;
            typed++;
        }
    }
    return typed == 1 ? key : typed ? -2 : KEY_NONE;
}

HTEST(keys_ansi_sequences)
{
    struct ansi a;
    memset(&a, 0, sizeof a);
    CHECK_KEY(feed(&a, "\033[A"), KEY_UP);
    CHECK_KEY(feed(&a, "\033[B"), KEY_DOWN);
    CHECK_KEY(feed(&a, "\033[C"), KEY_RIGHT);
    CHECK_KEY(feed(&a, "\033[D"), KEY_LEFT);
    CHECK_KEY(feed(&a, "\033OA"), KEY_UP);             /* application mode */
    CHECK_KEY(feed(&a, "\033[H"), KEY_HOME);
    CHECK_KEY(feed(&a, "\033[F"), KEY_END);
    CHECK_KEY(feed(&a, "\033[1~"), KEY_HOME);
    CHECK_KEY(feed(&a, "\033[4~"), KEY_END);
    CHECK_KEY(feed(&a, "\033[3~"), KEY_DELETE);
    CHECK_KEY(feed(&a, "\033[1;5C"), KEY_RIGHT);       /* ctrl-right: a parameter */
    CHECK_KEY(feed(&a, "\033[200~"), KEY_NONE);  /* bracketed paste: nothing */
    CHECK_KEY(feed(&a, "\033[?25h"), KEY_NONE);
    CHECK_KEY(feed(&a, "x"), 'x');
    CHECK_KEY(feed(&a, "\033x"), KEY_NONE);  /* Alt-x */
    CHECK_KEY(feed(&a, "\033\033[A"), KEY_UP);
}

/* Arrow keys never type text: nothing of a sequence is a character. */
HTEST(keys_ansi_types_no_text)
{
    struct ansi a;
    memset(&a, 0, sizeof a);
    const char *seqs[] = {"\033[A", "\033[B", "\033[C", "\033[D", "\033OH", "\033[6~", "\033[15;2~"};
    for (unsigned i = 0; i < sizeof seqs / sizeof seqs[0]; i++)
        for (const char *p = seqs[i]; *p; p++) {
            int r = ansi_key(&a, (uint8_t)*p);
            CHECK(r == KEY_NONE || r >= 0x100);
        }
    CHECK_KEY(feed(&a, "ls\r"), -2);         /* three characters */
}
