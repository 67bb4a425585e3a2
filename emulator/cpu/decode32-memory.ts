/**
 * 32-bit Thumb-2 memory access: single loads and stores (A5.3.10–A5.3.14), load/store multiple (A5.3.5), and
 * load/store dual, exclusive and table branch (A5.3.6), plus ARMv8-M load-acquire / store-release.
 */

import { loadList, storeList } from './decode16.ts';
import { badReg, next4 } from './decode32.ts';
import { type DecodeContext, type Decoded, UNDEFINED } from './decoded.ts';
import { type AccessSize, bxWritePc, load, store } from './emit.ts';

const branch4 = (code: string): Decoded => ({ size: 4, code, flow: 'branch' });
const listOf = (mask: number): number[] => [...Array(16).keys()].filter((i) => mask & (1 << i));

export function decodeMemory(h1: number, h2: number, pc: number, c: DecodeContext): Decoded {
  if ((h1 & 0xfe00) === 0xe800) {
    return h1 & 0x40 ? dualExclusiveTable(h1, h2, pc, c) : multiple(h1, h2, pc, c);
  }
  return single(h1, h2, pc, c);
}

function multiple(h1: number, h2: number, pc: number, c: DecodeContext): Decoded {
  const op = (h1 >> 7) & 3;
  const writeback = (h1 & 0x20) !== 0;
  const isLoad = (h1 & 0x10) !== 0;
  const n = h1 & 15;
  const registers = listOf(h2);
  const size = registers.length * 4;
  if (op === 0 || op === 3) return UNDEFINED(pc, 4);
  // SP is never in the list; stores never name PC; loads never name both PC and LR; at least two registers.
  const invalid =
    n === 15 ||
    registers.length < 2 ||
    h2 & 0x2000 ||
    (isLoad ? (h2 & 0xc000) === 0xc000 : (h2 & 0x8000) !== 0) ||
    (writeback && registers.includes(n));
  if (invalid) return UNDEFINED(pc, 4);
  const base = op === 1 ? `b=r[${n}];` : `b=r[${n}]-${size}|0;`;
  const newBase = op === 1 ? `r[${n}]+${size}|0` : 'b';
  if (!isLoad) return next4(`${base}${storeList(c, registers, pc)}${writeback ? `r[${n}]=${newBase};` : ''}`);
  const update = writeback ? (op === 1 ? `r[${n}]=b+${size}|0;` : `r[${n}]=b;`) : '';
  const loads = `${base}${loadList(c, registers, pc)}${update}`;
  if (!(h2 & 0x8000)) return next4(loads);
  if (c.inIt && !c.lastInIt) return UNDEFINED(pc, 4);
  return branch4(loads + bxWritePc('y'));
}

const SIZES: Record<number, AccessSize> = { 0: 8, 1: 16, 2: 32 };

function single(h1: number, h2: number, pc: number, c: DecodeContext): Decoded {
  const size = SIZES[(h1 >> 5) & 3];
  const isLoad = (h1 & 0x10) !== 0;
  const signed = (h1 & 0x100) !== 0;
  const n = h1 & 15;
  const t = (h2 >> 12) & 15;
  if (size === undefined || (!isLoad && (signed || n === 15))) return UNDEFINED(pc, 4);
  if (signed && size === 32) return UNDEFINED(pc, 4);
  let address: string;
  let writeback = '';
  if (n === 15) {
    const offset = h2 & 0xfff;
    address = String((((pc + 4) & ~3) + (h1 & 0x80 ? offset : -offset)) | 0);
  } else if (h1 & 0x80) {
    address = `r[${n}]+${h2 & 0xfff}`;
  } else if (h2 & 0x800) {
    const index = (h2 & 0x400) !== 0;
    const add = (h2 & 0x200) !== 0;
    const wback = (h2 & 0x100) !== 0;
    if (!index && !wback) return UNDEFINED(pc, 4);
    const offset = `${add ? '+' : '-'}${h2 & 0xff}`;
    if (wback && n === t) return UNDEFINED(pc, 4);
    address = index ? `r[${n}]${offset}` : `r[${n}]`;
    if (wback) writeback = `r[${n}]=r[${n}]${offset}|0;`;
  } else if ((h2 & 0xfc0) === 0) {
    const m = h2 & 15;
    if (badReg(m)) return UNDEFINED(pc, 4);
    address = `r[${n}]+(r[${m}]<<${(h2 >> 4) & 3})`;
  } else {
    return UNDEFINED(pc, 4);
  }
  if (!isLoad) {
    if (t === 15 || (t === 13 && size !== 32)) return UNDEFINED(pc, 4);
    return next4(`x=${address}|0;${store(c, size, 'x', `r[${t}]`, pc)}${writeback}`);
  }
  if (t === 15) {
    // Byte and halfword loads into PC are the preload hints; a word load into PC is a branch.
    if (size !== 32) return next4('');
    if (c.inIt && !c.lastInIt) return UNDEFINED(pc, 4);
    return branch4(`x=${address}|0;y=${load(c, 32, 'x', pc)};${writeback}${bxWritePc('y')}`);
  }
  if (t === 13 && size !== 32) return UNDEFINED(pc, 4);
  return next4(`x=${address}|0;y=${load(c, size, 'x', pc, { signed })};${writeback}r[${t}]=y;`);
}

function dualExclusiveTable(h1: number, h2: number, pc: number, c: DecodeContext): Decoded {
  const op1 = (h1 >> 7) & 3;
  const op2 = (h1 >> 4) & 3;
  const op3 = (h2 >> 4) & 15;
  const n = h1 & 15;
  const t = (h2 >> 12) & 15;
  const t2 = (h2 >> 8) & 15;
  const d = h2 & 15;
  if (op1 === 0 && op2 === 0) {
    if (badReg(t2, t) || n === 15 || t2 === n || t2 === t) return UNDEFINED(pc, 4);
    return exclusiveStore(c, 32, `r[${n}]+${(h2 & 0xff) * 4}`, t, t2, pc);
  }
  if (op1 === 0 && op2 === 1) {
    if (badReg(t) || n === 15) return UNDEFINED(pc, 4);
    return next4(`x=r[${n}]+${(h2 & 0xff) * 4}|0;r[${t}]=${exclusiveLoad(c, 32, pc)};`);
  }
  if ((op1 & 2) === 0 && (op2 & 2) === 0) return tableOrByteExclusive(op2, op3, n, t, t2, d, pc, c);
  // LDRD / STRD (immediate): P = h1 bit 8, U = bit 7, W = bit 5.
  const index = (h1 & 0x100) !== 0;
  const add = (h1 & 0x80) !== 0;
  const wback = (h1 & 0x20) !== 0;
  const isLoad = (h1 & 0x10) !== 0;
  const offset = `${add ? '+' : '-'}${(h2 & 0xff) * 4}`;
  if (wback && (n === t || n === t2)) return UNDEFINED(pc, 4);
  if (badReg(t, t2) || (isLoad && t === t2) || (n === 15 && (wback || !isLoad))) return UNDEFINED(pc, 4);
  const base = n === 15 ? String((pc + 4) & ~3) : `r[${n}]`;
  const address = `x=(${index ? `${base}${offset}` : base})|0;`;
  const update = wback ? `r[${n}]=r[${n}]${offset}|0;` : '';
  if (isLoad) {
    const first = load(c, 32, 'x', pc, { mustAlign: true });
    const second = load(c, 32, 'x+4', pc, { mustAlign: true });
    return next4(`${address}y=${first};u=${second};${update}r[${t}]=y;r[${t2}]=u;`);
  }
  return next4(`${address}${store(c, 32, 'x', `r[${t}]`, pc, true)}${store(c, 32, 'x+4', `r[${t2}]`, pc, true)}${update}`);
}

/** An expression for an exclusive load at `x` (sets the local monitor). */
const exclusiveLoad = (c: DecodeContext, size: AccessSize, pc: number): string =>
  `(y=${load(c, size, 'x', pc, { mustAlign: true })},cpu.exclusiveAddress=x,cpu.exclusiveValue=y,y)`;

/**
 * STREX*: stores only when the monitor holds this address; Rd = 0 on success, 1 on failure. Whether an
 * ordinary store to the address clears the monitor is IMPLEMENTATION DEFINED; like QEMU (and so unicorn), the
 * exclusive store also fails when memory no longer holds the value LDREX read.
 */
function exclusiveStore(c: DecodeContext, size: AccessSize, address: string, t: number, d: number, pc: number): Decoded {
  const alignment = size === 8 ? '' : `if(x&${size / 8 - 1})cpu.unaligned(${pc});`;
  const held = `cpu.exclusiveAddress===x&&${load(c, size, 'x', pc)}===cpu.exclusiveValue`;
  return next4(
    `x=${address}|0;${alignment}if(${held}){${store(c, size, 'x', `r[${t}]`, pc)}cpu.exclusiveAddress=-1;r[${d}]=0;}else{cpu.exclusiveAddress=-1;r[${d}]=1;}`,
  );
}

const EXCLUSIVE_SIZES: Record<number, AccessSize> = { 4: 8, 5: 16 };

function tableOrByteExclusive(
  op2: number,
  op3: number,
  n: number,
  t: number,
  t2: number,
  d: number,
  pc: number,
  c: DecodeContext,
): Decoded {
  if (op2 === 1 && (op3 === 0 || op3 === 1)) {
    if (n === 13 || badReg(d) || (c.inIt && !c.lastInIt)) return UNDEFINED(pc, 4);
    const entry =
      op3 === 0 ? load(c, 8, `${n === 15 ? pc + 4 : `r[${n}]`}+r[${d}]`, pc) : load(c, 16, `${n === 15 ? pc + 4 : `r[${n}]`}+(r[${d}]<<1)`, pc);
    return branch4(`r[15]=${(pc + 4) | 0}+(${entry}<<1)|0;`);
  }
  const size = EXCLUSIVE_SIZES[op3];
  if (size !== undefined && t2 === 15) {
    if (op2 === 1) {
      if (badReg(t) || n === 15 || d !== 15) return UNDEFINED(pc, 4);
      return next4(`x=r[${n}]|0;r[${t}]=${exclusiveLoad(c, size, pc)};`);
    }
    if (badReg(d, t) || n === 15 || d === n || d === t) return UNDEFINED(pc, 4);
    return exclusiveStore(c, size, `r[${n}]`, t, d, pc);
  }
  if (c.v8 && op3 >= 8) return acquireRelease(op2, op3, n, t, t2, d, pc, c);
  return UNDEFINED(pc, 4);
}

/** ARMv8-M LDA*, STL*, LDAEX*, STLEX*: ordering is moot in a single in-order core, so they are plain accesses. */
function acquireRelease(op2: number, op3: number, n: number, t: number, t2: number, d: number, pc: number, c: DecodeContext): Decoded {
  const size = ([8, 16, 32] as const)[op3 & 3];
  const exclusive = (op3 & 4) !== 0;
  if (size === undefined || t2 !== 15 || n === 15 || badReg(t)) return UNDEFINED(pc, 4);
  if (op2 === 1) {
    if (d !== 15) return UNDEFINED(pc, 4);
    const value = exclusive ? exclusiveLoad(c, size, pc) : load(c, size, 'x', pc, { mustAlign: true });
    return next4(`x=r[${n}]|0;r[${t}]=${value};`);
  }
  if (exclusive) {
    if (badReg(d) || d === n || d === t) return UNDEFINED(pc, 4);
    return exclusiveStore(c, size, `r[${n}]`, t, d, pc);
  }
  if (d !== 15) return UNDEFINED(pc, 4);
  return next4(store(c, size, `r[${n}]`, `r[${t}]`, pc, true));
}
