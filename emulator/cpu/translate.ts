/**
 * The block translator: decodes a run of instructions once and turns it into one JavaScript function, so the
 * run loop pays dispatch once per block instead of once per instruction. A block ends at a branch, at an
 * instruction the run loop must look at afterwards (SVC, CPS, MSR, WFI, …), or at `maxInstructions`; one-
 * instruction blocks are the reference path the long ones are tested against.
 */
import * as arith from './arith.ts';
import { decode16 } from './decode16.ts';
import { decode32 } from './decode32.ts';
import type { DecodeContext, Decoded } from './decoded.ts';
import { CONDITIONS, SCRATCH } from './emit.ts';

export type BlockFunction = (r: Int32Array, cpu: unknown, dv: DataView, cp: Uint8Array, h: typeof arith) => void;

export interface Block {
  readonly start: number;
  /** Address after the last instruction. */
  readonly end: number;
  readonly count: number;
  /** Address and ITSTATE of each instruction, to restart precisely at one that faults. */
  readonly addresses: Int32Array;
  readonly itStates: Uint8Array;
  readonly run: BlockFunction;
  /** Set when code it was translated from is overwritten. */
  dead: boolean;
}

/** Reads an instruction halfword; throws (a BusError) when the address cannot be fetched. */
export type Fetch = (address: number) => number;

export type Features = Omit<DecodeContext, 'inIt' | 'lastInIt'>;

/** ITSTATE after one instruction of an IT block (ARMv7-M ITAdvance()). */
export const advanceIt = (it: number): number => ((it & 7) === 0 ? 0 : (it & 0xe0) | ((it << 1) & 0x1f));

const isThirtyTwoBit = (halfword: number): boolean => halfword >>> 11 >= 0x1d;

function decodeAt(fetch: Fetch, pc: number, it: number, features: Features): Decoded {
  const context: DecodeContext = { ...features, inIt: it !== 0, lastInIt: it === 0 || (it & 0xf) === 8 };
  const first = fetch(pc);
  if (!isThirtyTwoBit(first)) return decode16(first, pc, context);
  return decode32(first, fetch(pc + 2), pc, context);
}

export function translate(fetch: Fetch, start: number, startIt: number, features: Features, maxInstructions: number): Block {
  const lines: string[] = [SCRATCH];
  const addresses: number[] = [];
  const itStates: number[] = [];
  let pc = start;
  let it = startIt;
  let endsWithBranch = false;
  while (addresses.length < maxInstructions) {
    let decoded: Decoded;
    try {
      decoded = decodeAt(fetch, pc, it, features);
    } catch (error) {
      if (addresses.length > 0) break;
      decoded = { size: 2, code: `cpu.prefetchAbort(${pc},${JSON.stringify(String(error))});`, flow: 'branch' };
    }
    addresses.push(pc);
    itStates.push(it);
    const next = (pc + decoded.size) | 0;
    const condition = it === 0 ? 'true' : CONDITIONS[it >> 4];
    if (decoded.itState !== undefined) {
      it = decoded.itState;
    } else {
      if (condition === 'true') lines.push(decoded.code);
      else if (decoded.flow === 'branch') lines.push(`if(${condition}){${decoded.code}}else r[15]=${next};`);
      else lines.push(`if(${condition}){${decoded.code}}`);
      it = advanceIt(it);
    }
    pc = next;
    if (decoded.flow === 'branch') {
      endsWithBranch = true;
      break;
    }
    if (decoded.flow === 'stop') break;
  }
  if (!endsWithBranch) lines.push(`r[15]=${pc};`);
  if (startIt !== 0 || it !== 0) lines.push(`cpu.itState=${it};`);
  const run = new Function('r', 'cpu', 'dv', 'cp', 'h', lines.join('\n')) as BlockFunction;
  return {
    start,
    end: pc,
    count: addresses.length,
    addresses: Int32Array.from(addresses),
    itStates: Uint8Array.from(itStates),
    run,
    dead: false,
  };
}

export { arith };
