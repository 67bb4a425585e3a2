/* Start, boot, and hand off: VTOR and MSP from the image's vector table, then its reset handler. */
#include "boot.h"

#define SCB_VTOR (*(volatile uint32_t *)0xE000ED08u)

uint32_t boot_go(void);

__attribute__((noreturn)) static void jump(uint32_t vectors) {
  const volatile uint32_t *table = (const volatile uint32_t *)vectors;
  uint32_t stack = table[0], reset = table[1];
  log_line("I", "Jumping to the first image slot");
  SCB_VTOR = vectors;
  __asm__ volatile(
      "dsb\n"
      "isb\n"
      "msr msp, %0\n"
      "bx %1\n" ::"r"(stack),
      "r"(reset));
  __builtin_unreachable();
}

void boot_panic(const char *reason, uint32_t value) {
  log_value("E", reason, value);
  log_line("E", "Unable to find bootable image");
  for (;;) {
    __asm__ volatile("wfi");
  }
}

int main(void) {
  port_init();
  uint32_t vectors = boot_go();
  if (vectors != 0u) jump(vectors);
  log_line("E", "Unable to find bootable image");
  for (;;) {
    __asm__ volatile("wfi");
  }
}
