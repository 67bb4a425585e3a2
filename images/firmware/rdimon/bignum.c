/*
 * Arithmetic modulo the P-256 prime, the way small-footprint ECC libraries do it: schoolbook 256x256 multiply
 * into 512 bits, then reduction by shift-and-subtract (one bit at a time, slow but obviously right), with
 * constant-structure loops the compiler turns into long counted loops and conditional wide branches.
 */
#include "bignum.h"

const bn256 BN_P256 = {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000001u, 0xffffffffu}};

uint32_t bn_add(bn256 *r, const bn256 *a, const bn256 *b) {
  uint64_t carry = 0;
  for (int i = 0; i < BN_WORDS; i++) {
    carry += (uint64_t)a->w[i] + b->w[i];
    r->w[i] = (uint32_t)carry;
    carry >>= 32;
  }
  return (uint32_t)carry;
}

uint32_t bn_sub(bn256 *r, const bn256 *a, const bn256 *b) {
  uint32_t borrow = 0;
  for (int i = 0; i < BN_WORDS; i++) {
    uint64_t d = (uint64_t)a->w[i] - b->w[i] - borrow;
    r->w[i] = (uint32_t)d;
    borrow = (uint32_t)(d >> 32) & 1u;
  }
  return borrow;
}

int bn_cmp(const bn256 *a, const bn256 *b) {
  for (int i = BN_WORDS - 1; i >= 0; i--) {
    if (a->w[i] != b->w[i]) return a->w[i] > b->w[i] ? 1 : -1;
  }
  return 0;
}

/* 512-bit x mod p: bring bits in from the top one at a time; the remainder stays below p (and below 2^257). */
static void reduce(bn256 *r, const uint32_t x[2 * BN_WORDS]) {
  bn256 rem = {{0}};
  for (int bit = 2 * BN_WORDS * 32 - 1; bit >= 0; bit--) {
    uint32_t top = rem.w[BN_WORDS - 1] >> 31;
    for (int i = BN_WORDS - 1; i > 0; i--) rem.w[i] = rem.w[i] << 1 | rem.w[i - 1] >> 31;
    rem.w[0] = rem.w[0] << 1 | ((x[bit / 32] >> (bit % 32)) & 1u);
    if (top || bn_cmp(&rem, &BN_P256) >= 0) bn_sub(&rem, &rem, &BN_P256);
  }
  *r = rem;
}

void bn_modmul(bn256 *r, const bn256 *a, const bn256 *b) {
  uint32_t product[2 * BN_WORDS] = {0};
  for (int i = 0; i < BN_WORDS; i++) {
    uint32_t carry = 0;
    for (int j = 0; j < BN_WORDS; j++) {
      uint64_t t = (uint64_t)a->w[i] * b->w[j] + product[i + j] + carry;
      product[i + j] = (uint32_t)t;
      carry = (uint32_t)(t >> 32);
    }
    product[i + BN_WORDS] = carry;
  }
  reduce(r, product);
}

void bn_modexp(bn256 *r, const bn256 *a, const bn256 *e) {
  bn256 result = {{1}};
  bn256 base = *a;
  for (int bit = 0; bit < BN_WORDS * 32; bit++) {
    if ((e->w[bit / 32] >> (bit % 32)) & 1u) bn_modmul(&result, &result, &base);
    bn_modmul(&base, &base, &base);
  }
  *r = result;
}
