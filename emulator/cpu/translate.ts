/**
 * The block translator: decodes a run of instructions once and turns it into one JavaScript function, so the
 * run loop pays dispatch once per block instead of once per instruction. A block ends at a branch, at an
 * instruction the run loop must look at afterwards (SVC, CPS, MSR, WFI, …), or at `maxInstructions`; one-
 * instruction blocks are the reference path the long ones are tested against.
 *
 * Two tiers: code is first translated as basic blocks (a conditional branch ends the block), which covers each
 * instruction about once; a basic block the run loop enters often is translated again as a superblock, where a
 * conditional branch becomes a side exit and translation goes on along the fall-through path. Most code of a
 * firmware runs a few times only, and translating it as superblocks (each side exit's target starting another
 * one that overlaps the first) costs several times its size in decoding and V8 compilation.
 */
import * as arith from './arith.ts';
import { decode16 } from './decode16.ts';
import { decode32 } from './decode32.ts';
import type { DecodeContext, Decoded } from './decoded.ts';
import { CONDITIONS, SCRATCH } from './emit.ts';
import { removeDeadFlagWrites } from './flag-liveness.ts';

/** Runs the block (repeatedly, for a self-loop, within `budget` instructions); returns instructions retired. */
export type BlockFunction = (
  r: Int32Array,
  cpu: unknown,
  dv: DataView,
  cp: Uint8Array,
  h: typeof arith,
  fv: DataView,
  budget: number,
) => number;

export interface Block {
  readonly start: number;
  /** Address after the last instruction. */
  readonly end: number;
  readonly count: number;
  /** Address and ITSTATE of each instruction, to restart precisely at one that faults. */
  readonly addresses: Int32Array;
  readonly itStates: Uint8Array;
  /** The instruction halfwords it was translated from (start to end). */
  readonly halfwords: Uint16Array;
  readonly run: BlockFunction;
  /** Set when code it was translated from is overwritten. */
  dead: boolean;
  /**
   * For a basic block that a superblock would make longer: the entries left before the run loop translates
   * it again as one (0 for a superblock, or a block a superblock would not change).
   */
  entriesUntilHot: number;
  /**
   * The blocks that last followed this one (the run loop's links, checked against the PC before use). Present
   * from the start, undefined until linked, so every block has one shape and the run loop's accesses stay
   * monomorphic.
   */
  taken: Block | undefined;
  notTaken: Block | undefined;
}

/** Thrown by a Fetch for an address the default memory map marks execute-never. */
export class ExecuteNever extends Error {}

/** Reads an instruction halfword; throws ExecuteNever, or a BusError when the address cannot be fetched. */
export type Fetch = (address: number) => number;

export type Features = Omit<DecodeContext, 'inIt' | 'lastInIt'>;

/** ITSTATE after one instruction of an IT block (ARMv7-M ITAdvance()). */
const advanceIt = (it: number): number => ((it & 7) === 0 ? 0 : (it & 0xe0) | ((it << 1) & 0x1f));

/**
 * Compiled block functions by source text, shared by every core in the process: a new machine running the same
 * firmware (a sweep forks many) reuses functions V8 has already optimised instead of compiling them again. The
 * source holds everything the code depends on (addresses, memory layout, features); state lives in the
 * arguments. Cleared when it grows past a bound, so it cannot grow without limit.
 */
const compiled = new Map<string, BlockFunction>();
const COMPILED_LIMIT = 50_000;

function compile(source: string): BlockFunction {
  let run = compiled.get(source);
  if (run === undefined) {
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    run = new Function('r', 'cpu', 'dv', 'cp', 'h', 'fv', 'budget', source) as BlockFunction;
    compiled.set(source, run);
  }
  return run;
}

const isThirtyTwoBit = (halfword: number): boolean => halfword >>> 11 >= 0x1d;

/** The three decode contexts of one set of features: outside an IT block, inside one, at its last instruction. */
type ItContexts = readonly [DecodeContext, DecodeContext, DecodeContext];

/** Made once per block (the features may change between blocks), not once per instruction decoded. */
const itContexts = (features: Features): ItContexts => [
  { ...features, inIt: false, lastInIt: true },
  { ...features, inIt: true, lastInIt: false },
  { ...features, inIt: true, lastInIt: true },
];

function decodeAt(fetch: Fetch, pc: number, it: number, contexts: ItContexts): Decoded {
  const context = contexts[it === 0 ? 0 : (it & 0xf) === 8 ? 2 : 1];
  const first = fetch(pc);
  if (!isThirtyTwoBit(first)) return decode16(first, pc, context);
  return decode32(first, fetch(pc + 2), pc, context);
}

/** Entries of a basic block before it is translated again as a superblock. */
export const HOT_ENTRIES = 32;

/** What ends a block besides a branch, a stop and the length limit. */
export interface BlockShape {
  /** A conditional branch becomes a side exit (a superblock); otherwise it ends the block (a basic block). */
  superblock: boolean;
  /** The block ends before an instruction (not its first, nor one inside an IT block) at such an address. */
  endsBefore?: (address: number) => boolean;
}

/** Translates the instructions from `start` (at most `maxInstructions`) into a block of the given shape. */
export function translate(
  memory: Fetch,
  start: number,
  startIt: number,
  features: Features,
  maxInstructions: number,
  shape: BlockShape = { superblock: true },
): Block {
  const halfwords: number[] = [];
  // Records what was translated, in address order, so a later write can be checked against it.
  const fetch: Fetch = (address) => {
    const value = memory(address);
    if (address === start + halfwords.length * 2) halfwords.push(value);
    return value;
  };
  const contexts = itContexts(features);
  const lines: string[] = [];
  const addresses: number[] = [];
  const itStates: number[] = [];
  let pc = start;
  let it = startIt;
  let last: Decoded | undefined;
  let endsAtSideExit = false;
  while (addresses.length < maxInstructions) {
    if (addresses.length > 0 && it === 0 && shape.endsBefore?.(pc)) break;
    let decoded: Decoded;
    try {
      decoded = decodeAt(fetch, pc, it, contexts);
    } catch (error) {
      if (addresses.length > 0) break;
      decoded = { size: 2, code: `cpu.prefetchAbort(${pc},${error instanceof ExecuteNever});`, flow: 'branch' };
    }
    addresses.push(pc);
    itStates.push(it);
    const next = (pc + decoded.size) | 0;
    const condition = it === 0 ? 'true' : CONDITIONS[it >> 4];
    // ARMv8-M stack limit: an SP write below the active limit faults with SP unchanged (checked after the
    // instruction's own work, so a push's stores below the limit are made; the architecture leaves them optional).
    if (features.v8 && decoded.code.includes('r[13]=')) {
      decoded = { ...decoded, code: `{const q=r[13];${decoded.code}if((r[13]>>>0)<(cpu.stackLimit()>>>0)){r[13]=q;cpu.stackOverflow(${pc});}}` };
    }
    if (decoded.itState !== undefined) {
      it = decoded.itState;
    } else {
      if (condition === 'true') lines.push(decoded.code);
      else if (decoded.flow === 'branch') lines.push(`if(${condition}){${decoded.code}}else r[15]=${next};`);
      else lines.push(`if(${condition}){${decoded.code}}`);
      it = advanceIt(it);
    }
    pc = next;
    last = decoded;
    // A conditional branch forward (or anywhere but the block's start) becomes a side exit, and translation
    // goes on along the fall-through path: fewer, longer blocks.
    if (decoded.condition !== undefined && it === 0 && decoded.target !== start && addresses.length < maxInstructions) {
      if (!shape.superblock) {
        endsAtSideExit = true;
        break;
      }
      lines[lines.length - 1] = `if(${decoded.condition}){r[15]=${decoded.target};return n+${addresses.length};}`;
      continue;
    }
    if (decoded.flow !== 'next') break;
  }
  const count = addresses.length;
  const body = removeDeadFlagWrites(lines).join('\n');
  const fallThrough = last?.flow === 'branch' ? '' : `r[15]=${pc};`;
  // A block whose branch may go back to its own start runs as a loop inside one call, while the budget allows
  // and nothing needs the core's attention (an interrupt pended by a store, code overwritten). The iteration
  // count it leaves for a fault is cleared on the way out, or a fault in a later block would count it again.
  const selfLoop = last?.target === start && startIt === 0 && it === 0;
  const itExit = startIt !== 0 || it !== 0 ? `cpu.itState=${it};${it !== 0 ? 'cpu.attention();' : ''}` : '';
  const source = selfLoop
    ? `${SCRATCH}let n=0;do{cpu.loopIterations=n;${body}${fallThrough}n+=${count};}while(r[15]===${start}&&n+${count}<=budget&&!cpu.needsAttention);cpu.loopIterations=0;return n;`
    : `${SCRATCH}const n=0;${body}${fallThrough}${itExit}return ${count};`;
  const run = compile(source);
  return {
    start,
    end: pc,
    count,
    addresses: Int32Array.from(addresses),
    itStates: Uint8Array.from(itStates),
    halfwords: Uint16Array.from(halfwords),
    run,
    dead: false,
    entriesUntilHot: endsAtSideExit ? HOT_ENTRIES : 0,
    taken: undefined,
    notTaken: undefined,
  };
}

export { arith };
