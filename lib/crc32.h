/* CRC-32 (ISO-HDLC: the one of zlib, Ethernet, GPT and the paging-space
 * header): reflected polynomial 0xEDB88320, initial value and final xor
 * 0xFFFFFFFF. */
#ifndef LIB_CRC32_H
#define LIB_CRC32_H
#include <stddef.h>
#include <stdint.h>

/* The CRC of n bytes at p, continuing from crc (0 to start). */
uint32_t crc32_update(uint32_t crc, const void *p, size_t n);

#endif
