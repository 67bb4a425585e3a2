#include "print.h"

void out_str(const char *text) {
  uint32_t length = 0;
  while (text[length] != 0) length++;
  out_write(text, length);
}

void out_hex_digits(uint32_t value) {
  char digits[8];
  for (int i = 0; i < 8; i++) digits[i] = "0123456789abcdef"[(value >> (28 - 4 * i)) & 0xf];
  out_write(digits, 8);
}

void out_hex(uint32_t value) {
  out_write("0x", 2);
  out_hex_digits(value);
}

void out_dec(uint32_t value) {
  char digits[10];
  int count = 0;
  do {
    digits[9 - count++] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  out_write(&digits[10 - count], (uint32_t)count);
}

void out_field(const char *name, uint32_t value) {
  out_str(name);
  out_str("=");
  out_hex(value);
  out_str("\n");
}
