/*
 * Host test driver for the crypto sources (compiled with the host's gcc by the tests; not firmware). Reads one
 * case per line on stdin, "<kind> <payload in hex>" ("-" for an empty payload), with the payloads of check.c:
 *   sha256 <data>, sha512 <data>        -> the digest in hex
 *   p256 <pub 65> <hash 32> <der>        -> 1 or 0
 *   p256key <pub 65>                     -> 1 or 0
 *   ed25519 <pub 32> <sig 64> <message>  -> 1 or 0
 * and writes one answer per line; a line it cannot take answers "error".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../ed25519.h"
#include "../p256.h"
#include "../sha256.h"
#include "../sha512.h"

static int hex_value(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes a hex field into a buffer of exactly its length, so a read past the end is caught by ASan. */
static uint8_t *read_hex(const char *field, size_t *length) {
  size_t chars = strcmp(field, "-") == 0 ? 0 : strlen(field);
  if (chars % 2 != 0) return NULL;
  *length = chars / 2;
  uint8_t *out = malloc(*length > 0 ? *length : 1);
  for (size_t i = 0; i < *length; i++) {
    int hi = hex_value(field[2 * i]), lo = hex_value(field[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      free(out);
      return NULL;
    }
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return out;
}

static void print_hex(const uint8_t *bytes, size_t length) {
  for (size_t i = 0; i < length; i++) printf("%02x", bytes[i]);
  printf("\n");
}

/* Copies `length` bytes into a buffer of exactly that size, so the verifier cannot read past a fixed field. */
static uint8_t *exact(const uint8_t *bytes, size_t length) {
  uint8_t *out = malloc(length > 0 ? length : 1);
  memcpy(out, bytes, length);
  return out;
}

static void run_case(const char *kind, const uint8_t *p, size_t length) {
  if (strcmp(kind, "sha256") == 0) {
    struct sha256_ctx ctx;
    uint8_t digest[32];
    sha256_init(&ctx);
    /* Two uneven pieces, so the buffering path is exercised too. */
    sha256_update(&ctx, p, length / 3);
    sha256_update(&ctx, p + length / 3, length - length / 3);
    sha256_final(&ctx, digest);
    print_hex(digest, 32);
  } else if (strcmp(kind, "sha512") == 0) {
    struct sha512_ctx ctx;
    uint8_t digest[64];
    sha512_init(&ctx);
    sha512_update(&ctx, p, length / 3);
    sha512_update(&ctx, p + length / 3, length - length / 3);
    sha512_final(&ctx, digest);
    print_hex(digest, 64);
  } else if (strcmp(kind, "p256key") == 0 && length == 65) {
    printf("%d\n", p256_public_key_check(p));
  } else if (strcmp(kind, "p256") == 0 && length >= 97) {
    uint8_t *pub = exact(p, 65), *hash = exact(p + 65, 32), *der = exact(p + 97, length - 97);
    printf("%d\n", p256_ecdsa_verify_der(pub, hash, der, length - 97));
    free(pub);
    free(hash);
    free(der);
  } else if (strcmp(kind, "ed25519") == 0 && length >= 96) {
    uint8_t *pub = exact(p, 32), *sig = exact(p + 32, 64), *msg = exact(p + 96, length - 96);
    printf("%d\n", ed25519_verify(pub, msg, length - 96, sig));
    free(pub);
    free(sig);
    free(msg);
  } else {
    printf("error\n");
  }
}

int main(void) {
  static char line[1 << 22];
  while (fgets(line, sizeof line, stdin) != NULL) {
    line[strcspn(line, "\r\n")] = 0;
    char *kind = strtok(line, " ");
    char *field = strtok(NULL, " ");
    size_t length = 0;
    uint8_t *payload = kind != NULL && field != NULL ? read_hex(field, &length) : NULL;
    if (payload == NULL) {
      printf("error\n");
      continue;
    }
    run_case(kind, payload, length);
    free(payload);
  }
  return 0;
}
