/*
 * STM32F4 sector erase (RM0090 §3.6.3: CR.SER + SNB + STRT; on the dual-bank F42x/43x the second bank's sectors
 * 12..23 are SNB 16..27) and programs (§3.6.4: CR.PG, one PSIZE-wide write per operation). Aligned words are
 * programmed 32 bits at a time (PSIZE x32, allowed at 2.7-3.6 V, the Nucleo-144's 3.3 V), the rest byte by byte:
 * a 128 KiB sector copy is 32 K operations instead of 128 K. The UART is the test app's (app/board-stm32f4.c).
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
#define FLASH_CR_PG (1u << 0)
#define FLASH_CR_SER (1u << 1)
#define FLASH_CR_PSIZE_X8 (0u << 8)
#define FLASH_CR_PSIZE_X32 (2u << 8)
#define FLASH_CR_SNB_SHIFT 3u
#define FLASH_CR_STRT (1u << 16)
#define FLASH_CR_LOCK (1u << 31)

void port_init(void) { board_init(); }

static void unlock(void) {
  if (FLASH_CR & FLASH_CR_LOCK) {
    FLASH_KEYR = FLASH_KEY1;
    FLASH_KEYR = FLASH_KEY2;
  }
  FLASH_SR = FLASH_SR_ERRORS; /* write 1 to clear stale errors */
}

void port_erase(uint32_t sector_offset) {
  uint32_t index = sector_index(sector_offset);
  uint32_t snb = index < 12u ? index : index + 4u;
  unlock();
  FLASH_CR = FLASH_CR_SER | snb << FLASH_CR_SNB_SHIFT;
  FLASH_CR = FLASH_CR_SER | snb << FLASH_CR_SNB_SHIFT | FLASH_CR_STRT;
  while (FLASH_SR & FLASH_SR_BSY) {
  }
  FLASH_CR = FLASH_CR_LOCK;
}

/* The error flags are sticky until the next operation clears them. */
int port_program(uint32_t offset, const uint8_t *data, uint32_t length) {
  uint32_t address = FLASH_BASE + offset;
  uint32_t psize = ~0u;
  unlock();
  for (uint32_t i = 0; i < length;) {
    uint32_t word = ((address + i) & 3u) == 0 && length - i >= 4u;
    uint32_t wanted = word ? FLASH_CR_PSIZE_X32 : FLASH_CR_PSIZE_X8;
    if (wanted != psize) {
      FLASH_CR = FLASH_CR_PG | wanted;
      psize = wanted;
    }
    if (word) {
      *(volatile uint32_t *)(address + i) = (uint32_t)data[i] | (uint32_t)data[i + 1u] << 8 |
                                            (uint32_t)data[i + 2u] << 16 | (uint32_t)data[i + 3u] << 24;
      i += 4u;
    } else {
      *(volatile uint8_t *)(address + i) = data[i];
      i += 1u;
    }
    while (FLASH_SR & FLASH_SR_BSY) {
    }
  }
  FLASH_CR = FLASH_CR_LOCK;
  return FLASH_SR & FLASH_SR_ERRORS ? -1 : 0;
}
