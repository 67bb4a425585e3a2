/*
 * STM32F42x/43x (RM0090 rev 19): RCC, USART3 (the Nucleo-144's ST-LINK virtual COM port), FLASH, IWDG.
 */
#include <stdint.h>
#include "../common/print.h"
#include "board.h"

#define REG(address) (*(volatile uint32_t *)(address))

#define RCC_CR REG(0x40023800u)
#define RCC_CFGR REG(0x40023808u)
#define RCC_APB1ENR REG(0x40023840u)
#define RCC_CSR REG(0x40023874u)
#define RCC_CR_HSEON (1u << 16)
#define RCC_CR_HSERDY (1u << 17)
#define RCC_CFGR_SW_HSE 1u
#define RCC_CFGR_SWS_MASK (3u << 2)
#define RCC_CFGR_SWS_HSE (1u << 2)
#define RCC_APB1ENR_USART3EN (1u << 18)
#define RCC_CSR_RMVF (1u << 24)

#define USART3_SR REG(0x40004800u)
#define USART3_DR REG(0x40004804u)
#define USART3_BRR REG(0x40004808u)
#define USART3_CR1 REG(0x4000480Cu)
#define USART_SR_TXE (1u << 7)
#define USART_CR1_UE (1u << 13)
#define USART_CR1_TE (1u << 3)
/* 115200 Bd from the 8 MHz HSE on APB1 (oversampling by 16): 8e6 / 115200 = 4.34 -> 0x45. */
#define USART_BRR_115200_AT_8MHZ 0x45u

#define FLASH_KEYR REG(0x40023C04u)
#define FLASH_SR REG(0x40023C0Cu)
#define FLASH_CR REG(0x40023C10u)
#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu
#define FLASH_SR_BSY (1u << 16)
#define FLASH_SR_ERRORS 0xF2u /* PGSERR PGPERR PGAERR WRPERR OPERR */
#define FLASH_CR_PG (1u << 0)
#define FLASH_CR_PSIZE_X8 (0u << 8)
#define FLASH_CR_LOCK (1u << 31)

#define IWDG_KR REG(0x40003000u)
#define IWDG_PR REG(0x40003004u)
#define IWDG_RLR REG(0x40003008u)
#define IWDG_KEY_ACCESS 0x5555u
#define IWDG_KEY_RELOAD 0xAAAAu
#define IWDG_KEY_START 0xCCCCu
/* Prescaler /4 of the 32 kHz LSI: 800 ticks = 100 ms. */
#define IWDG_RELOAD_100MS 799u

const uint32_t board_flash_write_size = 1;

void board_init(void) {
  RCC_CR |= RCC_CR_HSEON;
  while ((RCC_CR & RCC_CR_HSERDY) == 0) {
  }
  RCC_CFGR = (RCC_CFGR & ~3u) | RCC_CFGR_SW_HSE;
  while ((RCC_CFGR & RCC_CFGR_SWS_MASK) != RCC_CFGR_SWS_HSE) {
  }
  RCC_APB1ENR |= RCC_APB1ENR_USART3EN;
  USART3_BRR = USART_BRR_115200_AT_8MHZ;
  USART3_CR1 = USART_CR1_UE | USART_CR1_TE;
}

uint32_t board_reset_reason(void) {
  uint32_t reason = RCC_CSR;
  RCC_CSR = reason | RCC_CSR_RMVF;
  return reason;
}

void out_write(const char *text, uint32_t length) {
  for (uint32_t i = 0; i < length; i++) {
    while ((USART3_SR & USART_SR_TXE) == 0) {
    }
    USART3_DR = (uint8_t)text[i];
  }
}

void board_flash_write(uint32_t address, const uint8_t *data, uint32_t length) {
  if (FLASH_CR & FLASH_CR_LOCK) {
    FLASH_KEYR = FLASH_KEY1;
    FLASH_KEYR = FLASH_KEY2;
  }
  FLASH_SR = FLASH_SR_ERRORS; /* write 1 to clear stale errors */
  FLASH_CR = FLASH_CR_PG | FLASH_CR_PSIZE_X8;
  for (uint32_t i = 0; i < length; i++) {
    *(volatile uint8_t *)(address + i) = data[i];
    while (FLASH_SR & FLASH_SR_BSY) {
    }
  }
  FLASH_CR = FLASH_CR_LOCK;
}

void board_watchdog_start(void) {
  IWDG_KR = IWDG_KEY_START;
  IWDG_KR = IWDG_KEY_ACCESS;
  IWDG_PR = 0;
  IWDG_RLR = IWDG_RELOAD_100MS;
  IWDG_KR = IWDG_KEY_RELOAD;
}

void board_watchdog_feed(void) { IWDG_KR = IWDG_KEY_RELOAD; }
