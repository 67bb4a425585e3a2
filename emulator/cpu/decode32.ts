/**
 * The 32-bit Thumb-2 encodings, ARMv7-M ARM section A5.3: this file dispatches and handles data processing,
 * branches and miscellaneous control; memory access and multiply/DSP live beside it.
 */

import { decodeMemory } from './decode32-memory.ts';
import { decodeMultiply, decodeRegisterOps } from './decode32-multiply.ts';
import { type DecodeContext, type Decoded, UNDEFINED } from './decoded.ts';
import {
  addWithCarry,
  CONDITIONS,
  expandImmediate,
  reg,
  type ShiftType,
  setNZ,
  shiftImmediate,
} from './emit.ts';

export const next4 = (code: string): Decoded => ({ size: 4, code, flow: 'next' });
const branch4 = (code: string): Decoded => ({ size: 4, code, flow: 'branch' });
const stop4 = (code: string): Decoded => ({ size: 4, code, flow: 'stop' });

/** Registers a 32-bit data-processing instruction may not name (SP or PC): UNPREDICTABLE, treated as UNDEFINED. */
export const badReg = (...registers: number[]): boolean => registers.some((n) => n === 13 || n === 15);

export function decode32(h1: number, h2: number, pc: number, c: DecodeContext): Decoded {
  const op1 = (h1 >> 11) & 3;
  const op2 = (h1 >> 4) & 0x7f;
  if (!c.thumb2) {
    // ARMv6-M keeps only BL, MSR, MRS, DSB/DMB/ISB and UDF.W among the 32-bit encodings.
    if (op1 === 2 && h2 & 0x8000) return branchesAndControl(h1, h2, pc, c);
    return UNDEFINED(pc, 4);
  }
  if (op1 === 1) {
    if ((op2 & 0x64) === 0) return decodeMemory(h1, h2, pc, c);
    if ((op2 & 0x64) === 4) return decodeMemory(h1, h2, pc, c);
    if ((op2 & 0x60) === 0x20) return shiftedRegister(h1, h2, pc, c);
    return coprocessor(pc);
  }
  if (op1 === 2) {
    if (h2 & 0x8000) return branchesAndControl(h1, h2, pc, c);
    return op2 & 0x20 ? plainImmediate(h1, h2, pc, c) : modifiedImmediate(h1, h2, pc);
  }
  if (op2 & 0x40) return coprocessor(pc);
  if ((op2 & 0x70) === 0x20) return decodeRegisterOps(h1, h2, pc, c);
  if ((op2 & 0x70) === 0x30) return decodeMultiply(h1, h2, pc, c);
  if ((op2 & 0x67) === 0x07 || (op2 & 0x71) === 0x10) return UNDEFINED(pc, 4);
  return decodeMemory(h1, h2, pc, c);
}

/** Coprocessor and floating-point space: no coprocessor is present, so UsageFault NOCP. */
const coprocessor = (pc: number): Decoded => ({ size: 4, code: `cpu.noCoprocessor(${pc});`, flow: 'branch' });

/**
 * The data-processing operations shared by the modified-immediate and shifted-register forms. `operand` is an
 * expression for the second operand; `carry` sets C from the shifter when flags are set (logical ops only).
 */
function dataProcessing(
  op: number,
  setFlags: boolean,
  d: number,
  n: number,
  operand: string,
  carry: string,
  pc: number,
): Decoded | undefined {
  const rn = reg(n, pc);
  const test = d === 15 && setFlags;
  const logical = (expr: string): Decoded =>
    next4(`t=${expr};${test ? '' : `r[${d}]=t;`}${setFlags ? carry + setNZ('t') : ''}`);
  const arithmetic = (sum: string): Decoded => next4(`${sum}${test ? '' : `r[${d}]=t;`}`);
  switch (op) {
    case 0:
      return logical(`${rn}&${operand}`);
    case 1:
      return d === 15 ? undefined : logical(`${rn}&~${operand}`);
    case 2:
      return d === 15 ? undefined : logical(n === 15 ? operand : `${rn}|${operand}`);
    case 3:
      return d === 15 ? undefined : logical(n === 15 ? `~${operand}` : `${rn}|~${operand}`);
    case 4:
      return logical(`${rn}^${operand}`);
    case 8:
      return arithmetic(addWithCarry(rn, operand, '0', setFlags));
    case 10:
      return d === 15 ? undefined : arithmetic(addWithCarry(rn, operand, 'r[18]', setFlags));
    case 11:
      return d === 15 ? undefined : arithmetic(addWithCarry(rn, `~${operand}`, 'r[18]', setFlags));
    case 13:
      return arithmetic(addWithCarry(rn, `~${operand}`, '1', setFlags));
    case 14:
      return d === 15 ? undefined : arithmetic(addWithCarry(`~${rn}`, operand, '1', setFlags));
    default:
      return undefined;
  }
}

/**
 * The register rules of the data-processing encodings: the tests (TST/TEQ/CMN/CMP) are Rd = PC with S set; only
 * ADD/SUB may use SP as Rn (and then as Rd); Rn = PC means MOV/MVN for ORR/ORN. Anything else is UNPREDICTABLE.
 */
function validDataRegisters(op: number, setFlags: boolean, d: number, n: number): boolean {
  const addOrSub = op === 8 || op === 13;
  const isTest = d === 15 && setFlags && (op === 0 || op === 4 || addOrSub);
  if (isTest) return n !== 15 && (n !== 13 || addOrSub);
  const move = (op === 2 || op === 3) && n === 15;
  const spForm = addOrSub && n === 13;
  if (d === 15 || (d === 13 && !spForm)) return false;
  if (n === 15 && !move) return false;
  return n !== 13 || spForm;
}

function modifiedImmediate(h1: number, h2: number, pc: number): Decoded {
  const op = (h1 >> 5) & 15;
  const setFlags = (h1 & 0x10) !== 0;
  const n = h1 & 15;
  const d = (h2 >> 8) & 15;
  const imm12 = ((h1 & 0x400) << 1) | ((h2 >> 4) & 0x700) | (h2 & 0xff);
  const { value, rotated } = expandImmediate(imm12);
  if (!validDataRegisters(op, setFlags, d, n)) return UNDEFINED(pc, 4);
  const carry = rotated ? `r[18]=${value >>> 31};` : '';
  return dataProcessing(op, setFlags, d, n, `(${value})`, carry, pc) ?? UNDEFINED(pc, 4);
}

function shiftedRegister(h1: number, h2: number, pc: number, c: DecodeContext): Decoded {
  const op = (h1 >> 5) & 15;
  const setFlags = (h1 & 0x10) !== 0;
  const n = h1 & 15;
  const d = (h2 >> 8) & 15;
  const m = h2 & 15;
  const type = ((h2 >> 4) & 3) as ShiftType;
  const amount = ((h2 >> 10) & 0x1c) | ((h2 >> 6) & 3);
  if (op === 6) return packHalfwords(h1, h2, pc, c);
  if (!validDataRegisters(op, setFlags, d, n) || badReg(m)) return UNDEFINED(pc, 4);
  const shift = shiftImmediate(type, amount);
  const decoded = dataProcessing(op, setFlags, d, n, 'y', shift.carry, pc);
  if (!decoded) return UNDEFINED(pc, 4);
  return next4(`x=r[${m}];y=${shift.value};${decoded.code}`);
}

/** PKHBT / PKHTB (DSP). */
function packHalfwords(h1: number, h2: number, pc: number, c: DecodeContext): Decoded {
  const n = h1 & 15;
  const d = (h2 >> 8) & 15;
  const m = h2 & 15;
  if (!c.dsp || h1 & 0x10 || h2 & 0x10 || badReg(d, n, m)) return UNDEFINED(pc, 4);
  const amount = ((h2 >> 10) & 0x1c) | ((h2 >> 6) & 3);
  const tb = (h2 & 0x20) !== 0;
  const shifted = shiftImmediate(tb ? 2 : 0, amount).value;
  return next4(
    tb
      ? `x=r[${m}];r[${d}]=(r[${n}]&0xffff0000)|(${shifted}&0xffff);`
      : `x=r[${m}];r[${d}]=(${shifted}&0xffff0000)|(r[${n}]&0xffff);`,
  );
}

function plainImmediate(h1: number, h2: number, pc: number, c: DecodeContext): Decoded {
  const op = (h1 >> 4) & 0x1f;
  const n = h1 & 15;
  const d = (h2 >> 8) & 15;
  const imm12 = ((h1 & 0x400) << 1) | ((h2 >> 4) & 0x700) | (h2 & 0xff);
  const lsb = ((h2 >> 10) & 0x1c) | ((h2 >> 6) & 3);
  const field = h2 & 31;
  switch (op) {
    case 0:
    case 10: {
      if (d === 15 || (d === 13 && n !== 13)) return UNDEFINED(pc, 4);
      if (n === 15) return next4(`r[${d}]=${(((pc + 4) & ~3) + (op === 0 ? imm12 : -imm12)) | 0};`);
      return next4(`r[${d}]=r[${n}]${op === 0 ? '+' : '-'}${imm12}|0;`);
    }
    case 4:
      if (badReg(d)) return UNDEFINED(pc, 4);
      return next4(`r[${d}]=${((h1 & 15) << 12) | imm12};`);
    case 12:
      if (badReg(d)) return UNDEFINED(pc, 4);
      return next4(`r[${d}]=(r[${d}]&0xffff)|${((((h1 & 15) << 12) | imm12) << 16) | 0};`);
    case 16:
    case 18:
    case 24:
    case 26:
      return saturate(op, n, d, lsb, field, h2, pc, c);
    case 20:
    case 28: {
      if (badReg(d, n) || lsb + field > 31) return UNDEFINED(pc, 4);
      const width = field + 1;
      return next4(`r[${d}]=r[${n}]<<${32 - lsb - width}${op === 20 ? '>>' : '>>>'}${32 - width};`);
    }
    case 22: {
      if (badReg(d) || n === 13 || field < lsb) return UNDEFINED(pc, 4);
      const mask = (((2 ** (field - lsb + 1) - 1) * 2 ** lsb) | 0) >>> 0;
      const insert = n === 15 ? '0' : `((r[${n}]<<${lsb})&${mask})`;
      return next4(`r[${d}]=(r[${d}]&${~mask})|${insert};`);
    }
    default:
      return UNDEFINED(pc, 4);
  }
}

/** SSAT, USAT and (DSP) SSAT16, USAT16: saturation sets Q. */
function saturate(op: number, n: number, d: number, lsb: number, field: number, h2: number, pc: number, c: DecodeContext): Decoded {
  if (badReg(d, n)) return UNDEFINED(pc, 4);
  const unsigned = op >= 24;
  const halfwords = (op === 18 || op === 26) && lsb === 0;
  if (halfwords) {
    if (!c.dsp || h2 & 0x30) return UNDEFINED(pc, 4);
    const bits = field & 15;
    const [low, high] = unsigned ? [0, 2 ** bits - 1] : [-(2 ** bits), 2 ** bits - 1];
    const sat = (v: string): string =>
      `(${v}<${low}?(r[20]=1,${low}):${v}>${high}?(r[20]=1,${high}):${v})`;
    return next4(`x=r[${n}]<<16>>16;y=r[${n}]>>16;r[${d}]=(${sat('x')}&0xffff)|(${sat('y')}<<16);`);
  }
  const bits = unsigned ? field : field + 1;
  const shift = shiftImmediate(op & 2 ? 2 : 0, lsb).value;
  const [low, high] = unsigned ? [0, 2 ** bits - 1] : [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
  return next4(`x=r[${n}];t=${shift};r[${d}]=t<${low}?(r[20]=1,${low}):t>${high}?(r[20]=1,${high | 0}):t;`);
}

function branchesAndControl(h1: number, h2: number, pc: number, c: DecodeContext): Decoded {
  const op1 = (h2 >> 12) & 7;
  const op = (h1 >> 4) & 0x7f;
  const s = (h1 >> 10) & 1;
  const j1 = (h2 >> 13) & 1;
  const j2 = (h2 >> 11) & 1;
  if (op1 & 1) {
    // B.W (T4) and BL: I1 = NOT(J1 XOR S), I2 = NOT(J2 XOR S).
    const i1 = (j1 ^ s) ^ 1;
    const i2 = (j2 ^ s) ^ 1;
    const offset = ((s ? -1 << 24 : 0) | (i1 << 23) | (i2 << 22) | ((h1 & 0x3ff) << 12) | ((h2 & 0x7ff) << 1)) | 0;
    const target = (pc + 4 + offset) | 0;
    if (c.inIt && !c.lastInIt) return UNDEFINED(pc, 4);
    if (op1 & 4) return branch4(`r[14]=${(pc + 4) | 1};r[15]=${target};`);
    if (!c.thumb2) return UNDEFINED(pc, 4);
    return { ...branch4(`r[15]=${target};`), target };
  }
  // B<cond>.W (T3): hw2[14,12] == 0x0; bit 13 is J1, so 000 and 010 both encode it.
  if ((op1 & 5) === 0 && (op & 0x38) !== 0x38) {
    if (!c.thumb2 || c.inIt) return UNDEFINED(pc, 4);
    const offset = ((s ? -1 << 20 : 0) | (j2 << 19) | (j1 << 18) | ((h1 & 0x3f) << 12) | ((h2 & 0x7ff) << 1)) | 0;
    const target = (pc + 4 + offset) | 0;
    const condition = CONDITIONS[(h1 >> 6) & 15];
    return { ...branch4(`r[15]=${condition}?${target}:${(pc + 4) | 0};`), target, condition };
  }
  if (op1 & 4 || op1 === 2) return UNDEFINED(pc, 4); // op1 010 with op 111xxxx: unallocated hints space
  switch (op) {
    case 0x38:
    case 0x39: {
      const n = h1 & 15;
      if (badReg(n)) return UNDEFINED(pc, 4);
      return stop4(`cpu.moveToSpecial(${h2 & 0xff},${(h2 >> 10) & 3},r[${n}]);`);
    }
    case 0x3a:
      if (!c.thumb2) return UNDEFINED(pc, 4);
      switch (h2 & 0x7ff) {
        case 0:
        case 1:
          return next4('');
        case 2:
          return stop4('cpu.waitForEvent();');
        case 3:
          return stop4('cpu.waitForInterrupt();');
        case 4:
          return next4('cpu.sendEvent();');
        default:
          return next4('');
      }
    case 0x3b:
      switch ((h2 >> 4) & 15) {
        case 2:
          return c.thumb2 ? next4('cpu.clearExclusive();') : UNDEFINED(pc, 4);
        case 4:
        case 5:
          return next4('');
        case 6:
          return stop4('');
        default:
          return UNDEFINED(pc, 4);
      }
    case 0x3e:
    case 0x3f: {
      const d = (h2 >> 8) & 15;
      if (badReg(d)) return UNDEFINED(pc, 4);
      return next4(`r[${d}]=cpu.moveFromSpecial(${h2 & 0xff});`);
    }
    default:
      return UNDEFINED(pc, 4);
  }
}
