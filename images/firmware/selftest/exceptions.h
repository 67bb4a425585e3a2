#ifndef BOOTPROOF_EXCEPTIONS_H
#define BOOTPROOF_EXCEPTIONS_H
#include <stdint.h>

#define SVC_ADD 7
#define SVC_PEND_PENDSV 8
#define SVC_PLAIN 9

struct exception_log {
  uint32_t svc_immediate;
  uint32_t exc_return_mode;
  uint32_t stacked_realigned;
  uint32_t stacked_r12;
  uint32_t relocated_svc_calls;
  uint32_t pendsv_calls;
  uint32_t systick_calls;
  uint32_t fault_exception;
  uint32_t fault_cfsr;
  uint32_t fault_hfsr;
  uint32_t fault_bfar;
  uint32_t order_length;
  char order[16];
};

extern volatile struct exception_log exception_log;
void Relocated_SVC_Handler(void);

#endif
