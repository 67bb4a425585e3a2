/**
 * Building blocks of the JavaScript the decoder emits for one instruction. The translated code sees:
 * - `r`: the core's Int32Array register file — r0..r15, then the flags as 0/1 (see `FLAG`), Q and GE;
 * - `cpu`: the core, for the slow paths (bus, System Control Space, faults) and the helpers of hard instructions;
 * - `dv` / `cp`: a DataView over the RAM region holding the initial stack and the code-page map, for the inlined
 *   fast memory path;
 * - `fv`: a DataView over the region holding the reset code (flash, or code RAM on MPS2), for inlined loads;
 * - the scratch variables declared by `SCRATCH`.
 */

/** Indexes of the flags and other APSR state in the register file. */
export const FLAG = { N: 16, Z: 17, C: 18, V: 19, Q: 20, GE: 21 } as const;
export const REGISTER_FILE_SIZE = 22;

export const SCRATCH = 'let a=0,b=0,t=0,u=0,x=0,y=0,o=0,_a=0,s=0;';

/** What the emitter needs to know about the machine when translating. */
export interface EmitContext {
  /** The RAM for the inlined fast path (the initial stack's); size 0 when there is none. */
  ramBase: number;
  ramSize: number;
  /** The code region (the reset PC's), read directly by loads; size 0 when there is none. */
  romBase: number;
  romSize: number;
  /** Every access must be naturally aligned (ARMv6-M, or CCR.UNALIGN_TRP set). */
  alignAll: boolean;
}

export const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** The value of register n as read by the instruction at `pc` (PC reads as pc + 4). */
export function reg(n: number, pc: number): string {
  return n === 15 ? String((pc + 4) | 0) : `r[${n}]`;
}

export const setNZ = (v: string): string => `r[16]=${v}>>>31;r[17]=+(${v}===0);`;

/**
 * AddWithCarry(a, b, carryIn) into `t`, as the manual defines it; subtraction passes ~b and carry 1. `a`, `b`
 * are expressions; flags are written only when `setFlags`.
 */
export function addWithCarry(aExpr: string, bExpr: string, carryIn: string, setFlags: boolean): string {
  if (!setFlags) return `t=(${aExpr})+(${bExpr})+${carryIn}|0;`;
  return `a=${aExpr};b=${bExpr};s=(a>>>0)+(b>>>0)+${carryIn};t=s|0;${setNZ('t')}r[18]=+(s>4294967295);r[19]=((a^t)&(b^t))>>>31;`;
}

export const CONDITIONS = [
  'r[17]',
  '!r[17]',
  'r[18]',
  '!r[18]',
  'r[16]',
  '!r[16]',
  'r[19]',
  '!r[19]',
  '(r[18]&&!r[17])',
  '(!r[18]||r[17])',
  '(r[16]===r[19])',
  '(r[16]!==r[19])',
  '(!r[17]&&r[16]===r[19])',
  '(r[17]||r[16]!==r[19])',
  'true',
  'true',
];

export type ShiftType = 0 | 1 | 2 | 3; // LSL, LSR, ASR, ROR (ROR #0 = RRX)

/**
 * Shift by an immediate (DecodeImmShift applied): returns an expression for the value and, when `carry`,
 * a statement that writes the shifter's carry-out to C (computed from `x`, which must hold the input).
 */
export function shiftImmediate(type: ShiftType, amount: number): { value: string; carry: string } {
  switch (type) {
    case 0:
      return amount === 0 ? { value: 'x', carry: '' } : { value: `(x<<${amount})`, carry: `r[18]=(x>>>${32 - amount})&1;` };
    case 1:
      return amount === 0
        ? { value: '0', carry: 'r[18]=x>>>31;' }
        : { value: `(x>>>${amount})`, carry: `r[18]=(x>>>${amount - 1})&1;` };
    case 2:
      return amount === 0
        ? { value: '(x>>31)', carry: 'r[18]=x>>>31;' }
        : { value: `(x>>${amount})`, carry: `r[18]=(x>>>${amount - 1})&1;` };
    default:
      return amount === 0
        ? { value: '((r[18]<<31)|(x>>>1))', carry: 'r[18]=x&1;' }
        : { value: `((x>>>${amount})|(x<<${32 - amount}))`, carry: `r[18]=(x>>>${amount - 1})&1;` };
  }
}

/** ThumbExpandImm_C: the value, and whether the carry-out is bit 31 of it (rotated forms) or C unchanged. */
export function expandImmediate(imm12: number): { value: number; rotated: boolean } {
  if ((imm12 & 0xc00) === 0) {
    const b = imm12 & 0xff;
    switch ((imm12 >> 8) & 3) {
      case 0:
        return { value: b, rotated: false };
      case 1:
        return { value: (b << 16) | b, rotated: false };
      case 2:
        return { value: ((b << 24) | (b << 8)) | 0, rotated: false };
      default:
        return { value: ((b << 24) | (b << 16) | (b << 8) | b) | 0, rotated: false };
    }
  }
  const unrotated = 0x80 | (imm12 & 0x7f);
  const rotation = (imm12 >> 7) & 0x1f;
  return { value: ((unrotated >>> rotation) | (unrotated << (32 - rotation))) | 0, rotated: true };
}

const LOADS = {
  8: { view: 'getUint8', slow: 'ld8', span: 0 },
  16: { view: 'getUint16', slow: 'ld16', span: 1 },
  32: { view: 'getInt32', slow: 'ld32', span: 3 },
} as const;
const SIGNED_LOADS = { 8: 'getInt8', 16: 'getInt16', 32: 'getInt32' } as const;
const STORES = {
  8: { view: 'setUint8', slow: 'st8', span: 0 },
  16: { view: 'setUint16', slow: 'st16', span: 1 },
  32: { view: 'setInt32', slow: 'st32', span: 3 },
} as const;

export type AccessSize = 8 | 16 | 32;

function alignCheck(ctx: EmitContext, size: AccessSize, mustAlign: boolean, pc: number): string {
  if (size === 8 || !(mustAlign || ctx.alignAll)) return '';
  return `(_a&${size / 8 - 1})&&cpu.unaligned(${pc})`;
}

/** An expression loading `size` bits from `addr`; the result is an int32 (zero- or sign-extended). */
export function load(
  ctx: EmitContext,
  size: AccessSize,
  addr: string,
  pc: number,
  opts: { signed?: boolean; mustAlign?: boolean } = {},
): string {
  const l = LOADS[size];
  const view = opts.signed ? SIGNED_LOADS[size] : l.view;
  const endian = size === 8 ? '' : ',true';
  const slow = opts.signed && size !== 32 ? `(cpu.${l.slow}(_a,${pc})<<${32 - size}>>${32 - size})` : `cpu.${l.slow}(_a,${pc})`;
  const checked = alignCheck(ctx, size, opts.mustAlign ?? false, pc);
  const check = checked && `${checked},`;
  const viaRom = ctx.romSize === 0 ? slow : `(o=(_a-${hex(ctx.romBase)})>>>0)<${ctx.romSize - l.span}?fv.${view}(o${endian}):${slow}`;
  if (ctx.ramSize === 0) return `(_a=(${addr})|0,${check}${viaRom})`;
  return `(_a=(${addr})|0,${check}(o=(_a-${hex(ctx.ramBase)})>>>0)<${ctx.ramSize - l.span}?dv.${view}(o${endian}):${viaRom})`;
}

/** A statement storing the low `size` bits of `value` at `addr`. */
export function store(ctx: EmitContext, size: AccessSize, addr: string, value: string, pc: number, mustAlign = false): string {
  const s = STORES[size];
  const checked = alignCheck(ctx, size, mustAlign, pc);
  const check = checked && `${checked};`;
  if (ctx.ramSize === 0) return `_a=(${addr})|0;${check}cpu.${s.slow}(_a,${value},${pc});`;
  const endian = size === 8 ? '' : ',true';
  return `_a=(${addr})|0;${check}if((o=(_a-${hex(ctx.ramBase)})>>>0)<${ctx.ramSize - s.span}){dv.${s.view}(o,${value}${endian});if(cp[_a>>>12])cpu.codeWritten(_a,${size / 8});}else cpu.${s.slow}(_a,${value},${pc});`;
}

/**
 * BXWritePC / LoadWritePC: an EXC_RETURN value loaded in handler mode returns from the exception; a target with
 * bit 0 clear leaves Thumb state, so the next instruction faults (INVSTATE). `value` is evaluated once.
 */
export const bxWritePc = (value: string): string =>
  `t=${value};if((t>>>28)===15&&cpu.ipsr!==0)cpu.exceptionReturn(t);else{r[15]=t&-2;if(!(t&1))cpu.leaveThumb();}`;

/**
 * Shift of `x` by the amount in `u` (the bottom byte of a register) into `t`; the shifter's carry-out goes to C
 * when `setCarry`.
 */
export function shiftByRegister(type: ShiftType, setCarry: boolean): string {
  const c = (expr: string): string => (setCarry ? `r[18]=${expr};` : '');
  switch (type) {
    case 0:
      return `if(u===0)t=x;else if(u<32){${c('(x>>>(32-u))&1')}t=x<<u;}else{${c('u===32?x&1:0')}t=0;}`;
    case 1:
      return `if(u===0)t=x;else if(u<32){${c('(x>>>(u-1))&1')}t=x>>>u|0;}else{${c('u===32?x>>>31:0')}t=0;}`;
    case 2:
      return `if(u===0)t=x;else if(u<32){${c('(x>>>(u-1))&1')}t=x>>u;}else{${c('x>>>31')}t=x>>31;}`;
    default:
      return `if(u===0)t=x;else{u&=31;t=u===0?x:(x>>>u)|(x<<(32-u));${c('t>>>31')}}`;
  }
}
