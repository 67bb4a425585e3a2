/**
 * The 16-bit Thumb encodings (ARMv6-M and the Thumb-2 additions CBZ/CBNZ and IT), ARMv7-M ARM section A5.2.
 * Each case returns the JavaScript that executes the instruction (see emit.ts for what that code can see).
 */
import { type DecodeContext, type Decoded, UNDEFINED } from './decoded.ts';
import {
  addWithCarry,
  bxWritePc,
  CONDITIONS,
  load,
  reg,
  type ShiftType,
  setNZ,
  shiftByRegister,
  shiftImmediate,
  store,
} from './emit.ts';

const next = (code: string): Decoded => ({ size: 2, code, flow: 'next' });
const branch = (code: string): Decoded => ({ size: 2, code, flow: 'branch' });
const stop = (code: string): Decoded => ({ size: 2, code, flow: 'stop' });

const signExtend = (value: number, bits: number): number => (value << (32 - bits)) >> (32 - bits);

export function decode16(h: number, pc: number, c: DecodeContext): Decoded {
  const sf = !c.inIt;
  const lo = h & 7;
  const mid = (h >> 3) & 7;
  switch (h >> 11) {
    case 0:
    case 1:
    case 2: {
      const type = (h >> 11) as ShiftType;
      const imm5 = (h >> 6) & 31;
      const sh = shiftImmediate(type, imm5);
      return next(`x=r[${mid}];${sf ? sh.carry : ''}t=${sh.value};r[${lo}]=t;${sf ? setNZ('t') : ''}`);
    }
    case 3: {
      const op = (h >> 9) & 3;
      const m = (h >> 6) & 7;
      const operand = op & 2 ? String(m) : `r[${m}]`;
      const sum = op & 1 ? addWithCarry(`r[${mid}]`, `~${operand}`, '1', sf) : addWithCarry(`r[${mid}]`, operand, '0', sf);
      return next(`${sum}r[${lo}]=t;`);
    }
    case 4:
    case 5:
    case 6:
    case 7: {
      const d = (h >> 8) & 7;
      const imm = h & 0xff;
      switch ((h >> 11) & 3) {
        case 0:
          return next(`r[${d}]=${imm};${sf ? setNZ(String(imm)) : ''}`);
        case 1:
          return next(addWithCarry(`r[${d}]`, String(~imm), '1', true));
        case 2:
          return next(`${addWithCarry(`r[${d}]`, String(imm), '0', sf)}r[${d}]=t;`);
        default:
          return next(`${addWithCarry(`r[${d}]`, String(~imm), '1', sf)}r[${d}]=t;`);
      }
    }
    case 8:
      return h & 0x400 ? specialDataAndBranch(h, pc, c) : dataProcessing(h, sf);
    case 9: {
      const address = (((pc + 4) & ~3) + (h & 0xff) * 4) | 0;
      return next(`r[${(h >> 8) & 7}]=${load(c, 32, String(address), pc)};`);
    }
    case 10:
    case 11:
      return registerOffset(h, pc, c);
    case 12:
    case 13:
    case 14:
    case 15:
    case 16:
    case 17: {
      const size = h >> 11 < 14 ? 32 : h >> 11 < 16 ? 8 : 16;
      const address = `r[${mid}]+${((h >> 6) & 31) * (size / 8)}`;
      return next(
        h & 0x800 ? `r[${lo}]=${load(c, size, address, pc)};` : store(c, size, address, `r[${lo}]`, pc),
      );
    }
    case 18:
    case 19: {
      const t = (h >> 8) & 7;
      const address = `r[13]+${(h & 0xff) * 4}`;
      return next(h & 0x800 ? `r[${t}]=${load(c, 32, address, pc)};` : store(c, 32, address, `r[${t}]`, pc));
    }
    case 20:
      return next(`r[${(h >> 8) & 7}]=${(((pc + 4) & ~3) + (h & 0xff) * 4) | 0};`);
    case 21:
      return next(`r[${(h >> 8) & 7}]=r[13]+${(h & 0xff) * 4}|0;`);
    case 22:
    case 23:
      return miscellaneous(h, pc, c);
    case 24:
    case 25:
      return loadStoreMultiple(h, pc, c);
    case 26:
    case 27: {
      const cond = (h >> 8) & 15;
      if (cond === 15) return stop(`cpu.supervisorCall(${h & 0xff});`);
      if (cond === 14 || c.inIt) return UNDEFINED(pc, 2);
      const target = (pc + 4 + signExtend(h & 0xff, 8) * 2) | 0;
      return { ...branch(`r[15]=${CONDITIONS[cond]}?${target}:${(pc + 2) | 0};`), target, condition: CONDITIONS[cond] };
    }
    case 28: {
      if (c.inIt && !c.lastInIt) return UNDEFINED(pc, 2);
      const target = (pc + 4 + signExtend(h & 0x7ff, 11) * 2) | 0;
      return { ...branch(`r[15]=${target};`), target };
    }
    default:
      return UNDEFINED(pc, 2);
  }
}

const LOGICAL: Record<number, string> = { 0: '&', 1: '^', 12: '|' };
const SHIFTS: Record<number, ShiftType> = { 2: 0, 3: 1, 4: 2, 7: 3 };

function dataProcessing(h: number, sf: boolean): Decoded {
  const op = (h >> 6) & 15;
  const d = h & 7;
  const m = (h >> 3) & 7;
  const rd = `r[${d}]`;
  const rm = `r[${m}]`;
  if (op in LOGICAL) return next(`t=${rd}${LOGICAL[op]}${rm};${rd}=t;${sf ? setNZ('t') : ''}`);
  if (op in SHIFTS) return next(`x=${rd};u=${rm}&255;${shiftByRegister(SHIFTS[op], sf)}${rd}=t;${sf ? setNZ('t') : ''}`);
  switch (op) {
    case 5:
      return next(`${addWithCarry(rd, rm, 'r[18]', sf)}${rd}=t;`);
    case 6:
      return next(`${addWithCarry(rd, `~${rm}`, 'r[18]', sf)}${rd}=t;`);
    case 8:
      return next(`t=${rd}&${rm};${setNZ('t')}`);
    case 9:
      return next(`${addWithCarry(`~${rm}`, '0', '1', sf)}${rd}=t;`);
    case 10:
      return next(addWithCarry(rd, `~${rm}`, '1', true));
    case 11:
      return next(addWithCarry(rd, rm, '0', true));
    case 13:
      return next(`t=Math.imul(${rd},${rm});${rd}=t;${sf ? setNZ('t') : ''}`);
    case 14:
      return next(`t=${rd}&~${rm};${rd}=t;${sf ? setNZ('t') : ''}`);
    default:
      return next(`t=~${rm};${rd}=t;${sf ? setNZ('t') : ''}`);
  }
}

function specialDataAndBranch(h: number, pc: number, c: DecodeContext): Decoded {
  const d = ((h >> 4) & 8) | (h & 7);
  const m = (h >> 3) & 15;
  switch ((h >> 8) & 3) {
    case 0:
      if (d === 15) {
        if (c.inIt && !c.lastInIt) return UNDEFINED(pc, 2);
        return branch(`r[15]=(${reg(d, pc)}+${reg(m, pc)})&-2;`);
      }
      return next(`r[${d}]=${reg(d, pc)}+${reg(m, pc)}|0;`);
    case 1:
      if (d === 15 || m === 15) return UNDEFINED(pc, 2);
      return next(addWithCarry(reg(d, pc), `~${reg(m, pc)}`, '1', true));
    case 2:
      if (d === 15) {
        if (c.inIt && !c.lastInIt) return UNDEFINED(pc, 2);
        return branch(`r[15]=${reg(m, pc)}&-2;`);
      }
      return next(`r[${d}]=${reg(m, pc)};`);
    default: {
      if ((h & 7) !== 0 || (c.inIt && !c.lastInIt)) return UNDEFINED(pc, 2);
      if (h & 0x80) {
        if (m === 15) return UNDEFINED(pc, 2);
        return branch(`x=r[${m}];r[14]=${(pc + 2) | 1};t=x;r[15]=t&-2;if(!(t&1))cpu.leaveThumb();`);
      }
      return branch(bxWritePc(reg(m, pc)));
    }
  }
}

function registerOffset(h: number, pc: number, c: DecodeContext): Decoded {
  const t = h & 7;
  const address = `r[${(h >> 3) & 7}]+r[${(h >> 6) & 7}]`;
  switch ((h >> 9) & 7) {
    case 0:
      return next(store(c, 32, address, `r[${t}]`, pc));
    case 1:
      return next(store(c, 16, address, `r[${t}]`, pc));
    case 2:
      return next(store(c, 8, address, `r[${t}]`, pc));
    case 3:
      return next(`r[${t}]=${load(c, 8, address, pc, { signed: true })};`);
    case 4:
      return next(`r[${t}]=${load(c, 32, address, pc)};`);
    case 5:
      return next(`r[${t}]=${load(c, 16, address, pc)};`);
    case 6:
      return next(`r[${t}]=${load(c, 8, address, pc)};`);
    default:
      return next(`r[${t}]=${load(c, 16, address, pc, { signed: true })};`);
  }
}

const listOf = (mask: number): number[] => [...Array(16).keys()].filter((i) => mask & (1 << i));

/** Stores of `registers` upward from `b` (the caller computes `b` and writes the base back). */
export function storeList(c: DecodeContext, registers: number[], pc: number): string {
  return registers.map((n, i) => store(c, 32, `b+${i * 4}`, `r[${n}]`, pc, true)).join('');
}

/** Loads of `registers` upward from `b`; a PC in the list is loaded into `y` for the caller to branch to. */
export function loadList(c: DecodeContext, registers: number[], pc: number): string {
  return registers
    .map((n, i) => `${n === 15 ? 'y' : `r[${n}]`}=${load(c, 32, `b+${i * 4}`, pc, { mustAlign: true })};`)
    .join('');
}

function loadStoreMultiple(h: number, pc: number, c: DecodeContext): Decoded {
  const n = (h >> 8) & 7;
  const registers = listOf(h & 0xff);
  if (registers.length === 0) return UNDEFINED(pc, 2);
  const size = registers.length * 4;
  if (h & 0x800) {
    const writeback = registers.includes(n) ? '' : `r[${n}]=b+${size}|0;`;
    return next(`b=r[${n}];${loadList(c, registers, pc)}${writeback}`);
  }
  return next(`b=r[${n}];${storeList(c, registers, pc)}r[${n}]=b+${size}|0;`);
}

function miscellaneous(h: number, pc: number, c: DecodeContext): Decoded {
  const lo = h & 7;
  const mid = (h >> 3) & 7;
  if ((h & 0xff00) === 0xb000) return next(`r[13]=r[13]${h & 0x80 ? '-' : '+'}${(h & 0x7f) * 4}|0;`);
  if ((h & 0xf500) === 0xb100 && c.thumb2) {
    if (c.inIt) return UNDEFINED(pc, 2);
    const target = (pc + 4 + ((h >> 2) & 0x3e) + ((h >> 3) & 0x40)) | 0;
    const condition = `r[${lo}]${h & 0x800 ? '!==' : '==='}0`;
    return { ...branch(`r[15]=${condition}?${target}:${(pc + 2) | 0};`), target, condition };
  }
  if ((h & 0xff00) === 0xb200) {
    const extend = ['t<<16>>16', 't<<24>>24', 't&0xffff', 't&0xff'][(h >> 6) & 3];
    return next(`t=r[${mid}];r[${lo}]=${extend};`);
  }
  if ((h & 0xfe00) === 0xb400) {
    const registers = listOf((h & 0xff) | (h & 0x100 ? 0x4000 : 0));
    if (registers.length === 0) return UNDEFINED(pc, 2);
    return next(`b=r[13]-${registers.length * 4}|0;${storeList(c, registers, pc)}r[13]=b;`);
  }
  if ((h & 0xffec) === 0xb660) {
    const disable = (h & 0x10) !== 0;
    if ((h & 1) && !c.thumb2) return UNDEFINED(pc, 2);
    return stop(`cpu.changeProcessorState(${disable},${(h & 2) !== 0},${(h & 1) !== 0});`);
  }
  if ((h & 0xff00) === 0xba00) {
    switch ((h >> 6) & 3) {
      case 0:
        return next(`t=r[${mid}];r[${lo}]=(t<<24)|((t&0xff00)<<8)|((t>>>8)&0xff00)|(t>>>24);`);
      case 1:
        return next(`t=r[${mid}];r[${lo}]=((t&0xff00ff)<<8)|((t>>>8)&0xff00ff);`);
      case 3:
        return next(`t=r[${mid}];r[${lo}]=((t&0xff)<<24>>16)|((t>>>8)&0xff);`);
      default:
        return UNDEFINED(pc, 2);
    }
  }
  if ((h & 0xfe00) === 0xbc00) {
    const registers = listOf((h & 0xff) | (h & 0x100 ? 0x8000 : 0));
    if (registers.length === 0) return UNDEFINED(pc, 2);
    const loads = `b=r[13];${loadList(c, registers, pc)}r[13]=b+${registers.length * 4}|0;`;
    if (!(h & 0x100)) return next(loads);
    if (c.inIt && !c.lastInIt) return UNDEFINED(pc, 2);
    return branch(loads + bxWritePc('y'));
  }
  if ((h & 0xff00) === 0xbe00) return branch(`cpu.breakpoint(${h & 0xff},${pc});r[15]=${(pc + 2) | 0};`);
  if ((h & 0xff00) === 0xbf00) return hintOrIt(h, pc, c);
  return UNDEFINED(pc, 2);
}

function hintOrIt(h: number, pc: number, c: DecodeContext): Decoded {
  const mask = h & 15;
  if (mask !== 0) {
    const firstCond = (h >> 4) & 15;
    if (!c.thumb2 || c.inIt || firstCond === 15 || (firstCond === 14 && mask !== 8)) return UNDEFINED(pc, 2);
    return { size: 2, code: '', flow: 'next', itState: h & 0xff };
  }
  switch ((h >> 4) & 15) {
    case 2:
      return stop('cpu.waitForEvent();');
    case 3:
      return stop('cpu.waitForInterrupt();');
    case 4:
      return next('cpu.sendEvent();');
    default:
      return next('');
  }
}
