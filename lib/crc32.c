/* CRC-32, a table of 256 entries built on first use. */
#include "lib/crc32.h"

#define POLY 0xEDB88320u

static uint32_t table[256];
static int have_table;

static void make_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? POLY ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    have_table = 1;
}

uint32_t crc32_update(uint32_t crc, const void *p, size_t n)
{
    const uint8_t *b = p;
    if (!have_table)
        make_table();
    crc = ~crc;
    while (n--)
        crc = table[(crc ^ *b++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}
