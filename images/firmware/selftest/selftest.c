/*
 * ISA and exception self-test. Prints one line per check over semihosting; the same binary runs under QEMU
 * (mps2-an385/an386/an505) and under bootproof, and the two outputs must be identical byte for byte. Only
 * architecturally defined results are printed (no addresses that depend on timing or on the host).
 */
#include <stdint.h>
#include "../common/print.h"
#include "../common/semihost.h"
#include "exceptions.h"
#include "isa.h"
#include "scs.h"

extern const uint32_t vector_table[32];

static void reset_log(void) {
  exception_log.fault_exception = 0;
  exception_log.fault_cfsr = 0;
  exception_log.fault_hfsr = 0;
  exception_log.fault_bfar = 0;
  exception_log.order_length = 0;
  for (uint32_t i = 0; i < sizeof exception_log.order; i++) exception_log.order[i] = 0;
}

static void print_fault(const char *name) {
  out_str(name);
  out_str(": exception=");
  out_dec(exception_log.fault_exception);
  out_str(" cfsr=");
  out_hex(exception_log.fault_cfsr);
  out_str(" hfsr=");
  out_hex(exception_log.fault_hfsr);
  out_str(" bfar=");
  out_hex(exception_log.fault_bfar);
  out_str("\n");
}

static uint32_t svc_add(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  register uint32_t r0 __asm__("r0") = a;
  register uint32_t r1 __asm__("r1") = b;
  register uint32_t r2 __asm__("r2") = c;
  register uint32_t r3 __asm__("r3") = d;
  register uint32_t r12 __asm__("r12") = 0x12121212u;
  __asm__ volatile("svc %[imm]" : "+r"(r0) : [imm] "i"(SVC_ADD), "r"(r1), "r"(r2), "r"(r3), "r"(r12) : "memory");
  return r0;
}

static void test_svc(void) {
  uint32_t sum = svc_add(1, 20, 300, 4000);
  out_str("svc: imm=");
  out_dec(exception_log.svc_immediate);
  out_str(" sum=");
  out_dec(sum);
  out_str(" r12=");
  out_hex(exception_log.stacked_r12);
  out_str(" exc_return_mode=");
  out_hex(exception_log.exc_return_mode);
  out_str("\n");
}

/* SP is 8-byte aligned at a call; pushing one word leaves it 4 mod 8, so the core must realign and say so. */
static void test_stack_alignment(void) {
  uint32_t before, after;
  __asm__ volatile(
      "mov %0, sp\n\t"
      "sub sp, #4\n\t"
      "svc %2\n\t"
      "add sp, #4\n\t"
      "mov %1, sp\n\t"
      : "=&r"(before), "=&r"(after)
      : "i"(SVC_PLAIN)
      : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
  uint32_t realigned_misaligned = exception_log.stacked_realigned;
  svc_add(0, 0, 0, 0);
  out_str("stacking: misaligned-sp bit9=");
  out_dec(realigned_misaligned);
  out_str(" aligned-sp bit9=");
  out_dec(exception_log.stacked_realigned);
  out_str(" sp-restored=");
  out_dec(before == after);
  out_str("\n");
}

static void test_priorities(void) {
  reset_log();
  SCB_SHPR2 = 0x40u << 24;                /* SVCall */
  SCB_SHPR3 = (0xc0u << 24) | (0x80u << 16); /* SysTick, PendSV */
  __asm__ volatile("svc %0" ::"i"(SVC_PEND_PENDSV) : "memory");
  out_str("priority: order=");
  out_str((const char *)exception_log.order);
  out_str("\n");

  reset_log();
  uint32_t pendsv_before = exception_log.pendsv_calls;
  __asm__ volatile("msr basepri, %0" ::"r"(0x80u) : "memory");
  SCB_ICSR = ICSR_PENDSVSET;
  barrier();
  uint32_t masked_by_basepri = exception_log.pendsv_calls == pendsv_before;
  uint32_t still_pending = (SCB_ICSR & ICSR_PENDSVSET) != 0;
  __asm__ volatile("msr basepri, %0" ::"r"(0u) : "memory");
  barrier();
  uint32_t taken_after_basepri = exception_log.pendsv_calls == pendsv_before + 1;

  __asm__ volatile("cpsid i" ::: "memory");
  SCB_ICSR = ICSR_PENDSVSET;
  barrier();
  uint32_t masked_by_primask = exception_log.pendsv_calls == pendsv_before + 1;
  __asm__ volatile("cpsie i" ::: "memory");
  barrier();
  uint32_t taken_after_primask = exception_log.pendsv_calls == pendsv_before + 2;
  out_str("masking: basepri-masks=");
  out_dec(masked_by_basepri && still_pending);
  out_str(" basepri-release=");
  out_dec(taken_after_basepri);
  out_str(" primask-masks=");
  out_dec(masked_by_primask);
  out_str(" primask-release=");
  out_dec(taken_after_primask);
  out_str("\n");
}

static void test_systick(void) {
  exception_log.systick_calls = 0;
  SYST_RVR = 9999;
  SYST_CVR = 0;
  SYST_CSR = 7; /* processor clock, interrupt, enable */
  for (uint32_t guard = 0; guard < 10000000u && exception_log.systick_calls < 3; guard++) {
  }
  SYST_CSR = 0;
  out_str("systick: reload=");
  out_dec(SYST_RVR);
  out_str(" at-least-3-interrupts=");
  out_dec(exception_log.systick_calls >= 3);
  out_str("\n");
}

static uint32_t relocated_table[128] __attribute__((aligned(512)));

static void test_vtor(void) {
  for (uint32_t i = 0; i < 32; i++) relocated_table[i] = vector_table[i];
  relocated_table[11] = (uint32_t)Relocated_SVC_Handler;
  uint32_t original = SCB_VTOR;
  SCB_VTOR = (uint32_t)relocated_table;
  barrier();
  uint32_t readback = SCB_VTOR == (uint32_t)relocated_table;
  __asm__ volatile("svc %0" ::"i"(SVC_PLAIN) : "memory");
  SCB_VTOR = original;
  barrier();
  __asm__ volatile("svc %0" ::"i"(SVC_PLAIN) : "memory");
  out_str("vtor: readback=");
  out_dec(readback);
  out_str(" relocated-handler-calls=");
  out_dec(exception_log.relocated_svc_calls);
  out_str(" original-restored=");
  out_dec(SCB_VTOR == original);
  out_str("\n");
}

static uint32_t process_stack[64] __attribute__((aligned(8)));

static void test_process_stack(void) {
  __asm__ volatile(
      "msr psp, %0\n\t"
      "movs r2, #2\n\t"
      "msr control, r2\n\t"
      "isb\n\t"
      "svc %1\n\t"
      "movs r2, #0\n\t"
      "msr control, r2\n\t"
      "isb\n\t"
      :
      : "r"(&process_stack[64]), "i"(SVC_PLAIN)
      : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
  uint32_t psp;
  __asm__ volatile("mrs %0, psp" : "=r"(psp));
  out_str("psp: exc_return_mode=");
  out_hex(exception_log.exc_return_mode);
  out_str(" psp-restored=");
  out_dec(psp == (uint32_t)&process_stack[64]);
  out_str("\n");
}

static void test_faults(void) {
  SCB_SHCSR |= SHCSR_USGFAULTENA | SHCSR_BUSFAULTENA;

  reset_log();
  __asm__ volatile("udf #1" ::: "memory");
  print_fault("fault-undefined");

  reset_log();
  SCB_CCR |= CCR_DIV_0_TRP;
  volatile uint32_t zero = 0;
  volatile uint32_t quotient = 100u / zero;
  (void)quotient;
  SCB_CCR &= ~CCR_DIV_0_TRP;
  print_fault("fault-divide-by-zero");

  reset_log();
  SCB_CCR |= CCR_UNALIGN_TRP;
  barrier();
  volatile uint32_t words[2] = {0x11223344u, 0x55667788u};
  uint32_t unaligned;
  __asm__ volatile("ldr %0, [%1]" : "=r"(unaligned) : "r"((uint32_t)words + 1) : "memory");
  SCB_CCR &= ~CCR_UNALIGN_TRP;
  print_fault("fault-unaligned-trap");
  uint32_t loaded;
  __asm__ volatile("ldr %0, [%1]" : "=r"(loaded) : "r"((uint32_t)words + 1) : "memory");
  out_field("unaligned-load-allowed", loaded);

  reset_log();
  volatile uint32_t *unmapped = (volatile uint32_t *)BUS_FAULT_ADDRESS;
  (void)*unmapped;
  print_fault("fault-bus-precise");

  reset_log();
  SCB_SHCSR &= ~(SHCSR_USGFAULTENA | SHCSR_BUSFAULTENA);
  __asm__ volatile("udf #2" ::: "memory");
  print_fault("fault-escalated");
}

int main(void) {
  out_str("bootproof-selftest " SELFTEST_TARGET "\n");
  run_isa_tests();
  test_svc();
  test_stack_alignment();
  test_priorities();
  test_systick();
  test_vtor();
  test_process_stack();
  test_faults();
  out_str("selftest: done\n");
  semihost_exit(0);
}
