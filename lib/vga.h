/* The VGA text page's hardware cursor, through the CRT controller: one
 * header for the inner core's log and the console driver. */
#ifndef LIB_VGA_H
#define LIB_VGA_H
#include <stdint.h>
#include "lib/io.h"

#define VGA_TEXT_PHYS   0xB8000 /* the text page: 80 x 25 cells of char | attr << 8 */
#define VGA_CRTC        0x3D4   /* index; data at VGA_CRTC + 1 */
#define VGA_CRTC_PORTS  2
#define CRTC_CURSOR_HI  14
#define CRTC_CURSOR_LO  15

/* The cursor's cell (row * columns + column). */
static inline uint32_t vga_cursor_get(void)
{
    outb(VGA_CRTC, CRTC_CURSOR_HI);
    uint32_t pos = (uint32_t)inb(VGA_CRTC + 1) << 8;
    outb(VGA_CRTC, CRTC_CURSOR_LO);
    return pos | inb(VGA_CRTC + 1);
}

static inline void vga_cursor_put(uint32_t pos)
{
    outb(VGA_CRTC, CRTC_CURSOR_HI);
    outb(VGA_CRTC + 1, (uint8_t)(pos >> 8));
    outb(VGA_CRTC, CRTC_CURSOR_LO);
    outb(VGA_CRTC + 1, (uint8_t)pos);
}

#endif
