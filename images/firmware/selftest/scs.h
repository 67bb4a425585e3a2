/* System Control Space registers (ARMv7-M ARM B3.2, ARMv8-M ARM D1.2) the self-tests use. */
#ifndef BOOTPROOF_SCS_H
#define BOOTPROOF_SCS_H
#include <stdint.h>

#define SCS_REG(address) (*(volatile uint32_t *)(address))
#define SYST_CSR SCS_REG(0xE000E010u)
#define SYST_RVR SCS_REG(0xE000E014u)
#define SYST_CVR SCS_REG(0xE000E018u)
#define SCB_ICSR SCS_REG(0xE000ED04u)
#define SCB_VTOR SCS_REG(0xE000ED08u)
#define SCB_CCR SCS_REG(0xE000ED14u)
#define SCB_SHPR2 SCS_REG(0xE000ED1Cu)
#define SCB_SHPR3 SCS_REG(0xE000ED20u)
#define SCB_SHCSR SCS_REG(0xE000ED24u)
#define SCB_CFSR SCS_REG(0xE000ED28u)
#define SCB_HFSR SCS_REG(0xE000ED2Cu)
#define SCB_BFAR SCS_REG(0xE000ED38u)

#define ICSR_PENDSVSET (1u << 28)
#define CCR_UNALIGN_TRP (1u << 3)
#define CCR_DIV_0_TRP (1u << 4)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)
#define CFSR_BFARVALID (1u << 15)

static inline void barrier(void) { __asm__ volatile("dsb\n\tisb" ::: "memory"); }

#endif
