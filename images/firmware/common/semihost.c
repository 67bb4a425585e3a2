#include "print.h"
#include "semihost.h"

#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static uint32_t semihost_call(uint32_t operation, const void *argument) {
  register uint32_t r0 __asm__("r0") = operation;
  register const void *r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

/*
 * SYS_WRITE0 to the debugger console, a chunk at a time: unlike SYS_WRITE it needs no handle from SYS_OPEN(":tt"),
 * which QEMU does not pre-open.
 */
void out_write(const char *text, uint32_t length) {
  char chunk[65];
  while (length > 0) {
    uint32_t count = length < sizeof chunk - 1 ? length : sizeof chunk - 1;
    for (uint32_t i = 0; i < count; i++) chunk[i] = text[i];
    chunk[count] = 0;
    semihost_call(SYS_WRITE0, chunk);
    text += count;
    length -= count;
  }
}

void semihost_exit(uint32_t status) {
  /* 32-bit semihosting's SYS_EXIT takes the reason code itself; a non-zero status becomes a run-time error. */
  semihost_call(SYS_EXIT, (const void *)(status == 0 ? ADP_STOPPED_APPLICATION_EXIT : 0x20023));
  for (;;) {
  }
}
