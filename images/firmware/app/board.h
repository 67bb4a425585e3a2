/* What the test application needs from a board: one implementation per SoC family (board-*.c). */
#ifndef BOOTPROOF_APP_BOARD_H
#define BOOTPROOF_APP_BOARD_H
#include <stdint.h>

/* Starts the clocks the UART and the flash controller need, and waits until they run. */
void board_init(void);
/* Reads and clears the reset-reason register; returns its raw value. */
uint32_t board_reset_reason(void);
/* Programs `length` bytes (a multiple of the flash write size, aligned to it) at bus address `address`. */
void board_flash_write(uint32_t address, const uint8_t *data, uint32_t length);
/* The flash write size as MCUboot's flash_area_align() reports it: the unit boot_write_trailer pads to. */
extern const uint32_t board_flash_write_size;
void board_watchdog_start(void);
void board_watchdog_feed(void);

#endif
