/*
 * CPU check for real toolchains: newlib's printf over semihosting (--specs=rdimon), SHA-256 and P-256 modular
 * arithmetic compiled at -O2 and -Os, hand-written wide conditional branches, and CMSIS-style NVIC priority
 * calls whose effect shows in the order handlers run. Every line it prints must be the same under QEMU and
 * bootproof; it exits with status 3 plus 16 per failed check, so a runner sees the status pass through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../crypto/sha256.h"
#include "bignum.h"
#include "nvic.h"

#ifndef CHECK_TARGET
#define CHECK_TARGET "unknown"
#endif
#ifndef CHECK_ROUNDS
#define CHECK_ROUNDS 1
#endif
#define EXIT_STATUS 3
#define IRQ_A 30
#define IRQ_B 31

static int failures;

static void expect(const char *what, int ok) {
  printf("%s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok) failures++;
}

static void print_hex(const char *name, const uint8_t *bytes, int length) {
  printf("%s=", name);
  for (int i = 0; i < length; i++) printf("%02x", bytes[i]);
  printf("\n");
}

static void print_bn(const char *name, const bn256 *x) {
  printf("%s=", name);
  for (int i = BN_WORDS - 1; i >= 0; i--) printf("%08lx", (unsigned long)x->w[i]);
  printf("\n");
}

/* ---- hashing ---- */
static uint8_t pattern[16 * 1024];

static void sha256(const uint8_t *data, uint32_t length, uint8_t digest[32]) {
  struct sha256_ctx hash;
  sha256_init(&hash);
  sha256_update(&hash, data, length);
  sha256_final(&hash, digest);
}

static void check_sha256(void) {
  uint8_t digest[32];
  sha256((const uint8_t *)"abc", 3, digest);
  print_hex("sha256(abc)", digest, 32);
  for (uint32_t i = 0; i < sizeof pattern; i++) pattern[i] = (uint8_t)(i * 7u + (i >> 8));
  for (int round = 0; round < CHECK_ROUNDS; round++) {
    sha256(pattern, sizeof pattern, digest);
    memcpy(pattern, digest, sizeof digest);
  }
  print_hex("sha256(pattern)", digest, 32);
}

/* ---- bignum ---- */
static void check_bignum(void) {
  bn256 two = {{2}}, a = {{0x01234567u, 0x89abcdefu, 0xfedcba98u, 0x76543210u, 0x0f1e2d3cu, 0x4b5a6978u, 0x8796a5b4u, 0x7fffffffu}};
  bn256 p_minus_2, inverse, product, x = a;
  bn_sub(&p_minus_2, &BN_P256, &two);
  bn_modexp(&inverse, &a, &p_minus_2);
  print_bn("inverse", &inverse);
  bn_modmul(&product, &a, &inverse);
  bn256 one = {{1}};
  expect("a * a^(p-2) == 1 (mod p)", bn_cmp(&product, &one) == 0);
  for (int round = 0; round < 8 * CHECK_ROUNDS; round++) bn_modmul(&x, &x, &a);
  print_bn("a^(1+8r)", &x);
  bn256 sum;
  uint32_t carry = bn_add(&sum, &BN_P256, &BN_P256);
  expect("p + p carries out", carry == 1 && sum.w[0] == 0xfffffffeu);
}

/* ---- wide branches ---- */
#if !__ARM_ARCH_6M__
uint32_t wide_branches(uint32_t n);
static void check_wide_branches(void) {
  uint32_t got = wide_branches(100);
  printf("wide_branches(100)=%lu\n", (unsigned long)got);
  expect("backward and forward b<cond>.w", got == 100u * 101u / 2u + 3u);
}
#endif

/* ---- NVIC priorities (left out of the benchmark build: unicorn, which it is compared with, has no NVIC) ---- */
#ifndef CHECK_BENCH
static char trace[64];
static volatile int trace_length;

static void mark(char c) {
  if (trace_length < (int)sizeof trace - 1) trace[trace_length++] = c;
}

void Irq30_Handler(void) {
  mark('A');
  nvic_set_pending_irq(IRQ_B);
  barrier();
  mark('a');
}

void Irq31_Handler(void) { mark('B'); }

void SVC_Handler(void) {
  mark('S');
  set_pendsv();
  barrier();
  mark('s');
}

void PendSV_Handler(void) { mark('P'); }

/* Pends IRQ A, whose handler pends IRQ B: the trace shows whether B preempted A ("ABa") or waited ("AaB"). */
static const char *run_irqs(void) {
  trace_length = 0;
  nvic_set_pending_irq(IRQ_A);
  barrier();
  trace[trace_length] = 0;
  return trace;
}

static void check_priorities(void) {
  nvic_enable_irq(IRQ_A);
  nvic_enable_irq(IRQ_B);
  enable_irq();
  nvic_set_priority(IRQ_A, 2);
  nvic_set_priority(IRQ_B, 1);
  printf("priorities A=%lu B=%lu\n", (unsigned long)nvic_get_priority(IRQ_A), (unsigned long)nvic_get_priority(IRQ_B));
  const char *t = run_irqs();
  printf("B more urgent: %s\n", t);
  expect("B preempts A", strcmp(t, "ABa") == 0);
  nvic_set_priority(IRQ_B, 3);
  t = run_irqs();
  printf("B less urgent: %s\n", t);
  expect("B waits for A", strcmp(t, "AaB") == 0);
  nvic_set_priority(IRQ_B, 2);
  t = run_irqs();
  printf("same priority: %s\n", t);
  expect("B waits for A at equal priority", strcmp(t, "AaB") == 0);
#if !__ARM_ARCH_6M__
  /* PRIGROUP 7: no group bits left, so nothing preempts anything (in the architecture's terms: one group). */
  nvic_set_priority(IRQ_B, 0);
  nvic_set_priority_grouping(7);
  t = run_irqs();
  printf("prigroup 7: %s\n", t);
  expect("PRIGROUP 7 stops preemption", strcmp(t, "AaB") == 0);
  nvic_set_priority_grouping(0);
  t = run_irqs();
  printf("prigroup 0: %s\n", t);
  expect("PRIGROUP 0 lets B preempt", strcmp(t, "ABa") == 0);
#endif
  /* System handlers through SHPR: PendSV below SVCall runs after the SVC handler returns. */
  nvic_set_priority(-5, 1);
  nvic_set_priority(-2, 3);
  nvic_set_priority(-1, 2);
  printf("SVCall=%lu PendSV=%lu SysTick=%lu\n", (unsigned long)nvic_get_priority(-5), (unsigned long)nvic_get_priority(-2),
         (unsigned long)nvic_get_priority(-1));
  trace_length = 0;
  __asm__ volatile("svc 0" ::: "memory");
  barrier();
  trace[trace_length] = 0;
  printf("svc then pendsv: %s\n", trace);
  expect("PendSV waits for the SVC handler", strcmp(trace, "SsP") == 0);
  nvic_set_priority(-2, 0);
  trace_length = 0;
  __asm__ volatile("svc 0" ::: "memory");
  barrier();
  trace[trace_length] = 0;
  printf("pendsv above svc: %s\n", trace);
  expect("PendSV preempts the SVC handler", strcmp(trace, "SPs") == 0);
}
#endif

int main(int argc, char **argv) {
  (void)argv;
  printf("cpu-check %s\n", CHECK_TARGET);
  fprintf(stderr, "stderr: %s\n", "separate stream");
  /* Host time differs between runs and hosts: only that the calls answer is printed. */
  printf("argc>=0: %s, clock(): %s, time(): %s\n", argc >= 0 ? "yes" : "no", clock() != (clock_t)-1 ? "yes" : "no",
         time(NULL) != (time_t)-1 ? "yes" : "no");
  char *heap = malloc(4096);
  expect("malloc from the heap", heap != NULL);
  free(heap);
  check_sha256();
  check_bignum();
#if !__ARM_ARCH_6M__
  check_wide_branches();
#endif
#ifndef CHECK_BENCH
  check_priorities();
#endif
  printf("failures: %d\n", failures);
  fflush(stdout);
  return EXIT_STATUS + 16 * failures;
}
