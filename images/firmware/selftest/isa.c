/*
 * Instruction results, printed as hex: each line exercises one instruction class with operands that reach its
 * corner cases (carries, overflow, saturation, sign extension, division by zero).
 */
#include <stdint.h>
#include "../common/print.h"
#include "isa.h"

static uint32_t apsr(void) {
  uint32_t value;
  __asm__ volatile("mrs %0, apsr" : "=r"(value));
  return value;
}

static void clear_flags(void) { __asm__ volatile("msr apsr_nzcvq, %0" ::"r"(0u) : "cc"); }

/* A mixing loop over add/sub/shift/rotate/multiply with carries, compiled to a spread of data-processing forms. */
static void test_mixing(void) {
  uint32_t a = 0x12345678u, b = 0x9abcdef0u, c = 1;
  for (uint32_t i = 0; i < 1000; i++) {
    uint64_t wide = (uint64_t)a + b + c;
    c = (uint32_t)(wide >> 32);
    a = (uint32_t)wide ^ (b >> (i & 31)) ^ (b << ((i + 7) & 31));
    b = b * 2654435761u + (a >> 3) - (i * 40503u);
    b = (b >> 13) | (b << 19);
  }
  out_field("mix", a ^ b ^ c);
}

static void test_divide(void) {
  volatile uint32_t zero = 0, seven = 7;
  volatile int32_t min = INT32_MIN, minus_one = -1, minus_seven = -7;
  out_field("udiv", 1000000007u / seven);
  out_field("udiv-by-zero", 5u / zero);
  out_field("sdiv", (uint32_t)(minus_seven * 1000 / 3));
  out_field("sdiv-overflow", (uint32_t)(min / minus_one));
  out_field("sdiv-by-zero", (uint32_t)(minus_seven / (int32_t)zero));
}

static void test_long_multiply(void) {
  volatile uint32_t x = 0xfedcba98u, y = 0x87654321u;
  uint64_t unsigned_product = (uint64_t)x * y;
  int64_t signed_product = (int64_t)(int32_t)x * (int32_t)y;
  uint64_t accumulated = unsigned_product + (uint64_t)y * y;
  int64_t signed_accumulated = signed_product + (int64_t)(int32_t)y * (int32_t)x;
  out_field("umull-hi", (uint32_t)(unsigned_product >> 32));
  out_field("umull-lo", (uint32_t)unsigned_product);
  out_field("smull-hi", (uint32_t)((uint64_t)signed_product >> 32));
  out_field("umlal-hi", (uint32_t)(accumulated >> 32));
  out_field("smlal-hi", (uint32_t)((uint64_t)signed_accumulated >> 32));
  uint32_t mls;
  __asm__("mls %0, %1, %2, %3" : "=r"(mls) : "r"(x), "r"(y), "r"(0x1000u));
  out_field("mls", mls);
}

static void test_bit_operations(void) {
  volatile uint32_t v = 0x00f0a581u;
  uint32_t r;
  __asm__("rbit %0, %1" : "=r"(r) : "r"(v));
  out_field("rbit", r);
  out_field("clz", (uint32_t)__builtin_clz(v));
  __asm__("rev %0, %1" : "=r"(r) : "r"(v));
  out_field("rev", r);
  __asm__("rev16 %0, %1" : "=r"(r) : "r"(v));
  out_field("rev16", r);
  __asm__("revsh %0, %1" : "=r"(r) : "r"(v));
  out_field("revsh", r);
  __asm__("ubfx %0, %1, #5, #11" : "=r"(r) : "r"(v));
  out_field("ubfx", r);
  __asm__("sbfx %0, %1, #4, #8" : "=r"(r) : "r"(v));
  out_field("sbfx", r);
  r = 0xffffffffu;
  __asm__("bfi %0, %1, #8, #12" : "+r"(r) : "r"(v));
  out_field("bfi", r);
  __asm__("bfc %0, #3, #20" : "+r"(r));
  out_field("bfc", r);
  __asm__("ror %0, %1, #7" : "=r"(r) : "r"(v));
  out_field("ror", r);
  __asm__("asrs %0, %1, #31" : "=r"(r) : "r"(0x80000000u) : "cc");
  out_field("asr", r);
  __asm__("sxtb %0, %1" : "=r"(r) : "r"(v));
  out_field("sxtb", r);
  __asm__("uxth %0, %1, ror #8" : "=r"(r) : "r"(v));
  out_field("uxth-ror", r);
}

static void test_saturation(void) {
  uint32_t r;
  clear_flags();
  __asm__ volatile("ssat %0, #8, %1" : "=r"(r) : "r"(300u));
  out_field("ssat", r);
  out_field("ssat-q", (apsr() >> 27) & 1);
  clear_flags();
  __asm__ volatile("usat %0, #8, %1, asr #1" : "=r"(r) : "r"((uint32_t)-300));
  out_field("usat", r);
  out_field("usat-q", (apsr() >> 27) & 1);
}

static void test_flags(void) {
  uint32_t r, flags;
  __asm__ volatile("adds %0, %2, %3\n\tmrs %1, apsr" : "=r"(r), "=r"(flags) : "r"(0x80000000u), "r"(0x80000000u) : "cc");
  out_field("adds-nzcv", flags >> 28);
  __asm__ volatile("subs %0, %2, %3\n\tmrs %1, apsr" : "=r"(r), "=r"(flags) : "r"(3u), "r"(5u) : "cc");
  out_field("subs-nzcv", flags >> 28);
  __asm__ volatile(
      "cmp %2, #10\n\t"
      "ite lt\n\t"
      "movlt %0, #1\n\t"
      "movge %0, #2\n\t"
      "mrs %1, apsr"
      : "=r"(r), "=r"(flags)
      : "r"(-4)
      : "cc");
  out_field("it-lt", r);
  uint32_t lo, hi;
  __asm__ volatile("adds %0, %2, %3\n\tadc %1, %4, %5" : "=&r"(lo), "=&r"(hi) : "r"(0xffffffffu), "r"(2u), "r"(7u), "r"(9u) : "cc");
  out_field("adc-carry", hi);
  __asm__ volatile("subs %0, %2, %3\n\tsbc %1, %4, %5" : "=&r"(lo), "=&r"(hi) : "r"(1u), "r"(2u), "r"(7u), "r"(3u) : "cc");
  out_field("sbc-borrow", hi);
}

static void test_memory(void) {
  uint32_t source[4] = {0x01020304u, 0x05060708u, 0x090a0b0cu, 0x0d0e0f10u};
  uint32_t target[4] = {0};
  uint32_t lo, hi;
  __asm__ volatile(
      "ldm %2, {r4, r5, r6, r7}\n\t"
      "stm %3, {r4, r5, r6, r7}\n\t"
      "ldrd %0, %1, [%2, #8]\n\t"
      : "=&r"(lo), "=&r"(hi)
      : "r"(source), "r"(target)
      : "r4", "r5", "r6", "r7", "memory");
  out_field("ldm-stm", target[0] ^ target[1] ^ target[2] ^ target[3]);
  out_field("ldrd", lo + hi);
  uint32_t status_ok, status_cleared, value = 5;
  __asm__ volatile(
      "ldrex r4, [%2]\n\t"
      "add r4, r4, #1\n\t"
      "strex %0, r4, [%2]\n\t"
      "clrex\n\t"
      "strex %1, r4, [%2]\n\t"
      : "=&r"(status_ok), "=&r"(status_cleared)
      : "r"(&value)
      : "r4", "memory");
  out_field("strex-ok", status_ok);
  out_field("strex-after-clrex", status_cleared);
  out_field("ldrex-value", value);
  volatile int8_t signed_byte = -3;
  volatile int16_t signed_half = -300;
  out_field("ldrsb", (uint32_t)(int32_t)signed_byte);
  out_field("ldrsh", (uint32_t)(int32_t)signed_half);
}

static uint32_t table_branch(uint32_t index) {
  uint32_t result;
  __asm__ volatile(
      "tbb [pc, %1]\n\t"
      ".byte (1f - 0f) / 2, (2f - 0f) / 2, (3f - 0f) / 2, (3f - 0f) / 2\n\t"
      "0:\n\t"
      "1: movs %0, #11\n\t"
      "b 4f\n\t"
      "2: movs %0, #22\n\t"
      "b 4f\n\t"
      "3: movs %0, #33\n\t"
      "4:\n\t"
      : "=&l"(result)
      : "r"(index)
      : "cc");
  return result;
}

static void test_branches(void) {
  out_field("tbb", table_branch(0) * 10000 + table_branch(1) * 100 + table_branch(2));
  uint32_t taken = 0;
  volatile uint32_t zero = 0;
  __asm__ volatile("cbz %1, 1f\n\tmovs %0, #1\n\t1:\n\t" : "+l"(taken) : "l"(zero) : "cc");
  out_field("cbz", taken);
}

#if defined(__ARM_FEATURE_DSP)
static void test_dsp(void) {
  uint32_t r, flags;
  clear_flags();
  __asm__ volatile("uadd8 %0, %2, %3\n\tmrs %1, apsr" : "=r"(r), "=r"(flags) : "r"(0x80ff7f01u), "r"(0x8001017fu));
  out_field("uadd8", r);
  out_field("uadd8-ge", (flags >> 16) & 0xf);
  __asm__ volatile("sel %0, %1, %2" : "=r"(r) : "r"(0x11223344u), "r"(0xaabbccddu));
  out_field("sel", r);
  clear_flags();
  __asm__ volatile("qadd %0, %2, %3\n\tmrs %1, apsr" : "=r"(r), "=r"(flags) : "r"(0x7ffffff0u), "r"(0x100u));
  out_field("qadd", r);
  out_field("qadd-q", (flags >> 27) & 1);
  __asm__ volatile("qsub16 %0, %1, %2" : "=r"(r) : "r"(0x80007fffu), "r"(0x0001ffffu));
  out_field("qsub16", r);
  __asm__ volatile("shadd16 %0, %1, %2" : "=r"(r) : "r"(0x7fff8000u), "r"(0x00038001u));
  out_field("shadd16", r);
  __asm__ volatile("uqsub8 %0, %1, %2" : "=r"(r) : "r"(0x10203040u), "r"(0x20102050u));
  out_field("uqsub8", r);
  __asm__ volatile("smlad %0, %1, %2, %3" : "=r"(r) : "r"(0x7fff8000u), "r"(0x00038001u), "r"(100u));
  out_field("smlad", r);
  __asm__ volatile("smulbt %0, %1, %2" : "=r"(r) : "r"(0x1234fff0u), "r"(0x8000abcdu));
  out_field("smulbt", r);
  __asm__ volatile("smlawb %0, %1, %2, %3" : "=r"(r) : "r"(0x12345678u), "r"(0x0000c000u), "r"(5u));
  out_field("smlawb", r);
  uint32_t lo = 0xffffffffu, hi = 0xffffffffu;
  __asm__ volatile("umaal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(0xffffffffu), "r"(0xffffffffu));
  out_field("umaal-lo", lo);
  out_field("umaal-hi", hi);
  lo = 5;
  hi = 0;
  __asm__ volatile("smlalbb %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(0x8000u), "r"(0x7fffu));
  out_field("smlalbb-lo", lo);
  out_field("smlalbb-hi", hi);
  __asm__ volatile("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(0x11112222u), "r"(0x33334444u));
  out_field("pkhtb", r);
  __asm__ volatile("sxtab16 %0, %1, %2" : "=r"(r) : "r"(0x00010001u), "r"(0x0080ff7fu));
  out_field("sxtab16", r);
  __asm__ volatile("usad8 %0, %1, %2" : "=r"(r) : "r"(0x01020304u), "r"(0x04030201u));
  out_field("usad8", r);
}
#endif

#if defined(__ARM_ARCH_8M_MAIN__)
static void test_armv8m(void) {
  uint32_t cell = 0x1234u, loaded, status;
  __asm__ volatile("lda %0, [%1]" : "=r"(loaded) : "r"(&cell) : "memory");
  __asm__ volatile("stl %0, [%1]" ::"r"(loaded + 1), "r"(&cell) : "memory");
  __asm__ volatile("ldaex %0, [%1]" : "=r"(loaded) : "r"(&cell) : "memory");
  __asm__ volatile("stlex %0, %2, [%1]" : "=&r"(status) : "r"(&cell), "r"(loaded + 1) : "memory");
  out_field("lda-stl", cell);
  out_field("stlex-status", status);
}
#endif

void run_isa_tests(void) {
  test_mixing();
  test_divide();
  test_long_multiply();
  test_bit_operations();
  test_saturation();
  test_flags();
  test_memory();
  test_branches();
#if defined(__ARM_FEATURE_DSP)
  test_dsp();
#endif
#if defined(__ARM_ARCH_8M_MAIN__)
  test_armv8m();
#endif
}
