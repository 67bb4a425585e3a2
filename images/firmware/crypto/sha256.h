/* SHA-256 (FIPS 180-4), streaming: init, any number of updates, final. */
#ifndef BOOTPROOF_SHA256_H
#define BOOTPROOF_SHA256_H
#include <stddef.h>
#include <stdint.h>

struct sha256_ctx {
  uint32_t state[8];
  uint64_t length; /* bytes hashed so far */
  uint8_t block[64];
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t length);
void sha256_final(struct sha256_ctx *ctx, uint8_t out[32]);

#endif
