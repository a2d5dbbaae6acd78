/* The PC's serial port (a 16550 UART at COM1), one header for early boot,
 * the inner core's log and the console driver: its registers, set-up
 * (115200 8N1, FIFO on) and a polled write that never hangs. */
#ifndef LIB_UART_H
#define LIB_UART_H
#include <stdint.h>
#include "lib/io.h"

#define UART_COM1    0x3F8      /* its registers: UART_COM1 + UART_* */
#define UART_IRQ_COM1 4
#define UART_DATA    0          /* receive / transmit holding */
#define UART_DLL     0          /* divisor latch, low byte (DLAB = 1) */
#define UART_IER     1          /* interrupt enable; DLM when DLAB = 1 */
#define UART_FCR     2          /* FIFO control (write) */
#define UART_LCR     3          /* line control */
#define UART_MCR     4          /* modem control */
#define UART_LSR     5          /* line status */
#define UART_PORTS   8

#define IER_RX       0x01       /* interrupt when a byte has come in */
#define FCR_FIFO_ON  0xC1       /* FIFOs on, IRQ at 14 bytes or a pause */
#define FCR_CLEAR    0x06       /* empty both FIFOs */
#define LCR_DLAB     0x80       /* the divisor latch at DLL/DLM */
#define LCR_8N1      0x03       /* 8 bits, no parity, 1 stop bit */
#define MCR_DTR_RTS  0x03
#define MCR_OUT2     0x08       /* gates the UART's IRQ line on a PC */
#define LSR_DR       0x01       /* a byte is waiting */
#define LSR_THRE     0x20       /* the transmit holding register is empty */
#define UART_SPINS   100000     /* a stuck or absent UART costs time, never a hang */

/* 115200 baud, 8N1, FIFO on, no interrupts. */
static inline void uart_init(uint16_t base)
{
    outb(base + UART_IER, 0x00);
    outb(base + UART_LCR, LCR_DLAB);
    outb(base + UART_DLL, 0x01);        /* divisor 1: 115200 baud */
    outb(base + UART_IER, 0x00);        /* DLM: 0 */
    outb(base + UART_LCR, LCR_8N1);
    outb(base + UART_FCR, FCR_FIFO_ON | FCR_CLEAR);
    outb(base + UART_MCR, MCR_DTR_RTS);
}

/* Write c when the UART can take it, or after UART_SPINS polls anyway. */
static inline void uart_putc(uint16_t base, char c)
{
    for (int i = 0; i < UART_SPINS && !(inb(base + UART_LSR) & LSR_THRE); i++)
        ;
    outb(base + UART_DATA, (uint8_t)c);
}

#endif
