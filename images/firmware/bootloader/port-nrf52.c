/* nRF52 NVMC page erase (nRF52840 PS v1.7 §4.3); the UART and word programs are the test app's (app/board-nrf52.c). */
#include "../app/board.h"
#include "boot.h"

#define REG(address) (*(volatile uint32_t *)(address))
#define NVMC_READY REG(0x4001E400u)
#define NVMC_CONFIG REG(0x4001E504u)
#define NVMC_ERASEPAGE REG(0x4001E508u)
#define NVMC_CONFIG_REN 0u
#define NVMC_CONFIG_EEN 2u

void port_init(void) { board_init(); }

void port_erase(uint32_t sector_offset) {
  NVMC_CONFIG = NVMC_CONFIG_EEN;
  while (NVMC_READY == 0) {
  }
  NVMC_ERASEPAGE = FLASH_BASE + sector_offset;
  while (NVMC_READY == 0) {
  }
  NVMC_CONFIG = NVMC_CONFIG_REN;
}

/* The NVMC has no error flag: a write past the nWRITE budget is the caller's bug. */
int port_program(uint32_t offset, const uint8_t *data, uint32_t length) {
  board_flash_write(FLASH_BASE + offset, data, length);
  return 0;
}
