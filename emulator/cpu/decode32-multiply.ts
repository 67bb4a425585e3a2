/**
 * 32-bit Thumb-2 register operations (A5.3.12: shifts by register, extends, parallel add/subtract,
 * miscellaneous) and multiplies (A5.3.16 / A5.3.17: multiply-accumulate, long multiply, divide). The arithmetic
 * that does not fit an expression is in arith.ts, reached as `h.*` from the translated code.
 */

import { badReg, next4 } from './decode32.ts';
import { type DecodeContext, type Decoded, UNDEFINED } from './decoded.ts';
import { type ShiftType, setNZ, shiftByRegister } from './emit.ts';

const EXTENDS = ['t<<16>>16', 't&0xffff', '', '', 't<<24>>24', 't&0xff'];

export function decodeRegisterOps(h1: number, h2: number, pc: number, c: DecodeContext): Decoded {
  const op1 = (h1 >> 4) & 15;
  const op2 = (h2 >> 4) & 15;
  const n = h1 & 15;
  const d = (h2 >> 8) & 15;
  const m = h2 & 15;
  if ((h2 & 0xf000) !== 0xf000) return UNDEFINED(pc, 4);
  if (op1 < 8 && op2 === 0) {
    if (badReg(d, n, m)) return UNDEFINED(pc, 4);
    const setFlags = (op1 & 1) !== 0;
    return next4(`x=r[${n}];u=r[${m}]&255;${shiftByRegister((op1 >> 1) as ShiftType, setFlags)}r[${d}]=t;${setFlags ? setNZ('t') : ''}`);
  }
  if (op1 < 6 && op2 & 8) {
    if (badReg(d, m) || n === 13 || (h2 & 0x40) === 0x40) return UNDEFINED(pc, 4);
    const rotation = ((h2 >> 4) & 3) * 8;
    const rotated = rotation === 0 ? `r[${m}]` : `(r[${m}]>>>${rotation}|r[${m}]<<${32 - rotation})`;
    if (n !== 15 && !c.dsp) return UNDEFINED(pc, 4);
    if (op1 === 2 || op1 === 3) {
      if (!c.dsp) return UNDEFINED(pc, 4);
      const lanes = op1 === 2 ? 't<<24>>24&0xffff|(t<<8>>24)<<16' : 't&0xff00ff';
      const add = n === 15 ? 'y' : `(((r[${n}]&0xffff)+(y&0xffff))&0xffff|((r[${n}]>>>16)+(y>>>16))<<16)`;
      return next4(`t=${rotated};y=${lanes};r[${d}]=${add};`);
    }
    const extended = EXTENDS[op1];
    return next4(`t=${rotated};r[${d}]=${n === 15 ? extended : `r[${n}]+(${extended})|0`};`);
  }
  if (op1 & 8 && !(op2 & 8)) {
    const kind = op2 & 7;
    if (!c.dsp || badReg(d, n, m) || kind === 3 || kind === 7 || [3, 7].includes(op1 & 7)) return UNDEFINED(pc, 4);
    return next4(`r[${d}]=h.parallelAddSubtract(r,${op1 & 7},${kind},r[${n}],r[${m}]);`);
  }
  if ((op1 & 12) === 8 && (op2 & 12) === 8) return miscellaneous(op1 & 3, op2 & 3, n, d, m, pc, c);
  return UNDEFINED(pc, 4);
}

function miscellaneous(op1: number, op2: number, n: number, d: number, m: number, pc: number, c: DecodeContext): Decoded {
  if (badReg(d, n, m)) return UNDEFINED(pc, 4);
  if (op1 === 0) {
    if (!c.dsp) return UNDEFINED(pc, 4);
    const second = op2 & 1 ? `h.saturate32(r,2*r[${n}])` : `r[${n}]`;
    return next4(`r[${d}]=h.saturate32(r,r[${m}]${op2 & 2 ? '-' : '+'}${second});`);
  }
  if (op1 === 2) {
    if (op2 !== 0 || !c.dsp) return UNDEFINED(pc, 4);
    return next4(`r[${d}]=h.selectBytes(r,r[${n}],r[${m}]);`);
  }
  // REV, REV16, RBIT, REVSH and CLZ repeat Rm in the Rn field.
  if (n !== m) return UNDEFINED(pc, 4);
  if (op1 === 3) return op2 === 0 ? next4(`r[${d}]=Math.clz32(r[${m}]);`) : UNDEFINED(pc, 4);
  const forms = [
    't=r[M];r[D]=(t<<24)|((t&0xff00)<<8)|((t>>>8)&0xff00)|(t>>>24);',
    't=r[M];r[D]=((t&0xff00ff)<<8)|((t>>>8)&0xff00ff);',
    'r[D]=h.reverseBits(r[M]);',
    't=r[M];r[D]=((t&0xff)<<24>>16)|((t>>>8)&0xff);',
  ];
  return next4(forms[op2].replaceAll('M', String(m)).replaceAll('D', String(d)));
}

const half = (register: number, top: boolean): string => (top ? `(r[${register}]>>16)` : `(r[${register}]<<16>>16)`);

export function decodeMultiply(h1: number, h2: number, pc: number, c: DecodeContext): Decoded {
  const op1 = (h1 >> 4) & 7;
  const n = h1 & 15;
  const a = (h2 >> 12) & 15;
  const d = (h2 >> 8) & 15;
  const m = h2 & 15;
  if (h1 & 0x80) return longMultiply(h1, h2, pc, c);
  const op2 = (h2 >> 4) & 15;
  if (op2 & 12 && op1 !== 1) return UNDEFINED(pc, 4);
  if (badReg(d, n, m) || a === 13) return UNDEFINED(pc, 4);
  const acc = a === 15 ? '' : `+r[${a}]`;
  if (op1 === 0) {
    if (op2 === 0) return next4(`r[${d}]=Math.imul(r[${n}],r[${m}])${acc}|0;`);
    if (op2 === 1 && a !== 15) return next4(`r[${d}]=r[${a}]-Math.imul(r[${n}],r[${m}])|0;`);
    return UNDEFINED(pc, 4);
  }
  if (!c.dsp) return UNDEFINED(pc, 4);
  const x = (op2 & 1) !== 0;
  const swapped = x ? `(r[${m}]>>>16|r[${m}]<<16)` : `r[${m}]`;
  const pair = `y=${swapped};x=r[${n}];u=(x<<16>>16)*(y<<16>>16);s=(x>>16)*(y>>16);`;
  switch (op1) {
    case 1:
      if (op2 & 12) return UNDEFINED(pc, 4);
      return next4(`r[${d}]=h.addSettingQ(r,${half(n, (op2 & 2) !== 0)}*${half(m, x)}${acc});`);
    case 2:
      return next4(`${pair}r[${d}]=h.addSettingQ(r,u+s${acc});`);
    case 3:
      return next4(`r[${d}]=h.addSettingQ(r,Math.floor(r[${n}]*${half(m, x)}/65536)${acc});`);
    case 4:
      return next4(`${pair}r[${d}]=h.addSettingQ(r,u-s${acc});`);
    case 5:
    case 6:
      if (op1 === 6 && a === 15) return UNDEFINED(pc, 4);
      return next4(`r[${d}]=h.mostSignificantMultiply(r[${n}],r[${m}],${a === 15 ? 0 : `r[${a}]`},${op1 === 6},${x});`);
    default:
      if (op2 !== 0) return UNDEFINED(pc, 4);
      return next4(`r[${d}]=h.sumAbsoluteDifferences(r[${n}],r[${m}],${a === 15 ? 0 : `r[${a}]`});`);
  }
}

function longMultiply(h1: number, h2: number, pc: number, c: DecodeContext): Decoded {
  const op1 = (h1 >> 4) & 7;
  const op2 = (h2 >> 4) & 15;
  const n = h1 & 15;
  const lo = (h2 >> 12) & 15;
  const hi = (h2 >> 8) & 15;
  const m = h2 & 15;
  if (op1 === 1 || op1 === 3) {
    if (op2 !== 15 || lo !== 15 || badReg(hi, n, m)) return UNDEFINED(pc, 4);
    const quotient = op1 === 1 ? `r[${n}]/x|0` : `(r[${n}]>>>0)/(x>>>0)|0`;
    return next4(`x=r[${m}];if(x===0){cpu.divideByZero(${pc});r[${hi}]=0;}else r[${hi}]=${quotient};`);
  }
  if (badReg(lo, hi, n, m) || lo === hi) return UNDEFINED(pc, 4);
  const signed = op1 === 0 || op1 === 4;
  if (op2 === 0 && op1 !== 5 && op1 !== 7) {
    return next4(`h.multiplyLong(r,${lo},${hi},r[${n}],r[${m}],${signed},${op1 >= 4});`);
  }
  if (!c.dsp) return UNDEFINED(pc, 4);
  if (op1 === 6 && op2 === 6) return next4(`h.multiplyAccumulateAccumulate(r,${lo},${hi},r[${n}],r[${m}]);`);
  if (op1 === 4 && (op2 & 12) === 8) {
    return next4(`h.accumulate64(r,${lo},${hi},${half(n, (op2 & 2) !== 0)}*${half(m, (op2 & 1) !== 0)});`);
  }
  if ((op1 === 4 || op1 === 5) && (op2 & 14) === 12) {
    const y = op2 & 1 ? `(r[${m}]>>>16|r[${m}]<<16)` : `r[${m}]`;
    return next4(
      `y=${y};x=r[${n}];h.accumulate64(r,${lo},${hi},(x<<16>>16)*(y<<16>>16)${op1 === 5 ? '-' : '+'}(x>>16)*(y>>16));`,
    );
  }
  return UNDEFINED(pc, 4);
}
