/*
 * Exception and fault handlers of the self-test. Each records what it saw (the stacked frame, EXC_RETURN, the
 * fault status registers) for the tests in selftest.c to print; fault handlers step over the faulting
 * instruction so the test carries on.
 */
#include <stdint.h>
#include "exceptions.h"
#include "scs.h"

volatile struct exception_log exception_log;

static void log_order(char event) {
  if (exception_log.order_length < sizeof exception_log.order - 1) {
    exception_log.order[exception_log.order_length++] = event;
  }
}

/* Frame layout (B1.5.6): r0 r1 r2 r3 r12 lr pc xpsr. */
enum { FRAME_R0, FRAME_R1, FRAME_R2, FRAME_R3, FRAME_R12, FRAME_LR, FRAME_PC, FRAME_XPSR };

void svc_dispatch(uint32_t *frame, uint32_t exc_return) {
  uint32_t immediate = ((const uint8_t *)frame[FRAME_PC])[-2];
  exception_log.svc_immediate = immediate;
  exception_log.exc_return_mode = exc_return & 0xc;
  exception_log.stacked_realigned = (frame[FRAME_XPSR] >> 9) & 1;
  exception_log.stacked_r12 = frame[FRAME_R12];
  switch (immediate) {
    case SVC_ADD:
      frame[FRAME_R0] = frame[FRAME_R0] + frame[FRAME_R1] + frame[FRAME_R2] + frame[FRAME_R3];
      break;
    case SVC_PEND_PENDSV:
      log_order('s');
      SCB_ICSR = ICSR_PENDSVSET;
      barrier();
      log_order('S');
      break;
    default:
      break;
  }
}

__attribute__((naked)) void SVC_Handler(void) {
  __asm__ volatile(
      "tst lr, #4\n\t"
      "ite eq\n\t"
      "mrseq r0, msp\n\t"
      "mrsne r0, psp\n\t"
      "mov r1, lr\n\t"
      "b svc_dispatch\n\t");
}

void Relocated_SVC_Handler(void) { exception_log.relocated_svc_calls++; }

void PendSV_Handler(void) {
  exception_log.pendsv_calls++;
  log_order('P');
}

void SysTick_Handler(void) { exception_log.systick_calls++; }

/* Thumb-2 32-bit encodings start with 0b11101, 0b11110 or 0b11111 in their first halfword. */
static uint32_t instruction_length(uint32_t address) {
  uint16_t first = *(const uint16_t *)address;
  return (first & 0xf800u) >= 0xe800u ? 4u : 2u;
}

void fault_dispatch(uint32_t *frame, uint32_t exception) {
  uint32_t cfsr = SCB_CFSR;
  exception_log.fault_exception = exception;
  exception_log.fault_cfsr = cfsr;
  exception_log.fault_hfsr = SCB_HFSR;
  exception_log.fault_bfar = (cfsr & CFSR_BFARVALID) ? SCB_BFAR : 0;
  SCB_CFSR = cfsr;
  SCB_HFSR = SCB_HFSR;
  frame[FRAME_PC] += instruction_length(frame[FRAME_PC]);
}

#define FAULT_ENTRY(name, number)      \
  __attribute__((naked)) void name(void) { \
    __asm__ volatile(                  \
        "tst lr, #4\n\t"               \
        "ite eq\n\t"                   \
        "mrseq r0, msp\n\t"            \
        "mrsne r0, psp\n\t"            \
        "mov r1, #" #number "\n\t"     \
        "b fault_dispatch\n\t");       \
  }
FAULT_ENTRY(HardFault_Handler, 3)
FAULT_ENTRY(BusFault_Handler, 5)
FAULT_ENTRY(UsageFault_Handler, 6)
