/*
 * The hardware security counter, one per image, in the last sector of the bootloader partition (never erased by
 * the bootloader): an append-only log of entries {u32 value, u32 ~value} (little-endian), one write unit each
 * (8 bytes, or the write size if larger). The counter is the largest intact entry; a torn entry (its check word
 * wrong, or unreadable on ECC flash) is skipped, and the next value goes into the next erased entry.
 */
#include "boot.h"

#define ENTRY_SIZE (WRITE_SIZE > 8u ? WRITE_SIZE : 8u)
#define REGION_SIZE (COUNTER_SIZE / IMAGE_COUNT / ENTRY_SIZE * ENTRY_SIZE)

static const struct area counter_area = {COUNTER_OFFSET, COUNTER_SIZE};

static int64_t entry_word(uint32_t offset) {
  uint32_t value = 0;
  for (uint32_t i = 0; i < 4u; i++) {
    int byte = flash_read_byte(area_ptr(&counter_area, offset + i));
    if (byte < 0) return -1;
    value |= (uint32_t)byte << (8u * i);
  }
  return value;
}

/* The counter's value, and the offset of the first erased entry (REGION_SIZE when full). */
static uint32_t scan(int image, uint32_t *free_entry) {
  uint32_t start = (uint32_t)image * REGION_SIZE, best = 0;
  *free_entry = start + REGION_SIZE;
  for (uint32_t at = start; at < start + REGION_SIZE; at += ENTRY_SIZE) {
    if (area_is_erased(&counter_area, at, ENTRY_SIZE)) {
      *free_entry = at;
      break;
    }
    int64_t value = entry_word(at), check = entry_word(at + 4u);
    if (value >= 0 && check >= 0 && (uint32_t)value == ~(uint32_t)check && (uint32_t)value > best) {
      best = (uint32_t)value;
    }
  }
  return best;
}

uint32_t counter_read(int image) {
  uint32_t free_entry;
  return scan(image, &free_entry);
}

void counter_raise(int image, uint32_t value) {
  uint32_t free_entry;
  if (value <= scan(image, &free_entry)) return;
  if (free_entry >= (uint32_t)image * REGION_SIZE + REGION_SIZE) {
    log_line("E", "Security counter storage is full");
    return;
  }
  uint8_t entry[8];
  for (uint32_t i = 0; i < 4u; i++) {
    entry[i] = (uint8_t)(value >> (8u * i));
    entry[4u + i] = (uint8_t)(~value >> (8u * i));
  }
  area_write(&counter_area, free_entry, entry, 8);
  log_value("I", "Security counter raised to", value);
}
