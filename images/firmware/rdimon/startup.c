/*
 * Vector table and reset for the newlib (--specs=rdimon) firmware: copies .data, then enters newlib's crt0
 * (_start), which asks the host for the heap and stack (SYS_HEAPINFO) and the command line (SYS_GET_CMDLINE),
 * opens the console (SYS_OPEN ":tt"), clears .bss, runs main and exits through SYS_EXIT_EXTENDED.
 */
#include <stdint.h>

extern uint32_t __stack_top[];
extern uint32_t __data_load[], __data_start[], __data_end[];
void _start(void) __attribute__((noreturn));
void _exit(int status) __attribute__((noreturn));

void Reset_Handler(void) {
  for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) *dst++ = *src++;
  _start();
}

void Default_Handler(void) { _exit(99); }

#define WEAK_HANDLER(name) void name(void) __attribute__((weak, alias("Default_Handler")))
WEAK_HANDLER(HardFault_Handler);
WEAK_HANDLER(SVC_Handler);
WEAK_HANDLER(PendSV_Handler);
WEAK_HANDLER(SysTick_Handler);
WEAK_HANDLER(Irq30_Handler);
WEAK_HANDLER(Irq31_Handler);

typedef void (*vector_t)(void);

__attribute__((section(".vectors"), used)) const vector_t vector_table[48] = {
    [0] = (vector_t)__stack_top,
    [1] = Reset_Handler,
    [2] = Default_Handler,
    [3] = HardFault_Handler,
    [4] = Default_Handler,
    [5] = Default_Handler,
    [6] = Default_Handler,
    [11] = SVC_Handler,
    [12] = Default_Handler,
    [14] = PendSV_Handler,
    [15] = SysTick_Handler,
    [16 + 30] = Irq30_Handler,
    [16 + 31] = Irq31_Handler,
};
