/**
 * Random but valid instruction sequences from the encoding tables. Every memory access gets its base (and
 * index) register set just before it by MOVW/MOVT so it lands in the data area; branches only skip forward over
 * instructions of the sequence; IT blocks hold only instructions allowed there. Everything follows from the seed.
 */
import { Prng } from '../../common/prng.ts';
import { ENCODINGS, type Encoding, GENERAL, V6M_ENCODINGS } from './encodings.ts';
import { assemble, type Fields, parsePattern } from './pattern.ts';

/** The machine every case runs on (mirrored by the unicorn driver). */
export const LAYOUT = {
  codeBase: 0x0,
  codeSize: 0x2000,
  codeStart: 0x1000,
  dataBase: 0x20000000,
  dataSize: 0x1000,
  stackPointer: 0x20000800,
  /**
   * Code pages megabytes away, for B.W and BL with J1 or J2 = 0: 6 MiB up (J2 = 0 both ways) and 12 MiB up
   * (J1 = 0 both ways). Each is farPageSize bytes, zero unless a case puts code there.
   */
  farPages: [0x600000, 0xc00000],
  farPageSize: 0x1000,
} as const;

/** Which architecture a case is for: unicorn runs armv7e-m cases on its Cortex-M4, armv6-m ones on its M0. */
export type Profile = 'armv7e-m' | 'armv6-m';

export interface ConformanceCase {
  /** Absent in the Cortex-M4 corpus. */
  profile?: Profile;
  seed: number;
  /** Little-endian machine code, hex; runs from codeStart to its end. */
  code: string;
  /** r0–r14 at the start (SP is LAYOUT.stackPointer). */
  registers: number[];
  /** N Z C V Q in bits 31–27, GE in bits 19–16. */
  apsr: number;
  /** Code at the start of far pages (little-endian hex), for far branches. */
  far?: { address: number; code: string }[];
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
/** Halfwords as little-endian machine code in hex. */
const toHex = (halfwords: readonly number[]): string =>
  halfwords.map((h) => (h & 0xff).toString(16).padStart(2, '0') + (h >> 8).toString(16).padStart(2, '0')).join('');
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

/** `ldr rt, [pc, #imm8 * 4]`, with imm8 filled in once the literal pool's place is known. */
const literalLoad = (rt: number, imm8: number): number => (0b01001 << 11) | (rt << 8) | imm8;

/** IT block length from its mask: the position of the lowest set bit. */
const itLength = (mask: number): number => 4 - Math.log2(mask & -mask);

export class SequenceGenerator {
  private readonly prng: Prng;
  private readonly encodings: readonly Encoding[];
  private readonly plain: Encoding[];
  private readonly insideIt: Encoding[];
  /** ARMv6-M has no MOVW/MOVT: memory setup loads its constants from a literal pool after the code. */
  private literals: { at: number; register: number; value: number }[] = [];
  /** Far-page code of the case being built. */
  private far: { address: number; code: string }[] = [];

  constructor(
    seed: number,
    encodings?: readonly Encoding[],
    private readonly profile: Profile = 'armv7e-m',
  ) {
    this.encodings = encodings ?? (profile === 'armv6-m' ? V6M_ENCODINGS : ENCODINGS);
    this.prng = new Prng(seed);
    this.plain = this.encodings.filter((e) => !e.branch && !e.it && !e.indirect);
    // Memory accesses need setup instructions that cannot sit in the IT block; barriers are left out because
    // unicorn loses the IT state at the translation-block end an ISB forces (the architecture allows them there).
    const excluded = new Set(['load_store_sp', 'push', 'pop', 'push_w', 'pop_w', 'barrier']);
    this.insideIt = this.plain.filter((e) => !e.memory && !excluded.has(e.name));
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.prng.below(items.length)];
  }

  /** Valid fields for `encoding`, random but for the `forced` ones (an error when no valid completion turns up). */
  fields(encoding: Encoding, forced: Fields = {}): Fields {
    for (let attempt = 0; attempt < 400; attempt++) {
      const fields: Fields = {};
      for (const field of parsePattern(encoding.pattern).fields) {
        const choices = encoding.choices?.[field.name];
        if (field.name in forced) fields[field.name] = forced[field.name];
        else if (choices) fields[field.name] = this.pick(choices);
        else if (field.name.startsWith('R') && field.width === 4) fields[field.name] = this.pick(GENERAL);
        else fields[field.name] = this.prng.below(2 ** field.width);
      }
      if (!encoding.valid || encoding.valid(fields)) return fields;
    }
    throw new Error(`no valid fields found for ${encoding.name} with ${JSON.stringify(forced)}`);
  }

  /** Halfwords that put `value` in `register`; `at` is where they will sit in the sequence (in halfwords). */
  private constant(register: number, value: number, at: number): number[] {
    if (this.profile === 'armv7e-m') {
      return value >>> 16 === 0 ? movw(register, value) : [...movw(register, value & 0xffff), ...movt(register, value >>> 16)];
    }
    this.literals.push({ at, register, value: value >>> 0 });
    return [literalLoad(register, 0)];
  }

  /** One instruction (with the setup its memory access needs), as halfwords; `at` is its place in halfwords. */
  private simple(pool: readonly Encoding[], at: number, forced: Fields = {}): number[] {
    const encoding = this.pick(pool);
    const fields = this.fields(encoding, forced);
    const setup: number[] = [];
    if (encoding.memory) {
      const use = encoding.memory(fields);
      const room = LAYOUT.dataSize - 0x200 - use.span;
      const address = LAYOUT.dataBase + 0x100 + Math.floor(this.prng.below(room) / use.align) * use.align;
      let base = address - use.offset;
      if (use.index !== undefined) {
        const index = this.prng.below(8) * use.align;
        base -= index << (use.shift ?? 0);
        setup.push(...this.constant(use.index, index, at + setup.length));
      }
      if (use.base === 13) {
        // SP cannot take a MOVW/MOVT or a literal load: a free low register gets the (word-aligned) address,
        // then MOV SP, it.
        const used = new Set(Object.entries(fields).flatMap(([name, value]) => (name.startsWith('R') ? [value] : [])));
        const scratch = [0, 1, 2, 3, 4, 5, 6, 7].find((r) => !used.has(r) && r !== use.index) as number;
        setup.push(...this.constant(scratch, base & ~3, at + setup.length), ...assemble('01000110 D:1 Rm:4 Rd:3', { D: 1, Rm: scratch, Rd: 5 }));
      } else {
        setup.push(...this.constant(use.base, base, at + setup.length));
      }
    }
    return [...setup, ...assemble(encoding.pattern, fields)];
  }

  private branch(encoding: Encoding, at: number, forced: Fields = {}): number[] {
    const branchLength = parsePattern(encoding.pattern).bits / 16;
    const skipped: number[] = [];
    const count = encoding.name === 'cbz' ? 1 + this.prng.below(3) : this.prng.below(4);
    for (let i = 0; i < count; i++) skipped.push(...this.simple(this.plain, at + branchLength + skipped.length));
    const fields = { ...this.fields(encoding, forced), ...encoding.branch!(skipped.length * 2) };
    return [...assemble(encoding.pattern, fields), ...skipped];
  }

  /**
   * A branch backwards (the offset's sign bit S set, and J1 = J2 = 1 for a short one): `b.n X; T: b.n END;
   * X: <some instructions> <branch to T>; END:`, so taken or not it ends at END.
   */
  private backwardBranch(encoding: Encoding, at: number, forced: Fields): number[] {
    const body: number[] = [];
    const count = this.prng.below(3);
    for (let i = 0; i < count; i++) body.push(...this.simple(this.plain, at + 2 + body.length));
    const branchLength = parsePattern(encoding.pattern).bits / 16;
    const branchAt = at + 2 + body.length;
    const offset = (at + 1 - (branchAt + 2)) * 2;
    const fields = { ...this.fields(encoding, forced), ...encoding.backward!(offset) };
    const b16 = (bytes: number): number => assemble('11100 imm11:11', { imm11: ((bytes - 4) >> 1) & 0x7ff })[0];
    // At `at`: b.n over T (to X); at `at + 1` (T): b.n to END.
    return [b16(4), b16((body.length + branchLength) * 2 + 2), ...body, ...assemble(encoding.pattern, fields)];
  }

  /**
   * A branch of megabytes (B.W or BL, T4) to the far page at `page`, and one of the same kind back to the next
   * instruction (ARMv6-M has BL only): the row's instruction both ways.
   */
  private farBranch(encoding: Encoding, at: number, forced: Fields, page: number): number[] {
    const from = LAYOUT.codeStart + at * 2;
    const fields = this.fields(encoding, forced);
    const there = assemble(encoding.pattern, { ...fields, ...encoding.backward!(page - (from + 4)) });
    const home = assemble(encoding.pattern, { ...fields, ...encoding.backward!(from + 4 - (page + 4)) });
    this.far.push({ address: page, code: toHex(home) });
    return there;
  }

  private itBlock(encoding: Encoding, at: number, forced: Fields = {}): number[] {
    const fields = this.fields(encoding, forced);
    const body: number[] = [];
    for (let i = 0; i < itLength(fields.mask); i++) body.push(...this.simple(this.insideIt, at + 1 + body.length));
    return [...assemble(encoding.pattern, fields), ...body];
  }

  /**
   * BX/BLX to a forward target (set up in Rm with the Thumb bit), or TBB/TBH over a table laid out right after
   * the instruction whose entries point at instruction boundaries further on.
   */
  private indirect(encoding: Encoding, at: number, forced: Fields = {}): number[] {
    const fields = this.fields(encoding, forced);
    const kind = encoding.indirect!;
    const setupLength = (): number => (this.profile === 'armv7e-m' ? 2 : 1);
    const length = parsePattern(encoding.pattern).bits / 16;
    const entries = kind === 'register' ? 0 : 1 + this.prng.below(4);
    const tableLength = kind === 'table-byte' ? Math.ceil(entries / 2) : entries;
    const bodyAt = at + setupLength() + length + tableLength;
    const skipped: number[] = [];
    const boundaries: number[] = [];
    const count = 1 + this.prng.below(3);
    for (let i = 0; i < count; i++) {
      boundaries.push(skipped.length);
      skipped.push(...this.simple(this.plain, bodyAt + skipped.length));
    }
    boundaries.push(skipped.length);
    const instruction = assemble(encoding.pattern, fields);
    if (kind === 'register') {
      const target = LAYOUT.codeStart + (bodyAt + skipped.length) * 2;
      return [...this.constant(fields.Rm, target | 1, at), ...instruction, ...skipped];
    }
    const index = this.prng.below(entries);
    const tableBase = LAYOUT.codeStart + (at + setupLength() + length) * 2;
    const values = Array.from({ length: entries }, () => {
      const target = LAYOUT.codeStart + (bodyAt + this.pick(boundaries)) * 2;
      return (target - tableBase) / 2;
    });
    const table: number[] = [];
    if (kind === 'table-half') table.push(...values);
    else for (let i = 0; i < entries; i += 2) table.push(values[i] | ((values[i + 1] ?? 0) << 8));
    return [...this.constant(fields.Rm, index, at), ...instruction, ...table, ...skipped];
  }

  /** Appends a branch over the literal pool and the pool itself, and fills in the literal loads' offsets. */
  private placeLiterals(halfwords: number[]): void {
    if (this.literals.length === 0) return;
    const branchAt = LAYOUT.codeStart + halfwords.length * 2;
    const poolStart = (branchAt + 2 + 3) & ~3;
    const poolEnd = poolStart + this.literals.length * 4;
    halfwords.push(assemble('11100 imm11:11', { imm11: ((poolEnd - (branchAt + 4)) >> 1) & 0x7ff })[0]);
    if (poolStart !== branchAt + 2) halfwords.push(0);
    this.literals.forEach((literal, k) => {
      const address = LAYOUT.codeStart + literal.at * 2;
      const imm8 = (poolStart + k * 4 - ((address + 4) & ~3)) / 4;
      halfwords[literal.at] = literalLoad(literal.register, imm8);
      halfwords.push(literal.value & 0xffff, literal.value >>> 16);
    });
    this.literals = [];
  }

  /** A case of about `length` instructions drawn from the tables (plus setup). */
  sequence(length: number): ConformanceCase {
    return this.build((halfwords) => {
      for (let i = 0; i < length; i++) this.append(halfwords, this.pick(this.encodings));
    });
  }

  /**
   * A case around one instruction of `encoding` with the `forced` field values (the others random and valid),
   * between a few random instructions; `backward` makes a branch go back (encodings with `backward` only), and
   * `farPage` makes it go to that far page and back (encodings with `far`).
   */
  single(encoding: Encoding, forced: Fields, backward = false, farPage?: number): ConformanceCase {
    return this.build((halfwords) => {
      this.append(halfwords, this.pick(this.plain));
      if (farPage !== undefined) halfwords.push(...this.farBranch(encoding, halfwords.length, forced, farPage));
      else if (backward) halfwords.push(...this.backwardBranch(encoding, halfwords.length, forced));
      else this.append(halfwords, encoding, forced);
      this.append(halfwords, this.pick(this.plain));
    });
  }

  private append(halfwords: number[], encoding: Encoding, forced: Fields = {}): void {
    const at = halfwords.length;
    if (encoding.branch) halfwords.push(...this.branch(encoding, at, forced));
    else if (encoding.indirect) halfwords.push(...this.indirect(encoding, at, forced));
    else if (encoding.it) halfwords.push(...this.itBlock(encoding, at, forced));
    else halfwords.push(...this.simple(this.plain.includes(encoding) ? [encoding] : this.plain, at, this.plain.includes(encoding) ? forced : {}));
  }

  private build(fill: (halfwords: number[]) => void): ConformanceCase {
    const seed = this.prng.nextU32();
    // CLREX first: unicorn keeps its exclusive monitor from one case to the next (ARMv6-M has no exclusives).
    const halfwords = this.profile === 'armv7e-m' ? [...CLREX] : [];
    fill(halfwords);
    this.placeLiterals(halfwords);
    const registers = Array.from({ length: 15 }, () => this.prng.nextU32());
    registers[13] = LAYOUT.stackPointer;
    const apsr = (this.prng.nextU32() & 0xf8000000) | ((this.prng.below(16) << 16) >>> 0);
    const code = toHex(halfwords);
    const apsrBits = this.profile === 'armv6-m' ? apsr & 0xf0000000 : apsr;
    const far = this.far.splice(0);
    return {
      ...(this.profile === 'armv6-m' ? { profile: this.profile } : {}),
      seed,
      code,
      registers,
      apsr: apsrBits >>> 0,
      ...(far.length > 0 ? { far } : {}),
    };
  }
}
