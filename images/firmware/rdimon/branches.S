/*
 * Conditional wide branches (B<cond>.W, encoding T3) both ways, near and past the 16-bit form's reach, with J1
 * and J2 set (backward) and clear (forward): the encoding an MCUboot build's bne.w hit. ARMv7-M and later only.
 *   uint32_t wide_branches(uint32_t n): returns n(n+1)/2 + 3 for n > 0.
 */
  /* Names the file symbol: without it the assembler records its temporary file's random name (not reproducible). */
  .file "branches.S"
  .syntax unified
  .thumb
  .text
  .global wide_branches
  .type wide_branches, %function
wide_branches:
  movs r1, #0
1:
  adds r1, r1, r0
  .rept 200
  nop
  .endr
  subs r0, r0, #1
  bne.w 1b              @ backward, 400+ bytes: past b<cond>.n's reach
  movs r2, #0
2:
  adds r2, r2, #2
  tst r2, #8
  beq.w 2b              @ backward, short
  adds r1, r1, r2, lsr #2
  cmp r1, #0
  beq.w 3f              @ forward, not taken
  adds r1, r1, #1
  cmp r1, #0
  bne.w 3f              @ forward, taken, past a block of padding
  .rept 200
  nop
  .endr
  movs r1, #0
3:
  mov r0, r1
  bx lr
  .size wide_branches, . - wide_branches
