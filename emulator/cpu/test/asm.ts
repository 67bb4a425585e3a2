/**
 * A tiny Thumb assembler for the instruction tests: one builder per form, named and argued like the assembly it
 * stands for (`adds(1, 2, 3)` is `adds r1, r2, #3`), each returning the halfwords in memory order. Built on the
 * same pattern encoder as the conformance generator.
 */
import { assemble } from '../conformance/pattern.ts';

export type Code = number[];

const lo = (n: number): number => {
  if (n < 0 || n > 7) throw new RangeError(`r${n} is not a low register`);
  return n;
};

/** Branch offsets are from the instruction's address + 4, in bytes. */
const half = (offset: number, bits: number): number => (offset >> 1) & ((1 << bits) - 1);

const COND = { eq: 0, ne: 1, cs: 2, cc: 3, mi: 4, pl: 5, vs: 6, vc: 7, hi: 8, ls: 9, ge: 10, lt: 11, gt: 12, le: 13, al: 14 } as const;

/** Encodes a Thumb-2 modified immediate (ThumbExpandImm's inverse) for the values the tests use. */
function modifiedImmediate(value: number): { i: number; imm3: number; imm8: number } {
  const v = value >>> 0;
  if (v < 256) return { i: 0, imm3: 0, imm8: v };
  for (let rotation = 8; rotation < 32; rotation++) {
    const unrotated = ((v << rotation) | (v >>> (32 - rotation))) >>> 0;
    if (unrotated >= 0x80 && unrotated < 0x100) {
      const imm12 = (rotation << 7) | (unrotated & 0x7f);
      return { i: imm12 >> 11, imm3: (imm12 >> 8) & 7, imm8: imm12 & 0xff };
    }
  }
  throw new RangeError(`0x${v.toString(16)} is not a modified immediate`);
}

// ---- 16-bit ----
export const movs = (rd: number, imm8: number): Code => assemble('00100 Rd:3 imm8:8', { Rd: lo(rd), imm8 });
export const cmp = (rn: number, imm8: number): Code => assemble('00101 Rn:3 imm8:8', { Rn: lo(rn), imm8 });
export const adds = (rd: number, rn: number, imm3: number): Code => assemble('0001110 imm3:3 Rn:3 Rd:3', { imm3, Rn: lo(rn), Rd: lo(rd) });
export const subs = (rd: number, rn: number, imm3: number): Code => assemble('0001111 imm3:3 Rn:3 Rd:3', { imm3, Rn: lo(rn), Rd: lo(rd) });
export const addsReg = (rd: number, rn: number, rm: number): Code => assemble('0001100 Rm:3 Rn:3 Rd:3', { Rm: lo(rm), Rn: lo(rn), Rd: lo(rd) });
export const subsReg = (rd: number, rn: number, rm: number): Code => assemble('0001101 Rm:3 Rn:3 Rd:3', { Rm: lo(rm), Rn: lo(rn), Rd: lo(rd) });
export const lsls = (rd: number, rm: number, imm5: number): Code => assemble('00000 imm5:5 Rm:3 Rd:3', { imm5, Rm: lo(rm), Rd: lo(rd) });
export const lsrs = (rd: number, rm: number, imm5: number): Code => assemble('00001 imm5:5 Rm:3 Rd:3', { imm5: imm5 & 31, Rm: lo(rm), Rd: lo(rd) });
export const asrs = (rd: number, rm: number, imm5: number): Code => assemble('00010 imm5:5 Rm:3 Rd:3', { imm5: imm5 & 31, Rm: lo(rm), Rd: lo(rd) });
const ALU = { ands: 0, eors: 1, lslsReg: 2, lsrsReg: 3, asrsReg: 4, adcs: 5, sbcs: 6, rorsReg: 7, tst: 8, negs: 9, cmpReg: 10, cmn: 11, orrs: 12, muls: 13, bics: 14, mvns: 15 } as const;
/** The 16-bit data-processing group: `alu('adcs', 1, 2)` is `adcs r1, r2`. */
export const alu = (op: keyof typeof ALU, rdn: number, rm: number): Code => assemble('010000 op:4 Rm:3 Rdn:3', { op: ALU[op], Rm: lo(rm), Rdn: lo(rdn) });
export const mov = (rd: number, rm: number): Code => assemble('01000110 D:1 Rm:4 Rd:3', { D: rd >> 3, Rm: rm, Rd: rd & 7 });
export const addHigh = (rdn: number, rm: number): Code => assemble('01000100 D:1 Rm:4 Rd:3', { D: rdn >> 3, Rm: rm, Rd: rdn & 7 });
export const bx = (rm: number): Code => assemble('010001110 Rm:4 000', { Rm: rm });
export const blx = (rm: number): Code => assemble('010001111 Rm:4 000', { Rm: rm });
export const ldrLiteral = (rt: number, imm: number): Code => assemble('01001 Rt:3 imm8:8', { Rt: lo(rt), imm8: imm >> 2 });
export const ldr = (rt: number, rn: number, imm: number): Code => assemble('01101 imm5:5 Rn:3 Rt:3', { imm5: imm >> 2, Rn: lo(rn), Rt: lo(rt) });
export const str = (rt: number, rn: number, imm: number): Code => assemble('01100 imm5:5 Rn:3 Rt:3', { imm5: imm >> 2, Rn: lo(rn), Rt: lo(rt) });
export const ldrb = (rt: number, rn: number, imm: number): Code => assemble('01111 imm5:5 Rn:3 Rt:3', { imm5: imm, Rn: lo(rn), Rt: lo(rt) });
export const strb = (rt: number, rn: number, imm: number): Code => assemble('01110 imm5:5 Rn:3 Rt:3', { imm5: imm, Rn: lo(rn), Rt: lo(rt) });
export const ldrh = (rt: number, rn: number, imm: number): Code => assemble('10001 imm5:5 Rn:3 Rt:3', { imm5: imm >> 1, Rn: lo(rn), Rt: lo(rt) });
export const strh = (rt: number, rn: number, imm: number): Code => assemble('10000 imm5:5 Rn:3 Rt:3', { imm5: imm >> 1, Rn: lo(rn), Rt: lo(rt) });
export const ldrsh = (rt: number, rn: number, rm: number): Code => assemble('0101111 Rm:3 Rn:3 Rt:3', { Rm: lo(rm), Rn: lo(rn), Rt: lo(rt) });
export const push = (...registers: number[]): Code =>
  assemble('1011010 M:1 list:8', { M: registers.includes(14) ? 1 : 0, list: registers.filter((r) => r < 8).reduce((m, r) => m | (1 << r), 0) });
export const pop = (...registers: number[]): Code =>
  assemble('1011110 P:1 list:8', { P: registers.includes(15) ? 1 : 0, list: registers.filter((r) => r < 8).reduce((m, r) => m | (1 << r), 0) });
export const stmia = (rn: number, ...registers: number[]): Code => assemble('11000 Rn:3 list:8', { Rn: lo(rn), list: registers.reduce((m, r) => m | (1 << lo(r)), 0) });
export const ldmia = (rn: number, ...registers: number[]): Code => assemble('11001 Rn:3 list:8', { Rn: lo(rn), list: registers.reduce((m, r) => m | (1 << lo(r)), 0) });
export const rev = (rd: number, rm: number): Code => assemble('1011101000 Rm:3 Rd:3', { Rm: lo(rm), Rd: lo(rd) });
export const uxtb = (rd: number, rm: number): Code => assemble('1011001011 Rm:3 Rd:3', { Rm: lo(rm), Rd: lo(rd) });
export const sxth = (rd: number, rm: number): Code => assemble('1011001000 Rm:3 Rd:3', { Rm: lo(rm), Rd: lo(rd) });
export const b = (offset: number): Code => assemble('11100 imm11:11', { imm11: half(offset, 11) });
export const bcond = (cond: keyof typeof COND, offset: number): Code => assemble('1101 cond:4 imm8:8', { cond: COND[cond], imm8: half(offset, 8) });
export const cbz = (rn: number, offset: number): Code => assemble('101100 i:1 1 imm5:5 Rn:3', { i: offset >> 6, imm5: (offset >> 1) & 31, Rn: lo(rn) });
export const cbnz = (rn: number, offset: number): Code => assemble('101110 i:1 1 imm5:5 Rn:3', { i: offset >> 6, imm5: (offset >> 1) & 31, Rn: lo(rn) });
/** `it('eq', 'te')`: the condition, then t/e for the 2nd–4th instructions. */
export function it(cond: keyof typeof COND, rest = ''): Code {
  const first = COND[cond];
  let mask = 0;
  [...rest].forEach((x, i) => {
    mask |= (x === 't' ? first & 1 : (first & 1) ^ 1) << (3 - i);
  });
  mask |= 1 << (3 - rest.length);
  return assemble('10111111 cond:4 mask:4', { cond: first, mask });
}
export const svc = (imm8: number): Code => assemble('11011111 imm8:8', { imm8 });
export const udf = (imm8: number): Code => assemble('11011110 imm8:8', { imm8 });
export const bkpt = (imm8: number): Code => assemble('10111110 imm8:8', { imm8 });
export const cpsid = (): Code => [0xb672];
export const cpsie = (): Code => [0xb662];
export const nop = (): Code => [0xbf00];
export const wfi = (): Code => [0xbf30];
export const wfe = (): Code => [0xbf20];
export const sev = (): Code => [0xbf40];

// ---- 32-bit ----
export const bl = (offset: number): Code => {
  const s = offset < 0 ? 1 : 0;
  const i1 = (offset >> 23) & 1;
  const i2 = (offset >> 22) & 1;
  return assemble('11110 S:1 imm10:10 11 J1:1 1 J2:1 imm11:11', {
    S: s,
    imm10: (offset >> 12) & 0x3ff,
    J1: (i1 ^ s) ^ 1,
    J2: (i2 ^ s) ^ 1,
    imm11: half(offset, 11),
  });
};
/** `b<cond>.w` (T3), offsets within ±1 MiB: S, J2 and J1 are offset bits 20, 19 and 18. */
export const bcondW = (cond: keyof typeof COND, offset: number): Code =>
  assemble('11110 S:1 cond:4 imm6:6 10 J1:1 0 J2:1 imm11:11', {
    S: (offset >> 20) & 1,
    cond: COND[cond],
    imm6: (offset >> 12) & 0x3f,
    J1: (offset >> 18) & 1,
    J2: (offset >> 19) & 1,
    imm11: half(offset, 11),
  });
export const movw = (rd: number, imm16: number): Code =>
  assemble('11110 i:1 100100 imm4:4 0 imm3:3 Rd:4 imm8:8', { i: (imm16 >> 11) & 1, imm4: imm16 >> 12, imm3: (imm16 >> 8) & 7, Rd: rd, imm8: imm16 & 0xff });
export const movt = (rd: number, imm16: number): Code =>
  assemble('11110 i:1 101100 imm4:4 0 imm3:3 Rd:4 imm8:8', { i: (imm16 >> 11) & 1, imm4: imm16 >> 12, imm3: (imm16 >> 8) & 7, Rd: rd, imm8: imm16 & 0xff });
/** `mov32(r, v)`: MOVW + MOVT. */
export const mov32 = (rd: number, value: number): Code => [...movw(rd, value & 0xffff), ...movt(rd, (value >>> 16) & 0xffff)];
const DP = { and: 0, bic: 1, orr: 2, orn: 3, eor: 4, add: 8, adc: 10, sbc: 11, sub: 13, rsb: 14 } as const;
/** Data processing with a modified immediate: `dpImm('add', true, 0, 1, 0xff00)` is `adds.w r0, r1, #0xff00`. */
export const dpImm = (op: keyof typeof DP, setFlags: boolean, rd: number, rn: number, value: number): Code =>
  assemble('11110 i:1 0 op:4 S:1 Rn:4 0 imm3:3 Rd:4 imm8:8', { op: DP[op], S: setFlags ? 1 : 0, Rn: rn, Rd: rd, ...modifiedImmediate(value) });
const SHIFT = { lsl: 0, lsr: 1, asr: 2, ror: 3 } as const;
/** Data processing with a shifted register: `dpReg('add', false, 0, 1, 2, 'lsl', 3)` is `add.w r0, r1, r2, lsl #3`. */
export const dpReg = (op: keyof typeof DP, setFlags: boolean, rd: number, rn: number, rm: number, shift: keyof typeof SHIFT = 'lsl', amount = 0): Code =>
  assemble('1110101 op:4 S:1 Rn:4 0 imm3:3 Rd:4 imm2:2 type:2 Rm:4', {
    op: DP[op],
    S: setFlags ? 1 : 0,
    Rn: rn,
    Rd: rd,
    Rm: rm,
    imm3: (amount >> 2) & 7,
    imm2: amount & 3,
    type: SHIFT[shift],
  });
export const sdiv = (rd: number, rn: number, rm: number): Code => assemble('111110111001 Rn:4 1111 Rd:4 1111 Rm:4', { Rn: rn, Rd: rd, Rm: rm });
export const udiv = (rd: number, rn: number, rm: number): Code => assemble('111110111011 Rn:4 1111 Rd:4 1111 Rm:4', { Rn: rn, Rd: rd, Rm: rm });
export const umull = (rdLo: number, rdHi: number, rn: number, rm: number): Code =>
  assemble('111110111010 Rn:4 RdLo:4 RdHi:4 0000 Rm:4', { Rn: rn, RdLo: rdLo, RdHi: rdHi, Rm: rm });
export const smlal = (rdLo: number, rdHi: number, rn: number, rm: number): Code =>
  assemble('111110111100 Rn:4 RdLo:4 RdHi:4 0000 Rm:4', { Rn: rn, RdLo: rdLo, RdHi: rdHi, Rm: rm });
export const umaal = (rdLo: number, rdHi: number, rn: number, rm: number): Code =>
  assemble('111110111110 Rn:4 RdLo:4 RdHi:4 0110 Rm:4', { Rn: rn, RdLo: rdLo, RdHi: rdHi, Rm: rm });
export const mla = (rd: number, rn: number, rm: number, ra: number): Code => assemble('111110110000 Rn:4 Ra:4 Rd:4 0000 Rm:4', { Rn: rn, Ra: ra, Rd: rd, Rm: rm });
export const ubfx = (rd: number, rn: number, lsb: number, width: number): Code =>
  assemble('111100111100 Rn:4 0 imm3:3 Rd:4 imm2:2 0 w:5', { Rn: rn, Rd: rd, imm3: lsb >> 2, imm2: lsb & 3, w: width - 1 });
export const sbfx = (rd: number, rn: number, lsb: number, width: number): Code =>
  assemble('111100110100 Rn:4 0 imm3:3 Rd:4 imm2:2 0 w:5', { Rn: rn, Rd: rd, imm3: lsb >> 2, imm2: lsb & 3, w: width - 1 });
export const bfi = (rd: number, rn: number, lsb: number, width: number): Code =>
  assemble('111100110110 Rn:4 0 imm3:3 Rd:4 imm2:2 0 msb:5', { Rn: rn, Rd: rd, imm3: lsb >> 2, imm2: lsb & 3, msb: lsb + width - 1 });
export const ssat = (rd: number, bits: number, rn: number): Code => assemble('111100110000 Rn:4 0000 Rd:4 000 sat:5', { Rn: rn, Rd: rd, sat: bits - 1 });
export const usat = (rd: number, bits: number, rn: number): Code => assemble('111100111000 Rn:4 0000 Rd:4 000 sat:5', { Rn: rn, Rd: rd, sat: bits });
export const clz = (rd: number, rm: number): Code => assemble('111110101011 Rm:4 1111 Rd:4 1000 Rm2:4', { Rm: rm, Rd: rd, Rm2: rm });
export const rbit = (rd: number, rm: number): Code => assemble('111110101001 Rm:4 1111 Rd:4 1010 Rm2:4', { Rm: rm, Rd: rd, Rm2: rm });
export const sadd16 = (rd: number, rn: number, rm: number): Code => assemble('111110101001 Rn:4 1111 Rd:4 0000 Rm:4', { Rn: rn, Rd: rd, Rm: rm });
export const uqadd8 = (rd: number, rn: number, rm: number): Code => assemble('111110101000 Rn:4 1111 Rd:4 0101 Rm:4', { Rn: rn, Rd: rd, Rm: rm });
export const sel = (rd: number, rn: number, rm: number): Code => assemble('111110101010 Rn:4 1111 Rd:4 1000 Rm:4', { Rn: rn, Rd: rd, Rm: rm });
export const qadd = (rd: number, rm: number, rn: number): Code => assemble('111110101000 Rn:4 1111 Rd:4 1000 Rm:4', { Rn: rn, Rd: rd, Rm: rm });
export const smlabb = (rd: number, rn: number, rm: number, ra: number): Code => assemble('111110110001 Rn:4 Ra:4 Rd:4 0000 Rm:4', { Rn: rn, Ra: ra, Rd: rd, Rm: rm });
export const ldrW = (rt: number, rn: number, imm12: number): Code => assemble('111110001101 Rn:4 Rt:4 imm12:12', { Rn: rn, Rt: rt, imm12 });
export const strW = (rt: number, rn: number, imm12: number): Code => assemble('111110001100 Rn:4 Rt:4 imm12:12', { Rn: rn, Rt: rt, imm12 });
/** `ldr rt, [rn, #imm]!` (pre-indexed, writeback). */
export const ldrPre = (rt: number, rn: number, imm8: number): Code => assemble('111110000101 Rn:4 Rt:4 1111 imm8:8', { Rn: rn, Rt: rt, imm8 });
/** `ldr rt, [rn], #imm` (post-indexed). */
export const ldrPost = (rt: number, rn: number, imm8: number): Code => assemble('111110000101 Rn:4 Rt:4 1011 imm8:8', { Rn: rn, Rt: rt, imm8 });
export const ldrd = (rt: number, rt2: number, rn: number, imm: number): Code => assemble('111010011101 Rn:4 Rt:4 Rt2:4 imm8:8', { Rn: rn, Rt: rt, Rt2: rt2, imm8: imm >> 2 });
export const strd = (rt: number, rt2: number, rn: number, imm: number): Code => assemble('111010011100 Rn:4 Rt:4 Rt2:4 imm8:8', { Rn: rn, Rt: rt, Rt2: rt2, imm8: imm >> 2 });
export const stmdb = (rn: number, ...registers: number[]): Code => assemble('1110100100 1 0 Rn:4 list:16', { Rn: rn, list: registers.reduce((m, r) => m | (1 << r), 0) });
export const ldmiaW = (rn: number, ...registers: number[]): Code => assemble('1110100010 1 1 Rn:4 list:16', { Rn: rn, list: registers.reduce((m, r) => m | (1 << r), 0) });
export const ldrex = (rt: number, rn: number): Code => assemble('111010000101 Rn:4 Rt:4 1111 00000000', { Rn: rn, Rt: rt });
export const strex = (rd: number, rt: number, rn: number): Code => assemble('111010000100 Rn:4 Rt:4 Rd:4 00000000', { Rn: rn, Rt: rt, Rd: rd });
export const clrex = (): Code => [0xf3bf, 0x8f2f];
export const tbb = (rn: number, rm: number): Code => assemble('111010001101 Rn:4 11110000 0000 Rm:4', { Rn: rn, Rm: rm });
export const tbh = (rn: number, rm: number): Code => assemble('111010001101 Rn:4 11110000 0001 Rm:4', { Rn: rn, Rm: rm });
const SYSM = { apsr: 0, ipsr: 5, msp: 8, psp: 9, msplim: 10, psplim: 11, primask: 16, basepri: 17, faultmask: 19, control: 20 } as const;
export const mrs = (rd: number, sysm: keyof typeof SYSM): Code => assemble('1111001111101111 1000 Rd:4 sysm:8', { Rd: rd, sysm: SYSM[sysm] });
export const msr = (sysm: keyof typeof SYSM, rn: number): Code => assemble('111100111000 Rn:4 10001000 sysm:8', { Rn: rn, sysm: SYSM[sysm] });
export const dsb = (): Code => [0xf3bf, 0x8f4f];
export const isb = (): Code => [0xf3bf, 0x8f6f];
export const udfW = (imm16: number): Code => assemble('111101111111 imm4:4 1010 imm12:12', { imm4: imm16 >> 12, imm12: imm16 & 0xfff });
/** ARMv8-M load-acquire / store-release (word). */
export const lda = (rt: number, rn: number): Code => assemble('111010001101 Rn:4 Rt:4 1111 1010 1111', { Rn: rn, Rt: rt });
export const stl = (rt: number, rn: number): Code => assemble('111010001100 Rn:4 Rt:4 1111 1010 1111', { Rn: rn, Rt: rt });
