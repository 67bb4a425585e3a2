#ifndef BOOTPROOF_SHA256_H
#define BOOTPROOF_SHA256_H
#include <stdint.h>
void sha256(const uint8_t *data, uint32_t length, uint8_t digest[32]);
#endif
