/* 256-bit arithmetic shared by the P-256 and Ed25519 verifiers (see bn256.h). */
#include "bn256.h"

/*
 * The word loops are unrolled for speed, and kept out of line so that the unrolled copies are not repeated in
 * every caller (the whole verifier must fit a 16 KiB bootloader).
 */
#define OUT_OF_LINE __attribute__((noinline))

OUT_OF_LINE uint32_t bn_add(uint32_t r[8], const uint32_t a[8], const uint32_t b[8]) {
  uint64_t carry = 0;
#pragma GCC unroll 8
  for (int i = 0; i < 8; i++) {
    carry += (uint64_t)a[i] + b[i];
    r[i] = (uint32_t)carry;
    carry >>= 32;
  }
  return (uint32_t)carry;
}

OUT_OF_LINE uint32_t bn_sub(uint32_t r[8], const uint32_t a[8], const uint32_t b[8]) {
  int64_t borrow = 0;
#pragma GCC unroll 8
  for (int i = 0; i < 8; i++) {
    borrow += (int64_t)a[i] - b[i];
    r[i] = (uint32_t)borrow;
    borrow >>= 32; /* arithmetic shift: 0 or -1 */
  }
  return (uint32_t)-borrow;
}

int bn_cmp(const uint32_t a[8], const uint32_t b[8]) {
  for (int i = 7; i >= 0; i--) {
    if (a[i] != b[i]) return a[i] > b[i] ? 1 : -1;
  }
  return 0;
}

int bn_is_zero(const uint32_t a[8]) {
  uint32_t any = 0;
  for (int i = 0; i < 8; i++) any |= a[i];
  return any == 0;
}

void bn_copy(uint32_t r[8], const uint32_t a[8]) {
  for (int i = 0; i < 8; i++) r[i] = a[i];
}

void bn_set_word(uint32_t r[8], uint32_t w) {
  r[0] = w;
  for (int i = 1; i < 8; i++) r[i] = 0;
}

void bn_addmod(uint32_t r[8], const uint32_t a[8], const uint32_t b[8], const uint32_t m[8]) {
  uint32_t carry = bn_add(r, a, b);
  if (carry != 0 || bn_cmp(r, m) >= 0) bn_sub(r, r, m);
}

void bn_submod(uint32_t r[8], const uint32_t a[8], const uint32_t b[8], const uint32_t m[8]) {
  if (bn_sub(r, a, b) != 0) bn_add(r, r, m);
}

/* (hi:lo) = a b + lo + hi, which cannot overflow: one UMAAL where the core has it (v7E-M, v8-M with DSP). */
static inline void multiply_accumulate(uint32_t *lo, uint32_t *hi, uint32_t a, uint32_t b) {
#if defined(__ARM_FEATURE_DSP)
  __asm__("umaal %0, %1, %2, %3" : "+r"(*lo), "+r"(*hi) : "r"(a), "r"(b));
#else
  uint64_t t = (uint64_t)a * b + *lo + *hi;
  *lo = (uint32_t)t;
  *hi = (uint32_t)(t >> 32);
#endif
}

void bn_mul(uint32_t r[16], const uint32_t a[8], const uint32_t b[8]) {
  for (int i = 0; i < 8; i++) r[i] = 0;
  for (int i = 0; i < 8; i++) {
    uint32_t carry = 0, ai = a[i];
#pragma GCC unroll 8
    for (int j = 0; j < 8; j++) multiply_accumulate(&r[i + j], &carry, ai, b[j]);
    r[i + 8] = carry;
  }
}

void bn_mulmod_bits(uint32_t r[8], const uint32_t a[8], const uint32_t *x, int words, const uint32_t m[8]) {
  uint32_t acc[8];
  bn_set_word(acc, 0);
  for (int bit = words * 32 - 1; bit >= 0; bit--) {
    bn_addmod(acc, acc, acc, m);
    if ((x[bit / 32] >> (bit % 32)) & 1) bn_addmod(acc, acc, a, m);
  }
  bn_copy(r, acc);
}

/* x = x / 2 mod m (m odd): add m first when x is odd, keeping the carry as the new top bit. */
OUT_OF_LINE static void halve_mod(uint32_t x[8], const uint32_t m[8]) {
  uint32_t top = (x[0] & 1) ? bn_add(x, x, m) : 0;
  for (int i = 0; i < 7; i++) x[i] = x[i] >> 1 | x[i + 1] << 31;
  x[7] = x[7] >> 1 | top << 31;
}

OUT_OF_LINE static void shift_right_1(uint32_t x[8]) {
  for (int i = 0; i < 7; i++) x[i] = x[i] >> 1 | x[i + 1] << 31;
  x[7] >>= 1;
}

static int is_one(const uint32_t a[8]) {
  uint32_t rest = a[0] ^ 1;
  for (int i = 1; i < 8; i++) rest |= a[i];
  return rest == 0;
}

void bn_invmod(uint32_t r[8], const uint32_t a[8], const uint32_t m[8]) {
  /* Invariants: x1 * a = u and x2 * a = v (mod m); gcd(u, v) = gcd(a, m) = 1 throughout. */
  uint32_t u[8], v[8], x1[8], x2[8];
  if (bn_is_zero(a)) {
    bn_set_word(r, 0);
    return;
  }
  bn_copy(u, a);
  bn_copy(v, m);
  bn_set_word(x1, 1);
  bn_set_word(x2, 0);
  while (!is_one(u) && !is_one(v)) {
    while ((u[0] & 1) == 0) {
      shift_right_1(u);
      halve_mod(x1, m);
    }
    while ((v[0] & 1) == 0) {
      shift_right_1(v);
      halve_mod(x2, m);
    }
    if (bn_cmp(u, v) >= 0) {
      bn_sub(u, u, v);
      bn_submod(x1, x1, x2, m);
    } else {
      bn_sub(v, v, u);
      bn_submod(x2, x2, x1, m);
    }
    if (bn_is_zero(u) || bn_is_zero(v)) {
      /* gcd(a, m) > 1: no inverse (cannot happen for a prime m and 0 < a < m). */
      bn_set_word(r, 0);
      return;
    }
  }
  bn_copy(r, is_one(u) ? x1 : x2);
}

int bn_wnaf3(int8_t digits[257], const uint32_t scalar[8]) {
  uint32_t k[8], magnitude[8];
  bn_copy(k, scalar);
  int length = 0;
  while (!bn_is_zero(k)) {
    int digit = 0;
    if (k[0] & 1) {
      digit = (int)(k[0] & 7); /* k mod 8: 1, 3, 5 or 7, taken as 1, 3, -3 or -1 */
      if (digit > 4) digit -= 8;
      bn_set_word(magnitude, (uint32_t)(digit < 0 ? -digit : digit));
      if (digit > 0) {
        bn_sub(k, k, magnitude);
      } else {
        bn_add(k, k, magnitude); /* cannot overflow: k < 2^256 - 3 */
      }
    }
    digits[length++] = (int8_t)digit;
    shift_right_1(k);
  }
  return length;
}

void bn_from_be(uint32_t r[8], const uint8_t bytes[32]) {
  for (int i = 0; i < 8; i++) {
    const uint8_t *b = bytes + 28 - 4 * i;
    r[i] = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
  }
}

void bn_from_le(uint32_t r[8], const uint8_t bytes[32]) {
  for (int i = 0; i < 8; i++) {
    const uint8_t *b = bytes + 4 * i;
    r[i] = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
  }
}

void bn_to_le(uint8_t bytes[32], const uint32_t a[8]) {
  for (int i = 0; i < 32; i++) bytes[i] = (uint8_t)(a[i / 4] >> (8 * (i % 4)));
}
