/*
 * The bootproof test application. It does at boot what an MCUboot-managed application does: announce itself,
 * then confirm the running image by setting image_ok in its slot's trailer (FORMATS.md §2, BOOT_MAX_ALIGN 8:
 * image_ok at slot end - 24), through the SoC's real flash controller. Variants (-DAPP_VARIANT=...) misbehave
 * the ways a bad release does, so the harness can check that the bootloader reverts them.
 */
#include <stdint.h>
#include "../common/print.h"
#include "board.h"

#define VARIANT_CONFIRM 0
#define VARIANT_NEVER_CONFIRM 1
#define VARIANT_HARDFAULT 2
#define VARIANT_HANG 3

#ifndef APP_VARIANT
#error "APP_VARIANT must be set by the build"
#endif
#ifndef APP_VERSION
#error "APP_VERSION must be set by the build"
#endif

/* Slot layout of the board (its devicetree's slot0/slot1 partitions), as bus addresses. */
#if !defined(SLOT0_START) || !defined(SLOT0_SIZE) || !defined(SLOT1_START) || !defined(SLOT1_SIZE)
#error "SLOT0_START, SLOT0_SIZE, SLOT1_START and SLOT1_SIZE must be set by the build"
#endif

#define IMAGE_OK_FROM_END 24u
#define BOOT_FLAG_SET 0x01u

/* Which slot the code runs from: the bootloader chains to either in direct-xip, so ask the PC, not the link map. */
static uint32_t running_slot(void) {
  uint32_t pc;
  __asm__ volatile("mov %0, pc" : "=r"(pc));
  return pc >= SLOT1_START && pc < SLOT1_START + SLOT1_SIZE ? 1u : 0u;
}

#if APP_VARIANT == VARIANT_CONFIRM
static void confirm(uint32_t slot_end) {
  volatile const uint8_t *image_ok = (volatile const uint8_t *)(slot_end - IMAGE_OK_FROM_END);
  if (*image_ok == BOOT_FLAG_SET) {
    out_str("bootproof-app: already confirmed\n");
    return;
  }
  /* boot_write_trailer pads the one flag byte with the erased value up to the device write size. */
  uint8_t record[16];
  for (uint32_t i = 0; i < sizeof record; i++) record[i] = 0xff;
  record[0] = BOOT_FLAG_SET;
  board_flash_write((uint32_t)image_ok, record, board_flash_write_size);
  out_str(*image_ok == BOOT_FLAG_SET ? "bootproof-app: confirmed\n" : "bootproof-app: confirm failed\n");
}
#endif

void HardFault_Handler(void) {
  out_str("bootproof-app: hardfault\n");
  for (;;) {
  }
}

int main(void) {
  board_init();
  uint32_t reset_reason = board_reset_reason();
  board_watchdog_start();
  uint32_t slot = running_slot();
  out_str("bootproof-app " APP_VERSION " slot=");
  out_dec(slot);
  out_str("\n");
  out_field("bootproof-app: reset-reason", reset_reason);

#if APP_VARIANT == VARIANT_HARDFAULT
  out_str("bootproof-app: crashing before confirm\n");
  /* An undefined instruction: HardFault on every core (no UsageFault enabled). */
  __asm__ volatile("udf #0");
#elif APP_VARIANT == VARIANT_HANG
  out_str("bootproof-app: hanging before confirm\n");
  for (;;) {
  }
#elif APP_VARIANT == VARIANT_CONFIRM
  confirm(slot == 0 ? SLOT0_START + SLOT0_SIZE : SLOT1_START + SLOT1_SIZE);
#endif
  out_str("bootproof-app: running\n");
  for (;;) board_watchdog_feed();
}
