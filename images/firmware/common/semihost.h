/* ARM semihosting (BKPT 0xAB), as QEMU -semihosting and bootproof's core implement it. */
#ifndef BOOTPROOF_SEMIHOST_H
#define BOOTPROOF_SEMIHOST_H
#include <stdint.h>

void semihost_exit(uint32_t status) __attribute__((noreturn));

#endif
