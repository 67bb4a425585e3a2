/*
 * swap-scratch (MCUboot swap_scratch.c, FORMATS.md §3.5): regions of the slots, highest first, each swapped in three
 * recorded states through the scratch area. The status lives in the primary trailer, except for the region that
 * holds the trailer itself, whose status is kept in the scratch trailer until the primary trailer is rebuilt.
 * The same steps, in the same order, as the reference model (emulator/boot/strategies/swap-scratch.ts).
 */
#include "boot.h"

const int strategy_marks_completion = 1;
const char strategy_name[] = "swap-scratch";

struct region {
  uint32_t offset, size, copy;
  int use_scratch; /* the region holding the primary trailer: its status goes to the scratch (states 1, 2) */
};

static int sector_starts_at(const struct area *area, uint32_t offset) {
  uint32_t size;
  return sector_start(area->offset + offset, &size) == area->offset + offset;
}

/* Offsets that are sector boundaries in both slots, and the slot end: the only places a region starts or ends. */
static uint32_t common_boundaries(int image, uint32_t *bounds) {
  const struct image_areas *slots = &image_slots[image];
  uint32_t count = 0, size;
  for (uint32_t at = 0; at < slots->primary.size; at += size) {
    sector_start(slots->primary.offset + at, &size);
    if (sector_starts_at(&slots->secondary, at)) bounds[count++] = at;
  }
  bounds[count++] = slots->primary.size;
  return count;
}

static uint32_t sector_count(const struct area *area) {
  uint32_t count = 0, size;
  for (uint32_t at = 0; at < area->size; at += size, count++) sector_start(area->offset + at, &size);
  return count;
}

const char *strategy_layout_problem(int image) {
  const struct image_areas *slots = &image_slots[image];
  if (scratch_area.size == 0u) return "no scratch area";
  if (slots->primary.size != slots->secondary.size) return "slot sizes differ";
  if (sector_count(&slots->primary) > BOOT_MAX_IMG_SECTORS || sector_count(&slots->secondary) > BOOT_MAX_IMG_SECTORS) {
    return "more sectors than BOOT_MAX_IMG_SECTORS in a slot";
  }
  uint32_t bounds[BOOT_MAX_IMG_SECTORS + 1u];
  uint32_t count = common_boundaries(image, bounds);
  for (uint32_t i = 1; i < count; i++) {
    if (bounds[i] - bounds[i - 1u] > scratch_area.size) return "a sector group does not fit the scratch";
  }
  return 0;
}

/* Up to the status area, less what the scratch trailer needs in the trailer's region (FORMATS.md §2.6). */
uint32_t strategy_max_image_size(int image) {
  const struct image_areas *slots = &image_slots[image];
  uint32_t trailer_start = slots->primary.size - TRAILER_SIZE, size;
  uint32_t end_primary = sector_start(slots->primary.offset + trailer_start, &size) + size - slots->primary.offset;
  uint32_t end_secondary =
      sector_start(slots->secondary.offset + trailer_start, &size) + size - slots->secondary.offset;
  uint32_t end = end_primary > end_secondary ? end_primary : end_secondary;
  uint32_t room = end - trailer_start;
  return trailer_start - (SCRATCH_TRAILER_SIZE > room ? SCRATCH_TRAILER_SIZE - room : 0u);
}

/* Regions covering [0, swap_size), highest first, each as large as the scratch allows. */
static uint32_t regions_of(int image, uint32_t swap_size, struct region *regions) {
  uint32_t bounds[BOOT_MAX_IMG_SECTORS + 1u];
  uint32_t count = common_boundaries(image, bounds), n = 0, top = 0;
  uint32_t trailer_start = image_slots[image].primary.size - TRAILER_SIZE;
  uint32_t scratch_room = scratch_area.size - SCRATCH_TRAILER_SIZE;
  while (top < count && bounds[top] < swap_size) top++;
  while (top > 0u && top < count) {
    uint32_t bottom = top - 1u;
    while (bottom > 0u && bounds[top] - bounds[bottom - 1u] <= scratch_area.size) bottom--;
    struct region *r = &regions[n];
    r->offset = bounds[bottom];
    r->size = bounds[top] - r->offset;
    r->use_scratch = n == 0u && r->offset + r->size > trailer_start;
    if (r->use_scratch) {
      uint32_t copy = trailer_start - r->offset;
      r->copy = copy < scratch_room ? copy : scratch_room;
    } else {
      r->copy = r->size;
    }
    n++;
    top = bottom;
  }
  return n;
}

static uint32_t scratch_record(uint32_t state) {
  return scratch_area.size - SCRATCH_TRAILER_SIZE + (state - 1u) * WRITE_SIZE;
}
static uint32_t primary_record(const struct area *primary, uint32_t index, uint32_t state) {
  return STATUS_START(primary->size) + (index * STATUS_STATES + state - 1u) * WRITE_SIZE;
}

/* The swap-scratch table of FORMATS.md §3.3: where the status of an interrupted swap lives. */
void strategy_read_progress(int image, struct progress *progress) {
  const struct area *primary_area = &image_slots[image].primary;
  struct trailer primary, scratch;
  *progress = (struct progress){0};
  trailer_read(primary_area, &primary);
  trailer_read(&scratch_area, &scratch);
  int in_scratch;
  if (primary.magic == MAGIC_GOOD && primary.copy_done == FLAG_SET && scratch.magic != MAGIC_GOOD) return;
  if (primary.magic == MAGIC_GOOD && primary.copy_done != FLAG_SET && scratch.magic != MAGIC_GOOD) {
    in_scratch = 0;
  } else if (scratch.magic == MAGIC_GOOD) {
    if (scratch.swap_image != image) return;
    in_scratch = 1;
  } else if (primary.magic == MAGIC_UNSET && primary.copy_done == FLAG_UNSET) {
    in_scratch = 0;
  } else {
    return;
  }
  const struct trailer *source = in_scratch ? &scratch : &primary;
  progress->source_primary = 1;
  progress->swap_type = source->swap_type;
  progress->swap_size = source->swap_size;
#ifdef MUTANT_SWAP_STATE_IN_RAM
  return;
#endif
  uint32_t count = in_scratch ? STATUS_STATES : BOOT_MAX_IMG_SECTORS * STATUS_STATES;
  int found = 0;
  uint32_t done = count;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t offset = in_scratch ? scratch_record(i + 1u) : primary_record(primary_area, i / 3u, i % 3u + 1u);
    int written = status_written(in_scratch ? &scratch_area : primary_area, offset);
    if (written) found = 1;
    if (found && !written) {
      done = i;
      break;
    }
  }
  if (!found) done = 0;
  if (done > 0u && (source->swap_size == 0u || source->swap_size > primary_area->size)) {
    log_line("W", "Swap status without a usable swap_size, not resumed");
    *progress = (struct progress){0};
    return;
  }
  progress->done = done;
}

void strategy_begin(int image, uint8_t swap_type, struct progress *progress) {
  const struct image_areas *slots = &image_slots[image];
  struct image_info info;
  uint32_t limit = slots->primary.size, size = 0;
  if (image_extent(&slots->primary, 0, limit, &info) == 0) size = info.end;
  if (image_extent(&slots->secondary, 0, limit, &info) == 0 && info.end > size) size = info.end;
  *progress = (struct progress){.swap_type = swap_type, .swap_size = size};
}

void erase_trailer_sectors(const struct area *area) {
  area_erase_range(area, area->size - TRAILER_SIZE, area->size, 1);
}

/* swap_info, image_ok when the request was permanent, swap_size, and the magic last (FORMATS.md §3.3). */
static void write_swap_trailer(const struct area *area, int image, const struct progress *progress, int image_ok) {
  trailer_write_swap_info(area, progress->swap_type, (uint8_t)image);
  if (image_ok) trailer_write_flag(area, TRAILER_IMAGE_OK(area->size));
  trailer_write_swap_size(area, progress->swap_size);
  trailer_write_magic(area);
}

static void write_record(int image, const struct region *region, uint32_t index, uint32_t state) {
  if (region->use_scratch && state != 3u) {
    trailer_write_status(&scratch_area, scratch_record(state), (uint8_t)state);
  } else {
    const struct area *primary = &image_slots[image].primary;
    trailer_write_status(primary, primary_record(primary, index, state), (uint8_t)state);
  }
}

static void erase_scratch(void) { area_erase_range(&scratch_area, 0, scratch_area.size, 1); }

/* The region's sectors and (when asked) the trailer's, highest first. */
static void erase_region(const struct area *area, const struct region *region, int with_trailer) {
  uint32_t end = region->offset + region->size, trailer_start = area->size - TRAILER_SIZE;
  if (!with_trailer) {
    area_erase_range(area, region->offset, end, 1);
  } else if (trailer_start >= end) {
    area_erase_range(area, trailer_start, area->size, 1);
    area_erase_range(area, region->offset, end, 1);
  } else {
    area_erase_range(area, region->offset < trailer_start ? region->offset : trailer_start, area->size, 1);
  }
}

/*
 * Whether the scratch already carries the trailer of this very swap (a restart after a cut while the primary
 * trailer was being rebuilt): kept until the primary's reads GOOD again, as the reference model does.
 */
static int scratch_holds_swap(int image, const struct progress *progress) {
  struct trailer t;
  trailer_read(&scratch_area, &t);
  return t.magic == MAGIC_GOOD && t.swap_image == image && t.swap_type == progress->swap_type &&
         t.swap_size == progress->swap_size;
}

/* State 1: erase the scratch, (first region) set up the status trailer, copy secondary -> scratch. */
static void to_scratch(int image, const struct region *region, uint32_t index, const struct progress *progress) {
  const struct image_areas *slots = &image_slots[image];
  int kept = index == 0u && !region->use_scratch && scratch_holds_swap(image, progress);
  if (!kept) erase_scratch();
  if (index == 0u) {
    struct trailer secondary;
    trailer_read(&slots->secondary, &secondary);
    int image_ok = secondary.image_ok == FLAG_SET;
    if (!kept) write_swap_trailer(&scratch_area, image, progress, image_ok);
    if (!region->use_scratch) {
      erase_trailer_sectors(&slots->primary);
      write_swap_trailer(&slots->primary, image, progress, image_ok);
      erase_scratch();
    }
  }
  area_copy(&slots->secondary, region->offset, &scratch_area, 0, region->copy);
  write_record(image, region, index, 1);
}

/* State 2: (first region) erase the secondary trailer too, erase the secondary region, copy primary -> secondary. */
static void primary_to_secondary(int image, const struct region *region, uint32_t index) {
  const struct image_areas *slots = &image_slots[image];
  erase_region(&slots->secondary, region, index == 0u);
  area_copy(&slots->primary, region->offset, &slots->secondary, region->offset, region->copy);
  write_record(image, region, index, 2);
}

/* State 3: erase the primary region, copy scratch -> primary; for the trailer region rebuild the primary trailer. */
static void scratch_to_primary(int image, const struct region *region, uint32_t index) {
  const struct area *primary = &image_slots[image].primary;
  erase_region(primary, region, region->use_scratch);
  area_copy(&scratch_area, 0, primary, region->offset, region->copy);
  if (region->use_scratch) {
    struct region in_primary = *region;
    in_primary.use_scratch = 0;
    write_record(image, &in_primary, index, 1);
    write_record(image, &in_primary, index, 2);
    struct trailer kept;
    trailer_read(&scratch_area, &kept);
    struct progress from_scratch = {.swap_type = kept.swap_type, .swap_size = kept.swap_size};
    write_swap_trailer(primary, image, &from_scratch, kept.image_ok == FLAG_SET);
  }
  write_record(image, region, index, 3);
  /* The scratch's status copy is dead now: erased backwards so a cut never leaves it GOOD (PRs #1645, #2275). */
  if (region->use_scratch) erase_scratch();
}

void strategy_run(int image, struct progress *progress) {
  struct region regions[BOOT_MAX_IMG_SECTORS];
  uint32_t count = regions_of(image, progress->swap_size, regions);
  for (uint32_t index = 0; index < count; index++) {
    for (uint32_t state = 1; state <= STATUS_STATES; state++) {
      if (index * STATUS_STATES + state - 1u < progress->done) continue;
      if (state == 1u) to_scratch(image, &regions[index], index, progress);
      else if (state == 2u) primary_to_secondary(image, &regions[index], index);
      else scratch_to_primary(image, &regions[index], index);
    }
  }
}
