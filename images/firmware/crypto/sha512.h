/* SHA-512 (FIPS 180-4), streaming: init, any number of updates, final. Ed25519 needs it (RFC 8032). */
#ifndef BOOTPROOF_SHA512_H
#define BOOTPROOF_SHA512_H
#include <stddef.h>
#include <stdint.h>

struct sha512_ctx {
  uint64_t state[8];
  uint64_t length; /* bytes hashed so far: 2^64 bytes is beyond any image, so the high half of the count is 0 */
  uint8_t block[128];
};

void sha512_init(struct sha512_ctx *ctx);
void sha512_update(struct sha512_ctx *ctx, const void *data, size_t length);
void sha512_final(struct sha512_ctx *ctx, uint8_t out[64]);

#endif
