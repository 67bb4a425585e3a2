/*
 * STM32F4 sector erase (RM0090 §3.6.3: CR.SER + SNB + STRT; on the dual-bank F42x/43x the second bank's sectors
 * 12..23 are SNB 16..27); the UART and byte programs are the test app's (app/board-stm32f4.c).
 */
#include "../app/board.h"
#include "boot.h"

#define REG(address) (*(volatile uint32_t *)(address))
#define FLASH_KEYR REG(0x40023C04u)
#define FLASH_SR REG(0x40023C0Cu)
#define FLASH_CR REG(0x40023C10u)
#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu
#define FLASH_SR_BSY (1u << 16)
#define FLASH_SR_ERRORS 0xF2u
#define FLASH_CR_SER (1u << 1)
#define FLASH_CR_SNB_SHIFT 3u
#define FLASH_CR_STRT (1u << 16)
#define FLASH_CR_LOCK (1u << 31)

void port_init(void) { board_init(); }

void port_erase(uint32_t sector_offset) {
  uint32_t index = sector_index(sector_offset);
  uint32_t snb = index < 12u ? index : index + 4u;
  if (FLASH_CR & FLASH_CR_LOCK) {
    FLASH_KEYR = FLASH_KEY1;
    FLASH_KEYR = FLASH_KEY2;
  }
  FLASH_SR = FLASH_SR_ERRORS;
  FLASH_CR = FLASH_CR_SER | snb << FLASH_CR_SNB_SHIFT;
  FLASH_CR = FLASH_CR_SER | snb << FLASH_CR_SNB_SHIFT | FLASH_CR_STRT;
  while (FLASH_SR & FLASH_SR_BSY) {
  }
  FLASH_CR = FLASH_CR_LOCK;
}

/* The error flags are sticky until the next operation clears them. */
int port_program(uint32_t offset, const uint8_t *data, uint32_t length) {
  board_flash_write(FLASH_BASE + offset, data, length);
  return FLASH_SR & FLASH_SR_ERRORS ? -1 : 0;
}
