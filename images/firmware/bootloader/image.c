/*
 * Image validation as MCUboot's loader does it (FORMATS.md §1.2-1.9): header checks, the protected and unprotected
 * TLV areas with every entry bounds-checked, SHA-256 over header + payload + protected TLVs, KEYHASH against the
 * embedded keys, the signature over the hash; the security counter and dependencies from the protected area only.
 * Headers and TLVs are read through flash_read_byte (a torn ECC unit is an invalid image, not a crash).
 */
#include "boot.h"
#include "keys.h"
#include "../crypto/sha256.h"
#if defined(SIGNATURE_ECDSA_P256)
#include "../crypto/p256.h"
#elif defined(SIGNATURE_ED25519)
#include "../crypto/ed25519.h"
#else
#error "build with SIGNATURE_ECDSA_P256 or SIGNATURE_ED25519: this bootloader never boots unsigned images"
#endif

#define IMAGE_MAGIC 0x96f3b83du
#define TLV_INFO_MAGIC 0x6907u
#define TLV_PROT_INFO_MAGIC 0x6908u
#define TLV_KEYHASH 0x01u
#define TLV_SHA256 0x10u
#define TLV_ECDSA_SIG 0x22u
#define TLV_ED25519 0x24u
#define TLV_DEPENDENCY 0x40u
#define TLV_SEC_CNT 0x50u
/* Flags this loader cannot boot: encrypted, non-bootable, RAM-load, compressed. */
#define UNSUPPORTED_FLAGS (0x04u | 0x08u | 0x10u | 0x20u | 0x200u | 0x400u | 0x800u)
#define MAX_ECDSA_SIG 128u

struct walk {
  const struct area *area;
  uint32_t base, at, end;
};

/* Little-endian fields through the guarded read; -1 if any byte is unreadable. */
static int64_t read_le(const struct area *area, uint32_t offset, uint32_t size) {
  uint32_t value = 0;
  for (uint32_t i = 0; i < size; i++) {
    int byte = flash_read_byte(area_ptr(area, offset + i));
    if (byte < 0) return -1;
    value |= (uint32_t)byte << (8u * i);
  }
  return value;
}

static int read_bytes(const struct area *area, uint32_t offset, uint8_t *out, uint32_t length) {
  for (uint32_t i = 0; i < length; i++) {
    int byte = flash_read_byte(area_ptr(area, offset + i));
    if (byte < 0) return -1;
    out[i] = (uint8_t)byte;
  }
  return 0;
}

/* The next entry of the walk: 1 and its type, length and value offset; 0 at the end; -1 when it leaves the area. */
static int walk_next(struct walk *walk, uint32_t *type, uint32_t *length, uint32_t *value) {
  if (walk->at == walk->end) return 0;
  if (walk->end - walk->at < 4u) return -1;
  int64_t t = read_le(walk->area, walk->base + walk->at, 2), l = read_le(walk->area, walk->base + walk->at + 2, 2);
  if (t < 0 || l < 0) return -1;
#ifdef MUTANT_TLV_LENGTH_TRUSTED
  /* Defect: the entry's length is not checked against the end of its area (zephyrproject-rtos/mcuboot #147). */
  if (walk->at > walk->end) return 0;
#else
  if ((uint32_t)l > walk->end - walk->at - 4u) return -1;
#endif
  *type = (uint32_t)t;
  *length = (uint32_t)l;
  *value = walk->at + 4u;
  walk->at += 4u + (uint32_t)l;
#ifdef MUTANT_TLV_LENGTH_TRUSTED
  if (walk->at > walk->end) walk->at = walk->end;
#endif
  return 1;
}

int header_magic_ok(const struct area *area, uint32_t base) {
  return read_le(area, base, 4) == IMAGE_MAGIC;
}

static void read_version(const struct area *area, uint32_t offset, struct image_version *out);

int header_version(const struct area *area, uint32_t base, struct image_version *out) {
  if (!header_magic_ok(area, base)) return 0;
  read_version(area, base + 20u, out);
  return 1;
}

int version_compare(const struct image_version *a, const struct image_version *b) {
  if (a->major != b->major) return a->major < b->major ? -1 : 1;
  if (a->minor != b->minor) return a->minor < b->minor ? -1 : 1;
  if (a->revision != b->revision) return a->revision < b->revision ? -1 : 1;
  return 0;
}

static void read_version(const struct area *area, uint32_t offset, struct image_version *out) {
  out->major = (uint8_t)read_le(area, offset, 1);
  out->minor = (uint8_t)read_le(area, offset + 1u, 1);
  out->revision = (uint16_t)read_le(area, offset + 2u, 2);
  out->build = (uint32_t)read_le(area, offset + 4u, 4);
}

/* A DEPENDENCY TLV: image id, 3 bytes of padding, the minimum version. */
static const char *add_dependency(struct walk *walk, uint32_t length, uint32_t value, struct image_info *info) {
  if (length != 12u) return "dependency TLV length is not 12";
  int64_t image = read_le(walk->area, walk->base + value, 1);
  if (image < 0 || image >= IMAGE_COUNT) return "dependency on an image this build does not have";
  if (info->dependency_count == MAX_DEPENDENCIES) return "too many dependency TLVs";
  info->dependencies[info->dependency_count].image = (uint8_t)image;
  read_version(walk->area, walk->base + value + 4u, &info->dependencies[info->dependency_count].version);
  info->dependency_count++;
  return 0;
}

/* Header and TLV-area structure (§1.2, §1.4): the walks of both areas are left ready in `prot` and `unprot`. */
static const char *read_structure(const struct area *area, uint32_t base, uint32_t max_size, struct image_info *info,
                                  struct walk *prot, struct walk *unprot, uint32_t *hashed) {
  if (base >= area->size || area->size - base < 32u) return "no room for a header";
  int64_t magic = read_le(area, base, 4);
  if (magic != IMAGE_MAGIC) return "bad image magic";
  uint32_t hdr_size = (uint32_t)read_le(area, base + 8u, 2);
  uint32_t prot_size = (uint32_t)read_le(area, base + 10u, 2);
  int64_t img_size = read_le(area, base + 12u, 4), flags = read_le(area, base + 16u, 4);
  if (img_size < 0 || flags < 0) return "unreadable header";
  if (hdr_size < 32u) return "header size below 32";
  if ((uint32_t)flags & UNSUPPORTED_FLAGS) return "image flags this loader does not support";
  read_version(area, base + 20u, &info->version);
  uint32_t limit = area->size - base;
  uint64_t tlv_at = (uint64_t)hdr_size + (uint64_t)img_size;
  if (tlv_at + prot_size >= limit) return "image larger than its slot";
  *hashed = (uint32_t)tlv_at + prot_size;

  prot->area = unprot->area = area;
  prot->base = unprot->base = base;
  prot->at = prot->end = (uint32_t)tlv_at;
  if (prot_size > 0u) {
    if (read_le(area, base + (uint32_t)tlv_at, 2) != TLV_PROT_INFO_MAGIC) return "protected TLV area magic";
    if (read_le(area, base + (uint32_t)tlv_at + 2u, 2) != prot_size || prot_size < 4u) {
      return "protected TLV area size differs from the header";
    }
    prot->at = (uint32_t)tlv_at + 4u;
    prot->end = (uint32_t)tlv_at + prot_size;
  }
  uint32_t info_at = *hashed;
  if (limit - info_at < 4u) return "no room for the TLV area";
  if (read_le(area, base + info_at, 2) != TLV_INFO_MAGIC) return "TLV area magic";
  uint32_t total = (uint32_t)read_le(area, base + info_at + 2u, 2);
  if (total < 4u) return "TLV area size below its header";
  unprot->at = info_at + 4u;
  unprot->end = info_at + total;
  info->end = unprot->end;
  if (info->end > max_size || info->end > limit) return "image ends past the largest image the slot takes";
  return 0;
}

/* Security counter and dependencies: the protected area only (the unprotected one is not signed, #506). */
static const char *read_protected(struct walk *walk, struct image_info *info) {
  uint32_t type, length, value;
  int step;
  while ((step = walk_next(walk, &type, &length, &value)) > 0) {
    if (type == TLV_SEC_CNT) {
      if (length != 4u) return "security counter TLV length is not 4";
      info->security_counter = (uint32_t)read_le(walk->area, walk->base + value, 4);
      info->has_security_counter = 1;
    }
#ifndef MUTANT_DEPENDENCIES_UNPROTECTED
    if (type == TLV_DEPENDENCY) {
      const char *problem = add_dependency(walk, length, value, info);
      if (problem) return problem;
    }
#endif
  }
  return step < 0 ? "protected TLV runs past its area" : 0;
}

const char *image_extent(const struct area *area, uint32_t base, uint32_t max_size, struct image_info *info) {
  struct walk prot, unprot;
  uint32_t hashed;
  *info = (struct image_info){0};
  return read_structure(area, base, max_size, info, &prot, &unprot, &hashed);
}

static void sha256_of(const uint8_t *data, uint32_t length, uint8_t out[32]) {
  struct sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, data, length);
  sha256_final(&ctx, out);
}

static int equal(const uint8_t *a, const uint8_t *b, uint32_t length) {
  uint8_t diff = 0;
  for (uint32_t i = 0; i < length; i++) diff |= (uint8_t)(a[i] ^ b[i]);
  return diff == 0;
}

/* The embedded key whose SHA-256 starts with the KEYHASH value (a truncated KEYHASH is allowed, §1.7), or -1. */
static int find_key(const struct walk *walk, uint32_t length, uint32_t value) {
  uint8_t wanted[32], digest[32];
  if (length == 0u || length > 32u || read_bytes(walk->area, walk->base + value, wanted, length) < 0) return -1;
  for (uint32_t k = 0; k < BOOT_KEY_COUNT; k++) {
    sha256_of(boot_keys[k].spki, boot_keys[k].spki_length, digest);
    if (equal(digest, wanted, length)) return (int)k;
  }
  return -1;
}

static int signature_ok(const struct walk *walk, int key, uint32_t length, uint32_t value, const uint8_t hash[32]) {
  const struct boot_key *k = &boot_keys[key];
#if defined(SIGNATURE_ECDSA_P256)
  uint8_t der[MAX_ECDSA_SIG];
  if (length > MAX_ECDSA_SIG || read_bytes(walk->area, walk->base + value, der, length) < 0) return 0;
  /* The loader's ASN.1 reader stops at the end of the SEQUENCE: legacy --pad-sig zeros after it are not read. */
  if (length >= 2u && der[0] == 0x30u && der[1] < 0x80u && der[1] + 2u < length) length = der[1] + 2u;
  return p256_ecdsa_verify_der(k->spki + k->spki_length - 65u, hash, der, length) == 1;
#else
  uint8_t sig[64];
  if (length != 64u || read_bytes(walk->area, walk->base + value, sig, 64) < 0) return 0;
  return ed25519_verify(k->spki + k->spki_length - 32u, hash, 32, sig) == 1;
#endif
}

const char *image_validate(const struct area *area, uint32_t base, uint32_t max_size, uint32_t min_counter,
                           struct image_info *info) {
  struct walk prot, unprot;
  uint32_t hashed;
  *info = (struct image_info){0};
  const char *problem = read_structure(area, base, max_size, info, &prot, &unprot, &hashed);
  if (problem == 0) problem = read_protected(&prot, info);
  if (problem) return problem;

  uint8_t hash[32], stored[32];
  sha256_of(area_ptr(area, base), hashed, hash);
  int hash_ok = 0, signature = 0, key = -1, step;
  uint32_t type, length, value;
#if defined(SIGNATURE_ECDSA_P256)
  const uint32_t signature_type = TLV_ECDSA_SIG;
#else
  const uint32_t signature_type = TLV_ED25519;
#endif
  while ((step = walk_next(&unprot, &type, &length, &value)) > 0) {
    if (type == TLV_SHA256) {
      if (length != 32u || read_bytes(area, base + value, stored, 32) < 0) return "hash TLV length is not 32";
      if (!equal(hash, stored, 32)) return "hash mismatch";
      hash_ok = 1;
    } else if (type == TLV_KEYHASH) {
      if (length > 32u) return "key hash TLV longer than SHA-256";
      key = find_key(&unprot, length, value);
    } else if (type == signature_type && key >= 0) {
      /* The last signature whose key is known decides (§1.6). */
      signature = signature_ok(&unprot, key, length, value, hash);
#ifdef MUTANT_DEPENDENCIES_UNPROTECTED
    } else if (type == TLV_DEPENDENCY) {
      /* Defect: dependencies taken from the unsigned area, where anyone may add or edit them. */
      problem = add_dependency(&unprot, length, value, info);
      if (problem) return problem;
#endif
    }
  }
  if (step < 0) return "TLV runs past its area";
  if (!hash_ok) return "no hash TLV";
  if (!signature) return key < 0 ? "no signature by a known key" : "signature does not verify";
#if defined(DOWNGRADE_SECURITY_COUNTER)
  if (!info->has_security_counter) return "no security counter TLV";
  if (info->security_counter < min_counter) return "security counter below the device's";
#else
  (void)min_counter;
#endif
  return 0;
}
