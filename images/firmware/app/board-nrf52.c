/*
 * nRF52 series (nRF52840 Product Specification v1.7): CLOCK/POWER, UARTE0 with EasyDMA, NVMC, WDT.
 */
#include <stdint.h>
#include "../common/print.h"
#include "board.h"

#define REG(address) (*(volatile uint32_t *)(address))

#define CLOCK_TASKS_HFCLKSTART REG(0x40000000u)
#define CLOCK_EVENTS_HFCLKSTARTED REG(0x40000100u)
#define POWER_RESETREAS REG(0x40000400u)

#define UARTE0_TASKS_STARTTX REG(0x40002008u)
#define UARTE0_EVENTS_ENDTX REG(0x40002120u)
#define UARTE0_ENABLE REG(0x40002500u)
#define UARTE0_PSEL_TXD REG(0x4000250Cu)
#define UARTE0_BAUDRATE REG(0x40002524u)
#define UARTE0_TXD_PTR REG(0x40002544u)
#define UARTE0_TXD_MAXCNT REG(0x40002548u)
#define UARTE_ENABLE_ENABLED 8u
#define UARTE_BAUDRATE_115200 0x01D60000u
#define DK_TXD_PIN 6u

#define NVMC_READY REG(0x4001E400u)
#define NVMC_CONFIG REG(0x4001E504u)
#define NVMC_CONFIG_REN 0u
#define NVMC_CONFIG_WEN 1u

#define WDT_TASKS_START REG(0x40010000u)
#define WDT_CRV REG(0x40010504u)
#define WDT_RREN REG(0x40010508u)
#define WDT_RR0 REG(0x40010600u)
#define WDT_RELOAD_VALUE 0x6E524635u
/* 100 ms of the 32.768 kHz LFCLK: short, so an emulated hang is caught quickly. */
#define WDT_TIMEOUT_TICKS 3277u

const uint32_t board_flash_write_size = 4;

void board_init(void) {
  CLOCK_EVENTS_HFCLKSTARTED = 0;
  CLOCK_TASKS_HFCLKSTART = 1;
  while (CLOCK_EVENTS_HFCLKSTARTED == 0) {
  }
  UARTE0_PSEL_TXD = DK_TXD_PIN;
  UARTE0_BAUDRATE = UARTE_BAUDRATE_115200;
  UARTE0_ENABLE = UARTE_ENABLE_ENABLED;
}

uint32_t board_reset_reason(void) {
  uint32_t reason = POWER_RESETREAS;
  POWER_RESETREAS = reason; /* write 1 to clear */
  return reason;
}

/* EasyDMA reads Data RAM only, so each chunk is staged in a RAM buffer first. */
void out_write(const char *text, uint32_t length) {
  static char staging[64];
  while (length > 0) {
    uint32_t chunk = length < sizeof staging ? length : sizeof staging;
    for (uint32_t i = 0; i < chunk; i++) staging[i] = text[i];
    UARTE0_TXD_PTR = (uint32_t)staging;
    UARTE0_TXD_MAXCNT = chunk;
    UARTE0_EVENTS_ENDTX = 0;
    UARTE0_TASKS_STARTTX = 1;
    while (UARTE0_EVENTS_ENDTX == 0) {
    }
    text += chunk;
    length -= chunk;
  }
}

void board_flash_write(uint32_t address, const uint8_t *data, uint32_t length) {
  NVMC_CONFIG = NVMC_CONFIG_WEN;
  while (NVMC_READY == 0) {
  }
  for (uint32_t i = 0; i < length; i += 4) {
    uint32_t word = (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 | (uint32_t)data[i + 2] << 16 |
                    (uint32_t)data[i + 3] << 24;
    REG(address + i) = word;
    while (NVMC_READY == 0) {
    }
  }
  NVMC_CONFIG = NVMC_CONFIG_REN;
}

void board_watchdog_start(void) {
  WDT_CRV = WDT_TIMEOUT_TICKS;
  WDT_RREN = 1;
  WDT_TASKS_START = 1;
}

void board_watchdog_feed(void) { WDT_RR0 = WDT_RELOAD_VALUE; }
