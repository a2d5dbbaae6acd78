/* lib/screen: text drawn on a framebuffer of 32, 24 and 16 bits a pixel
 * (each cell's pixels against the font's bits, in the colours the masks
 * say), scrolling with and without the text kept, and the VGA text page. */
#include <stdlib.h>
#include <string.h>
#include "font.h"
#include "lib/screen.h"
#include "tests/host/check.h"

static uint8_t fb[640 * 4 * 200];
static uint16_t cells[80 * 12];

static struct screen_mode mode(uint32_t w, uint32_t h, uint32_t bpp)
{
    struct screen_mode m;
    memset(&m, 0, sizeof m);
    m.kind = SCREEN_FB;
    m.width = w;
    m.height = h;
    m.bpp = bpp;
    m.pitch = w * bpp / 8 + 12;        /* lines padded, as real ones may be */
    if (bpp == 16) {
        m.red_pos = 11, m.red_size = 5, m.green_pos = 5, m.green_size = 6;
        m.blue_pos = 0, m.blue_size = 5;
    } else {
        m.red_pos = 16, m.red_size = 8, m.green_pos = 8, m.green_size = 8;
        m.blue_pos = 0, m.blue_size = 8;
    }
    return m;
}

static uint32_t pixel(const struct screen *s, uint32_t x, uint32_t y)
{
    const uint8_t *p = s->base + y * s->m.pitch + x * (s->m.bpp / 8);
    if (s->m.bpp == 32)
        return *(const uint32_t *)p;
    if (s->m.bpp == 16)
        return *(const uint16_t *)p;
    return p[0] | p[1] << 8 | (uint32_t)p[2] << 16;
}

/* Cell (col, row) shows c: every pixel fg where the glyph has a bit, bg
 * elsewhere. */
static int shows(const struct screen *s, uint32_t col, uint32_t row, unsigned char c,
                 uint32_t fg, uint32_t bg)
{
    for (uint32_t y = 0; y < 16; y++)
        for (uint32_t x = 0; x < 8; x++)
            if (pixel(s, col * 8 + x, row * 16 + y) != (font_glyphs[c][y] & (0x80 >> x) ? fg : bg))
                return 0;
    return 1;
}

static void draws_in(uint32_t bpp, uint32_t white, uint32_t grey)
{
    struct screen s;
    struct screen_mode m = mode(320, 96, bpp);
    memset(fb, 0x5A, sizeof fb);
    CHECK(screen_init(&s, &m, fb, cells, sizeof cells / sizeof cells[0]) == 0);
    CHECK(s.cols == 40 && s.rows == 6);
    CHECK(s.palette[15] == white && s.palette[7] == grey && s.palette[0] == 0);
    screen_clear(&s);
    screen_write(&s, "AnT/i386", 8);
    const char *text = "AnT/i386";
    for (uint32_t i = 0; i < 8; i++)
        CHECK(shows(&s, i, 0, (unsigned char)text[i], grey, 0));
    CHECK(shows(&s, 8, 0, ' ', grey, 0));
    s.attr = 0x1F;                      /* white on blue */
    screen_putc(&s, 'x');
    CHECK(shows(&s, 8, 0, 'x', white, s.palette[1]));
    CHECK(s.col == 9 && s.row == 0);
    /* the padding after each line is never touched */
    for (uint32_t y = 0; y < 96; y++)
        CHECK(fb[y * m.pitch + m.width * bpp / 8] == 0x5A);
}

HTEST(screen_draws_32_bits)
{
    draws_in(32, 0x00FFFFFF, 0x00AAAAAA);
}

HTEST(screen_draws_24_bits)
{
    draws_in(24, 0x00FFFFFF, 0x00AAAAAA);
}

HTEST(screen_draws_16_bits)
{
    draws_in(16, 0xFFFF, (0xAA >> 3) << 11 | (0xAA >> 2) << 5 | 0xAA >> 3);
}

HTEST(screen_refuses_what_it_cannot_draw)
{
    struct screen s;
    struct screen_mode m = mode(320, 96, 8);
    CHECK(screen_init(&s, &m, fb, 0, 0) == -1);        /* a palette depth */
    m = mode(4, 96, 32);
    CHECK(screen_init(&s, &m, fb, 0, 0) == -1);        /* narrower than a cell */
    m.kind = SCREEN_NONE;
    CHECK(screen_init(&s, &m, fb, 0, 0) == -1);
}

/* Lines scroll up at the bottom: the text kept and the pixels agree. */
static void scrolls(int keep)
{
    struct screen s;
    struct screen_mode m = mode(64, 48, 32);   /* 8 x 3 cells */
    CHECK(screen_init(&s, &m, fb, keep ? cells : 0, keep ? 24 : 0) == 0);
    screen_clear(&s);
    screen_write(&s, "one\ntwo\nthree\nfour", 18);
    uint32_t g = s.palette[7];
    CHECK(s.row == 2 && s.col == 4);
    CHECK(shows(&s, 0, 0, 't', g, 0) && shows(&s, 1, 0, 'w', g, 0) && shows(&s, 2, 0, 'o', g, 0));
    CHECK(shows(&s, 3, 0, ' ', g, 0));
    CHECK(shows(&s, 0, 1, 't', g, 0) && shows(&s, 4, 1, 'e', g, 0));
    CHECK(shows(&s, 0, 2, 'f', g, 0) && shows(&s, 3, 2, 'r', g, 0) && shows(&s, 5, 2, ' ', g, 0));
    screen_write(&s, "12345678x", 9);      /* runs past the line: wraps, scrolls */
    CHECK(s.row == 2 && s.col == 5 && shows(&s, 0, 2, '5', g, 0) && shows(&s, 4, 2, 'x', g, 0));
    CHECK(shows(&s, 0, 1, 'f', g, 0) && shows(&s, 4, 1, '1', g, 0) && shows(&s, 7, 1, '4', g, 0));
    CHECK(shows(&s, 0, 0, 't', g, 0) && shows(&s, 4, 0, 'e', g, 0));
    CHECK(shows(&s, 5, 2, ' ', g, 0) && shows(&s, 7, 2, ' ', g, 0));
    if (keep)
        CHECK(s.cells[2 * 8 + 4] == ('x' | 7 << 8));
}

HTEST(screen_scrolls_with_text_kept)
{
    scrolls(1);
}

HTEST(screen_scrolls_copying_pixels)
{
    scrolls(0);
}

HTEST(screen_continues_below_what_another_drew)
{
    struct screen s;
    struct screen_mode m = mode(64, 48, 32);
    CHECK(screen_init(&s, &m, fb, cells, 24) == 0);
    screen_clear(&s);
    screen_write(&s, "a\nb\nkernel", 10);
    screen_continue_below(&s);
    CHECK(s.cells == 0 && s.row == 2 && s.col == 0);
    CHECK(shows(&s, 0, 1, 'k', s.palette[7], 0));   /* moved up, not lost */
    screen_write(&s, "ok", 2);
    CHECK(shows(&s, 0, 2, 'o', s.palette[7], 0));
}

HTEST(screen_cursor_bar)
{
    struct screen s;
    struct screen_mode m = mode(64, 48, 32);
    CHECK(screen_init(&s, &m, fb, cells, 24) == 0);
    screen_clear(&s);
    screen_write(&s, "ab", 2);
    screen_show_cursor(&s, 1);
    CHECK(pixel(&s, 2 * 8 + 3, 15) == s.palette[7] && pixel(&s, 2 * 8 + 3, 13) == 0);
    screen_putc(&s, 'c');               /* the bar moves with the cursor */
    CHECK(shows(&s, 2, 0, 'c', s.palette[7], 0));
    CHECK(pixel(&s, 3 * 8, 14) == s.palette[7]);
    screen_show_cursor(&s, 0);
    CHECK(shows(&s, 3, 0, ' ', s.palette[7], 0));
}

HTEST(screen_vga_text_page)
{
    uint16_t page[80 * 25];
    struct screen s;
    struct screen_mode m;
    memset(&m, 0, sizeof m);
    m.kind = SCREEN_TEXT;
    m.width = 80;
    m.height = 25;
    m.pitch = 160;
    CHECK(screen_init(&s, &m, page, 0, 0) == 0);
    screen_clear(&s);
    for (int i = 0; i < 30; i++)
        screen_write(&s, "line\n", 5);
    CHECK(s.row == 24 && s.col == 0);
    CHECK(page[0] == ('l' | 0x07 << 8) && page[23 * 80 + 3] == ('e' | 0x07 << 8));
    CHECK(page[24 * 80] == (' ' | 0x07 << 8));
    screen_write(&s, "\tx\b", 3);
    CHECK(s.col == 8 && page[24 * 80 + 8] == ('x' | 0x07 << 8));
}
