/* Text output without a C library. Each firmware supplies out_write() (a UART, or semihosting). */
#ifndef BOOTPROOF_PRINT_H
#define BOOTPROOF_PRINT_H
#include <stdint.h>

void out_write(const char *text, uint32_t length);
void out_str(const char *text);
/* "0x" and 8 digits; out_hex_digits prints the digits alone. */
void out_hex(uint32_t value);
void out_hex_digits(uint32_t value);
void out_dec(uint32_t value);
/* "name=0x........\n" */
void out_field(const char *name, uint32_t value);

#endif
