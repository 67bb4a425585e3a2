/*
 * ECDSA P-256 verification. The field uses P-256's special form for reduction (FIPS 186-4 D.2.3), points are in
 * Jacobian coordinates (a = -3 doubling, mixed addition with affine points), and u1*G + u2*Q is one pass of
 * doublings over both scalars at once (Shamir's trick), each scalar in width-3 NAF so that about one bit in four
 * of each costs an addition, from the tables {G, 3G} and {Q, 3Q}. Variable time: every input is public.
 */
#include "p256.h"
#include "bn256.h"

static const uint32_t P[8] = {0xffffffff, 0xffffffff, 0xffffffff, 0x00000000,
                              0x00000000, 0x00000000, 0x00000001, 0xffffffff};
static const uint32_t N[8] = {0xfc632551, 0xf3b9cac2, 0xa7179e84, 0xbce6faad,
                              0xffffffff, 0xffffffff, 0x00000000, 0xffffffff};
static const uint32_t B[8] = {0x27d2604b, 0x3bce3c3e, 0xcc53b0f6, 0x651d06b0,
                              0x769886bc, 0xb3ebbd55, 0xaa3a93e7, 0x5ac635d8};
static const uint32_t GX[8] = {0xd898c296, 0xf4a13945, 0x2deb33a0, 0x77037d81,
                               0x63a440f2, 0xf8bce6e5, 0xe12c4247, 0x6b17d1f2};
static const uint32_t GY[8] = {0x37bf51f5, 0xcbb64068, 0x6b315ece, 0x2bce3357,
                               0x7c0f9e16, 0x8ee7eb4a, 0xfe1a7f9b, 0x4fe342e2};
/* 3G, affine. */
static const uint32_t G3X[8] = {0xc6e7fd6c, 0xfb41661b, 0xefada985, 0xe6c6b721,
                                0x1d4bf165, 0xc8f7ef95, 0xa6330a44, 0x5ecbe4d1};
static const uint32_t G3Y[8] = {0xa27d5032, 0x9a79b127, 0x384fb83d, 0xd82ab036,
                                0x1a64a2ec, 0x374b06ce, 0x4998ff7e, 0x8734640c};

/*
 * r = c mod p for a 512-bit c = (c15..c0): r = s1 + 2 s2 + 2 s3 + s4 + s5 - d1 - d2 - d3 - d4 (FIPS 186-4
 * D.2.3), summed word by word with a signed carry; the carry left above 2^256 is folded back with
 * 2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p) until none is left.
 */
static void reduce(uint32_t r[8], const uint32_t c[16]) {
  int64_t t[8];
  t[0] = (int64_t)c[0] + c[8] + c[9] - c[11] - c[12] - c[13] - c[14];
  t[1] = (int64_t)c[1] + c[9] + c[10] - c[12] - c[13] - c[14] - c[15];
  t[2] = (int64_t)c[2] + c[10] + c[11] - c[13] - c[14] - c[15];
  t[3] = (int64_t)c[3] + 2 * (int64_t)c[11] + 2 * (int64_t)c[12] + c[13] - c[15] - c[8] - c[9];
  t[4] = (int64_t)c[4] + 2 * (int64_t)c[12] + 2 * (int64_t)c[13] + c[14] - c[9] - c[10];
  t[5] = (int64_t)c[5] + 2 * (int64_t)c[13] + 2 * (int64_t)c[14] + c[15] - c[10] - c[11];
  t[6] = (int64_t)c[6] + 3 * (int64_t)c[14] + 2 * (int64_t)c[15] + c[13] - c[8] - c[9];
  t[7] = (int64_t)c[7] + 3 * (int64_t)c[15] + c[8] - c[10] - c[11] - c[12] - c[13];
  int64_t carry = 0;
#pragma GCC unroll 8
  for (int i = 0; i < 8; i++) {
    carry += t[i];
    r[i] = (uint32_t)carry;
    carry >>= 32; /* arithmetic shift */
  }
  while (carry != 0) {
    int64_t fold = carry;
    carry = 0;
#pragma GCC unroll 8
    for (int i = 0; i < 8; i++) {
      carry += r[i];
      if (i == 0 || i == 7) carry += fold;
      if (i == 3 || i == 6) carry -= fold;
      r[i] = (uint32_t)carry;
      carry >>= 32;
    }
  }
  if (bn_cmp(r, P) >= 0) bn_sub(r, r, P);
}

static void fe_mul(uint32_t r[8], const uint32_t a[8], const uint32_t b[8]) {
  uint32_t product[16];
  bn_mul(product, a, b);
  reduce(r, product);
}

static void fe_sqr(uint32_t r[8], const uint32_t a[8]) { fe_mul(r, a, a); }

static void fe_add(uint32_t r[8], const uint32_t a[8], const uint32_t b[8]) { bn_addmod(r, a, b, P); }
static void fe_sub(uint32_t r[8], const uint32_t a[8], const uint32_t b[8]) { bn_submod(r, a, b, P); }

/* A point in Jacobian coordinates (X/Z^2, Y/Z^3); Z = 0 is the point at infinity. */
struct jpoint {
  uint32_t x[8], y[8], z[8];
};

/* p = 2p, in place (dbl-2001-b, a = -3). P-256 has no point of order 2, so Y = 0 needs no case. */
static void point_double(struct jpoint *p) {
  uint32_t delta[8], gamma[8], beta[8], alpha[8], t[8];
  fe_sqr(delta, p->z);
  fe_sqr(gamma, p->y);
  fe_mul(beta, p->x, gamma);
  fe_sub(t, p->x, delta);
  fe_add(alpha, p->x, delta);
  fe_mul(alpha, alpha, t);
  fe_add(t, alpha, alpha);
  fe_add(alpha, alpha, t); /* alpha = 3 (X - delta)(X + delta) */
  fe_mul(p->z, p->y, p->z);
  fe_add(p->z, p->z, p->z); /* Z3 = 2 Y Z */
  fe_add(beta, beta, beta);
  fe_add(beta, beta, beta); /* 4 beta */
  fe_sqr(p->x, alpha);
  fe_sub(p->x, p->x, beta);
  fe_sub(p->x, p->x, beta); /* X3 = alpha^2 - 8 beta */
  fe_sub(t, beta, p->x);
  fe_mul(t, alpha, t);
  fe_sqr(gamma, gamma);
  fe_add(gamma, gamma, gamma);
  fe_add(gamma, gamma, gamma);
  fe_add(gamma, gamma, gamma); /* 8 gamma^2 */
  fe_sub(p->y, t, gamma);      /* Y3 = alpha (4 beta - X3) - 8 gamma^2 */
}

/* p = p + (qx, qy), in place, q affine and not infinity (mixed addition, 8M + 3S). */
static void point_add_affine(struct jpoint *p, const uint32_t qx[8], const uint32_t qy[8]) {
  if (bn_is_zero(p->z)) {
    bn_copy(p->x, qx);
    bn_copy(p->y, qy);
    bn_set_word(p->z, 1);
    return;
  }
  uint32_t z1z1[8], h[8], r[8], hh[8], hhh[8], v[8];
  fe_sqr(z1z1, p->z);
  fe_mul(h, qx, z1z1);
  fe_sub(h, h, p->x); /* H = X2 Z1^2 - X1 */
  fe_mul(r, qy, p->z);
  fe_mul(r, r, z1z1);
  fe_sub(r, r, p->y); /* R = Y2 Z1^3 - Y1 */
  if (bn_is_zero(h)) {
    if (bn_is_zero(r)) {
      point_double(p);
    } else {
      bn_set_word(p->z, 0); /* q = -p */
    }
    return;
  }
  fe_sqr(hh, h);
  fe_mul(hhh, h, hh);
  fe_mul(v, p->x, hh);
  fe_mul(p->z, p->z, h);
  fe_sqr(p->x, r);
  fe_sub(p->x, p->x, hhh);
  fe_sub(p->x, p->x, v);
  fe_sub(p->x, p->x, v); /* X3 = R^2 - H^3 - 2 X1 H^2 */
  fe_sub(v, v, p->x);
  fe_mul(v, r, v);
  fe_mul(hhh, p->y, hhh);
  fe_sub(p->y, v, hhh); /* Y3 = R (X1 H^2 - X3) - Y1 H^3 */
}

/* Affine coordinates of a point that is not infinity. */
static void point_to_affine(uint32_t x[8], uint32_t y[8], const struct jpoint *p) {
  uint32_t zinv[8], zinv2[8];
  bn_invmod(zinv, p->z, P);
  fe_sqr(zinv2, zinv);
  fe_mul(x, p->x, zinv2);
  fe_mul(zinv2, zinv2, zinv);
  fe_mul(y, p->y, zinv2);
}

static int on_curve(const uint32_t x[8], const uint32_t y[8]) {
  uint32_t lhs[8], rhs[8], t[8];
  fe_sqr(lhs, y);
  fe_sqr(rhs, x);
  fe_mul(rhs, rhs, x);
  fe_add(t, x, x);
  fe_add(t, t, x);
  fe_sub(rhs, rhs, t);
  fe_add(rhs, rhs, B); /* x^3 - 3x + b */
  return bn_cmp(lhs, rhs) == 0;
}

static int decode_public_key(uint32_t x[8], uint32_t y[8], const uint8_t pub[65]) {
  if (pub[0] != 0x04) return 0;
  bn_from_be(x, pub + 1);
  bn_from_be(y, pub + 33);
  return bn_cmp(x, P) < 0 && bn_cmp(y, P) < 0 && on_curve(x, y);
}

int p256_public_key_check(const uint8_t pub[65]) {
  uint32_t x[8], y[8];
  return decode_public_key(x, y, pub);
}

/*
 * One DER INTEGER at *cursor, below `end`: short-form length, at least one content byte, not negative, no
 * leading zero byte unless the next byte has its top bit set, at most 32 bytes of magnitude.
 */
static int der_integer(const uint8_t **cursor, const uint8_t *end, uint32_t out[8]) {
  const uint8_t *at = *cursor;
  if (end - at < 2 || at[0] != 0x02) return 0;
  size_t length = at[1];
  at += 2;
  if (length == 0 || length > 0x7f || length > (size_t)(end - at)) return 0;
  if (at[0] & 0x80) return 0;
  if (at[0] == 0 && length > 1) {
    if ((at[1] & 0x80) == 0) return 0;
    at++;
    length--;
  }
  if (length > 32) return 0;
  uint8_t padded[32] = {0};
  for (size_t i = 0; i < length; i++) padded[32 - length + i] = at[i];
  bn_from_be(out, padded);
  *cursor = at + length;
  return 1;
}

static int in_scalar_range(const uint32_t v[8]) { return !bn_is_zero(v) && bn_cmp(v, N) < 0; }

int p256_ecdsa_verify_der(const uint8_t pub[65], const uint8_t hash[32], const uint8_t *der_sig, size_t der_len) {
  uint32_t r[8], s[8];
  /* SEQUENCE with a short-form length covering exactly the rest: a P-256 signature is at most 72 bytes. */
  if (der_sig == 0 || der_len < 2 || der_len > 2 + 0x7f || der_sig[0] != 0x30 || der_sig[1] != der_len - 2) return 0;
  const uint8_t *cursor = der_sig + 2, *end = der_sig + der_len;
  if (!der_integer(&cursor, end, r) || !der_integer(&cursor, end, s) || cursor != end) return 0;
  if (!in_scalar_range(r) || !in_scalar_range(s)) return 0;

  uint32_t qx[8], qy[8];
  if (!decode_public_key(qx, qy, pub)) return 0;

  /* u1 = e / s, u2 = r / s (mod n); e is the whole 256-bit digest (bn_mulmod_bits reduces it). */
  uint32_t e[8], w[8], u1[8], u2[8];
  bn_from_be(e, hash);
  bn_invmod(w, s, N);
  bn_mulmod_bits(u1, w, e, 8, N);
  bn_mulmod_bits(u2, w, r, 8, N);

  /* 3Q, affine (never infinity: n is a prime above 3). */
  uint32_t q3x[8], q3y[8];
  struct jpoint acc;
  bn_copy(acc.x, qx);
  bn_copy(acc.y, qy);
  bn_set_word(acc.z, 1);
  point_double(&acc);
  point_add_affine(&acc, qx, qy);
  point_to_affine(q3x, q3y, &acc);
  const uint32_t *table_x[2][2] = {{GX, G3X}, {qx, q3x}};
  const uint32_t *table_y[2][2] = {{GY, G3Y}, {qy, q3y}};

  int8_t naf[2][257];
  int length1 = bn_wnaf3(naf[0], u1), length2 = bn_wnaf3(naf[1], u2);
  bn_set_word(acc.z, 0);
  for (int i = (length1 > length2 ? length1 : length2) - 1; i >= 0; i--) {
    if (!bn_is_zero(acc.z)) point_double(&acc);
    for (int which = 0; which < 2; which++) {
      int digit = i < (which == 0 ? length1 : length2) ? naf[which][i] : 0;
      if (digit == 0) continue;
      int entry = (digit < 0 ? -digit : digit) >> 1; /* 1 -> 0, 3 -> 1 */
      uint32_t y[8];
      if (digit < 0) {
        bn_sub(y, P, table_y[which][entry]); /* -(x, y) = (x, p - y); y != 0 on P-256 */
      } else {
        bn_copy(y, table_y[which][entry]);
      }
      point_add_affine(&acc, table_x[which][entry], y);
    }
  }
  if (bn_is_zero(acc.z)) return 0;

  /*
   * Valid when x mod n = r for the affine x = X / Z^2 of u1 G + u2 Q. As x < p < 2n, x is r or r + n (the latter
   * only when r + n < p), so compare X with r Z^2 and (r + n) Z^2 instead of inverting Z.
   */
  uint32_t z2[8], t[8];
  fe_sqr(z2, acc.z);
  fe_mul(t, r, z2);
  if (bn_cmp(t, acc.x) == 0) return 1;
  if (bn_add(t, r, N) != 0 || bn_cmp(t, P) >= 0) return 0;
  fe_mul(t, t, z2);
  return bn_cmp(t, acc.x) == 0;
}
