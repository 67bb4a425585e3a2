/*
 * CPU benchmark: SHA-256 over 64 KiB, then a loop of 256-bit modular multiplications (mod 2^255 - 19). The same
 * source builds for Cortex-M0+ (ARMv6-M) and Cortex-M4; both print the same digest and product over
 * semihosting, so a benchmark run is also a correctness check.
 */
#include <stdint.h>
#include "../common/print.h"
#include "../common/semihost.h"
#include "../crypto/sha256.h"

#define INPUT_BYTES (64u * 1024u)
#define MODMUL_ROUNDS 4000u

static uint8_t input[INPUT_BYTES];

/* Little-endian 256-bit numbers as 8 words. */
typedef struct {
  uint32_t w[8];
} u256;

/* r = a * b mod p, p = 2^255 - 19: reduce the 512-bit product with 2^256 = 38 (mod p), then once more. */
static void modmul(u256 *r, const u256 *a, const u256 *b) {
  uint32_t product[16] = {0};
  for (int i = 0; i < 8; i++) {
    uint32_t carry = 0;
    for (int j = 0; j < 8; j++) {
      uint64_t t = (uint64_t)a->w[i] * b->w[j] + product[i + j] + carry;
      product[i + j] = (uint32_t)t;
      carry = (uint32_t)(t >> 32);
    }
    product[i + 8] = carry;
  }
  uint64_t carry = 0;
  for (int i = 0; i < 8; i++) {
    uint64_t t = (uint64_t)product[i + 8] * 38u + product[i] + carry;
    r->w[i] = (uint32_t)t;
    carry = t >> 32;
  }
  /* Fold the carry word and bit 255 back in: 2^255 = 19 (mod p). */
  uint64_t top = (carry << 1) | (r->w[7] >> 31);
  r->w[7] &= 0x7fffffffu;
  uint64_t t = top * 19u;
  for (int i = 0; i < 8 && t != 0; i++) {
    t += r->w[i];
    r->w[i] = (uint32_t)t;
    t >>= 32;
  }
}

int main(void) {
  for (uint32_t i = 0; i < INPUT_BYTES; i++) input[i] = (uint8_t)(i * 7u + (i >> 8));
  uint8_t digest[32];
  struct sha256_ctx hash;
  sha256_init(&hash);
  sha256_update(&hash, input, INPUT_BYTES);
  sha256_final(&hash, digest);
  out_str("sha256=");
  for (int i = 0; i < 32; i += 4) {
    out_hex_digits((uint32_t)digest[i] << 24 | (uint32_t)digest[i + 1] << 16 | (uint32_t)digest[i + 2] << 8 | digest[i + 3]);
  }
  out_str("\n");

  u256 x = {{9}}, y;
  for (int i = 0; i < 8; i++) y.w[i] = 0x01234567u * (uint32_t)(i + 1);
  y.w[7] &= 0x7fffffffu;
  for (uint32_t round = 0; round < MODMUL_ROUNDS; round++) modmul(&x, &x, &y);
  out_str("modmul=");
  for (int i = 7; i >= 0; i--) out_hex_digits(x.w[i]);
  out_str("\n");
  semihost_exit(0);
}
