/* The PC's keyboard controller (an 8042) and the keyboard behind it: the
 * ports, status bits, commands and answers, one header for the inner core
 * (a key press to restart) and the console driver. */
#ifndef LIB_I8042_H
#define LIB_I8042_H

#define KBD_DATA    0x60
#define KBD_STATUS  0x64        /* read: status; write: a command to the 8042 */
#define KBD_OBF     0x01        /* a byte to read at KBD_DATA */
#define KBD_IBF     0x02        /* the 8042 has not taken the last byte yet */
#define KBD_AUX     0x20        /* ... from the mouse, not the keyboard */
#define KBD_RELEASE 0x80        /* in a scan code (set 1): a key went up */
#define KBD_IRQ     1

#define CMD_READ_CONFIG  0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_DISABLE_AUX  0xA7
#define CMD_SELF_TEST    0xAA   /* answer SELF_TEST_OK */
#define CMD_TEST_PORT1   0xAB   /* answer PORT_TEST_OK */
#define SELF_TEST_OK     0x55
#define PORT_TEST_OK     0x00
#define CMD_DISABLE_KBD  0xAD
#define CMD_ENABLE_KBD   0xAE
#define CMD_PULSE_RESET  0xFE   /* pulse the CPU's reset line */

#define CONFIG_IRQ1      0x01
#define CONFIG_IRQ12     0x02
#define CONFIG_KBD_OFF   0x10   /* the keyboard port's clock stopped */
#define CONFIG_TRANSLATE 0x40   /* the keyboard's set 2 as set 1 */

#define KEYB_LEDS   0xED
#define KEYB_ACK    0xFA
#define KEYB_RESET  0xFF        /* answer ACK, then KEYB_RESET_OK */
#define KEYB_RESET_OK 0xAA

#define PORT_ABSENT 0xFF        /* what a port without a device reads */

#endif
