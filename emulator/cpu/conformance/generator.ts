/**
 * Random but valid instruction sequences from the encoding tables. Every memory access gets its base (and
 * index) register set just before it by MOVW/MOVT so it lands in the data area; branches only skip forward over
 * instructions of the sequence; IT blocks hold only instructions allowed there. Everything follows from the seed.
 */
import { Prng } from '../../common/prng.ts';
import { ENCODINGS, type Encoding, GENERAL } from './encodings.ts';
import { assemble, type Fields, parsePattern } from './pattern.ts';

/** The machine every case runs on (mirrored by the unicorn driver). */
export const LAYOUT = {
  codeBase: 0x0,
  codeSize: 0x2000,
  codeStart: 0x1000,
  dataBase: 0x20000000,
  dataSize: 0x1000,
  stackPointer: 0x20000800,
} as const;

export interface ConformanceCase {
  seed: number;
  /** Little-endian machine code, hex; runs from codeStart to its end. */
  code: string;
  /** r0–r14 at the start (SP is LAYOUT.stackPointer). */
  registers: number[];
  /** N Z C V Q in bits 31–27, GE in bits 19–16. */
  apsr: number;
}

export interface ConformanceResult {
  /** r0–r15 at the end, unsigned. */
  registers: number[];
  apsr: number;
  /** Data-area bytes that changed: [offset, new value]. */
  memory: [number, number][];
}

/** The initial contents of the data area: xorshift32 from the seed (sent to the unicorn driver as hex). */
export function dataBytes(seed: number): Uint8Array {
  const bytes = new Uint8Array(LAYOUT.dataSize);
  let x = (seed | 1) >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

const CLREX = [0xf3bf, 0x8f2f];
const movw = (rd: number, value: number): number[] =>
  assemble('11110 i:1 100100 imm4:4 0 imm3:3 Rd:4 imm8:8', {
    i: (value >> 11) & 1,
    imm4: (value >> 12) & 15,
    imm3: (value >> 8) & 7,
    Rd: rd,
    imm8: value & 0xff,
  });
const movt = (rd: number, value: number): number[] =>
  assemble('11110 i:1 101100 imm4:4 0 imm3:3 Rd:4 imm8:8', {
    i: (value >> 11) & 1,
    imm4: (value >> 12) & 15,
    imm3: (value >> 8) & 7,
    Rd: rd,
    imm8: value & 0xff,
  });

/** IT block length from its mask: the position of the lowest set bit. */
const itLength = (mask: number): number => 4 - Math.log2(mask & -mask);

export class SequenceGenerator {
  private readonly prng: Prng;
  private readonly plain: Encoding[];
  private readonly insideIt: Encoding[];

  constructor(
    seed: number,
    private readonly encodings: readonly Encoding[] = ENCODINGS,
  ) {
    this.prng = new Prng(seed);
    this.plain = encodings.filter((e) => !e.branch && !e.it);
    // Memory accesses need setup instructions that cannot sit in the IT block; barriers are left out because
    // unicorn loses the IT state at the translation-block end an ISB forces (the architecture allows them there).
    const excluded = new Set(['load_store_sp', 'push', 'pop', 'push_w', 'pop_w', 'barrier']);
    this.insideIt = this.plain.filter((e) => !e.memory && !excluded.has(e.name));
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.prng.below(items.length)];
  }

  fields(encoding: Encoding): Fields {
    for (let attempt = 0; attempt < 200; attempt++) {
      const fields: Fields = {};
      for (const field of parsePattern(encoding.pattern).fields) {
        const choices = encoding.choices?.[field.name];
        if (choices) fields[field.name] = this.pick(choices);
        else if (field.name.startsWith('R') && field.width === 4) fields[field.name] = this.pick(GENERAL);
        else fields[field.name] = this.prng.below(2 ** field.width);
      }
      if (!encoding.valid || encoding.valid(fields)) return fields;
    }
    throw new Error(`no valid fields found for ${encoding.name}`);
  }

  /** One instruction (with the setup its memory access needs), as halfwords. */
  private simple(pool: readonly Encoding[]): number[] {
    const encoding = this.pick(pool);
    const fields = this.fields(encoding);
    const setup: number[] = [];
    if (encoding.memory) {
      const use = encoding.memory(fields);
      const room = LAYOUT.dataSize - 0x200 - use.span;
      const address = LAYOUT.dataBase + 0x100 + Math.floor(this.prng.below(room) / use.align) * use.align;
      let base = address - use.offset;
      if (use.index !== undefined) {
        const index = this.prng.below(8) * use.align;
        base -= index << (use.shift ?? 0);
        setup.push(...movw(use.index, index));
      }
      setup.push(...movw(use.base, base & 0xffff), ...movt(use.base, base >>> 16));
    }
    return [...setup, ...assemble(encoding.pattern, fields)];
  }

  private branch(encoding: Encoding): number[] {
    const skipped: number[] = [];
    const count = encoding.name === 'cbz' ? 1 + this.prng.below(3) : this.prng.below(4);
    for (let i = 0; i < count; i++) skipped.push(...this.simple(this.plain));
    const fields = { ...this.fields(encoding), ...encoding.branch!(skipped.length * 2) };
    return [...assemble(encoding.pattern, fields), ...skipped];
  }

  private itBlock(encoding: Encoding): number[] {
    const fields = this.fields(encoding);
    const body: number[] = [];
    for (let i = 0; i < itLength(fields.mask); i++) body.push(...this.simple(this.insideIt));
    return [...assemble(encoding.pattern, fields), ...body];
  }

  /** A case of about `length` instructions drawn from the tables (plus setup). */
  sequence(length: number): ConformanceCase {
    const seed = this.prng.nextU32();
    const halfwords = [...CLREX];
    for (let i = 0; i < length; i++) {
      const encoding = this.pick(this.encodings);
      if (encoding.branch) halfwords.push(...this.branch(encoding));
      else if (encoding.it) halfwords.push(...this.itBlock(encoding));
      else halfwords.push(...this.simple(this.plain.includes(encoding) ? [encoding] : this.plain));
    }
    const registers = Array.from({ length: 15 }, () => this.prng.nextU32());
    registers[13] = LAYOUT.stackPointer;
    const apsr = (this.prng.nextU32() & 0xf8000000) | ((this.prng.below(16) << 16) >>> 0);
    const code = halfwords.map((h) => (h & 0xff).toString(16).padStart(2, '0') + (h >> 8).toString(16).padStart(2, '0')).join('');
    return { seed, code, registers, apsr: apsr >>> 0 };
  }
}
