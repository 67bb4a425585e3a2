#ifndef BOOTPROOF_ISA_H
#define BOOTPROOF_ISA_H
void run_isa_tests(void);
#endif
