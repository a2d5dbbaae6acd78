/* Formatted output without libc. Pure code: built into the kernel, the user
 * runtime and the host tests alike. */
#include "lib/fmt.h"

struct spec {
    int left, zero, width, prec, lng;
};

static int emit_padding(fmt_sink put, void *arg, int n, char c)
{
    for (int i = 0; i < n; i++)
        put(c, arg);
    return n > 0 ? n : 0;
}

static int emit_string(fmt_sink put, void *arg, const char *s, const struct spec *sp)
{
    int len = 0;
    if (!s)
        s = "(null)";
    while ((sp->prec < 0 || len < sp->prec) && s[len])  /* never read past prec */
        len++;
    int n = sp->left ? 0 : emit_padding(put, arg, sp->width - len, ' ');
    for (int i = 0; i < len; i++)
        put(s[i], arg);
    n += len;
    if (sp->left)
        n += emit_padding(put, arg, sp->width - len, ' ');
    return n;
}

static int emit_number(fmt_sink put, void *arg, uint64_t v, int neg, unsigned base,
                       int upper, const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int len = 0;
    do {
        buf[len++] = digits[v % base];
        v /= base;
    } while (v);
    int total = len + neg;
    int n = 0;
    if (!sp->left && !sp->zero)
        n += emit_padding(put, arg, sp->width - total, ' ');
    if (neg) {
        put('-', arg);
        n++;
    }
    if (!sp->left && sp->zero)
        n += emit_padding(put, arg, sp->width - total, '0');
    while (len)
        put(buf[--len], arg), n++;
    if (sp->left)
        n += emit_padding(put, arg, sp->width - total, ' ');
    return n;
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    sp->left = sp->zero = sp->width = sp->lng = 0;
    sp->prec = -1;
    for (;; f++) {
        if (*f == '-')
            sp->left = 1;
        else if (*f == '0')
            sp->zero = 1;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {                /* as in C: a negative width left-justifies */
            sp->left = 1;
            sp->width = -sp->width;
        }
        f++;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (*f++ - '0');
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            f++;
        }
        while (*f >= '0' && *f <= '9')
            sp->prec = sp->prec * 10 + (*f++ - '0');
    }
    while (*f == 'l') {
        sp->lng++;
        f++;
    }
    return f;
}

static uint64_t take_unsigned(const struct spec *sp, va_list *ap)
{
    if (sp->lng >= 2)
        return va_arg(*ap, unsigned long long);
    if (sp->lng == 1)
        return va_arg(*ap, unsigned long);
    return va_arg(*ap, unsigned int);
}

static int64_t take_signed(const struct spec *sp, va_list *ap)
{
    if (sp->lng >= 2)
        return va_arg(*ap, long long);
    if (sp->lng == 1)
        return va_arg(*ap, long);
    return va_arg(*ap, int);
}

static int emit_conversion(fmt_sink put, void *arg, char c, const struct spec *sp,
                           va_list *ap)
{
    switch (c) {
    case 'd':
    case 'i': {
        int64_t v = take_signed(sp, ap);
        uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        return emit_number(put, arg, mag, v < 0, 10, 0, sp);
    }
    case 'u': return emit_number(put, arg, take_unsigned(sp, ap), 0, 10, 0, sp);
    case 'x': return emit_number(put, arg, take_unsigned(sp, ap), 0, 16, 0, sp);
    case 'X': return emit_number(put, arg, take_unsigned(sp, ap), 0, 16, 1, sp);
    case 'o': return emit_number(put, arg, take_unsigned(sp, ap), 0, 8, 0, sp);
    case 'p': {
        struct spec p = { 0, 1, 8, -1, 0 };
        put('0', arg), put('x', arg);
        return 2 + emit_number(put, arg, (uintptr_t)va_arg(*ap, void *), 0, 16, 0, &p);
    }
    case 'c': {
        char ch[2] = { (char)va_arg(*ap, int), 0 };
        return emit_string(put, arg, ch, sp);
    }
    case 's': return emit_string(put, arg, va_arg(*ap, const char *), sp);
    case '%': put('%', arg); return 1;
    default:                                    /* unknown: print it as is */
        put('%', arg);
        if (c)
            put(c, arg);
        return c ? 2 : 1;
    }
}

int fmt_vformat(fmt_sink put, void *arg, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = 0;
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(*f, arg);
            n++;
            continue;
        }
        struct spec sp;
        f = parse_spec(f + 1, &sp, &aq);
        n += emit_conversion(put, arg, *f, &sp, &aq);
        if (!*f)
            break;
    }
    va_end(aq);
    return n;
}

int fmt_format(fmt_sink put, void *arg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vformat(put, arg, fmt, ap);
    va_end(ap);
    return n;
}

struct bufsink {
    char *buf;
    size_t size, pos;
};

static void buf_put(char c, void *arg)
{
    struct bufsink *b = arg;
    if (b->pos + 1 < b->size)
        b->buf[b->pos] = c;
    b->pos++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct bufsink b = { buf, size, 0 };
    int n = fmt_vformat(buf_put, &b, fmt, ap);
    if (size)
        buf[b.pos < size ? b.pos : size - 1] = 0;
    return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int fmt_parse_size(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    if (len == 0)
        return -1;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (d > max || v > (max - d) / 10)  /* v * 10 + d would pass max (or wrap) */
            return -1;
        v = v * 10 + d;
    }
    if (i == 0)
        return -1;
    if (i < len) {
        unsigned shift;
        switch (s[i]) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        default: return -1;
        }
        if (i + 1 != len || v > (max >> shift))
            return -1;
        v <<= shift;
    }
    *out = v;
    return 0;
}
