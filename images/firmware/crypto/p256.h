/* ECDSA signature verification on NIST P-256 (FIPS 186-4, SEC 1), as MCUboot's EC256 TLV carries it. */
#ifndef BOOTPROOF_P256_H
#define BOOTPROOF_P256_H
#include <stddef.h>
#include <stdint.h>

/*
 * 1 only when `der_sig` is a valid ECDSA signature of `hash` (a SHA-256 digest) by `pub`, else 0.
 * `pub` is the uncompressed SEC 1 point 0x04 || X || Y (big-endian). The signature must be strict DER:
 * SEQUENCE { INTEGER r, INTEGER s } with short, exact lengths, minimal non-negative integers and no trailing
 * bytes; 0 < r, s < n; the key must lie on the curve.
 */
int p256_ecdsa_verify_der(const uint8_t pub[65], const uint8_t hash[32], const uint8_t *der_sig, size_t der_len);

/* 1 when `pub` is 0x04 || X || Y with X, Y < p and the point on the curve (so not the point at infinity). */
int p256_public_key_check(const uint8_t pub[65]);

#endif
