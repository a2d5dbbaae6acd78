/*
 * Text on a screen. In text mode a cell is a 16-bit word of the VGA page
 * (character, attribute). On a framebuffer a cell is 8x16 pixels: each
 * glyph row is a byte of font_glyphs, the leftmost pixel in bit 7, drawn
 * in the attribute's foreground colour on its background colour.
 *
 * Scrolling a framebuffer means redrawing what moved: with the text kept
 * in cells, only the cells whose character changes are drawn again (a
 * log's short lines leave most of a wide screen blank, so this is a
 * fraction of the pixels); without it, the pixel rows are copied up.
 */
#include "lib/screen.h"
#include "font.h"                       /* generated: scripts/mkfont.py */
#include "lib/string.h"

#define BLANK(attr) ((uint16_t)(' ' | (attr) << 8))

/* The 16 VGA colours, as 8-bit red, green, blue. */
static const uint8_t vga_rgb[16][3] = {
    {0, 0, 0},       {0, 0, 170},     {0, 170, 0},     {0, 170, 170},
    {170, 0, 0},     {170, 0, 170},   {170, 85, 0},    {170, 170, 170},
    {85, 85, 85},    {85, 85, 255},   {85, 255, 85},   {85, 255, 255},
    {255, 85, 85},   {255, 85, 255},  {255, 255, 85},  {255, 255, 255},
};

static uint32_t channel(uint8_t v, uint8_t pos, uint8_t size)
{
    return size ? (uint32_t)(v >> (8 - (size > 8 ? 8 : size))) << pos : 0;
}

static void make_palette(struct screen *s)
{
    const struct screen_mode *m = &s->m;
    for (int i = 0; i < 16; i++)
        s->palette[i] = channel(vga_rgb[i][0], m->red_pos, m->red_size) |
                        channel(vga_rgb[i][1], m->green_pos, m->green_size) |
                        channel(vga_rgb[i][2], m->blue_pos, m->blue_size);
}

int screen_init(struct screen *s, const struct screen_mode *m, void *base, uint16_t *cells,
                uint32_t ncells)
{
    memset(s, 0, sizeof *s);
    s->m = *m;
    s->base = base;
    s->attr = SCREEN_ATTR;
    if (m->kind == SCREEN_TEXT) {
        s->cols = m->width;
        s->rows = m->height;
        s->cells = base;                /* the page is its own record */
        return s->cols && s->rows && m->pitch >= 2 * s->cols ? 0 : -1;
    }
    if (m->kind != SCREEN_FB || (m->bpp != 16 && m->bpp != 24 && m->bpp != 32))
        return -1;
    s->cols = m->width / SCREEN_FONT_W;
    s->rows = m->height / SCREEN_FONT_H;
    if (!s->cols || !s->rows || m->pitch < m->width * (m->bpp / 8))
        return -1;
    if (cells && ncells >= s->cols * s->rows) {
        s->cells = cells;
        for (uint32_t i = 0; i < s->cols * s->rows; i++)
            cells[i] = BLANK(SCREEN_ATTR);
    }
    make_palette(s);
    return 0;
}

/* ---- drawing a cell ---- */

static void put_pixel(uint8_t *p, uint32_t bpp, uint32_t v)
{
    if (bpp == 32) {
        *(volatile uint32_t *)p = v;
    } else if (bpp == 16) {
        *(volatile uint16_t *)p = (uint16_t)v;
    } else {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
        p[2] = (uint8_t)(v >> 16);
    }
}

/* Cell (col, row) of a framebuffer shows character cell (char | attr << 8). */
static void draw(struct screen *s, uint32_t col, uint32_t row, uint16_t cell)
{
    const unsigned char *glyph = font_glyphs[cell & 0xFF];
    uint32_t fg = s->palette[(cell >> 8) & 0xF], bg = s->palette[(cell >> 12) & 0xF];
    uint32_t bytes = s->m.bpp / 8;
    uint8_t *line = s->base + row * SCREEN_FONT_H * s->m.pitch + col * SCREEN_FONT_W * bytes;
    for (int y = 0; y < SCREEN_FONT_H; y++, line += s->m.pitch) {
        uint8_t *p = line;
        for (int x = 0; x < SCREEN_FONT_W; x++, p += bytes)
            put_pixel(p, s->m.bpp, glyph[y] & (0x80 >> x) ? fg : bg);
    }
}

/* Cell i (of the grid) becomes cell. */
static void set_cell(struct screen *s, uint32_t i, uint16_t cell)
{
    if (s->m.kind == SCREEN_TEXT) {
        ((volatile uint16_t *)s->cells)[i] = cell;
        return;
    }
    if (s->cells)
        s->cells[i] = cell;
    draw(s, i % s->cols, i / s->cols, cell);
}

/* ---- scrolling ---- */

static void scroll_cells(struct screen *s)
{
    uint32_t n = s->cols * (s->rows - 1);
    uint16_t blank = BLANK(s->attr);
    if (s->m.kind == SCREEN_TEXT) {
        volatile uint16_t *c = s->cells;
        for (uint32_t i = 0; i < n; i++)
            c[i] = c[i + s->cols];
        for (uint32_t i = n; i < n + s->cols; i++)
            c[i] = blank;
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        if (s->cells[i] != s->cells[i + s->cols])
            set_cell(s, i, s->cells[i + s->cols]);
    for (uint32_t i = n; i < n + s->cols; i++)
        if (s->cells[i] != blank)
            set_cell(s, i, blank);
}

/* Without the text: the pixel rows of every text row but the first move
 * up one text row, and the last is blanked. */
static void scroll_pixels(struct screen *s)
{
    uint32_t row_bytes = SCREEN_FONT_H * s->m.pitch;
    memmove(s->base, s->base + row_bytes, (s->rows - 1) * row_bytes);
    for (uint32_t c = 0; c < s->cols; c++)
        draw(s, c, s->rows - 1, BLANK(s->attr));
}

static void scroll(struct screen *s)
{
    if (s->cells)
        scroll_cells(s);
    else
        scroll_pixels(s);
    s->row = s->rows - 1;
}

/* ---- the cursor ---- */

/* The bar under the cursor's cell: drawn in the foreground colour, or
 * taken away by drawing the cell again. */
static void cursor_bar(struct screen *s, int show)
{
    if (s->m.kind != SCREEN_FB || s->col >= s->cols || s->row >= s->rows)
        return;
    uint32_t i = s->row * s->cols + s->col;
    if (!show) {
        draw(s, s->col, s->row, s->cells ? s->cells[i] : BLANK(s->attr));
        return;
    }
    uint32_t bytes = s->m.bpp / 8, fg = s->palette[s->attr & 0xF];
    uint8_t *line = s->base + (s->row * SCREEN_FONT_H + SCREEN_FONT_H - 2) * s->m.pitch +
                    s->col * SCREEN_FONT_W * bytes;
    for (int y = 0; y < 2; y++, line += s->m.pitch)
        for (int x = 0; x < SCREEN_FONT_W; x++)
            put_pixel(line + x * bytes, s->m.bpp, fg);
}

void screen_show_cursor(struct screen *s, int show)
{
    if (s->cursor_drawn)
        cursor_bar(s, 0);
    s->cursor_drawn = (uint8_t)(show && s->m.kind == SCREEN_FB);
    if (s->cursor_drawn)
        cursor_bar(s, 1);
}

/* ---- text ---- */

void screen_clear(struct screen *s)
{
    for (uint32_t i = 0; i < s->cols * s->rows; i++)
        set_cell(s, i, BLANK(s->attr));
    s->col = s->row = 0;
    s->cursor_drawn = 0;
}

void screen_goto(struct screen *s, uint32_t col, uint32_t row)
{
    int shown = s->cursor_drawn;
    if (shown)
        screen_show_cursor(s, 0);
    s->col = col < s->cols ? col : s->cols - 1;
    s->row = row < s->rows ? row : s->rows - 1;
    if (shown)
        screen_show_cursor(s, 1);
}

static void newline(struct screen *s)
{
    s->col = 0;
    if (++s->row >= s->rows)
        scroll(s);
}

static void putc_raw(struct screen *s, char c)
{
    uint8_t ch = (uint8_t)c;
    if (c == '\n') {
        newline(s);
    } else if (c == '\r') {
        s->col = 0;
    } else if (c == '\b') {
        if (s->col)
            s->col--;
    } else if (c == '\t') {
        do
            putc_raw(s, ' ');
        while (s->col % 8 && s->col);
    } else {
        if (s->col >= s->cols)
            newline(s);
        set_cell(s, s->row * s->cols + s->col, (uint16_t)((ch < 0x20 || ch == 0x7F ? '.' : ch) |
                                                          s->attr << 8));
        s->col++;
    }
}

void screen_putc(struct screen *s, char c)
{
    int shown = s->cursor_drawn;
    if (shown)
        screen_show_cursor(s, 0);
    putc_raw(s, c);
    if (shown)
        screen_show_cursor(s, 1);
}

void screen_write(struct screen *s, const char *p, size_t n)
{
    int shown = s->cursor_drawn;
    if (shown)
        screen_show_cursor(s, 0);
    for (size_t i = 0; i < n; i++)
        putc_raw(s, p[i]);
    if (shown)
        screen_show_cursor(s, 1);
}

void screen_continue_below(struct screen *s)
{
    s->cursor_drawn = 0;
    if (s->m.kind == SCREEN_FB)
        s->cells = 0;                   /* another's text: not what cells say */
    s->row = s->rows - 1;
    s->col = 0;
    scroll(s);
}
