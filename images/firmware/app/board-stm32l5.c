/*
 * STM32L552 without TrustZone (RM0438 rev 7): RCC, LPUART1 (the Nucleo-144's ST-LINK virtual COM port), the
 * non-secure FLASH registers (64-bit double-word programming into ECC flash), IWDG.
 */
#include <stdint.h>
#include "../common/print.h"
#include "board.h"

#define REG(address) (*(volatile uint32_t *)(address))

#define RCC_CR REG(0x40021000u)
#define RCC_CFGR REG(0x40021008u)
#define RCC_APB1ENR2 REG(0x4002105Cu)
#define RCC_CSR REG(0x40021094u)
#define RCC_CR_HSION (1u << 8)
#define RCC_CR_HSIRDY (1u << 10)
#define RCC_CFGR_SW_HSI16 1u
#define RCC_CFGR_SWS_MASK (3u << 2)
#define RCC_CFGR_SWS_HSI16 (1u << 2)
#define RCC_APB1ENR2_LPUART1EN (1u << 0)
#define RCC_CSR_RMVF (1u << 23)

#define LPUART1_CR1 REG(0x40008000u)
#define LPUART1_BRR REG(0x4000800Cu)
#define LPUART1_ISR REG(0x4000801Cu)
#define LPUART1_TDR REG(0x40008028u)
#define USART_CR1_UE (1u << 0)
#define USART_CR1_TE (1u << 3)
#define USART_ISR_TXE (1u << 7)
/* LPUART: BRR = 256 x 16 MHz / 115200. */
#define LPUART_BRR_115200_AT_16MHZ 35556u

#define FLASH_NSKEYR REG(0x40022008u)
#define FLASH_NSSR REG(0x40022020u)
#define FLASH_NSCR REG(0x40022028u)
#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu
#define FLASH_NSSR_BSY (1u << 16)
#define FLASH_NSSR_ERRORS 0x20FAu /* OPTWERR PGSERR SIZERR PGAERR WRPERR PROGERR */
#define FLASH_NSCR_PG (1u << 0)
#define FLASH_NSCR_LOCK (1u << 31)

#define IWDG_KR REG(0x40003000u)
#define IWDG_PR REG(0x40003004u)
#define IWDG_RLR REG(0x40003008u)
#define IWDG_KEY_ACCESS 0x5555u
#define IWDG_KEY_RELOAD 0xAAAAu
#define IWDG_KEY_START 0xCCCCu
/* Prescaler /4 of the 32 kHz LSI: 800 ticks = 100 ms. */
#define IWDG_RELOAD_100MS 799u

const uint32_t board_flash_write_size = 8;

void board_init(void) {
  RCC_CR |= RCC_CR_HSION;
  while ((RCC_CR & RCC_CR_HSIRDY) == 0) {
  }
  RCC_CFGR = (RCC_CFGR & ~3u) | RCC_CFGR_SW_HSI16;
  while ((RCC_CFGR & RCC_CFGR_SWS_MASK) != RCC_CFGR_SWS_HSI16) {
  }
  RCC_APB1ENR2 |= RCC_APB1ENR2_LPUART1EN;
  LPUART1_BRR = LPUART_BRR_115200_AT_16MHZ;
  LPUART1_CR1 = USART_CR1_UE | USART_CR1_TE;
}

uint32_t board_reset_reason(void) {
  uint32_t reason = RCC_CSR;
  RCC_CSR = reason | RCC_CSR_RMVF;
  return reason;
}

void out_write(const char *text, uint32_t length) {
  for (uint32_t i = 0; i < length; i++) {
    while ((LPUART1_ISR & USART_ISR_TXE) == 0) {
    }
    LPUART1_TDR = (uint8_t)text[i];
  }
}

/* One double word at a time: two word writes, the second starts the program (RM0438 §6.3.7). */
void board_flash_write(uint32_t address, const uint8_t *data, uint32_t length) {
  if (FLASH_NSCR & FLASH_NSCR_LOCK) {
    FLASH_NSKEYR = FLASH_KEY1;
    FLASH_NSKEYR = FLASH_KEY2;
  }
  FLASH_NSSR = FLASH_NSSR_ERRORS;
  FLASH_NSCR = FLASH_NSCR_PG;
  for (uint32_t i = 0; i < length; i += 8) {
    for (uint32_t word = 0; word < 2; word++) {
      const uint8_t *bytes = data + i + 4 * word;
      REG(address + i + 4 * word) =
          (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
    }
    while (FLASH_NSSR & FLASH_NSSR_BSY) {
    }
  }
  FLASH_NSCR = FLASH_NSCR_LOCK;
}

void board_watchdog_start(void) {
  IWDG_KR = IWDG_KEY_START;
  IWDG_KR = IWDG_KEY_ACCESS;
  IWDG_PR = 0;
  IWDG_RLR = IWDG_RELOAD_100MS;
  IWDG_KR = IWDG_KEY_RELOAD;
}

void board_watchdog_feed(void) { IWDG_KR = IWDG_KEY_RELOAD; }
