/*
 * minboot: the smallest bootloader-shaped firmware, for testing bootproof's CPU-level device without a real
 * bootloader (nRF52 only: it erases through the NVMC directly).
 *
 * MINBOOT_VARIANT 0 installs an update the way overwrite-only does, without validating anything: when the
 * secondary slot starts with an image header, it copies the image over the primary page by page and then erases
 * the secondary's first page; then it jumps through the primary image's vector table. The broken variants: 1 never
 * hands off (a branch to itself), 2 jumps into the primary slot's header (garbage), 3 sleeps with no wake source.
 */
#include <stdint.h>
#include "../app/board.h"
#include "../common/print.h"

#define REG(address) (*(volatile uint32_t *)(address))
#define NVMC_READY REG(0x4001E400u)
#define NVMC_CONFIG REG(0x4001E504u)
#define NVMC_ERASEPAGE REG(0x4001E508u)
#define NVMC_CONFIG_REN 0u
#define NVMC_CONFIG_EEN 2u
#define SCB_VTOR REG(0xE000ED08u)
#define IMAGE_MAGIC 0x96f3b83du
#define PAGE_SIZE 4096u

static uint16_t read16(uint32_t address) { return *(volatile const uint16_t *)address; }

static void wait_ready(void) {
  while (NVMC_READY == 0) {
  }
}

static void erase_page(uint32_t address) {
  NVMC_CONFIG = NVMC_CONFIG_EEN;
  wait_ready();
  NVMC_ERASEPAGE = address;
  wait_ready();
  NVMC_CONFIG = NVMC_CONFIG_REN;
}

/* Header, payload, protected and unprotected TLVs (the TLV info header's it_tlv_tot covers the last). */
static uint32_t image_end(uint32_t slot) {
  uint32_t header = read16(slot + 8), protect = read16(slot + 10), payload = REG(slot + 12);
  uint32_t tlvs = slot + header + payload + protect;
  return header + payload + protect + read16(tlvs + 2);
}

static void install_update(void) {
  if (REG(SLOT1_START) != IMAGE_MAGIC) return;
  uint32_t size = image_end(SLOT1_START);
  if (size > SLOT0_SIZE - PAGE_SIZE) {
    out_str("minboot: update too large, erased\n");
    erase_page(SLOT1_START);
    return;
  }
  out_str("minboot: installing the update\n");
  for (uint32_t offset = 0; offset < size; offset += PAGE_SIZE) {
    uint32_t length = size - offset < PAGE_SIZE ? ((size - offset + 3u) & ~3u) : PAGE_SIZE;
    erase_page(SLOT0_START + offset);
    board_flash_write(SLOT0_START + offset, (const uint8_t *)(SLOT1_START + offset), length);
  }
  erase_page(SLOT1_START);
}

static void sleep_forever(void) {
  __asm volatile("cpsid i");
  for (;;) __asm volatile("wfi");
}

static void jump_to(uint32_t slot) {
  const uint32_t *vectors = (const uint32_t *)(slot + read16(slot + 8));
  SCB_VTOR = (uint32_t)vectors;
  __asm volatile("msr msp, %0\n\tbx %1" : : "r"(vectors[0]), "r"(vectors[1]));
}

int main(void) {
  board_init();
  out_str("minboot: start\n");
#if MINBOOT_VARIANT == 1
  for (;;) {
  }
#elif MINBOOT_VARIANT == 2
  ((void (*)(void))(SLOT0_START | 1u))();
#elif MINBOOT_VARIANT == 3
  sleep_forever();
#endif
  install_update();
  if (REG(SLOT0_START) != IMAGE_MAGIC) {
    out_str("minboot: Unable to find bootable image\n");
    sleep_forever();
  }
  out_str("minboot: jumping to the primary slot\n");
  jump_to(SLOT0_START);
  return 0;
}
