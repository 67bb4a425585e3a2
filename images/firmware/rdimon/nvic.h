/*
 * CMSIS-style access to the NVIC and the SCB's system handler priorities, written here from the ARMv6-M/ARMv7-M
 * architecture manuals: ARMv7-M and ARMv8-M write priorities a byte at a time (NVIC_IPR and SHPR are byte
 * accessible), ARMv6-M read-modify-writes whole words (its IPR and SHPR are word-only). Negative IRQn numbers
 * are system exceptions (SVCall -5, PendSV -2, SysTick -1), as in CMSIS.
 */
#ifndef BOOTPROOF_NVIC_H
#define BOOTPROOF_NVIC_H
#include <stdint.h>

/* Two priority bits: the common subset of every core here (M0+ has 2, the others at least 3). */
#define PRIO_BITS 2

#define REG32(address) (*(volatile uint32_t *)(address))
#define REG8(address) (*(volatile uint8_t *)(address))
#define NVIC_ISER(n) REG32(0xe000e100u + 4u * (n))
#define NVIC_ISPR(n) REG32(0xe000e200u + 4u * (n))
#define NVIC_IABR(n) REG32(0xe000e300u + 4u * (n))
#define NVIC_IPR_BASE 0xe000e400u
#define SCB_ICSR REG32(0xe000ed04u)
#define SCB_AIRCR REG32(0xe000ed0cu)
#define SCB_SHPR_BASE 0xe000ed18u

static inline void nvic_enable_irq(int irq) { NVIC_ISER((uint32_t)irq >> 5) = 1u << ((uint32_t)irq & 31u); }
static inline void nvic_set_pending_irq(int irq) { NVIC_ISPR((uint32_t)irq >> 5) = 1u << ((uint32_t)irq & 31u); }
static inline void set_pendsv(void) { SCB_ICSR = 1u << 28; }

/* The address of an exception's priority byte: NVIC_IPR for IRQs, SHPR1-3 for system exceptions. */
static inline uint32_t priority_byte(int irq) {
  return irq >= 0 ? NVIC_IPR_BASE + (uint32_t)irq : SCB_SHPR_BASE + (((uint32_t)irq & 0xfu) - 4u);
}

static inline void nvic_set_priority(int irq, uint32_t priority) {
  uint32_t value = (priority << (8u - PRIO_BITS)) & 0xffu;
#if __ARM_ARCH_6M__
  uint32_t address = priority_byte(irq);
  uint32_t shift = (address & 3u) * 8u;
  REG32(address & ~3u) = (REG32(address & ~3u) & ~(0xffu << shift)) | value << shift;
#else
  REG8(priority_byte(irq)) = (uint8_t)value;
#endif
}

static inline uint32_t nvic_get_priority(int irq) {
#if __ARM_ARCH_6M__
  uint32_t address = priority_byte(irq);
  return ((REG32(address & ~3u) >> ((address & 3u) * 8u)) & 0xffu) >> (8u - PRIO_BITS);
#else
  return REG8(priority_byte(irq)) >> (8u - PRIO_BITS);
#endif
}

#if !__ARM_ARCH_6M__
/* AIRCR.PRIGROUP with the VECTKEY; the other writable fields stay as they were. */
static inline void nvic_set_priority_grouping(uint32_t group) {
  SCB_AIRCR = (SCB_AIRCR & 0x0000f0ffu & ~(7u << 8)) | 0x05fa0000u | (group & 7u) << 8;
}
#endif

static inline void enable_irq(void) { __asm__ volatile("cpsie i" ::: "memory"); }
static inline void disable_irq(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void barrier(void) { __asm__ volatile("dsb\n\tisb" ::: "memory"); }

#endif
