/**
 * The instruction classes the random generator draws from, one row per encoding with its pattern (see
 * pattern.ts), the values its fields may take, and what the generator must arrange around it: a base register
 * pointing into the data area for memory accesses, a forward target for branches. Only architecturally valid
 * (not UNPREDICTABLE) encodings are produced, so two correct implementations must agree on every one.
 */
import type { Fields } from './pattern.ts';

/** Where a memory access goes: base + offset (+ index << shift), touching `span` bytes aligned to `align`. */
export interface MemoryUse {
  base: number;
  offset: number;
  index?: number;
  shift?: number;
  span: number;
  align: number;
}

export interface Encoding {
  name: string;
  pattern: string;
  /** Allowed values of some fields; the others are random within their width (registers: r0–r12, lr). */
  choices?: Record<string, readonly number[]>;
  valid?: (f: Fields) => boolean;
  memory?: (f: Fields) => MemoryUse;
  /** A forward branch: the fields that skip `bytes` bytes past the end of this instruction. */
  branch?: (bytes: number) => Fields;
  /** The fields of a branch by `offset` bytes (negative) from this instruction's address + 4. */
  backward?: (offset: number) => Fields;
  /** Reaches the far pages (±16 MiB: B.W and BL, T4), where offsets of megabytes set J1 and J2 to 0. */
  far?: true;
  /**
   * A branch through a register or a table: the generator sets `Rm` (the target with the Thumb bit, or the table
   * index) and, for TBB/TBH, lays the table out after the instruction.
   */
  indirect?: 'register' | 'table-byte' | 'table-half';
  it?: true;
  /** Needs the DSP extension (all rows run on the Cortex-M4 model). */
  dsp?: true;
}

const LOW = [0, 1, 2, 3, 4, 5, 6, 7];
/** Every general register but SP and PC. */
export const GENERAL = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14];
/**
 * GENERAL and SP, for a base register where SP is allowed: the generator points SP into the data area (word-
 * aligned, as SP must stay) before the access.
 */
export const GENERAL_OR_SP = [...GENERAL, 13];
const notSpPc = (...registers: number[]): boolean => registers.every((n) => n !== 13 && n !== 15);
/** ADD and SUB (and CMN, CMP among the flag-setting tests) are the data-processing operations that take SP as Rn. */
const spAllowedAsRn = (f: Fields): boolean => f.Rn !== 13 || f.op === 8 || f.op === 13;
const bitCount = (v: number): number => v.toString(2).replaceAll('0', '').length;
const lsb = (f: Fields): number => (f.imm3 << 2) | f.imm2;
const SIZE_BYTES = [1, 2, 4];

/** B.W (T4) and BL by `offset`: J1 = NOT(I1 XOR S), J2 = NOT(I2 XOR S), I1 and I2 being offset bits 23 and 22. */
const branchT4 = (offset: number): Fields => {
  const S = (offset >> 24) & 1;
  return { S, J1: ((offset >> 23) & 1) ^ S ^ 1, J2: ((offset >> 22) & 1) ^ S ^ 1, imm10: (offset >> 12) & 0x3ff, imm11: (offset >> 1) & 0x7ff };
};

const THUMB16: Encoding[] = [
  { name: 'shift_imm', pattern: '000 op:2 imm5:5 Rm:3 Rd:3', choices: { op: [0, 1, 2] } },
  { name: 'add_sub_reg', pattern: '000110 sub:1 Rm:3 Rn:3 Rd:3' },
  { name: 'add_sub_imm3', pattern: '000111 sub:1 imm3:3 Rn:3 Rd:3' },
  { name: 'mov_cmp_add_sub_imm8', pattern: '001 op:2 Rd:3 imm8:8' },
  { name: 'data_processing', pattern: '010000 op:4 Rm:3 Rd:3' },
  {
    name: 'add_hi',
    pattern: '01000100 DN:1 Rm:4 Rdn:3',
    valid: (f) => notSpPc((f.DN << 3) | f.Rdn),
  },
  {
    name: 'cmp_hi',
    pattern: '01000101 N:1 Rm:4 Rn:3',
    valid: (f) => ((f.N << 3) | f.Rn) !== 15 && f.Rm !== 15 && (f.N === 1 || f.Rm >= 8),
  },
  { name: 'mov_hi', pattern: '01000110 D:1 Rm:4 Rd:3', valid: (f) => notSpPc((f.D << 3) | f.Rd) },
  { name: 'ldr_literal', pattern: '01001 Rt:3 imm8:8' },
  {
    name: 'load_store_reg',
    pattern: '0101 op:3 Rm:3 Rn:3 Rt:3',
    valid: (f) => f.Rm !== f.Rn,
    memory: (f) => ({ base: f.Rn, offset: 0, index: f.Rm, shift: 0, span: [4, 2, 1, 1, 4, 2, 1, 2][f.op], align: [4, 2, 1, 1, 4, 2, 1, 2][f.op] }),
  },
  {
    name: 'load_store_word_imm',
    pattern: '0110 L:1 imm5:5 Rn:3 Rt:3',
    memory: (f) => ({ base: f.Rn, offset: f.imm5 * 4, span: 4, align: 4 }),
  },
  {
    name: 'load_store_byte_imm',
    pattern: '0111 L:1 imm5:5 Rn:3 Rt:3',
    memory: (f) => ({ base: f.Rn, offset: f.imm5, span: 1, align: 1 }),
  },
  {
    name: 'load_store_half_imm',
    pattern: '1000 L:1 imm5:5 Rn:3 Rt:3',
    memory: (f) => ({ base: f.Rn, offset: f.imm5 * 2, span: 2, align: 2 }),
  },
  { name: 'load_store_sp', pattern: '1001 L:1 Rt:3 imm8:8', choices: { imm8: [0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 31] } },
  { name: 'adr', pattern: '10100 Rd:3 imm8:8' },
  { name: 'add_sp_rd', pattern: '10101 Rd:3 imm8:8' },
  { name: 'add_sub_sp', pattern: '10110000 sub:1 imm7:7', choices: { imm7: [0, 1, 2, 4, 8, 16] } },
  { name: 'extend', pattern: '10110010 op:2 Rm:3 Rd:3' },
  { name: 'push', pattern: '1011010 M:1 list:8', valid: (f) => f.list + f.M > 0 },
  { name: 'pop', pattern: '10111100 list:8', valid: (f) => f.list > 0 },
  { name: 'reverse', pattern: '10111010 op:2 Rm:3 Rd:3', choices: { op: [0, 1, 3] } },
  { name: 'nop16', pattern: '1011111100000000' },
  {
    name: 'stm16',
    pattern: '11000 Rn:3 list:8',
    valid: (f) => f.list > 0 && !((f.list >> f.Rn) & 1),
    memory: (f) => ({ base: f.Rn, offset: 0, span: bitCount(f.list) * 4, align: 4 }),
  },
  {
    name: 'ldm16',
    pattern: '11001 Rn:3 list:8',
    valid: (f) => f.list > 0,
    memory: (f) => ({ base: f.Rn, offset: 0, span: bitCount(f.list) * 4, align: 4 }),
  },
  {
    name: 'b_cond16',
    pattern: '1101 cond:4 imm8:8',
    choices: { cond: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] },
    branch: (bytes) => ({ imm8: ((bytes - 2) / 2) & 0xff }),
    backward: (offset) => ({ imm8: (offset >> 1) & 0xff }),
  },
  {
    name: 'b16',
    pattern: '11100 imm11:11',
    branch: (bytes) => ({ imm11: ((bytes - 2) / 2) & 0x7ff }),
    backward: (offset) => ({ imm11: (offset >> 1) & 0x7ff }),
  },
  {
    name: 'cbz',
    pattern: '1011 op:1 0 i:1 1 imm5:5 Rn:3',
    branch: (bytes) => ({ i: (bytes - 2) >> 6, imm5: ((bytes - 2) >> 1) & 31 }),
  },
  {
    name: 'it',
    pattern: '10111111 firstcond:4 mask:4',
    choices: { firstcond: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] },
    valid: (f) => f.mask !== 0,
    it: true,
  },
];

const DP_OPS = [0, 1, 2, 3, 4, 8, 10, 11, 13, 14];

const DATA_PROCESSING: Encoding[] = [
  {
    name: 'dp_modified_imm',
    pattern: '11110 i:1 0 op:4 S:1 Rn:4 0 imm3:3 Rd:4 imm8:8',
    choices: { op: DP_OPS, Rn: GENERAL_OR_SP, Rd: GENERAL },
    valid: spAllowedAsRn,
  },
  {
    name: 'dp_modified_imm_test',
    pattern: '11110 i:1 0 op:4 1 Rn:4 0 imm3:3 1111 imm8:8',
    choices: { op: [0, 4, 8, 13], Rn: GENERAL_OR_SP },
    valid: spAllowedAsRn,
  },
  { name: 'mov_mvn_modified_imm', pattern: '11110 i:1 0 001 op:1 S:1 1111 0 imm3:3 Rd:4 imm8:8', choices: { Rd: GENERAL } },
  {
    name: 'dp_shifted_reg',
    pattern: '1110101 op:4 S:1 Rn:4 0 imm3:3 Rd:4 imm2:2 type:2 Rm:4',
    choices: { op: DP_OPS, Rn: GENERAL_OR_SP, Rd: GENERAL, Rm: GENERAL },
    valid: spAllowedAsRn,
  },
  {
    name: 'dp_shifted_reg_test',
    pattern: '1110101 op:4 1 Rn:4 0 imm3:3 1111 imm2:2 type:2 Rm:4',
    choices: { op: [0, 4, 8, 13], Rn: GENERAL_OR_SP, Rm: GENERAL },
    valid: spAllowedAsRn,
  },
  {
    name: 'mov_shifted_reg',
    pattern: '1110101 001 op:1 S:1 1111 0 imm3:3 Rd:4 imm2:2 type:2 Rm:4',
    choices: { Rd: GENERAL, Rm: GENERAL },
  },
  {
    name: 'pkh',
    pattern: '111010101100 Rn:4 0 imm3:3 Rd:4 imm2:2 tb:1 0 Rm:4',
    choices: { Rn: GENERAL, Rd: GENERAL, Rm: GENERAL },
    dsp: true,
  },
  {
    name: 'addw_subw',
    pattern: '11110 i:1 1 op:5 Rn:4 0 imm3:3 Rd:4 imm8:8',
    choices: { op: [0, 10], Rn: GENERAL_OR_SP, Rd: GENERAL },
  },
  { name: 'adr_w', pattern: '11110 i:1 1 op:5 1111 0 imm3:3 Rd:4 imm8:8', choices: { op: [0, 10], Rd: GENERAL } },
  { name: 'movw_movt', pattern: '11110 i:1 1 op:5 imm4:4 0 imm3:3 Rd:4 imm8:8', choices: { op: [4, 12], Rd: GENERAL } },
  {
    name: 'ssat_usat',
    pattern: '11110011 u:1 0 sh:1 0 Rn:4 0 imm3:3 Rd:4 imm2:2 0 sat:5',
    choices: { Rn: GENERAL, Rd: GENERAL },
    valid: (f) => !(f.sh === 1 && lsb(f) === 0),
  },
  {
    name: 'ssat16_usat16',
    pattern: '11110011 u:1 010 Rn:4 0000 Rd:4 0000 sat:4',
    choices: { Rn: GENERAL, Rd: GENERAL },
    dsp: true,
  },
  {
    name: 'bitfield_extract',
    pattern: '11110011 u:1 100 Rn:4 0 imm3:3 Rd:4 imm2:2 0 widthm1:5',
    choices: { Rn: GENERAL, Rd: GENERAL },
    valid: (f) => lsb(f) + f.widthm1 <= 31,
  },
  {
    name: 'bfi_bfc',
    pattern: '111100110110 Rn:4 0 imm3:3 Rd:4 imm2:2 0 msb:5',
    choices: { Rn: [...GENERAL, 15], Rd: GENERAL },
    valid: (f) => f.msb >= lsb(f),
  },
  {
    name: 'shift_reg',
    pattern: '111110100 type:2 S:1 Rn:4 1111 Rd:4 0000 Rm:4',
    choices: { Rn: GENERAL, Rd: GENERAL, Rm: GENERAL },
  },
  {
    name: 'extend_w',
    pattern: '111110100 op:3 1111 1111 Rd:4 10 rot:2 Rm:4',
    choices: { op: [0, 1, 4, 5], Rd: GENERAL, Rm: GENERAL },
  },
  {
    name: 'extend_add',
    pattern: '111110100 op:3 Rn:4 1111 Rd:4 10 rot:2 Rm:4',
    choices: { op: [0, 1, 2, 3, 4, 5], Rn: GENERAL, Rd: GENERAL, Rm: GENERAL },
    dsp: true,
  },
  { name: 'extend16', pattern: '111110100 op:3 1111 1111 Rd:4 10 rot:2 Rm:4', choices: { op: [2, 3], Rd: GENERAL, Rm: GENERAL }, dsp: true },
  {
    name: 'parallel_add_sub',
    pattern: '111110101 op:3 Rn:4 1111 Rd:4 0 kind:3 Rm:4',
    choices: { op: [0, 1, 2, 4, 5, 6], kind: [0, 1, 2, 4, 5, 6], Rn: GENERAL, Rd: GENERAL, Rm: GENERAL },
    dsp: true,
  },
  {
    name: 'saturating_add_sub',
    pattern: '1111101010 00 Rn:4 1111 Rd:4 10 op:2 Rm:4',
    choices: { Rn: GENERAL, Rd: GENERAL, Rm: GENERAL },
    dsp: true,
  },
  {
    name: 'reverse_w',
    pattern: '1111101010 01 Rn:4 1111 Rd:4 10 op:2 Rm:4',
    choices: { Rn: GENERAL, Rd: GENERAL, Rm: GENERAL },
    valid: (f) => f.Rn === f.Rm,
  },
  { name: 'sel', pattern: '1111101010 10 Rn:4 1111 Rd:4 1000 Rm:4', choices: { Rn: GENERAL, Rd: GENERAL, Rm: GENERAL }, dsp: true },
  {
    name: 'clz',
    pattern: '1111101010 11 Rn:4 1111 Rd:4 1000 Rm:4',
    choices: { Rn: GENERAL, Rd: GENERAL, Rm: GENERAL },
    valid: (f) => f.Rn === f.Rm,
  },
];

const MULTIPLY: Encoding[] = [
  {
    name: 'mul_mla_mls',
    pattern: '111110110000 Rn:4 Ra:4 Rd:4 000 op:1 Rm:4',
    choices: { Rn: GENERAL, Ra: [...GENERAL, 15], Rd: GENERAL, Rm: GENERAL },
    valid: (f) => !(f.op === 1 && f.Ra === 15),
  },
  {
    name: 'smla_xy',
    pattern: '111110110001 Rn:4 Ra:4 Rd:4 00 N:1 M:1 Rm:4',
    choices: { Rn: GENERAL, Ra: [...GENERAL, 15], Rd: GENERAL, Rm: GENERAL },
    dsp: true,
  },
  {
    name: 'dual_multiply',
    pattern: '111110110 op:3 Rn:4 Ra:4 Rd:4 000 X:1 Rm:4',
    choices: { op: [2, 3, 4, 5], Rn: GENERAL, Ra: [...GENERAL, 15], Rd: GENERAL, Rm: GENERAL },
    dsp: true,
  },
  {
    name: 'smmls',
    pattern: '111110110110 Rn:4 Ra:4 Rd:4 000 R:1 Rm:4',
    choices: { Rn: GENERAL, Ra: GENERAL, Rd: GENERAL, Rm: GENERAL },
    dsp: true,
  },
  {
    name: 'usad8',
    pattern: '111110110111 Rn:4 Ra:4 Rd:4 0000 Rm:4',
    choices: { Rn: GENERAL, Ra: [...GENERAL, 15], Rd: GENERAL, Rm: GENERAL },
    dsp: true,
  },
  {
    name: 'long_multiply',
    pattern: '111110111 op:3 Rn:4 RdLo:4 RdHi:4 0000 Rm:4',
    choices: { op: [0, 2, 4, 6], Rn: GENERAL, RdLo: GENERAL, RdHi: GENERAL, Rm: GENERAL },
    valid: (f) => f.RdLo !== f.RdHi,
  },
  {
    name: 'umaal',
    pattern: '111110111110 Rn:4 RdLo:4 RdHi:4 0110 Rm:4',
    choices: { Rn: GENERAL, RdLo: GENERAL, RdHi: GENERAL, Rm: GENERAL },
    valid: (f) => f.RdLo !== f.RdHi,
    dsp: true,
  },
  {
    name: 'smlal_xy',
    pattern: '111110111100 Rn:4 RdLo:4 RdHi:4 10 N:1 M:1 Rm:4',
    choices: { Rn: GENERAL, RdLo: GENERAL, RdHi: GENERAL, Rm: GENERAL },
    valid: (f) => f.RdLo !== f.RdHi,
    dsp: true,
  },
  {
    name: 'smlald_smlsld',
    pattern: '11111011110 sub:1 Rn:4 RdLo:4 RdHi:4 110 X:1 Rm:4',
    choices: { Rn: GENERAL, RdLo: GENERAL, RdHi: GENERAL, Rm: GENERAL },
    valid: (f) => f.RdLo !== f.RdHi,
    dsp: true,
  },
  {
    name: 'divide',
    pattern: '1111101110 u:1 1 Rn:4 1111 Rd:4 1111 Rm:4',
    choices: { Rn: GENERAL, Rd: GENERAL, Rm: GENERAL },
  },
];

const MEMORY: Encoding[] = [
  {
    name: 'load_store_imm12',
    pattern: '1111100 S:1 1 size:2 L:1 Rn:4 Rt:4 imm12:12',
    choices: { size: [0, 1, 2], Rn: GENERAL_OR_SP, Rt: GENERAL, imm12: [0, 1, 2, 3, 4, 8, 12, 64, 100, 255, 256, 1024] },
    // From the word-aligned SP, an offset that is not a multiple of the size would make an unaligned access.
    valid: (f) => (f.L === 1 || f.S === 0) && !(f.S === 1 && f.size === 2) && (f.Rn !== 13 || f.imm12 % SIZE_BYTES[f.size] === 0),
    memory: (f) => ({ base: f.Rn, offset: f.imm12, span: SIZE_BYTES[f.size], align: SIZE_BYTES[f.size] }),
  },
  {
    name: 'load_store_imm8',
    pattern: '1111100 S:1 0 size:2 L:1 Rn:4 Rt:4 1 P:1 U:1 W:1 imm8:8',
    choices: { size: [0, 1, 2], Rn: GENERAL_OR_SP, Rt: GENERAL },
    // SP stays word-aligned through a writeback, and its accesses aligned.
    valid: (f) =>
      (f.L === 1 || f.S === 0) && !(f.S === 1 && f.size === 2) && (f.P || f.W) === 1 && !(f.W && f.Rn === f.Rt) && (f.Rn !== 13 || f.imm8 % 4 === 0),
    memory: (f) => ({
      base: f.Rn,
      offset: f.P ? (f.U ? f.imm8 : -f.imm8) : 0,
      span: SIZE_BYTES[f.size],
      align: SIZE_BYTES[f.size],
    }),
  },
  {
    name: 'load_store_reg_w',
    pattern: '1111100 S:1 0 size:2 L:1 Rn:4 Rt:4 000000 imm2:2 Rm:4',
    choices: { size: [0, 1, 2], Rn: GENERAL_OR_SP, Rt: GENERAL, Rm: GENERAL },
    valid: (f) => (f.L === 1 || f.S === 0) && !(f.S === 1 && f.size === 2) && f.Rn !== f.Rm,
    memory: (f) => ({ base: f.Rn, offset: 0, index: f.Rm, shift: f.imm2, span: SIZE_BYTES[f.size], align: SIZE_BYTES[f.size] }),
  },
  {
    name: 'load_literal_w',
    pattern: '1111100 S:1 U:1 size:2 1 1111 Rt:4 imm12:12',
    choices: { size: [0, 1, 2], Rt: GENERAL },
    valid: (f) => !(f.S === 1 && f.size === 2),
  },
  {
    name: 'load_store_dual',
    pattern: '1110100 P:1 U:1 1 W:1 L:1 Rn:4 Rt:4 Rt2:4 imm8:8',
    choices: { Rn: GENERAL_OR_SP, Rt: GENERAL, Rt2: GENERAL, imm8: [0, 1, 2, 3, 8, 31] },
    valid: (f) => (f.P || f.W) === 1 && !(f.W && (f.Rn === f.Rt || f.Rn === f.Rt2)) && !(f.L && f.Rt === f.Rt2),
    memory: (f) => ({ base: f.Rn, offset: f.P ? (f.U ? 4 : -4) * f.imm8 : 0, span: 8, align: 4 }),
  },
  {
    name: 'load_store_multiple',
    pattern: '1110100 op:2 0 W:1 L:1 Rn:4 0 M:1 0 list:13',
    choices: { op: [1, 2], Rn: GENERAL_OR_SP },
    valid: (f) => bitCount(f.list) + f.M >= 2 && !(f.W && ((f.Rn === 14 && f.M) || (f.list >> f.Rn) & 1 && f.Rn < 13)),
    memory: (f) => {
      const span = (bitCount(f.list) + f.M) * 4;
      return { base: f.Rn, offset: f.op === 2 ? -span : 0, span, align: 4 };
    },
  },
  { name: 'push_w', pattern: '1110100100101101 0 M:1 0 list:13', valid: (f) => bitCount(f.list) + f.M >= 2 },
  { name: 'pop_w', pattern: '1110100010111101 0 M:1 0 list:13', valid: (f) => bitCount(f.list) + f.M >= 2 },
  {
    name: 'ldrex',
    pattern: '111010000101 Rn:4 Rt:4 1111 imm8:8',
    choices: { Rn: GENERAL_OR_SP, Rt: GENERAL, imm8: [0, 1, 2, 7] },
    memory: (f) => ({ base: f.Rn, offset: f.imm8 * 4, span: 4, align: 4 }),
  },
  {
    name: 'strex',
    pattern: '111010000100 Rn:4 Rt:4 Rd:4 imm8:8',
    choices: { Rn: GENERAL_OR_SP, Rt: GENERAL, Rd: GENERAL, imm8: [0, 1, 2, 7] },
    valid: (f) => f.Rd !== f.Rn && f.Rd !== f.Rt,
    memory: (f) => ({ base: f.Rn, offset: f.imm8 * 4, span: 4, align: 4 }),
  },
  {
    name: 'ldrex_byte_half',
    pattern: '111010001101 Rn:4 Rt:4 1111 010 h:1 1111',
    choices: { Rn: GENERAL_OR_SP, Rt: GENERAL },
    memory: (f) => ({ base: f.Rn, offset: 0, span: f.h ? 2 : 1, align: f.h ? 2 : 1 }),
  },
  {
    name: 'strex_byte_half',
    pattern: '111010001100 Rn:4 Rt:4 1111 010 h:1 Rd:4',
    choices: { Rn: GENERAL_OR_SP, Rt: GENERAL, Rd: GENERAL },
    valid: (f) => f.Rd !== f.Rn && f.Rd !== f.Rt,
    memory: (f) => ({ base: f.Rn, offset: 0, span: f.h ? 2 : 1, align: f.h ? 2 : 1 }),
  },
  { name: 'clrex', pattern: '1111001110111111 1000111100101111' },
];

/** Branches whose target comes from a register or a table (BX, BLX, TBB, TBH). */
const INDIRECT: Encoding[] = [
  { name: 'bx', pattern: '010001110 Rm:4 000', choices: { Rm: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] }, indirect: 'register' },
  { name: 'blx', pattern: '010001111 Rm:4 000', choices: { Rm: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] }, indirect: 'register' },
  { name: 'tbb', pattern: '111010001101 1111 11110000 0000 Rm:4', choices: { Rm: GENERAL }, indirect: 'table-byte' },
  { name: 'tbh', pattern: '111010001101 1111 11110000 0001 Rm:4', choices: { Rm: GENERAL }, indirect: 'table-half' },
];

const CONTROL: Encoding[] = [
  { name: 'mrs_apsr', pattern: '1111001111101111 1000 Rd:4 00000000', choices: { Rd: GENERAL } },
  { name: 'msr_apsr', pattern: '111100111000 Rn:4 1000 mask:2 00 00000000', choices: { Rn: GENERAL, mask: [1, 2, 3] } },
  { name: 'barrier', pattern: '1111001110111111 10001111 op:4 1111', choices: { op: [4, 5, 6] } },
  { name: 'nop_w', pattern: '1111001110101111 1000000000000000' },
  {
    name: 'b_cond_w',
    pattern: '11110 S:1 cond:4 imm6:6 10 J1:1 0 J2:1 imm11:11',
    choices: { cond: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] },
    branch: (bytes) => ({ S: 0, imm6: 0, J1: 0, J2: 0, imm11: bytes >> 1 }),
    backward: (offset) => ({ S: (offset >> 20) & 1, J2: (offset >> 19) & 1, J1: (offset >> 18) & 1, imm6: (offset >> 12) & 0x3f, imm11: (offset >> 1) & 0x7ff }),
  },
  {
    name: 'b_w',
    pattern: '11110 S:1 imm10:10 10 J1:1 1 J2:1 imm11:11',
    branch: (bytes) => ({ S: 0, imm10: 0, J1: 1, J2: 1, imm11: bytes >> 1 }),
    backward: branchT4,
    far: true,
  },
  {
    name: 'bl',
    pattern: '11110 S:1 imm10:10 11 J1:1 1 J2:1 imm11:11',
    branch: (bytes) => ({ S: 0, imm10: 0, J1: 1, J2: 1, imm11: bytes >> 1 }),
    backward: branchT4,
    far: true,
  },
];

export const ENCODINGS: readonly Encoding[] = [...THUMB16, ...DATA_PROCESSING, ...MULTIPLY, ...MEMORY, ...CONTROL, ...INDIRECT];

/**
 * ARMv6-M: the 16-bit set without CBZ/CBNZ and IT, plus BL, MRS, MSR and the barriers. ADD (register) of two low
 * registers is UNPREDICTABLE there, and MSR APSR writes N, Z, C, V only (mask 0b10).
 */
export const V6M_ENCODINGS: readonly Encoding[] = [
  ...THUMB16.filter((e) => e.name !== 'cbz' && !e.it).map((e) =>
    e.name === 'add_hi' ? { ...e, valid: (f: Fields) => notSpPc((f.DN << 3) | f.Rdn) && (f.DN === 1 || f.Rm >= 8) } : e,
  ),
  ...CONTROL.filter((e) => ['mrs_apsr', 'barrier', 'bl'].includes(e.name)),
  ...INDIRECT.filter((e) => e.indirect === 'register').map((e) => ({ ...e, choices: { Rm: LOW } })),
  { name: 'msr_apsr_nzcvq', pattern: '111100111000 Rn:4 10001000 00000000', choices: { Rn: GENERAL } },
];

