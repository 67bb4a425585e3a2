/*
 * swap-move (MCUboot swap_move.c, FORMATS.md §3.6): move every used primary sector up by one (into the spare
 * sector), then swap sector by sector: secondary i -> primary i, primary i+1 (the old sector i) -> secondary i.
 * Steps, as counted by `progress.done`: `last` move records, then two swap records per sector. Every step's
 * record is written after its flash work, and a step whose record is missing is redone from its erase.
 */
#include "boot.h"

const int strategy_marks_completion = 1;
const char strategy_name[] = "swap-move";

static uint32_t sector_of(const struct area *area) {
  uint32_t size;
  sector_start(area->offset, &size);
  return size;
}

static const char *uniform(const struct area *area, uint32_t size) {
  for (uint32_t at = 0; at < area->size; at += size) {
    uint32_t here;
    if (sector_start(area->offset + at, &here) != area->offset + at || here != size) return "sectors are not uniform";
  }
  return area->size % size ? "slot is not a whole number of sectors" : 0;
}

const char *strategy_layout_problem(int image) {
  const struct image_areas *slots = &image_slots[image];
  uint32_t size = sector_of(&slots->primary);
  const char *problem = uniform(&slots->primary, size);
  if (problem == 0) problem = uniform(&slots->secondary, size);
  if (problem) return problem;
  uint32_t np = slots->primary.size / size, ns = slots->secondary.size / size;
  if (np != ns && np != ns + 1u) return "the primary needs as many sectors as the secondary, or one more";
  if (np > BOOT_MAX_IMG_SECTORS) return "more sectors than BOOT_MAX_IMG_SECTORS";
  return 0;
}

/* The trailer rounded up to whole sectors, and the spare sector left out of the primary (FORMATS.md §2.6). */
uint32_t strategy_max_image_size(int image) {
  const struct image_areas *slots = &image_slots[image];
  uint32_t size = sector_of(&slots->primary), trailer = ALIGN_UP(TRAILER_SIZE, size);
  uint32_t primary = slots->primary.size - trailer - size, secondary = slots->secondary.size - trailer;
  return primary < secondary ? primary : secondary;
}

static uint32_t last_index(int image, uint32_t swap_size) {
  uint32_t size = sector_of(&image_slots[image].primary);
  return (swap_size + size - 1u) / size;
}

/* Record offsets: the move records (one per index) first, then two swap records per index. */
static uint32_t move_record(const struct area *area, uint32_t index) {
  return STATUS_START(area->size) + (index - 1u) * WRITE_SIZE;
}
static uint32_t swap_record(const struct area *area, uint32_t index, uint32_t state) {
  return STATUS_START(area->size) + (BOOT_MAX_IMG_SECTORS + (index - 1u) * 2u + state - 1u) * WRITE_SIZE;
}

void strategy_read_progress(int image, struct progress *progress) {
  const struct image_areas *slots = &image_slots[image];
  struct trailer primary, secondary;
  *progress = (struct progress){0};
  trailer_read(&slots->primary, &primary);
  trailer_read(&slots->secondary, &secondary);
  /* The primary holds the status while its magic is GOOD, copy_done is not SET and the secondary's is not GOOD. */
  if (primary.magic != MAGIC_GOOD || primary.copy_done == FLAG_SET || secondary.magic == MAGIC_GOOD) return;
  progress->source_primary = 1;
  progress->swap_type = primary.swap_type;
  progress->swap_size = primary.swap_size;
#ifdef MUTANT_SWAP_STATE_IN_RAM
  /* Defect: progress is believed to live in RAM, so after a reset nothing is resumed. */
  return;
#endif
  int last_written = -1;
  for (uint32_t i = 0; i < BOOT_MAX_IMG_SECTORS * 3u; i++) {
    uint32_t offset = i < BOOT_MAX_IMG_SECTORS ? move_record(&slots->primary, i + 1u)
                                               : swap_record(&slots->primary, (i - BOOT_MAX_IMG_SECTORS) / 2u + 1u,
                                                             (i - BOOT_MAX_IMG_SECTORS) % 2u + 1u);
    if (status_written(&slots->primary, offset)) last_written = (int)i;
  }
  if (last_written < 0) return;
  if (primary.swap_size == 0u || primary.swap_size > slots->primary.size) {
    log_line("W", "Swap status without a usable swap_size, not resumed");
    *progress = (struct progress){0};
    return;
  }
  uint32_t last = last_index(image, primary.swap_size);
  uint32_t done = (uint32_t)last_written < BOOT_MAX_IMG_SECTORS
                      ? (uint32_t)last_written + 1u
                      : last + ((uint32_t)last_written - BOOT_MAX_IMG_SECTORS) + 1u;
  progress->done = done < 3u * last ? done : 3u * last;
}

void strategy_begin(int image, uint8_t swap_type, struct progress *progress) {
  const struct image_areas *slots = &image_slots[image];
  struct image_info info;
  uint32_t limit = slots->primary.size, size = 0;
  if (image_extent(&slots->primary, 0, limit, &info) == 0) size = info.end;
  if (image_extent(&slots->secondary, 0, limit, &info) == 0 && info.end > size) size = info.end;
  struct progress recorded;
  strategy_read_progress(image, &recorded);
  /* An earlier boot already wrote this swap's status trailer and was cut before the first step: keep it. */
  int initialised = recorded.source_primary && recorded.done == 0 && recorded.swap_type == swap_type;
  *progress = (struct progress){.swap_type = swap_type, .swap_size = size, .source_primary = (uint8_t)initialised};
}

void erase_trailer_sectors(const struct area *area) {
  area_erase_range(area, area->size - TRAILER_SIZE, area->size, 1);
}

/*
 * Before the first move: for a revert, the secondary trailer that makes an interrupted start look like a
 * permanent upgrade of the old image (fixup_revert; swap_info REVERT marks it as the revert it is, as the
 * reference model does, so downgrade prevention lets it through); then the primary's status trailer; then the
 * secondary's trailer is erased.
 */
static void start_swap(int image, struct progress *progress) {
  const struct image_areas *slots = &image_slots[image];
  struct trailer secondary;
  trailer_read(&slots->secondary, &secondary);
  if (progress->swap_type == SWAP_REVERT && secondary.magic != MAGIC_GOOD) {
    erase_trailer_sectors(&slots->secondary);
    trailer_write_swap_info(&slots->secondary, SWAP_REVERT, (uint8_t)image);
    trailer_write_flag(&slots->secondary, TRAILER_IMAGE_OK(slots->secondary.size));
    trailer_write_swap_size(&slots->secondary, progress->swap_size);
    trailer_write_magic(&slots->secondary);
    trailer_read(&slots->secondary, &secondary);
  }
  if (!progress->source_primary) {
    erase_trailer_sectors(&slots->primary);
    uint8_t type = secondary.swap_type == SWAP_REVERT ? SWAP_REVERT : progress->swap_type;
    trailer_write_swap_info(&slots->primary, type, (uint8_t)image);
    if (secondary.image_ok == FLAG_SET) trailer_write_flag(&slots->primary, TRAILER_IMAGE_OK(slots->primary.size));
    trailer_write_swap_size(&slots->primary, progress->swap_size);
    trailer_write_magic(&slots->primary);
  }
  erase_trailer_sectors(&slots->secondary);
}

void strategy_run(int image, struct progress *progress) {
  const struct image_areas *slots = &image_slots[image];
  const struct area *primary = &slots->primary, *secondary = &slots->secondary;
  uint32_t size = sector_of(primary), last = last_index(image, progress->swap_size);
  if (progress->done == 0u) {
    uint32_t first_trailer = (primary->size - TRAILER_SIZE) / size;
    if (last >= first_trailer) {
      log_line("W", "Not enough free space to run swap upgrade");
      return;
    }
    start_swap(image, progress);
  }
  for (uint32_t step = progress->done; step < 3u * last; step++) {
    if (step < last) {
      uint32_t to = last - step;
      area_erase_sector(primary, to * size);
      area_copy(primary, (to - 1u) * size, primary, to * size, size);
      trailer_write_status(primary, move_record(primary, step + 1u), 1);
    } else {
      uint32_t pair = step - last, index = pair / 2u + 1u;
      if (pair % 2u == 0u) {
        area_erase_sector(primary, (index - 1u) * size);
        area_copy(secondary, (index - 1u) * size, primary, (index - 1u) * size, size);
        trailer_write_status(primary, swap_record(primary, index, 1), 1);
      } else {
        area_erase_sector(secondary, (index - 1u) * size);
        area_copy(primary, index * size, secondary, (index - 1u) * size, size);
        trailer_write_status(primary, swap_record(primary, index, 2), 2);
      }
    }
  }
}
