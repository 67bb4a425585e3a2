/*
 * The bootproof reference bootloader: MCUboot's on-flash formats (FORMATS.md §1-3) and boot flow, in C of our own.
 * One strategy, one signature type and one board layout are compiled in (build.sh); this header is the private
 * contract between the loader, the strategies, the trailer and image code and the flash port.
 */
#ifndef BOOTPROOF_BOOT_H
#define BOOTPROOF_BOOT_H
#include <stddef.h>
#include <stdint.h>
#include "layout.h"

#ifndef BOOT_MAX_ALIGN
#define BOOT_MAX_ALIGN 8u
#endif
#ifndef BOOT_MAX_IMG_SECTORS
#define BOOT_MAX_IMG_SECTORS 128u
#endif
#ifndef IMAGE_COUNT
#define IMAGE_COUNT 1
#endif
#if IMAGE_COUNT > BOARD_IMAGE_PAIRS
#error "IMAGE_COUNT is larger than the board's image slot pairs"
#endif
#if WRITE_SIZE > BOOT_MAX_ALIGN
#error "BOOT_MAX_ALIGN must be at least the flash write size"
#endif

#define ALIGN_UP(x, a) (((x) + (a) - 1u) / (a) * (a))

/* ---- flash areas (flash.c) ---- */
struct area {
  uint32_t offset; /* from the flash base */
  uint32_t size;
};
struct image_areas {
  struct area primary, secondary;
};
extern const struct image_areas image_slots[IMAGE_COUNT];
extern const struct area scratch_area;

/* Bus address of byte `offset` of `area`. */
static inline const uint8_t *area_ptr(const struct area *area, uint32_t offset) {
  return (const uint8_t *)(uintptr_t)(FLASH_BASE + area->offset + offset);
}
/* The erase sector holding flash offset `offset`: its start (from the flash base) and size. */
uint32_t sector_start(uint32_t offset, uint32_t *size);
/* The index of the sector starting at flash offset `offset`, counted from the flash's first sector. */
uint32_t sector_index(uint32_t offset);
void area_erase_sector(const struct area *area, uint32_t offset);
/* Erases every sector of `area` holding a byte of [from, to); `backwards` erases the highest first. */
void area_erase_range(const struct area *area, uint32_t from, uint32_t to, int backwards);
/* One program of `length` bytes padded with the erased value up to the write size (boot_write_trailer). */
void area_write(const struct area *area, uint32_t offset, const uint8_t *data, uint32_t length);
/* MCUboot's boot_copy_region: chunks of 1024 bytes, the length rounded up to the write size. */
void area_copy(const struct area *from, uint32_t from_offset, const struct area *to, uint32_t to_offset,
               uint32_t length);
int area_is_erased(const struct area *area, uint32_t offset, uint32_t length);
/* A read of one byte that survives an ECC fault: returns -1 for an unreadable (torn) unit. */
int flash_read_byte(const uint8_t *address);

/* ---- the board port (port-*.c) ---- */
void port_init(void);
void port_erase(uint32_t sector_offset);
/* 0, or -1 when the controller flagged an error (a unit programmed twice on ECC flash, say). */
int port_program(uint32_t offset, const uint8_t *data, uint32_t length);

/* Stops the boot for good: the reason, then the halt line (MCUboot's FIH panic). */
__attribute__((noreturn)) void boot_panic(const char *reason, uint32_t value);

/* ---- the console (MCUboot-style lines) ---- */
void log_line(const char *level, const char *text);
void log_value(const char *level, const char *text, uint32_t value);

/* ---- trailer (trailer.c, FORMATS.md §2) ---- */
enum { MAGIC_GOOD = 1, MAGIC_BAD = 2, MAGIC_UNSET = 3 };
enum { FLAG_SET = 1, FLAG_BAD = 2, FLAG_UNSET = 3 };
enum { SWAP_NONE = 1, SWAP_TEST = 2, SWAP_PERM = 3, SWAP_REVERT = 4, SWAP_FAIL = 5 };
struct trailer {
  uint8_t magic, image_ok, copy_done, swap_type, swap_image;
  uint32_t swap_size;
};
#define MAGIC_WRITE_SIZE ALIGN_UP(16u, BOOT_MAX_ALIGN)
#define TRAILER_MAGIC_WRITE(slot_size) ((slot_size) - MAGIC_WRITE_SIZE)
#define TRAILER_IMAGE_OK(slot_size) ((slot_size) - MAGIC_WRITE_SIZE - BOOT_MAX_ALIGN)
#define TRAILER_COPY_DONE(slot_size) (TRAILER_IMAGE_OK(slot_size) - BOOT_MAX_ALIGN)
#define TRAILER_SWAP_INFO(slot_size) (TRAILER_COPY_DONE(slot_size) - BOOT_MAX_ALIGN)
#define TRAILER_SWAP_SIZE(slot_size) (TRAILER_SWAP_INFO(slot_size) - BOOT_MAX_ALIGN)
#define TRAILER_INFO_SIZE (4u * BOOT_MAX_ALIGN + MAGIC_WRITE_SIZE)
#define STATUS_STATES 3u
#define TRAILER_SIZE (BOOT_MAX_IMG_SECTORS * STATUS_STATES * WRITE_SIZE + TRAILER_INFO_SIZE)
#define SCRATCH_TRAILER_SIZE (STATUS_STATES * WRITE_SIZE + TRAILER_INFO_SIZE)
#define STATUS_START(slot_size) ((slot_size) - TRAILER_SIZE)

void trailer_read(const struct area *area, struct trailer *out);
/* Each returns 0, or -1 when the unit is not erased on write-once flash (the write is refused, not made). */
int trailer_write_flag(const struct area *area, uint32_t offset);
int trailer_write_swap_info(const struct area *area, uint8_t swap_type, uint8_t image);
int trailer_write_swap_size(const struct area *area, uint32_t size);
int trailer_write_magic(const struct area *area);
int trailer_write_status(const struct area *area, uint32_t offset, uint8_t value);
/* A status record counts as written when its first byte is not erased (or cannot be read: its program was cut). */
int status_written(const struct area *area, uint32_t offset);
uint8_t swap_type_decide(const struct trailer *primary, const struct trailer *secondary);
const char *swap_type_name(uint8_t type);

/* ---- images (image.c, FORMATS.md §1) ---- */
struct image_version {
  uint8_t major, minor;
  uint16_t revision;
  uint32_t build;
};
#define MAX_DEPENDENCIES 4
struct image_info {
  struct image_version version;
  uint32_t end; /* TLV end, from the image start */
  uint32_t security_counter;
  uint8_t has_security_counter;
  uint8_t dependency_count;
  struct {
    uint8_t image;
    struct image_version version;
  } dependencies[MAX_DEPENDENCIES];
};
/* Header and TLV structure only (no hash): the image's extent. Returns 0 or a reason. */
const char *image_extent(const struct area *area, uint32_t base, uint32_t max_size, struct image_info *info);
/* Full validation: structure, hash, key hash, signature, security counter. Returns 0 when valid, else a reason. */
const char *image_validate(const struct area *area, uint32_t base, uint32_t max_size, uint32_t min_counter,
                           struct image_info *info);
int version_compare(const struct image_version *a, const struct image_version *b);
int header_magic_ok(const struct area *area, uint32_t base);
/* The header's version when its magic is right (1), else 0. */
int header_version(const struct area *area, uint32_t base, struct image_version *out);

/* ---- the hardware security counter (counter.c) ---- */
uint32_t counter_read(int image);
void counter_raise(int image, uint32_t value);

/* ---- the strategy compiled in (overwrite-only.c, swap-move.c, swap-scratch.c) ---- */
struct progress {
  uint32_t done; /* steps recorded on flash */
  uint32_t swap_size;
  uint8_t swap_type;
  uint8_t source_primary; /* an earlier boot wrote this swap's status trailer to the primary */
};
extern const int strategy_marks_completion;
extern const char strategy_name[];
/* 0 when the slots can take an update, else why not. */
const char *strategy_layout_problem(int image);
uint32_t strategy_max_image_size(int image);
/* What flash says about a swap in progress (done = 0: none to resume). */
void strategy_read_progress(int image, struct progress *progress);
void strategy_begin(int image, uint8_t swap_type, struct progress *progress);
void strategy_run(int image, struct progress *progress);
/* Sectors of `area` holding trailer bytes, erased highest first. */
void erase_trailer_sectors(const struct area *area);

#endif
