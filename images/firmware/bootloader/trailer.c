/* The image trailer, byte for byte as MCUboot lays it out (FORMATS.md §2), and the swap-type decision (§3.2). */
#include "boot.h"

#if BOOT_MAX_ALIGN == 8u
static const uint8_t boot_magic[16] = {0x77, 0xc2, 0x95, 0xf3, 0x60, 0xd2, 0xef, 0x7f,
                                       0x35, 0x52, 0x50, 0x0f, 0x2c, 0xb6, 0x79, 0x80};
#else
static const uint8_t boot_magic[16] = {BOOT_MAX_ALIGN & 0xffu, BOOT_MAX_ALIGN >> 8, 0x2d, 0xe1, 0x5d, 0x29, 0x41, 0x0b,
                                       0x8d, 0x77, 0x67, 0x9c, 0x11, 0x0f, 0x1f, 0x8a};
#endif

static uint8_t read_magic(const struct area *area) {
  int erased = 1, good = 1;
  for (uint32_t i = 0; i < 16u; i++) {
    int byte = flash_read_byte(area_ptr(area, area->size - 16u + i));
    if (byte != ERASED_VALUE) erased = 0;
#ifdef MUTANT_TORN_MAGIC
    /* Defect: only the first word of the magic is compared, so a magic torn after it reads GOOD. */
    if (i < 4u && byte != boot_magic[i]) good = 0;
#else
    if (byte != boot_magic[i]) good = 0;
#endif
  }
  return erased ? MAGIC_UNSET : good ? MAGIC_GOOD : MAGIC_BAD;
}

static uint8_t read_flag(const struct area *area, uint32_t offset) {
  int byte = flash_read_byte(area_ptr(area, offset));
  return byte == ERASED_VALUE ? FLAG_UNSET : byte == 1 ? FLAG_SET : FLAG_BAD;
}

void trailer_read(const struct area *area, struct trailer *out) {
  out->magic = read_magic(area);
  out->image_ok = read_flag(area, TRAILER_IMAGE_OK(area->size));
  out->copy_done = read_flag(area, TRAILER_COPY_DONE(area->size));
  int info = flash_read_byte(area_ptr(area, TRAILER_SWAP_INFO(area->size)));
  uint8_t type = (uint8_t)(info & 0x0f);
  if (info < 0 || info == ERASED_VALUE || type < SWAP_NONE || type > SWAP_REVERT) {
    out->swap_type = SWAP_NONE;
    out->swap_image = 0;
  } else {
    out->swap_type = type;
    out->swap_image = (uint8_t)(info >> 4);
  }
  uint32_t size = 0;
  for (uint32_t i = 0; i < 4u; i++) {
    int byte = flash_read_byte(area_ptr(area, TRAILER_SWAP_SIZE(area->size) + i));
    size |= (uint32_t)(byte & 0xff) << (8u * i);
  }
  out->swap_size = size;
}

/* On write-once (ECC) flash a unit that is not erased cannot be programmed again: refuse instead. */
static int write_field(const struct area *area, uint32_t offset, const uint8_t *data, uint32_t length) {
#if PROGRAM_ONCE
  if (!area_is_erased(area, offset, ALIGN_UP(length, WRITE_SIZE))) {
    log_value("E", "Trailer write refused, unit not erased at", FLASH_BASE + area->offset + offset);
    return -1;
  }
#endif
  area_write(area, offset, data, length);
  return 0;
}

int trailer_write_flag(const struct area *area, uint32_t offset) {
  const uint8_t set = 1;
  return write_field(area, offset, &set, 1);
}

int trailer_write_swap_info(const struct area *area, uint8_t swap_type, uint8_t image) {
  uint8_t info = (uint8_t)(image << 4 | swap_type);
  return write_field(area, TRAILER_SWAP_INFO(area->size), &info, 1);
}

int trailer_write_swap_size(const struct area *area, uint32_t size) {
  uint8_t bytes[4] = {(uint8_t)size, (uint8_t)(size >> 8), (uint8_t)(size >> 16), (uint8_t)(size >> 24)};
  return write_field(area, TRAILER_SWAP_SIZE(area->size), bytes, 4);
}

/* One write of ALIGN_UP(16, BOOT_MAX_ALIGN) bytes, the magic in its last 16; always the last field written. */
int trailer_write_magic(const struct area *area) {
  uint8_t bytes[MAGIC_WRITE_SIZE];
  for (uint32_t i = 0; i < MAGIC_WRITE_SIZE; i++) {
    bytes[i] = i + 16u < MAGIC_WRITE_SIZE ? ERASED_VALUE : boot_magic[i - (MAGIC_WRITE_SIZE - 16u)];
  }
  return write_field(area, TRAILER_MAGIC_WRITE(area->size), bytes, MAGIC_WRITE_SIZE);
}

int trailer_write_status(const struct area *area, uint32_t offset, uint8_t value) {
#ifdef MUTANT_NO_PROGRESS
  /* Defect: the progress record is never written, so a resumed swap starts over on half-swapped slots. */
  (void)area, (void)offset, (void)value;
  return 0;
#else
  return write_field(area, offset, &value, 1);
#endif
}

int status_written(const struct area *area, uint32_t offset) {
  return flash_read_byte(area_ptr(area, offset)) != ERASED_VALUE;
}

/* Rows II, III and IV of boot_swap_type_multi; row IV takes any secondary magic (#1966). */
uint8_t swap_type_decide(const struct trailer *primary, const struct trailer *secondary) {
  if (secondary->magic == MAGIC_GOOD && secondary->image_ok == FLAG_UNSET) return SWAP_TEST;
  if (secondary->magic == MAGIC_GOOD && secondary->image_ok == FLAG_SET) return SWAP_PERM;
  if (primary->magic == MAGIC_GOOD && primary->image_ok == FLAG_UNSET && primary->copy_done == FLAG_SET) {
    return SWAP_REVERT;
  }
  return SWAP_NONE;
}

const char *swap_type_name(uint8_t type) {
  switch (type) {
    case SWAP_TEST:
      return "test";
    case SWAP_PERM:
      return "perm";
    case SWAP_REVERT:
      return "revert";
    case SWAP_FAIL:
      return "fail";
    default:
      return "none";
  }
}
