/*
 * overwrite-only (MCUboot loader.c boot_copy_image, FORMATS.md §3.8): erase the primary, copy the secondary's
 * image over it, then erase the secondary's header and trailer sectors. No progress records: a cut anywhere before
 * the secondary's header is erased leaves a valid, still-pending secondary, so the next boot starts again.
 */
#include "boot.h"

const int strategy_marks_completion = 0;
const char strategy_name[] = "overwrite-only";

const char *strategy_layout_problem(int image) {
  return image_slots[image].secondary.size > image_slots[image].primary.size
             ? "the secondary slot is larger than the primary"
             : 0;
}

/* Up to swap_info: the loader reserves more than imgtool's overwrite-only estimate (FORMATS.md §2.5). */
uint32_t strategy_max_image_size(int image) {
  const struct image_areas *slots = &image_slots[image];
  uint32_t size = slots->primary.size < slots->secondary.size ? slots->primary.size : slots->secondary.size;
  return TRAILER_SWAP_INFO(size);
}

void strategy_read_progress(int image, struct progress *progress) {
  (void)image;
  *progress = (struct progress){0};
}

void strategy_begin(int image, uint8_t swap_type, struct progress *progress) {
  struct image_info info;
  *progress = (struct progress){.swap_type = swap_type};
  if (image_extent(&image_slots[image].secondary, 0, strategy_max_image_size(image), &info) == 0) {
    progress->swap_size = info.end;
  }
}

void strategy_run(int image, struct progress *progress) {
  const struct image_areas *slots = &image_slots[image];
  area_erase_range(&slots->primary, 0, slots->primary.size, 0);
  area_copy(&slots->secondary, 0, &slots->primary, 0, progress->swap_size);
  /* The header first (the copy is complete, the request may go), then the trailer sectors. */
  uint32_t first_size;
  sector_start(slots->secondary.offset, &first_size);
  area_erase_sector(&slots->secondary, 0);
  uint32_t from = strategy_max_image_size(image);
  area_erase_range(&slots->secondary, from > first_size ? from : first_size, slots->secondary.size, 1);
}

void erase_trailer_sectors(const struct area *area) {
  area_erase_range(area, TRAILER_SWAP_INFO(area->size), area->size, 1);
}
