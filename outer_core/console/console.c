/*
 * The console driver: COM1, the PS/2 keyboard and the screen (the VGA text
 * page, or a UEFI boot's framebuffer: lib/screen draws both) in ring 3,
 * behind the CON_* requests (include/ant/servers.h).
 *
 * Output is polled, and a whole request is written before the next message
 * is taken, so lines from different clients never mix. The inner core's
 * log is mine to print too while I own the screen (SYS_LOGREAD, on every
 * ANT_NOTE_LOG and before every client's text): one writer for the serial
 * line and the screen, so both show every line in the same order.
 *
 * Input: keys from the keyboard (scancodes) and the serial line (ANSI
 * escape sequences) become the same key events (kbd.c) and go through one
 * line editor (a cursor in the line: Left/Right, Home/End, Delete,
 * Backspace, Ctrl-A/E/B/F/K/U/W; a history of the last lines, Up/Down;
 * Tab completes the word before the cursor from the reader's words;
 * Ctrl-C drops the line, and ends the foreground program if one runs),
 * which echoes with backspaces and spaces only, so a serial terminal and
 * the screen follow it alike. Output that arrives while a line is being
 * typed for a reader goes on a line of its own, and the reader's prompt
 * (the end of its last output) and the line typed so far are drawn again
 * under it. A completed line goes to the foreground process's pending
 * CON_READ or waits in a short queue. When the queue is full the devices
 * are left undrained and their IRQs unacknowledged until a reader takes a
 * line: the UART then holds further bytes back, so input waits instead of
 * being lost.
 *
 * Live replacement: a successor started with "takeover=PID" asks PID for
 * its state (SVC_HANDOVER) and carries on where it stopped.
 */
#include "lib/ant.h"
#include "lib/fmt.h"
#include "lib/i8042.h"
#include "lib/io.h"
#include "lib/screen.h"
#include "lib/serve.h"
#include "lib/string.h"
#include "lib/svc.h"
#include "lib/uart.h"
#include "lib/vga.h"
#include "outer_core/console/kbd.h"

#ifndef SVC_VERSION
#define SVC_VERSION 1
#endif

#define COM1        UART_COM1
#define MCR_DTR_RTS_OUT2 (MCR_DTR_RTS | MCR_OUT2)
/* The FIFO as the inner core set it (FCR_FIFO_ON), never cleared here:
 * bytes may be waiting. */
#define KBD_TICKS   50          /* the 8042 and the keyboard answer in 0.5 s */

#define SCREEN_VIRT 0x40000000u /* where I map the screen */
#define CELLS_VIRT  0x50000000u /* a framebuffer's text, kept for redraws */

#define BIND_TRIES  500         /* 5 s of ticks for a predecessor to let go */
#define QUEUE_MAX   4
#define CTRL_A      0x01
#define CTRL_B      0x02
#define CTRL_C      0x03
#define CTRL_E      0x05
#define CTRL_F      0x06
#define CTRL_K      0x0B
#define CTRL_U      0x15
#define CTRL_W      0x17
#define DEL         0x7F
#define HISTORY_MAX 8           /* lines kept for Up/Down */
#define PROMPT_MAX  40          /* the end of a reader's output kept as its prompt */

struct line {
    char text[CON_LINE_MAX];
    uint32_t len, flags;        /* flags: CON_F_* */
};

/* Everything a successor needs, handed over in one ICC page. */
struct state {
    uint32_t magic, version;
    uint32_t col, row;          /* the cursor */
    uint32_t log_pos;           /* the inner core's log: shown up to here */
    uint32_t fg;                /* the foreground pid */
    uint32_t after_cr;          /* an LF now ends nothing: CR LF is one end */
    struct line edit;           /* being typed */
    struct line queue[QUEUE_MAX];  /* complete, oldest first */
    uint32_t queued;
    uint32_t lines_out, lines_in, dropped;
    uint32_t cursor;            /* in edit.text: 0 to edit.len */
    struct {
        char text[CON_LINE_MAX];
        uint32_t len;
    } history[HISTORY_MAX];     /* the newest at (history_next - 1) % MAX */
    uint32_t history_next, history_count;
    uint32_t browsing;          /* 0: the new line; n: n lines back */
    char prompt[PROMPT_MAX];    /* the foreground's output since its last newline */
    uint32_t prompt_len;
    char words[CON_WORDS_MAX];  /* what Tab completes: NUL-separated (CON_READ) */
    uint32_t words_len;
};
_Static_assert(sizeof(struct state) <= 4096, "the state fits one ICC page");

static struct state st;
static struct {
    int32_t pid;                /* 0: no CON_READ pending */
    uint32_t run;               /* its page, mine until I answer */
} reader;
static struct screen scr;
static int have_screen;
static struct kbd keys;
static struct ansi term;
static uint8_t led_step;        /* LEDs being set: 1 command sent, 2 value sent */
static uint32_t devices;        /* IRQ bits of the devices present */
static uint32_t held;           /* IRQs taken and not yet acknowledged */
static int32_t self;

/* ---- output ---- */

static void serial_putc(char c)
{
    uart_putc(COM1, c);
}

static void cursor_sync(void)
{
    if (!have_screen)
        return;
    if (scr.m.kind == SCREEN_TEXT) {
        vga_cursor_put(scr.row * scr.cols + scr.col);
    } else {
        screen_show_cursor(&scr, 1);
    }
}

/* Bytes to both the serial line (LF as CR LF) and the screen. */
static void put(const char *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
    if (have_screen)
        screen_write(&scr, s, n);
    st.col = scr.col;
    st.row = scr.row;
    cursor_sync();
}

/* The inner core's log, as far as it goes. */
static void show_log(void)
{
    char buf[512];
    int32_t n;
    while ((n = ant_logread(&st.log_pos, buf, sizeof buf)) > 0) {
        put(buf, (uint32_t)n);
        st.log_pos += (uint32_t)n;
    }
}

/* ---- replies ---- */

/* The process table entry of pid, if it is still that process. */
static int proc_of(int32_t pid, struct ant_procinfo *info)
{
    return pid > 0 && ant_procinfo((uint32_t)pid % 64, info) == 0 && info->pid == (uint32_t)pid;
}

/* The line into the reader's page, and the reply with it. */
static int32_t give_line(int32_t pid, uint32_t run, const struct line *l)
{
    char *page = (char *)ANT_ICC_RUN_ADDR(run);
    memcpy(page, l->text, l->len);
    page[l->len] = 0;
    struct ant_msg m = {{0, l->len, l->flags, 0}, run};
    return svc_reply(pid, &m);
}

/* The pending reader gets status instead of a line. */
static void release_reader(int32_t status)
{
    struct ant_msg m = {{(uint32_t)status, 0, 0, 0}, reader.run};
    svc_reply(reader.pid, &m);
    reader.pid = 0;
}

/* ---- input ---- */

/* Whether a completed line would have somewhere to go. */
static int room(void)
{
    return reader.pid || st.queued < QUEUE_MAX;
}

/* A line typed goes into the history, unless empty or the same as the last. */
static void history_add(void)
{
    uint32_t last = (st.history_next + HISTORY_MAX - 1) % HISTORY_MAX;
    if (!st.edit.len || (st.history_count && st.history[last].len == st.edit.len &&
                         !memcmp(st.history[last].text, st.edit.text, st.edit.len)))
        return;
    memcpy(st.history[st.history_next].text, st.edit.text, st.edit.len);
    st.history[st.history_next].len = st.edit.len;
    st.history_next = (st.history_next + 1) % HISTORY_MAX;
    if (st.history_count < HISTORY_MAX)
        st.history_count++;
}

static void line_done(void)
{
    history_add();
    st.browsing = 0;
    st.cursor = 0;
    st.prompt_len = 0;
    st.lines_in++;
    int32_t pid = reader.pid;
    reader.pid = 0;
    if (!pid || give_line(pid, reader.run, &st.edit) < 0)
        st.queue[st.queued++] = st.edit;    /* a reader that died leaves an empty queue */
    st.edit.len = st.edit.flags = 0;
}

/* The cursor n places left (backspaces) or, over the text, right. */
static void cursor_left(uint32_t n)
{
    while (n--)
        put("\b", 1);
}

/* Show text[from, len) then the blanks that clear what it left, and go
 * back to the cursor. */
static void redraw_tail(uint32_t from, uint32_t blanks)
{
    put(st.edit.text + from, st.edit.len - from);
    for (uint32_t i = 0; i < blanks; i++)
        put(" ", 1);
    cursor_left(st.edit.len - from + blanks - (st.cursor - from));
}

static void insert(char c)
{
    if (st.edit.len >= CON_LINE_MAX) {
        st.dropped++;
        st.edit.flags |= CON_F_TRUNCATED;
        return;
    }
    memmove(st.edit.text + st.cursor + 1, st.edit.text + st.cursor, st.edit.len - st.cursor);
    st.edit.text[st.cursor] = c;
    st.edit.len++;
    st.cursor++;
    put(&c, 1);
    if (st.cursor < st.edit.len)
        redraw_tail(st.cursor, 0);
}

/* Delete n characters at the cursor. */
static void delete_at(uint32_t n)
{
    if (n > st.edit.len - st.cursor)
        n = st.edit.len - st.cursor;
    if (!n)
        return;
    memmove(st.edit.text + st.cursor, st.edit.text + st.cursor + n, st.edit.len - st.cursor - n);
    st.edit.len -= n;
    redraw_tail(st.cursor, n);
}

static void move_to(uint32_t at)
{
    if (at < st.cursor)
        cursor_left(st.cursor - at);
    else
        put(st.edit.text + st.cursor, at - st.cursor);
    st.cursor = at;
}

/* Replace the whole line with text (history). */
static void replace_line(const char *text, uint32_t len)
{
    move_to(0);
    uint32_t old = st.edit.len;
    memcpy(st.edit.text, text, len);
    st.edit.len = len;
    put(st.edit.text, len);
    st.cursor = len;
    for (uint32_t i = len; i < old; i++)
        put(" ", 1);
    if (old > len)
        cursor_left(old - len);
    st.edit.flags = 0;
}

static void browse(int back)
{
    if (back ? st.browsing >= st.history_count : st.browsing == 0)
        return;
    st.browsing = back ? st.browsing + 1 : st.browsing - 1;
    uint32_t i = (st.history_next + HISTORY_MAX - st.browsing) % HISTORY_MAX;
    if (st.browsing)
        replace_line(st.history[i].text, st.history[i].len);
    else
        replace_line("", 0);
}

/* Output is about to go out while a line is being typed for a reader:
 * put it on a line of its own (1 if so: retype after it). */
static int set_aside(void)
{
    if (!reader.pid || !(st.edit.len || st.prompt_len) || !st.col)
        return 0;
    put("\n", 1);
    return 1;
}

/* Draw the reader's prompt and the line typed so far again. */
static void retype(void)
{
    if (st.col)
        put("\n", 1);
    put(st.prompt, st.prompt_len);
    put(st.edit.text, st.edit.len);
    cursor_left(st.edit.len - st.cursor);
}

/* The length of the word at w, at most max bytes. */
static uint32_t word_len(const char *w, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && w[n])
        n++;
    return n;
}

/* Does word w (len bytes) complete prefix (plen bytes)? */
static int fits(const char *w, uint32_t len, const char *prefix, uint32_t plen)
{
    return len && len >= plen && !memcmp(w, prefix, plen);
}

/* Tab: the word before the cursor, completed from st.words: the one that
 * fits, with a space after it; or what all that fit share; or, when that
 * adds nothing, the list of them under the line, and the line again. */
static void complete(void)
{
    uint32_t start = st.cursor;
    while (start && st.edit.text[start - 1] != ' ')
        start--;
    const char *prefix = st.edit.text + start, *first = 0;
    uint32_t plen = st.cursor - start, matches = 0, common = 0;
    for (uint32_t at = 0; at < st.words_len;) {
        const char *w = st.words + at;
        uint32_t len = word_len(w, st.words_len - at);
        if (fits(w, len, prefix, plen)) {
            if (!matches++) {
                first = w;
                common = len;
            } else {
                uint32_t k = plen;
                while (k < common && k < len && w[k] == first[k])
                    k++;
                common = k;
            }
        }
        at += len + 1;
    }
    if (!matches)
        return;
    for (uint32_t k = plen; k < common; k++)
        insert(first[k]);
    if (matches == 1) {
        if (st.cursor == st.edit.len || st.edit.text[st.cursor] != ' ')
            insert(' ');
        return;
    }
    if (common > plen)
        return;
    move_to(st.edit.len);       /* the list, under the line */
    put("\n", 1);
    for (uint32_t at = 0; at < st.words_len;) {
        const char *w = st.words + at;
        uint32_t len = word_len(w, st.words_len - at);
        if (fits(w, len, prefix, plen)) {
            put(w, len);
            put("  ", 2);
        }
        at += len + 1;
    }
    put("\n", 1);
    retype();
}

/* Ctrl-C: the line typed is dropped; a foreground program (one without
 * ANT_RIGHT_CONSOLE, not the shell) is ended by the process manager
 * (PM_INTERRUPT: the manager never calls me, so this call cannot wait on
 * me); with the shell reading, it gets an empty line: a new prompt. */
static void interrupt(void)
{
    move_to(st.edit.len);
    put("^C\n", 3);
    st.edit.len = st.cursor = st.edit.flags = 0;
    st.browsing = 0;
    uint32_t fg = st.fg;
    if (fg && (int32_t)fg != pm_pid() && !(svc_rights_of((int32_t)fg) & ANT_RIGHT_CONSOLE)) {
        struct ant_msg m = {{PM_INTERRUPT, fg, 0, 0}, 0};
        int32_t r = pm_call(&m);
        if (r < 0) {
            char line[96];
            fmt_snprintf(line, sizeof line, "console: Ctrl-C: pid %u not ended: %s\n", fg,
                         ant_strwords(r));
            put(line, (uint32_t)strlen(line));
        }
        return;
    }
    st.prompt_len = 0;
    line_done();                /* an empty line: the reader prompts again */
}

/* One key through the line editor, echoed. */
static void edit(int key)
{
    if (key == KEY_NONE)
        return;
    int after_cr = (int)st.after_cr;
    st.after_cr = key == '\r';
    switch (key) {
    case '\r':
    case '\n':
        if (key == '\r' || !after_cr) {
            move_to(st.edit.len);
            put("\n", 1);
            line_done();
        }
        return;
    case '\b':
    case DEL:
        if (st.cursor) {
            move_to(st.cursor - 1);
            delete_at(1);
        }
        return;
    case KEY_DELETE:
        delete_at(1);
        return;
    case KEY_LEFT:
    case CTRL_B:
        if (st.cursor)
            move_to(st.cursor - 1);
        return;
    case KEY_RIGHT:
    case CTRL_F:
        if (st.cursor < st.edit.len)
            move_to(st.cursor + 1);
        return;
    case KEY_HOME:
    case CTRL_A:
        move_to(0);
        return;
    case KEY_END:
    case CTRL_E:
        move_to(st.edit.len);
        return;
    case CTRL_K:
        delete_at(st.edit.len - st.cursor);
        return;
    case CTRL_U:
        move_to(0);
        delete_at(st.edit.len);
        st.edit.flags = 0;
        return;
    case CTRL_W: {
        uint32_t at = st.cursor;
        while (at && st.edit.text[at - 1] == ' ')
            at--;
        while (at && st.edit.text[at - 1] != ' ')
            at--;
        uint32_t n = st.cursor - at;
        move_to(at);
        delete_at(n);
        return;
    }
    case '\t':
        complete();
        return;
    case CTRL_C:
        interrupt();
        return;
    case KEY_UP:
        browse(1);
        return;
    case KEY_DOWN:
        browse(0);
        return;
    }
    if (key >= 0x20 && key < DEL)
        insert((char)key);
    else
        st.dropped++;
}

/* What the foreground wrote since its last newline: its prompt. */
static void note_prompt(const char *s, uint32_t n)
{
    uint32_t start = n;
    while (start && s[start - 1] != '\n')
        start--;
    uint32_t tail = n - start;
    if (start)
        st.prompt_len = 0;                  /* a newline: it starts again */
    if (st.prompt_len + tail > PROMPT_MAX) {
        st.prompt_len = 0;                  /* too long to be a prompt */
        return;
    }
    memcpy(st.prompt + st.prompt_len, s + start, tail);
    st.prompt_len += tail;
}

/* Feed a device's waiting bytes to the editor while a line has somewhere
 * to go; 1 when the device is empty (its IRQ may be acknowledged). */
static int drain_uart(void)
{
    while (inb(COM1 + UART_LSR) & LSR_DR) {
        if (!room())
            return 0;
        edit(ansi_key(&term, inb(COM1 + UART_DATA)));
    }
    return 1;
}

/* The keyboard's lock LEDs: the command, then (on its ACK) the value. */
static void leds_start(void)
{
    if (led_step)
        return;                 /* under way: its value is read when sent */
    outb(KBD_DATA, KEYB_LEDS);
    led_step = 1;
}

static void leds_acked(void)
{
    if (led_step == 1) {
        outb(KBD_DATA, (uint8_t)keys.locks);
        led_step = 2;
    } else {
        led_step = 0;
    }
}

static int drain_kbd(void)
{
    uint8_t status;
    while ((status = inb(KBD_STATUS)) & KBD_OBF) {
        if (!room())
            return 0;
        uint8_t code = inb(KBD_DATA);
        int leds = 0;
        if (status & KBD_AUX)
            continue;
        if (code == KEYB_ACK && led_step)
            leds_acked();
        edit(kbd_key(&keys, code, &leds));
        if (leds)
            leds_start();
    }
    return 1;
}

/* Drain the devices whose IRQs I hold; acknowledge those left empty (the
 * PIC is edge-triggered: a device with bytes left would never raise
 * another edge). */
static void pump(void)
{
    if ((held & 1u << UART_IRQ_COM1) && drain_uart()) {
        held &= ~(1u << UART_IRQ_COM1);
        ant_irq_ack(UART_IRQ_COM1);
    }
    if ((held & 1u << KBD_IRQ) && drain_kbd()) {
        held &= ~(1u << KBD_IRQ);
        ant_irq_ack(KBD_IRQ);
    }
}

/* ---- requests: each returns 1 when m is to be sent back now ---- */

static int op_write(int32_t from, struct ant_msg *m)
{
    uint32_t n = m->w[1];
    if (n > (m->run ? ANT_ICC_RUN_PAGES(m->run) * 4096 : 0))
        return svc_answer(m, -ANT_EINVAL, 0, 0, 0);
    const char *text = (const char *)ANT_ICC_RUN_ADDR(m->run);
    int again = from != reader.pid && set_aside();  /* not after what is being typed */
    show_log();                 /* what the inner core said before this came */
    put(text, n);
    if ((uint32_t)from == st.fg)
        note_prompt(text, n);
    if (again)
        retype();
    st.lines_out++;
    return svc_answer(m, (int32_t)n, n, 0, 0);
}

/* Whether the pending reader still waits for my reply; if not, its page
 * is mine to free. */
static int reader_waiting(void)
{
    struct ant_procinfo info;
    if (proc_of(reader.pid, &info) && info.state == ANT_PS_REPLY && info.peer == (uint32_t)self)
        return 1;
    svc_free_run(reader.run);
    reader.pid = 0;
    return 0;
}

static int op_read(int32_t from, struct ant_msg *m)
{
    if (!m->run)
        return svc_answer(m, -ANT_EINVAL, 0, 0, 0);
    if ((uint32_t)from != st.fg)
        return svc_answer(m, -ANT_EPERM, 0, 0, 0);
    if (reader.pid && reader_waiting())
        return svc_answer(m, -ANT_EBUSY, 0, 0, 0);
    if (m->w[1] > CON_WORDS_MAX)
        return svc_answer(m, -ANT_EINVAL, 0, 0, 0);
    if (m->w[1]) {              /* the words Tab completes from now on */
        memcpy(st.words, (const void *)ANT_ICC_RUN_ADDR(m->run), m->w[1]);
        st.words_len = m->w[1];
    }
    if (!st.queued) {
        reader.pid = from;      /* answered when a line is complete */
        reader.run = m->run;
        return 0;
    }
    give_line(from, m->run, &st.queue[0]);
    memmove(&st.queue[0], &st.queue[1], --st.queued * sizeof st.queue[0]);
    pump();                     /* room again: take what the devices held back */
    return 0;
}

static int op_foreground(int32_t from, struct ant_msg *m)
{
    /* The manager, a holder of ANT_RIGHT_CONSOLE (the shell), or the
     * foreground passing it on; never anyone else, even with the
     * foreground gone (a program would take the user's next line). */
    if (from != pm_pid() && (uint32_t)from != st.fg &&
        !(svc_rights_of(from) & ANT_RIGHT_CONSOLE))
        return svc_answer(m, -ANT_EPERM, 0, 0, 0);
    st.fg = m->w[1];
    if (reader.pid && (uint32_t)reader.pid != st.fg)
        release_reader(-ANT_EPERM);     /* lines are for the foreground only */
    return svc_answer(m, 0, 0, 0, 0);
}

static int op_stats(int32_t from, struct ant_msg *m)
{
    (void)from;
    return svc_answer(m, 0, st.lines_out, st.lines_in, st.dropped);
}

static const struct svc_op ops[] = {
    {CON_WRITE, op_write, 0}, {CON_READ, op_read, 0}, {CON_FOREGROUND, op_foreground, 0},
    {CON_STATS, op_stats, 0},
};

/* The inner core's messages: more of its log, or a device's IRQ. */
static void note(const struct ant_msg *m)
{
    if (m->w[0] == ANT_NOTE_LOG) {
        int again = set_aside();
        show_log();
        if (again)
            retype();
    } else if (m->w[0] < 16 && (devices & 1u << m->w[0])) {
        held |= 1u << m->w[0];
        pump();
    }
}

/* SVC_HANDOVER: my state to the successor (without an ICC page for it,
 * only an error: it starts fresh); then the pending reader gets ERETRY
 * and I end. The devices are not touched after the snapshot: what they
 * hold is the successor's. */
static uint32_t state_page(uint32_t *bytes)
{
    st.magic = SVC_STATE_MAGIC;
    st.version = SVC_VERSION;
    return svc_state_page(&st, sizeof st, bytes);
}

static void handed(int32_t to)
{
    (void)to;
    if (reader.pid)
        release_reader(-ANT_ERETRY);
}

static const struct svc_hooks hooks = {.version = SVC_VERSION, .note = note,
                                       .state = state_page, .handed = handed};

/* ---- start-up ---- */

/* A predecessor's state, checked before I trust it. */
static int state_sane(const void *state)
{
    const struct state *s = state;
    if (s->magic != SVC_STATE_MAGIC || s->queued > QUEUE_MAX || s->edit.len > CON_LINE_MAX)
        return 0;
    for (uint32_t i = 0; i < s->queued; i++)
        if (s->queue[i].len > CON_LINE_MAX)
            return 0;
    return 1;
}

/* The screen mapped and set up; on a fresh start, continued below the
 * inner core's log (its text taken over too on a framebuffer), after a
 * predecessor where it stopped. 0, or a reason. */
static const char *screen_start(int fresh)
{
    struct ant_screen info;
    if (ant_screen(&info, 0, 0) < 0 || info.kind == ANT_SCREEN_NONE)
        return "no screen";
    struct screen_mode m;
    memcpy(&m, &info, sizeof m);
    uint32_t first = info.phys & ~0xFFFu;
    uint32_t pages = (info.phys - first + info.pitch * info.height + 4095) / 4096;
    if (ant_mapio(SCREEN_VIRT, first, pages) < 0)
        return "the screen cannot be mapped";
    uint8_t *base = (uint8_t *)SCREEN_VIRT + (info.phys - first);
    uint16_t *cells = 0;
    uint32_t ncells = 0;
    if (info.kind == ANT_SCREEN_FB) {
        ncells = (info.width / SCREEN_FONT_W) * (info.height / SCREEN_FONT_H);
        if (ant_mmap(CELLS_VIRT, (ncells * 2 + 4095) & ~4095u, ANT_PROT_WRITE) == 0)
            cells = (uint16_t *)CELLS_VIRT;
    }
    if (screen_init(&scr, &m, base, cells, ncells) < 0)
        return "a screen this driver cannot draw on";
    have_screen = 1;
    if (scr.m.kind == SCREEN_TEXT)
        screen_goto(&scr, fresh ? info.col : st.col, fresh ? info.row : st.row);
    else if (fresh && cells && ant_screen(&info, cells, ncells) == 0 && info.cells == ncells)
        screen_goto(&scr, info.col, info.row);  /* the inner core's text is mine too */
    else
        screen_continue_below(&scr);    /* text unknown: below it, scrolling pixels */
    return 0;
}

/* My state: the predecessor's (args "takeover=PID") or a fresh one; a
 * line saying which into note. 1: fresh. */
static int start(const char *args, char *note, uint32_t size)
{
    uint32_t old = svc_takeover_pid(args);
    int32_t r = old ? svc_take_state(old, &st, sizeof st, state_sane) : -ANT_ESRCH;
    if (old && r >= 0) {
        fmt_snprintf(note, size, "; took over from pid %u: fg %u, %u lines and %u bytes of input pending",
                     (unsigned)old, (unsigned)st.fg, (unsigned)st.queued, (unsigned)st.edit.len);
        return 0;
    }
    if (old)
        fmt_snprintf(note, size, "; takeover from pid %u failed (%s): fresh start",
                     (unsigned)old, ant_strerror(r));
    return 1;
}

/* ---- the 8042 keyboard controller ---- */

static int kbd_wait(uint8_t mask, uint8_t want)
{
    for (uint32_t t0 = ant_uptime(); ant_uptime() - t0 <= KBD_TICKS;) {
        for (int i = 0; i < 1000; i++)
            if ((inb(KBD_STATUS) & mask) == want)
                return 1;
        ant_yield();
    }
    return 0;
}

static int kbd_send(uint16_t port, uint8_t v)
{
    if (!kbd_wait(KBD_IBF, 0))
        return 0;
    outb(port, v);
    return 1;
}

/* The next byte from the 8042 or the keyboard, or -1 after KBD_TICKS. */
static int kbd_recv(void)
{
    return kbd_wait(KBD_OBF, KBD_OBF) ? inb(KBD_DATA) : -1;
}

static void kbd_flush(void)
{
    for (int i = 0; i < 64 && (inb(KBD_STATUS) & KBD_OBF); i++)
        inb(KBD_DATA);
}

/* Set the 8042 up: ports off, self-test, the keyboard's port tested,
 * translation to set 1 on, the keyboard reset, IRQ 1 on. 0, or what
 * failed (the keyboard does not work then). */
static const char *kbd_init(void)
{
    if (inb(KBD_STATUS) == PORT_ABSENT)
        return "no PS/2 controller (port 0x64 reads 0xff)";
    if (!kbd_send(KBD_STATUS, CMD_DISABLE_KBD) || !kbd_send(KBD_STATUS, CMD_DISABLE_AUX))
        return "the PS/2 controller does not take commands";
    kbd_flush();
    int config = kbd_send(KBD_STATUS, CMD_READ_CONFIG) ? kbd_recv() : -1;
    if (config < 0)
        return "the PS/2 controller does not answer";
    config = (config & ~(CONFIG_IRQ1 | CONFIG_IRQ12)) | CONFIG_TRANSLATE;
    kbd_send(KBD_STATUS, CMD_WRITE_CONFIG);
    kbd_send(KBD_DATA, (uint8_t)config);
    if (!kbd_send(KBD_STATUS, CMD_SELF_TEST) || kbd_recv() != SELF_TEST_OK)
        return "the PS/2 controller fails its self-test";
    kbd_send(KBD_STATUS, CMD_WRITE_CONFIG);     /* a self-test may reset it */
    kbd_send(KBD_DATA, (uint8_t)config);
    if (!kbd_send(KBD_STATUS, CMD_TEST_PORT1) || kbd_recv() != PORT_TEST_OK)
        return "the PS/2 keyboard port fails its test";
    kbd_send(KBD_STATUS, CMD_ENABLE_KBD);
    kbd_flush();
    if (!kbd_send(KBD_DATA, KEYB_RESET) || kbd_recv() != KEYB_ACK || kbd_recv() != KEYB_RESET_OK)
        return "no keyboard answers on the PS/2 port";
    kbd_send(KBD_STATUS, CMD_WRITE_CONFIG);    /* its port on (as 0xAE left it), IRQ 1 */
    kbd_send(KBD_DATA, (uint8_t)((config & ~CONFIG_KBD_OFF) | CONFIG_IRQ1));
    return 0;
}

/* Receive interrupts from the UART; the baud rate stays as the inner core
 * set it (115200 8N1). */
static void uart_irq_on(void)
{
    outb(COM1 + UART_IER, IER_RX);
    outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
    outb(COM1 + UART_FCR, FCR_FIFO_ON);
}

/* Bind a device's IRQ, waiting for a predecessor to let it go. */
static void bind(int irq, int present)
{
    int32_t r = -ANT_EBUSY;
    for (int i = 0; present && (r = ant_irq_bind(irq)) == -ANT_EBUSY && i < BIND_TRIES; i++)
        ant_sleep(1);
    if (r == 0)
        devices |= 1u << irq;
    else if (present)
        ant_printf("console: IRQ %d: %s\n", irq, ant_strerror(r));
}

static int grant_io(void)
{
    return ant_ioperm(COM1, UART_PORTS) || ant_ioperm(VGA_CRTC, VGA_CRTC_PORTS) ||
           ant_ioperm(KBD_DATA, 1) || ant_ioperm(KBD_STATUS, 1);
}

int main(const char *args)
{
    char note[128] = "", line[320];
    self = ant_getpid();
    if (grant_io()) {
        ant_printf("console: no I/O rights (started without ANT_SPAWN_PRIV?)\n");
        return 1;
    }
    int fresh = start(args, note, sizeof note);
    const char *no_screen = screen_start(fresh);
    const char *no_kbd = fresh ? kbd_init() : 0;
    uart_irq_on();
    bind(UART_IRQ_COM1, inb(COM1 + UART_LSR) != PORT_ABSENT);
    bind(KBD_IRQ, !no_kbd && inb(KBD_STATUS) != PORT_ABSENT);
    held = devices;             /* bytes may wait already: no edge announces them */
    show_log();
    pump();
    fmt_snprintf(line, sizeof line, "console: build %d (pid %d) running%s\n",
                 SVC_VERSION, (int)self, note);
    put(line, (uint32_t)strlen(line));
    if (no_screen)
        ant_printf("console: %s: the serial line only\n", no_screen);
    if (no_kbd)
        ant_printf("console: %s: type on the serial line (a USB keyboard works where the "
                   "firmware emulates PS/2)\n", no_kbd);
    svc_serve(ops, sizeof ops / sizeof ops[0], &hooks);
}
