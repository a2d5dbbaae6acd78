/*
 * A text screen on what the firmware set up: the VGA text page of a BIOS
 * boot, or the linear framebuffer of a UEFI one (16, 24 or 32 bits a
 * pixel, any size), on which characters are drawn with an 8x16 bitmap font
 * (scripts/mkfont.py makes it from a console font at build time). One
 * piece of code for the inner core's log and the console driver's output;
 * pure code over memory it is handed (host-tested).
 */
#ifndef LIB_SCREEN_H
#define LIB_SCREEN_H
#include <stddef.h>
#include <stdint.h>

#define SCREEN_FONT_W 8
#define SCREEN_FONT_H 16
#define SCREEN_ATTR 0x07                /* VGA attribute: light grey on black */

enum screen_kind { SCREEN_NONE, SCREEN_TEXT, SCREEN_FB };

/* What the boot loader set up (include/ant/syscall.h: struct ant_screen). */
struct screen_mode {
    uint32_t kind;                      /* enum screen_kind */
    uint32_t phys;                      /* physical address */
    uint32_t width, height;             /* text: cells; framebuffer: pixels */
    uint32_t pitch;                     /* bytes a line (of cells, of pixels) */
    uint32_t bpp;                       /* framebuffer: 16, 24 or 32 */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
    uint8_t pad[2];
};

struct screen {
    struct screen_mode m;
    uint8_t *base;                      /* where the memory is mapped */
    uint32_t cols, rows;                /* the text grid */
    uint32_t col, row;                  /* the cursor */
    uint16_t *cells;                    /* the text shown, char | attr << 8, for
                                           redraws (text mode: the page itself);
                                           0: none, scrolling copies pixels */
    uint8_t attr;                       /* for the next characters */
    uint8_t cursor_drawn;               /* framebuffer: the cursor bar is shown */
    uint32_t palette[16];               /* framebuffer pixels of the VGA colours */
};

/* Set s up on mode m mapped at base. cells: room for ncells cells to keep
 * the text in (framebuffer; may be 0). 0, or -1 if the mode is of no use
 * (no screen, a depth this code does not draw, a size of 0). */
int screen_init(struct screen *s, const struct screen_mode *m, void *base, uint16_t *cells,
                uint32_t ncells);
/* Blank the screen; the cursor home. */
void screen_clear(struct screen *s);
/* One character: printable ones drawn, '\n' '\r' '\b' '\t' moved by;
 * the screen scrolls at the bottom. */
void screen_putc(struct screen *s, char c);
void screen_write(struct screen *s, const char *p, size_t n);
/* Put the cursor at (col, row), clipped to the screen. */
void screen_goto(struct screen *s, uint32_t col, uint32_t row);
/* Framebuffer: show (1) or hide (0) a bar under the cursor's cell. Text
 * mode has the hardware cursor (CRTC): the caller moves it. */
void screen_show_cursor(struct screen *s, int show);
/* Start a fresh line at the bottom, scrolling what is there up (for
 * taking over a screen someone else drew on: its text is not in cells). */
void screen_continue_below(struct screen *s);

#endif
