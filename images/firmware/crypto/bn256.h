/*
 * 256-bit unsigned numbers as eight 32-bit words, least significant first, and the modular operations the
 * signature checks share (variable-time: a verifier handles only public data). Private to crypto/.
 */
#ifndef BOOTPROOF_BN256_H
#define BOOTPROOF_BN256_H
#include <stdint.h>

#define BN_WORDS 8

uint32_t bn_add(uint32_t r[8], const uint32_t a[8], const uint32_t b[8]);
uint32_t bn_sub(uint32_t r[8], const uint32_t a[8], const uint32_t b[8]);
int bn_cmp(const uint32_t a[8], const uint32_t b[8]);
int bn_is_zero(const uint32_t a[8]);
void bn_copy(uint32_t r[8], const uint32_t a[8]);
void bn_set_word(uint32_t r[8], uint32_t w);
/* a, b < m; r may alias either. */
void bn_addmod(uint32_t r[8], const uint32_t a[8], const uint32_t b[8], const uint32_t m[8]);
void bn_submod(uint32_t r[8], const uint32_t a[8], const uint32_t b[8], const uint32_t m[8]);
/* The full 512-bit product. */
void bn_mul(uint32_t r[16], const uint32_t a[8], const uint32_t b[8]);
/* r = a * x mod m, x given as `words` words (any size), a < m: bit by bit, for the few scalar operations. */
void bn_mulmod_bits(uint32_t r[8], const uint32_t a[8], const uint32_t *x, int words, const uint32_t m[8]);
/* r = a^-1 mod m for an odd m and 0 < a < m with gcd(a, m) = 1 (binary extended Euclid); 0 for a = 0. */
void bn_invmod(uint32_t r[8], const uint32_t a[8], const uint32_t m[8]);
/*
 * Width-3 NAF of k < 2^256 - 3: digits, least significant first, in {0, 1, -1, 3, -3} with at most one of any three
 * in a row non-zero, k = sum of digit[i] 2^i; so a scalar multiplication adds about once per four bits. Returns
 * the number of digits (at most 257).
 */
int bn_wnaf3(int8_t digits[257], const uint32_t k[8]);
void bn_from_be(uint32_t r[8], const uint8_t bytes[32]);
void bn_from_le(uint32_t r[8], const uint8_t bytes[32]);
void bn_to_le(uint8_t bytes[32], const uint32_t a[8]);

#endif
