/*
 * The crypto sources on the target: a semihosting firmware that runs the cases a test placed in RAM at
 * CASES_ADDRESS (see ld/crypto-check.ld) and prints one line per case, then exits. A case is three or more
 * little-endian words: kind, payload length, payload (padded to a word):
 *   1 sha256 <data>                  -> the digest in hex
 *   2 sha512 <data>                  -> the digest in hex
 *   3 p256 <pub 65> <hash 32> <der>   -> 1 or 0
 *   4 ed25519 <pub 32> <sig 64> <msg> -> 1 or 0
 * The block starts with the number of cases. An unknown kind or a payload too short prints "error".
 */
#include <stdint.h>
#include "../../common/print.h"
#include "../../common/semihost.h"
#include "../ed25519.h"
#include "../p256.h"
#include "../sha256.h"
#include "../sha512.h"

#define CASES_ADDRESS 0x20010000u

static void print_digest(const uint8_t *digest, uint32_t length) {
  static const char hex[] = "0123456789abcdef";
  char text[2];
  for (uint32_t i = 0; i < length; i++) {
    text[0] = hex[digest[i] >> 4];
    text[1] = hex[digest[i] & 15];
    out_write(text, 2);
  }
  out_str("\n");
}

static void run_case(uint32_t kind, const uint8_t *payload, uint32_t length) {
  uint8_t digest[64];
  if (kind == 1) {
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, payload, length);
    sha256_final(&ctx, digest);
    print_digest(digest, 32);
  } else if (kind == 2) {
    struct sha512_ctx ctx;
    sha512_init(&ctx);
    sha512_update(&ctx, payload, length);
    sha512_final(&ctx, digest);
    print_digest(digest, 64);
  } else if (kind == 3 && length >= 65 + 32) {
    out_str(p256_ecdsa_verify_der(payload, payload + 65, payload + 97, length - 97) ? "1\n" : "0\n");
  } else if (kind == 4 && length >= 32 + 64) {
    out_str(ed25519_verify(payload, payload + 96, length - 96, payload + 32) ? "1\n" : "0\n");
  } else {
    out_str("error\n");
  }
}

int main(void) {
  const uint32_t *words = (const uint32_t *)CASES_ADDRESS;
  uint32_t count = *words++;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t kind = words[0], length = words[1];
    run_case(kind, (const uint8_t *)(words + 2), length);
    words += 2 + (length + 3) / 4;
  }
  semihost_exit(0);
}
