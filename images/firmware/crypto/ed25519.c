/*
 * Ed25519 verification (RFC 8032 §5.1.7) on the twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 over
 * p = 2^255 - 19, in extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, x y = T/Z (Hisil, Wong, Carter, Dawson
 * 2008; complete formulas, so no special cases).
 *
 * Cofactorless: R' = [S]B - [k]A is computed and its canonical encoding compared with the R of the signature, as
 * OpenSSL does, so this verifier and the TypeScript one (node:crypto) accept exactly the same signatures. The
 * cofactored check [8][S]B = [8]R + [8][k]A would also accept signatures whose R or A carries a small-order
 * component, which node:crypto rejects; agreeing with the host verifier matters more here than batch-verification
 * friendliness. Comparing encodings also rejects any R that is not the canonical encoding of a point.
 */
#include "ed25519.h"
#include "bn256.h"
#include "sha512.h"

static const uint32_t P[8] = {0xffffffed, 0xffffffff, 0xffffffff, 0xffffffff,
                              0xffffffff, 0xffffffff, 0xffffffff, 0x7fffffff};
/* The group order L = 2^252 + 27742317777372353535851937790883648493. */
static const uint32_t L[8] = {0x5cf5d3ed, 0x5812631a, 0xa2f79cd6, 0x14def9de,
                              0x00000000, 0x00000000, 0x00000000, 0x10000000};
static const uint32_t D[8] = {0x135978a3, 0x75eb4dca, 0x4141d8ab, 0x00700a4d,
                              0x7779e898, 0x8cc74079, 0x2b6ffe73, 0x52036cee};
static const uint32_t D2[8] = {0x26b2f159, 0xebd69b94, 0x8283b156, 0x00e0149a,
                               0xeef3d130, 0x198e80f2, 0x56dffce7, 0x2406d9dc};
/* sqrt(-1) = 2^((p-1)/4). */
static const uint32_t SQRT_M1[8] = {0x4a0ea0b0, 0xc4ee1b27, 0xad2fe478, 0x2f431806,
                                    0x3dfbd7a7, 0x2b4d0099, 0x4fc1df0b, 0x2b832480};
static const uint32_t BX[8] = {0x8f25d51a, 0xc9562d60, 0x9525a7b2, 0x692cc760,
                               0xfdd6dc5c, 0xc0a4e231, 0xcd6e53fe, 0x216936d3};
static const uint32_t BY[8] = {0x66666658, 0x66666666, 0x66666666, 0x66666666,
                               0x66666666, 0x66666666, 0x66666666, 0x66666666};
/* 3B, affine. */
static const uint32_t B3X[8] = {0xd3f8e25c, 0xac62485f, 0x81624886, 0x63439819,
                                0x3edac83a, 0x1ff4ae74, 0x22928f49, 0x67ae9c4a};
static const uint32_t B3Y[8] = {0x78f5b4d4, 0x02c36848, 0x67240304, 0x9f16ec17,
                                0x60269ef7, 0xa126a18e, 0x77ee69ab, 0x1267b1d1};
/* (p - 5) / 8 = 2^252 - 3, the exponent of the square root candidate (RFC 8032 §5.1.3). */
static const uint32_t SQRT_EXPONENT[8] = {0xfffffffd, 0xffffffff, 0xffffffff, 0xffffffff,
                                          0xffffffff, 0xffffffff, 0xffffffff, 0x0fffffff};

/* r = c mod p for a 512-bit c: fold with 2^256 = 38 (mod p), then reduce fully. */
static void reduce(uint32_t r[8], const uint32_t c[16]) {
  uint64_t carry = 0;
  for (int i = 0; i < 8; i++) {
    carry += (uint64_t)c[i] + (uint64_t)c[i + 8] * 38;
    r[i] = (uint32_t)carry;
    carry >>= 32;
  }
  while (carry != 0) {
    carry *= 38;
    for (int i = 0; i < 8; i++) {
      carry += r[i];
      r[i] = (uint32_t)carry;
      carry >>= 32;
    }
  }
  while (bn_cmp(r, P) >= 0) bn_sub(r, r, P);
}

static void fe_mul(uint32_t r[8], const uint32_t a[8], const uint32_t b[8]) {
  uint32_t product[16];
  bn_mul(product, a, b);
  reduce(r, product);
}

static void fe_sqr(uint32_t r[8], const uint32_t a[8]) { fe_mul(r, a, a); }

static void fe_add(uint32_t r[8], const uint32_t a[8], const uint32_t b[8]) { bn_addmod(r, a, b, P); }
static void fe_sub(uint32_t r[8], const uint32_t a[8], const uint32_t b[8]) { bn_submod(r, a, b, P); }

static void fe_pow(uint32_t r[8], const uint32_t a[8], const uint32_t e[8]) {
  uint32_t acc[8];
  bn_set_word(acc, 1);
  for (int bit = 255; bit >= 0; bit--) {
    fe_sqr(acc, acc);
    if ((e[bit / 32] >> (bit % 32)) & 1) fe_mul(acc, acc, a);
  }
  bn_copy(r, acc);
}

struct epoint {
  uint32_t x[8], y[8], z[8], t[8];
};

/* r = p + q (add-2008-hwcd-3, a = -1); complete, so it also doubles and handles the neutral element. */
static void point_add(struct epoint *r, const struct epoint *p, const struct epoint *q) {
  uint32_t a[8], b[8], c[8], d[8], t[8];
  fe_sub(a, p->y, p->x);
  fe_sub(t, q->y, q->x);
  fe_mul(a, a, t);
  fe_add(b, p->y, p->x);
  fe_add(t, q->y, q->x);
  fe_mul(b, b, t);
  fe_mul(c, p->t, q->t);
  fe_mul(c, c, D2);
  fe_mul(d, p->z, q->z);
  fe_add(d, d, d);
  /* E = b - a, F = d - c, G = d + c, H = b + a */
  fe_sub(t, b, a);
  fe_add(b, b, a);
  fe_sub(a, d, c);
  fe_add(d, d, c);
  fe_mul(r->x, t, a);
  fe_mul(r->y, d, b);
  fe_mul(r->t, t, b);
  fe_mul(r->z, a, d);
}

/* p = 2p (dbl-2008-hwcd, a = -1): 4M + 4S. */
static void point_double(struct epoint *p) {
  uint32_t a[8], b[8], c[8], e[8], g[8];
  fe_sqr(a, p->x);
  fe_sqr(b, p->y);
  fe_sqr(c, p->z);
  fe_add(c, c, c);
  fe_add(e, p->x, p->y);
  fe_sqr(e, e);
  fe_sub(e, e, a);
  fe_sub(e, e, b); /* E = (X + Y)^2 - A - B */
  fe_sub(g, b, a); /* G = D + B with D = -A */
  fe_sub(c, g, c); /* F = G - C */
  fe_add(b, a, b);
  bn_set_word(a, 0);
  fe_sub(b, a, b); /* H = D - B = -(A + B) */
  fe_mul(p->x, e, c);
  fe_mul(p->y, g, b);
  fe_mul(p->t, e, b);
  fe_mul(p->z, c, g);
}

static void point_from_affine(struct epoint *p, const uint32_t x[8], const uint32_t y[8]) {
  bn_copy(p->x, x);
  bn_copy(p->y, y);
  bn_set_word(p->z, 1);
  fe_mul(p->t, x, y);
}

/*
 * RFC 8032 §5.1.3: y from the low 255 bits (rejected unless y < p), x from the curve equation with the sign bit
 * choosing the root; rejected when no root exists or when x = 0 comes with the sign bit set. Both are
 * non-canonical or invalid encodings.
 */
static int point_decode(uint32_t x[8], uint32_t y[8], const uint8_t bytes[32]) {
  uint32_t u[8], v[8], v3[8], t[8], check[8];
  int sign = bytes[31] >> 7;
  bn_from_le(y, bytes);
  y[7] &= 0x7fffffff;
  if (bn_cmp(y, P) >= 0) return 0;
  bn_set_word(t, 1);
  fe_sqr(u, y);
  fe_mul(v, u, D);
  fe_sub(u, u, t); /* u = y^2 - 1 */
  fe_add(v, v, t); /* v = d y^2 + 1 */
  fe_sqr(v3, v);
  fe_mul(v3, v3, v);
  fe_sqr(t, v3);
  fe_mul(t, t, v);
  fe_mul(t, t, u); /* u v^7 */
  fe_pow(t, t, SQRT_EXPONENT);
  fe_mul(t, t, v3);
  fe_mul(x, t, u); /* x = u v^3 (u v^7)^((p-5)/8) */
  fe_sqr(check, x);
  fe_mul(check, check, v);
  if (bn_cmp(check, u) != 0) {
    bn_set_word(t, 0);
    fe_sub(t, t, u);
    if (bn_cmp(check, t) != 0) return 0;
    fe_mul(x, x, SQRT_M1);
  }
  if (bn_is_zero(x) && sign) return 0;
  if ((int)(x[0] & 1) != sign) bn_sub(x, P, x);
  return 1;
}

static void point_encode(uint8_t bytes[32], const struct epoint *p) {
  uint32_t zinv[8], x[8], y[8];
  bn_invmod(zinv, p->z, P);
  fe_mul(x, p->x, zinv);
  fe_mul(y, p->y, zinv);
  bn_to_le(bytes, y);
  bytes[31] |= (uint8_t)((x[0] & 1) << 7);
}

int ed25519_verify(const uint8_t pub[32], const uint8_t *msg, size_t len, const uint8_t sig[64]) {
  uint32_t s[8], ax[8], ay[8];
  bn_from_le(s, sig + 32);
  if (bn_cmp(s, L) >= 0) return 0;
  if (!point_decode(ax, ay, pub)) return 0;

  /* k = SHA-512(R || A || M) as a little-endian 512-bit number, mod L. */
  uint8_t digest[64];
  struct sha512_ctx hash;
  sha512_init(&hash);
  sha512_update(&hash, sig, 32);
  sha512_update(&hash, pub, 32);
  sha512_update(&hash, msg, len);
  sha512_final(&hash, digest);
  uint32_t wide[16], one[8], k[8];
  bn_from_le(wide, digest);
  bn_from_le(wide + 8, digest + 32);
  bn_set_word(one, 1);
  bn_mulmod_bits(k, one, wide, 16, L);

  /*
   * [S]B + [k](-A): one pass of doublings over both scalars (Shamir's trick), each in width-3 NAF over the tables
   * {B, 3B} and {-A, -3A}; a negative digit adds the negated point, -(X:Y:Z:T) = (-X:Y:Z:-T).
   */
  struct epoint table[2][2], acc;
  point_from_affine(&table[0][0], BX, BY);
  point_from_affine(&table[0][1], B3X, B3Y);
  uint32_t zero[8];
  bn_set_word(zero, 0);
  fe_sub(ax, zero, ax);
  point_from_affine(&table[1][0], ax, ay);
  table[1][1] = table[1][0];
  point_double(&table[1][1]);
  point_add(&table[1][1], &table[1][1], &table[1][0]);

  int8_t naf[2][257];
  int length[2] = {bn_wnaf3(naf[0], s), bn_wnaf3(naf[1], k)};
  bn_set_word(acc.x, 0);
  bn_set_word(acc.y, 1);
  bn_set_word(acc.z, 1);
  bn_set_word(acc.t, 0);
  for (int i = (length[0] > length[1] ? length[0] : length[1]) - 1; i >= 0; i--) {
    point_double(&acc);
    for (int which = 0; which < 2; which++) {
      int digit = i < length[which] ? naf[which][i] : 0;
      if (digit == 0) continue;
      struct epoint term = table[which][(digit < 0 ? -digit : digit) >> 1];
      if (digit < 0) {
        fe_sub(term.x, zero, term.x);
        fe_sub(term.t, zero, term.t);
      }
      point_add(&acc, &acc, &term);
    }
  }
  uint8_t encoded[32];
  point_encode(encoded, &acc);
  uint8_t differ = 0;
  for (int i = 0; i < 32; i++) differ |= (uint8_t)(encoded[i] ^ sig[i]);
  return differ == 0;
}
