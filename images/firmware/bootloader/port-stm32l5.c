/*
 * STM32L5 page erase (RM0438 §6.3.6: NSCR.PER + PNB + BKER + STRT, two banks of 128 pages with DBANK = 1); the
 * UART and double-word programs are the test app's (app/board-stm32l5.c).
 */
#include "../app/board.h"
#include "boot.h"

#define REG(address) (*(volatile uint32_t *)(address))
#define FLASH_NSKEYR REG(0x40022008u)
#define FLASH_NSSR REG(0x40022020u)
#define FLASH_NSCR REG(0x40022028u)
#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu
#define FLASH_NSSR_BSY (1u << 16)
#define FLASH_NSSR_ERRORS 0x20FAu
#define FLASH_NSCR_PER (1u << 1)
#define FLASH_NSCR_PNB_SHIFT 3u
#define FLASH_NSCR_BKER (1u << 11)
#define FLASH_NSCR_STRT (1u << 16)
#define FLASH_NSCR_LOCK (1u << 31)
#define PAGES_PER_BANK 128u

void port_init(void) { board_init(); }

void port_erase(uint32_t sector_offset) {
  uint32_t page = sector_index(sector_offset);
  uint32_t cr = FLASH_NSCR_PER | (page % PAGES_PER_BANK) << FLASH_NSCR_PNB_SHIFT;
  if (page >= PAGES_PER_BANK) cr |= FLASH_NSCR_BKER;
  if (FLASH_NSCR & FLASH_NSCR_LOCK) {
    FLASH_NSKEYR = FLASH_KEY1;
    FLASH_NSKEYR = FLASH_KEY2;
  }
  FLASH_NSSR = FLASH_NSSR_ERRORS;
  FLASH_NSCR = cr;
  FLASH_NSCR = cr | FLASH_NSCR_STRT;
  while (FLASH_NSSR & FLASH_NSSR_BSY) {
  }
  FLASH_NSCR = FLASH_NSCR_LOCK;
}

/* The error flags (PROGERR: a double word that was not erased) are sticky until the next operation clears them. */
int port_program(uint32_t offset, const uint8_t *data, uint32_t length) {
  board_flash_write(FLASH_BASE + offset, data, length);
  return FLASH_NSSR & FLASH_NSSR_ERRORS ? -1 : 0;
}
