#include "print.h"
#include "semihost.h"

#define SYS_WRITE 0x05
#define SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static uint32_t semihost_call(uint32_t operation, const void *argument) {
  register uint32_t r0 __asm__("r0") = operation;
  register const void *r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

/* SYS_WRITE to handle 1 (stdout): one call per string instead of one per character. */
void out_write(const char *text, uint32_t length) {
  const uint32_t block[3] = {1, (uint32_t)text, length};
  semihost_call(SYS_WRITE, block);
}

void semihost_exit(uint32_t status) {
  /* 32-bit semihosting's SYS_EXIT takes the reason code itself; a non-zero status becomes a run-time error. */
  semihost_call(SYS_EXIT, (const void *)(status == 0 ? ADP_STOPPED_APPLICATION_EXIT : 0x20023));
  for (;;) {
  }
}
