/*
 * Reads that survive a torn unit of ECC flash (STM32L4/L5): reading it raises a bus fault, which MCUboot's ports
 * turn into an error for the one access. Here the one guarded load is a known 16-bit instruction; the HardFault
 * handler steps over it and returns -1 in r0. Any other fault halts with a line on the console.
 */
#include "boot.h"

volatile uint32_t fault_guard;

__attribute__((naked, noinline)) int flash_read_byte_raw(__attribute__((unused)) const uint8_t *address) {
  __asm__ volatile(
      ".global guarded_load\n"
      "guarded_load:\n"
      "  ldrb r0, [r0]\n"
      "  bx lr\n");
}

int flash_read_byte(const uint8_t *address) {
  fault_guard = 1;
  int value = flash_read_byte_raw(address);
  fault_guard = 0;
  return value;
}

void fault_halt(void) {
  log_line("E", "Unexpected fault: halting");
  for (;;) {
  }
}

/* Stacked frame on MSP: r0 r1 r2 r3 r12 lr pc xpsr. Only the guarded load is stepped over. */
__attribute__((naked)) void HardFault_Handler(void) {
  __asm__ volatile(
      "  ldr r1, =fault_guard\n"
      "  ldr r1, [r1]\n"
      "  cbz r1, 1f\n"
      "  mrs r0, msp\n"
      "  ldr r2, [r0, #24]\n"
      "  ldr r3, =guarded_load\n"
      "  bic r3, r3, #1\n"
      "  cmp r2, r3\n"
      "  bne 1f\n"
      "  adds r2, #2\n"
      "  str r2, [r0, #24]\n"
      "  mov r2, #-1\n"
      "  str r2, [r0]\n"
      "  bx lr\n"
      "1:\n"
      "  b fault_halt\n");
}
void BusFault_Handler(void) __attribute__((alias("HardFault_Handler")));
void NMI_Handler(void) __attribute__((alias("HardFault_Handler")));
