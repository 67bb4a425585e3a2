/* Ed25519 signature verification (RFC 8032 §5.1.7), as MCUboot's ED25519 TLV carries it. */
#ifndef BOOTPROOF_ED25519_H
#define BOOTPROOF_ED25519_H
#include <stddef.h>
#include <stdint.h>

/*
 * 1 only when `sig` (R || S) is a valid signature of `msg` by the public key `pub`, else 0. Rejected: S >= L, a
 * public key or R that is not the canonical encoding of a curve point. The check is cofactorless,
 * [S]B = R + [k]A, compared by encoding as OpenSSL (and so node:crypto) does.
 */
int ed25519_verify(const uint8_t pub[32], const uint8_t *msg, size_t len, const uint8_t sig[64]);

#endif
