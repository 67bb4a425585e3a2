/*
 * The boot flow of MCUboot's loader.c context_boot_go for swap and overwrite builds (FORMATS.md §3.1), the same
 * specification as the reference model (emulator/boot/reference.ts): loop 1 resumes an interrupted update or decides
 * and screens a new one per image, then the dependency check, loop 2 performs the updates, loop 3 checks every
 * primary, moves the rollback counters and hands off image 0. Every decision is one console line.
 */
#include "boot.h"
#include "../common/print.h"

/* What loop 1 learnt of each secondary it screened: the downgrade check of loop 2 needs no second verify. */
static struct image_info candidates[IMAGE_COUNT];

static int is_update(uint8_t type) { return type == SWAP_TEST || type == SWAP_PERM || type == SWAP_REVERT; }

void log_line(const char *level, const char *text) {
  out_str(level);
  out_str(": ");
  out_str(text);
  out_str("\n");
}

void log_value(const char *level, const char *text, uint32_t value) {
  out_str(level);
  out_str(": ");
  out_str(text);
  out_str(" ");
  out_hex(value);
  out_str("\n");
}

static void log_image(int image, const char *what, const char *detail) {
  out_str("I: Image ");
  out_dec((uint32_t)image);
  out_str(": ");
  out_str(what);
  if (detail) {
    out_str(": ");
    out_str(detail);
  }
  out_str("\n");
}

static void log_trailer(const char *slot, const struct trailer *t) {
  static const char *const magic[] = {"", "good", "bad", "unset"};
  out_str("I: ");
  out_str(slot);
  out_str(" image: magic=");
  out_str(magic[t->magic]);
  out_str(", swap_type=0x");
  out_dec(t->swap_type);
  out_str(", copy_done=0x");
  out_dec(t->copy_done);
  out_str(", image_ok=0x");
  out_dec(t->image_ok);
  out_str("\n");
}

static uint32_t min_counter(int image) {
#if defined(DOWNGRADE_SECURITY_COUNTER)
  return counter_read(image);
#else
  (void)image;
  return 0;
#endif
}

static const char *validate(int image, int secondary, struct image_info *info) {
  const struct area *area = secondary ? &image_slots[image].secondary : &image_slots[image].primary;
  return image_validate(area, 0, strategy_max_image_size(image), min_counter(image), info);
}

/* After an update: image_ok for a revert or a permanent upgrade, copy_done for any (FORMATS.md §3.1 step 6). */
static void complete_update(int image, uint8_t type) {
  if (!strategy_marks_completion) return;
  const struct area *primary = &image_slots[image].primary;
  struct trailer t;
  trailer_read(primary, &t);
#ifdef MUTANT_ECC_REWRITE
  /*
   * Defect: image_ok is written again although the swap's status trailer already carries it (a permanent request,
   * a revert): harmless on NOR that only clears bits, a second program of one unit on ECC flash (#1288).
   */
  if (type == SWAP_REVERT || type == SWAP_PERM) area_write(primary, TRAILER_IMAGE_OK(primary->size), &(uint8_t){1}, 1);
#else
  if ((type == SWAP_REVERT || type == SWAP_PERM) && t.image_ok == FLAG_UNSET) {
    trailer_write_flag(primary, TRAILER_IMAGE_OK(primary->size));
  }
#endif
  if (t.copy_done == FLAG_UNSET) trailer_write_flag(primary, TRAILER_COPY_DONE(primary->size));
  log_image(image, swap_type_name(type), "complete");
}

static void erase_slot(const struct area *area) { area_erase_range(area, 0, area->size, 0); }

/*
 * A test swap that is complete but whose copy_done write tore (BAD: neither read as set nor written again) cannot be
 * closed: it would be resumed, and its image tried, at every boot, so an image that never confirms itself would never
 * be reverted. FAULTS F-07 asks every torn state to reach a bootable image: the trial counts as over, and the image
 * is reverted unless it confirmed itself (the reference model's rule, emulator/boot/reference.ts).
 */
static int torn_trial_over(int image, uint8_t type) {
  if (type != SWAP_TEST) return 0;
  struct trailer t;
  trailer_read(&image_slots[image].primary, &t);
  if (t.copy_done != FLAG_BAD || t.image_ok != FLAG_UNSET) return 0;
  log_image(image, "copy_done torn after a complete test swap", "the unconfirmed image is reverted");
  return 1;
}

/* MCUboot's review of earlier images: their REVERT waits while a later image is mid-update (FORMATS.md §3.9). */
static void cancel_earlier_reverts(uint8_t *types, int image) {
  for (int earlier = 0; earlier < image; earlier++) {
    if (types[earlier] == SWAP_REVERT) types[earlier] = SWAP_NONE;
  }
}

static uint8_t prepare_image(int image, uint8_t *types) {
  const struct image_areas *slots = &image_slots[image];
  const char *problem = strategy_layout_problem(image);
  if (problem) {
    log_image(image, "no update possible", problem);
    return SWAP_NONE;
  }
  struct progress progress;
  strategy_read_progress(image, &progress);
  if (progress.done > 0u) {
    log_image(image, "resuming interrupted", swap_type_name(progress.swap_type));
    cancel_earlier_reverts(types, image);
    strategy_run(image, &progress);
    complete_update(image, progress.swap_type);
    return torn_trial_over(image, progress.swap_type) ? SWAP_REVERT : SWAP_NONE;
  }
  int recorded = progress.source_primary && is_update(progress.swap_type);
  uint8_t type = progress.swap_type;
  if (!recorded) {
    struct trailer primary, secondary;
    trailer_read(&slots->primary, &primary);
    trailer_read(&slots->secondary, &secondary);
    log_trailer("Primary", &primary);
    log_trailer("Secondary", &secondary);
    type = swap_type_decide(&primary, &secondary);
  }
  out_str("I: Swap type: ");
  out_str(swap_type_name(type));
  out_str("\n");
  if (is_update(type)) {
#ifdef MUTANT_ERASE_BEFORE_VALIDATE
    /* Defect: the primary is erased to make room before the candidate is known to be good. */
    if (type != SWAP_REVERT) erase_slot(&slots->primary);
#endif
    const char *reason = validate(image, 1, &candidates[image]);
#ifdef MUTANT_REVERT_WITHOUT_VALIDATION
    /* Defect: the image a revert goes back to is trusted because it booted once. */
    if (type == SWAP_REVERT) reason = 0;
#endif
    if (reason) {
      log_image(image, "secondary slot rejected", reason);
      if (recorded) {
        type = SWAP_FAIL;
      } else {
        if (!area_is_erased(&slots->secondary, 0, slots->secondary.size)) erase_slot(&slots->secondary);
        type = SWAP_NONE;
      }
    }
  }
  if (type == SWAP_TEST || type == SWAP_PERM || type == SWAP_FAIL) cancel_earlier_reverts(types, image);
  return type;
}

/* MCUboot check_downgrade_prevention, for TEST and PERM alike (#1708); never for a revert, which must go back. */
static int downgrade_allowed(int image) {
#if defined(DOWNGRADE_VERSION) || defined(DOWNGRADE_SECURITY_COUNTER)
  const struct image_areas *slots = &image_slots[image];
  struct trailer secondary;
  trailer_read(&slots->secondary, &secondary);
  /* swap-move's revert fixup marks the old image coming back with swap_info REVERT. */
  if (secondary.swap_type == SWAP_REVERT) return 1;
  const struct image_info *candidate = &candidates[image];
#if defined(DOWNGRADE_VERSION)
  struct image_version current;
  if (!header_version(&slots->primary, 0, &current)) return 1;
  return version_compare(&candidate->version, &current) >= 0;
#else
  struct image_info current;
  if (validate(image, 0, &current) != 0 || !current.has_security_counter) return 1;
  return candidate->has_security_counter && candidate->security_counter >= current.security_counter;
#endif
#else
  (void)image;
  return 1;
#endif
}

static void perform_update(int image, uint8_t type) {
  const struct image_areas *slots = &image_slots[image];
  if (type == SWAP_FAIL) {
    struct trailer t;
    trailer_read(&slots->primary, &t);
    if (t.image_ok == FLAG_UNSET) trailer_write_flag(&slots->primary, TRAILER_IMAGE_OK(slots->primary.size));
    return;
  }
  if (!is_update(type)) return;
  if (type != SWAP_REVERT && !downgrade_allowed(image)) {
    log_image(image, "downgrade refused", "secondary slot erased");
    erase_slot(&slots->secondary);
    return;
  }
  log_image(image, "starting", swap_type_name(type));
  struct progress progress;
  strategy_begin(image, type, &progress);
  strategy_run(image, &progress);
  complete_update(image, type);
}

#if IMAGE_COUNT > 1
/* Any unmet dependency of a slot about to become active cancels every update of this boot (FORMATS.md §3.9). */
static int dependencies_met(const uint8_t *types) {
  struct image_info active[IMAGE_COUNT];
  for (int image = 0; image < IMAGE_COUNT; image++) validate(image, is_update(types[image]), &active[image]);
  for (int image = 0; image < IMAGE_COUNT; image++) {
    for (uint32_t d = 0; d < active[image].dependency_count; d++) {
      const struct image_info *target = &active[active[image].dependencies[d].image];
      if (version_compare(&target->version, &active[image].dependencies[d].version) < 0) {
        log_image(image, "dependency not met", "no update this boot");
        return 0;
      }
    }
  }
  return 1;
}
#endif

/* Only a confirmed image moves the counter: never during a test run (mcu-tools/mcuboot PR #2282). */
static void update_counter(int image, const struct image_info *info) {
#if defined(DOWNGRADE_SECURITY_COUNTER)
  struct trailer t;
  trailer_read(&image_slots[image].primary, &t);
#ifdef MUTANT_COUNTER_ON_TEST_BOOT
  /* Defect: the counter moves as soon as an image boots, confirmed or not. */
  t.magic = MAGIC_UNSET;
#endif
  if (info->has_security_counter && (t.magic != MAGIC_GOOD || t.image_ok == FLAG_SET)) {
    counter_raise(image, info->security_counter);
  }
#else
  (void)image, (void)info;
#endif
}

/* Returns the bus address of image 0's vector table, or 0 when there is nothing bootable. */
uint32_t boot_go(void) {
  uint8_t types[IMAGE_COUNT];
  log_line("I", "Starting bootproof bootloader");
  for (int image = 0; image < IMAGE_COUNT; image++) types[image] = SWAP_NONE;
  for (int image = 0; image < IMAGE_COUNT; image++) types[image] = prepare_image(image, types);
#if IMAGE_COUNT > 1
  int any = 0;
  for (int image = 0; image < IMAGE_COUNT; image++) any |= is_update(types[image]);
  if (any && !dependencies_met(types)) {
    for (int image = 0; image < IMAGE_COUNT; image++) types[image] = SWAP_NONE;
  }
#endif
  for (int image = 0; image < IMAGE_COUNT; image++) perform_update(image, types[image]);

  for (int image = 0; image < IMAGE_COUNT; image++) {
    struct image_info info = {0};
#if (defined(VALIDATE_PRIMARY) || defined(DOWNGRADE_SECURITY_COUNTER)) && !defined(MUTANT_PRIMARY_NOT_VALIDATED)
    const char *reason = validate(image, 0, &info);
    if (reason) {
      log_image(image, "primary slot is not bootable", reason);
      return 0;
    }
#else
    if (!header_magic_ok(&image_slots[image].primary, 0)) {
      log_image(image, "no image header in the primary slot", 0);
      return 0;
    }
#endif
    update_counter(image, &info);
  }
  const struct area *primary = &image_slots[0].primary;
  uint32_t hdr_size = (uint32_t)area_ptr(primary, 8)[0] | (uint32_t)area_ptr(primary, 9)[0] << 8;
  log_value("I", "Bootloader chainload address offset:", primary->offset);
  return FLASH_BASE + primary->offset + hdr_size;
}
