/* Flash areas over the board's sector map: erase, padded writes and copies, all through the port. */
#include "boot.h"

const struct image_areas image_slots[IMAGE_COUNT] = {
    {{IMAGE0_PRIMARY}, {IMAGE0_SECONDARY}},
#if IMAGE_COUNT > 1
    {{IMAGE1_PRIMARY}, {IMAGE1_SECONDARY}},
#endif
};
const struct area scratch_area = {SCRATCH_AREA};

static const struct {
  uint32_t count, size;
} sector_runs[] = {SECTOR_RUNS};

uint32_t sector_start(uint32_t offset, uint32_t *size) {
  uint32_t start = 0;
  for (uint32_t run = 0; run < sizeof sector_runs / sizeof sector_runs[0]; run++) {
    uint32_t span = sector_runs[run].count * sector_runs[run].size;
    if (offset < start + span) {
      *size = sector_runs[run].size;
      return start + (offset - start) / sector_runs[run].size * sector_runs[run].size;
    }
    start += span;
  }
  *size = 0;
  return start;
}

uint32_t sector_index(uint32_t offset) {
  uint32_t start = 0, index = 0;
  for (uint32_t run = 0; run < sizeof sector_runs / sizeof sector_runs[0]; run++) {
    uint32_t span = sector_runs[run].count * sector_runs[run].size;
    if (offset < start + span) return index + (offset - start) / sector_runs[run].size;
    start += span;
    index += sector_runs[run].count;
  }
  return index;
}

void area_erase_sector(const struct area *area, uint32_t offset) {
  uint32_t size;
  port_erase(sector_start(area->offset + offset, &size));
}

void area_erase_range(const struct area *area, uint32_t from, uint32_t to, int backwards) {
  if (from >= to) return;
  uint32_t size;
  if (backwards) {
    uint32_t first = sector_start(area->offset + from, &size);
    uint32_t at = sector_start(area->offset + to - 1u, &size);
    for (;;) {
      port_erase(at);
      if (at <= first) break;
      at = sector_start(at - 1u, &size);
    }
    return;
  }
  for (uint32_t at = sector_start(area->offset + from, &size); at < area->offset + to; at += size) {
    sector_start(at, &size);
    port_erase(at);
  }
}

void area_write(const struct area *area, uint32_t offset, const uint8_t *data, uint32_t length) {
  uint8_t unit[ALIGN_UP(32u, WRITE_SIZE)];
  uint32_t padded = ALIGN_UP(length, WRITE_SIZE);
  for (uint32_t i = 0; i < padded; i++) unit[i] = i < length ? data[i] : ERASED_VALUE;
  if (port_program(area->offset + offset, unit, padded) != 0) {
    boot_panic("Flash program failed at", FLASH_BASE + area->offset + offset);
  }
}

void area_copy(const struct area *from, uint32_t from_offset, const struct area *to, uint32_t to_offset,
               uint32_t length) {
  static uint8_t chunk[1024];
  uint32_t total = ALIGN_UP(length, WRITE_SIZE);
  for (uint32_t done = 0; done < total; done += sizeof chunk) {
    uint32_t size = total - done < sizeof chunk ? total - done : sizeof chunk;
    const uint8_t *source = area_ptr(from, from_offset + done);
    for (uint32_t i = 0; i < size; i++) chunk[i] = source[i];
    if (port_program(to->offset + to_offset + done, chunk, size) != 0) {
      boot_panic("Flash program failed at", FLASH_BASE + to->offset + to_offset + done);
    }
  }
}

int area_is_erased(const struct area *area, uint32_t offset, uint32_t length) {
  for (uint32_t i = 0; i < length; i++) {
    if (flash_read_byte(area_ptr(area, offset + i)) != ERASED_VALUE) return 0;
  }
  return 1;
}
