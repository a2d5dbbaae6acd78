/*
 * The inner core's log: the serial line COM1 (115200 8N1, polled) and the
 * screen GRUB set up (lib/screen: the VGA text page through the I/O-hole
 * alias, or a linear framebuffer mapped at FB_VIRT).
 *
 * Once the console driver owns the screen and the serial line, the log
 * goes into a ring instead, and the driver prints it, between its
 * clients' lines, on both: one writer, so both show every line in the
 * same order. If it dies, what it had not shown is printed here, and the
 * log is written directly again. This file knows nothing of processes:
 * kernel/proc.c says when the screen changes hands, and what to wake.
 */
#include "boot/console.h"
#include "boot/x86.h"
#include "lib/fmt.h"
#include "lib/screen.h"
#include "lib/uart.h"
#include "lib/vga.h"

#define KLOG_SIZE 65536            /* the ring, a power of two */
#define CELLS_MAX (512 * 160)      /* text of a framebuffer up to 4096 x 2560 */

static struct screen scr;
static struct screen_mode mode;    /* what GRUB set up (the height cut to what is mapped) */
static const char *no_screen_why;
static int have_screen;
static uint16_t cells[CELLS_MAX];
static char klog[KLOG_SIZE];
static uint32_t klog_head;         /* bytes ever put in the ring */
static uint32_t klog_seen;         /* of those, shown by the driver */
static uint32_t klog_missed;       /* bytes the ring had no room for */
static int handed_over;            /* the driver prints the log */
static void (*wake)(void);         /* tell the driver there is more */

/* ---- the devices ---- */

static void cursor_sync(void)
{
    if (have_screen && scr.m.kind == SCREEN_TEXT)
        vga_cursor_put(scr.row * scr.cols + scr.col);
}

void console_init(const struct screen_mode *m, void *base, const char *why)
{
    uart_init(UART_COM1);
    mode = *m;
    no_screen_why = why && why[0] ? why : "none this code can draw on";
    have_screen = base && screen_init(&scr, &mode, base, cells, CELLS_MAX) == 0;
    if (have_screen)
        screen_clear(&scr);
    cursor_sync();
}

void console_report(void)
{
    const struct screen_mode *m = &mode;
    if (!have_screen)
        kprintf("console: no screen to write on (%s): serial line only\n", no_screen_why);
    else if (m->kind == SCREEN_FB)
        kprintf("console: framebuffer %ux%u, %u bits a pixel (red %u:%u, green %u:%u, blue "
                "%u:%u), %u bytes a line, at %08x: %ux%u characters\n", m->width, m->height,
                m->bpp, m->red_pos, m->red_size, m->green_pos, m->green_size, m->blue_pos,
                m->blue_size, m->pitch, m->phys, scr.cols, scr.rows);
    else
        kprintf("console: VGA text, %ux%u\n", scr.cols, scr.rows);
}

/* ---- the log ---- */

static void direct(char c)
{
    if (c == '\n')
        uart_putc(UART_COM1, '\r');
    uart_putc(UART_COM1, c);
    if (have_screen)
        screen_putc(&scr, c);
}

void kputc(char c)
{
    if (!handed_over) {
        direct(c);
    } else if (klog_head - klog_seen < KLOG_SIZE) {
        klog[klog_head++ % KLOG_SIZE] = c;
    } else {
        klog_missed++;             /* the driver does not keep up: serial only */
        if (c == '\n')
            uart_putc(UART_COM1, '\r');
        uart_putc(UART_COM1, c);
    }
}

/* After a burst of output: the cursor, or the driver told. */
static void burst_done(void)
{
    if (!handed_over)
        cursor_sync();
    else if (wake && klog_head != klog_seen)
        wake();
}

void kputs(const char *s)
{
    uint32_t fl = irq_save();
    while (*s)
        kputc(*s++);
    burst_done();
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
    burst_done();
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

/* ---- the console driver ---- */

void console_set_wake(void (*fn)(void))
{
    wake = fn;
}

void console_hand_over(void)
{
    uint32_t fl = irq_save();
    if (!handed_over)
        klog_seen = klog_head;     /* what came before is on the screen */
    handed_over = 1;               /* (to a successor: from where the last one was) */
    irq_restore(fl);
}

void console_take_back(void)
{
    uint32_t fl = irq_save();
    if (handed_over) {
        handed_over = 0;
        uint32_t pos = have_screen && scr.m.kind == SCREEN_TEXT ? vga_cursor_get() : 0;
        if (have_screen && scr.m.kind == SCREEN_TEXT && pos < scr.cols * scr.rows) {
            screen_goto(&scr, pos % scr.cols, pos / scr.cols);  /* where the driver was */
        } else if (have_screen) {
            screen_continue_below(&scr);
        }
        while (klog_seen != klog_head)     /* what the driver had not shown */
            direct(klog[klog_seen++ % KLOG_SIZE]);
        if (klog_missed)
            kprintf("console: %u bytes of the log reached the serial line only\n",
                    klog_missed);
        klog_missed = 0;
        cursor_sync();
    }
    irq_restore(fl);
}

uint32_t console_log_read(uint32_t *pos, char *buf, uint32_t len)
{
    uint32_t fl = irq_save(), n = 0;
    if (handed_over) {
        uint32_t p = *pos;
        if (p - klog_seen > klog_head - klog_seen)
            p = klog_seen;         /* before what is left (or nonsense): from there */
        klog_seen = p;             /* everything before p has been shown */
        while (n < len && p != klog_head)
            buf[n++] = klog[p++ % KLOG_SIZE];
        *pos = klog_seen;
    }
    irq_restore(fl);
    return n;
}

void console_mode(struct screen_mode *m, uint32_t *col, uint32_t *row)
{
    *m = mode;
    if (!have_screen)
        m->kind = SCREEN_NONE;
    *col = scr.col;
    *row = scr.row;
}

const uint16_t *console_text(uint32_t *ncells)
{
    *ncells = have_screen && scr.cells ? scr.cols * scr.rows : 0;
    return scr.cells;
}

void console_emergency(void)
{
    uint32_t fl = irq_save();
    if (handed_over) {
        handed_over = 0;
        if (have_screen)
            screen_continue_below(&scr);
        while (klog_seen != klog_head)
            direct(klog[klog_seen++ % KLOG_SIZE]);
    }
    irq_restore(fl);
}
