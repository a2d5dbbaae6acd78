/*
 * Kernel console. Serial COM1 at 115200 8N1 (polled) mirrors the VGA text
 * screen, which the kernel writes through the I/O-hole alias: the direct
 * mapping of low memory is read-only.
 */
#include "kernel/console.h"
#include "kernel/proc.h"
#include "kernel/x86.h"
#include "lib/fmt.h"
#include "mm/layout.h"

#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700            /* light grey on black */
#define VGA_TEXT ((volatile uint16_t *)(IOALIAS_VIRT + 0xB8000))
#define VGA_CRTC 0x3D4

#define LSR_THRE 0x20              /* line status: transmit holding empty */

static int vga_pos;                /* cell of the cursor */
static uint32_t screen_owner;      /* pid of the console driver, or 0 */

void console_give_screen(uint32_t pid)
{
    screen_owner = pid;
}

static uint32_t cursor_read(void)
{
    outb(VGA_CRTC, 14);
    uint32_t pos = (uint32_t)inb(VGA_CRTC + 1) << 8;
    outb(VGA_CRTC, 15);
    pos |= inb(VGA_CRTC + 1);
    return pos < VGA_COLS * VGA_ROWS ? pos : (VGA_ROWS - 1) * VGA_COLS;
}

/* Mine unless the console driver lives; taken back where it left off. */
static int screen_mine(void)
{
    if (screen_owner && !proc_alive(screen_owner)) {
        screen_owner = 0;
        vga_pos = (int)cursor_read();
    }
    return !screen_owner;
}

static void serial_init(void)
{
    outb(PORT_COM1 + 1, 0x00);     /* no interrupts for now */
    outb(PORT_COM1 + 3, 0x80);     /* divisor latch access */
    outb(PORT_COM1 + 0, 0x01);     /* divisor 1: 115200 baud */
    outb(PORT_COM1 + 1, 0x00);
    outb(PORT_COM1 + 3, 0x03);     /* 8 bits, no parity, 1 stop */
    outb(PORT_COM1 + 2, 0xC7);     /* FIFO on, cleared, 14-byte threshold */
    outb(PORT_COM1 + 4, 0x03);     /* DTR, RTS */
}

static void serial_putc(char c)
{
    for (int i = 0; i < 100000 && !(inb(PORT_COM1 + 5) & LSR_THRE); i++)
        ;
    outb(PORT_COM1, (uint8_t)c);
}

static void vga_cursor(void)
{
    outb(VGA_CRTC, 14);
    outb(VGA_CRTC + 1, (uint8_t)(vga_pos >> 8));
    outb(VGA_CRTC, 15);
    outb(VGA_CRTC + 1, (uint8_t)vga_pos);
}

static void vga_scroll(void)
{
    for (int i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++)
        VGA_TEXT[i] = VGA_TEXT[i + VGA_COLS];
    for (int i = VGA_COLS * (VGA_ROWS - 1); i < VGA_COLS * VGA_ROWS; i++)
        VGA_TEXT[i] = VGA_ATTR | ' ';
    vga_pos -= VGA_COLS;
}

static void vga_putc(char c)
{
    if (c == '\n')
        vga_pos += VGA_COLS - vga_pos % VGA_COLS;
    else if (c == '\r')
        vga_pos -= vga_pos % VGA_COLS;
    else if (c == '\b')
        vga_pos -= vga_pos % VGA_COLS ? 1 : 0;
    else
        VGA_TEXT[vga_pos++] = (uint16_t)(VGA_ATTR | (uint8_t)c);
    if (vga_pos >= VGA_COLS * VGA_ROWS)
        vga_scroll();
}

void console_init(void)
{
    serial_init();
    for (int i = 0; i < VGA_COLS * VGA_ROWS; i++)
        VGA_TEXT[i] = VGA_ATTR | ' ';
    vga_pos = 0;
    vga_cursor();
}

void kputc(char c)
{
    if (c == '\n')
        serial_putc('\r');
    serial_putc(c);
    if (screen_mine())
        vga_putc(c);
}

void kputs(const char *s)
{
    uint32_t fl = irq_save();
    while (*s)
        kputc(*s++);
    if (screen_mine())
        vga_cursor();
    irq_restore(fl);
}

static void sink(char c, void *arg)
{
    (void)arg;
    kputc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
    uint32_t fl = irq_save();
    int n = fmt_vformat(sink, 0, fmt, ap);
    if (screen_mine())
        vga_cursor();
    irq_restore(fl);
    return n;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}
