/* 256-bit unsigned integers as eight little-endian 32-bit words, and arithmetic modulo the NIST P-256 prime. */
#ifndef BOOTPROOF_BIGNUM_H
#define BOOTPROOF_BIGNUM_H
#include <stdint.h>

#define BN_WORDS 8
typedef struct {
  uint32_t w[BN_WORDS];
} bn256;

/* r = a + b, returns the carry out; r = a - b, returns the borrow out. */
uint32_t bn_add(bn256 *r, const bn256 *a, const bn256 *b);
uint32_t bn_sub(bn256 *r, const bn256 *a, const bn256 *b);
/* -1, 0, 1 as a <, ==, > b. */
int bn_cmp(const bn256 *a, const bn256 *b);
/* r = a * b mod p and r = a^e mod p, p = 2^256 - 2^224 + 2^192 + 2^96 - 1. */
void bn_modmul(bn256 *r, const bn256 *a, const bn256 *b);
void bn_modexp(bn256 *r, const bn256 *a, const bn256 *e);
extern const bn256 BN_P256;

#endif
