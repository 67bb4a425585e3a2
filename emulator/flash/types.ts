/**
 * The contract between the flash model and everything that uses it (bootloader models, the SoC's flash
 * controller, the harness). One definition, read by all.
 */

/**
 * How a write unit may be programmed between two erases.
 * - `and`: classic NOR. Programming can only clear bits (stored = old AND new); any number of programs.
 * - `once`: each write unit may be programmed once per erase; a second program is a FlashRuleViolation
 *   (STM32L4/L5/U5/H7 raise PROGERR).
 * - `ecc`: as `once`, and a unit whose program or erase was torn by a power cut reads back as an ECC error
 *   (an EccFault), which a CPU sees as a bus fault / NMI.
 */
export type ProgramRule = 'and' | 'once' | 'ecc';

export interface FlashGeometry {
  /** Sector (erase unit) sizes in bytes, in address order from offset 0. Uniform or not. */
  readonly sectors: readonly number[];
  /** Program granule in bytes: 1, 2, 4, 8, 16 or 32. Programs must be aligned to it and a multiple of it. */
  readonly writeUnit: number;
  /** The value an erased byte reads as: 0xff on most parts, 0x00 on some. */
  readonly erasedValue: 0x00 | 0xff;
  readonly programRule: ProgramRule;
  /**
   * nRF52 nWRITE-style budget: at most `count` program operations may touch each aligned `wordSize`-byte word
   * between erases. Exceeding it is a FlashRuleViolation.
   */
  readonly writeBudget?: { readonly wordSize: number; readonly count: number };
  /** Virtual time to erase one sector, in microseconds: one number for every sector, or one per sector. */
  readonly eraseTimeUs: number | readonly number[];
  /** Virtual time to program one write unit, in microseconds. */
  readonly programTimeUs: number;
  /** Rated erase cycles per sector. Exceeding it is recorded as wear, not refused. */
  readonly endurance: number;
}

/** `counter` is an advance of a hardware monotonic counter (OTP fuses), journaled and cuttable like the rest. */
export type FlashOpKind = 'program' | 'erase' | 'counter';

/** One journaled flash operation. `index` counts from 0 since the flash was created (or since the snapshot). */
export interface FlashOp {
  readonly index: number;
  readonly kind: FlashOpKind;
  /** Byte offset from the start of the flash device. */
  readonly offset: number;
  readonly length: number;
  /** Virtual time at which the operation started, in microseconds. */
  readonly startUs: number;
  /** How it ended: `done`, or the cut outcome if power was cut during it. */
  readonly result: 'done' | CutOutcome;
}

/**
 * What the operation a power cut lands on leaves behind.
 * - `not-started`: nothing changes (the MCUboot simulator's model);
 * - `completed`: the operation finishes, then power goes;
 * - `torn`: a program leaves a prefix of its units written and some bits of the next cleared; an erase leaves
 *   the sector partly erased. Chosen by a PRNG seeded from the plan's seed.
 */
export type CutOutcome = 'not-started' | 'completed' | 'torn';

/**
 * A torn outcome chosen instead of drawn from the seed (enumerated sweeps).
 * - A program: `units` whole write units written, then the next unit left holding `unit` — `ones` (none of its bit
 *   changes landed: as before, erased on a part that erases to 0xff), `weak` (in each byte the bit changes of bits
 *   0–3 landed, those of bits 4–7 did not: a flag or magic byte then reads as neither erased nor written) or `half`
 *   (its first half written, the rest as before). Each is a state a NOR cell can be left in: a program only moves
 *   bits the data moves. On a part with rule `ecc` the torn unit reads back as an ECC error whatever it holds.
 * - An erase: `eighths`/8 of the bits still to erase moved to the erased state, which bits from the operation's
 *   index alone (never from the seed).
 */
export type TornShape =
  | { readonly units: number; readonly unit: 'ones' | 'weak' | 'half' }
  | { readonly eighths: number };

export interface PowerCutPlan {
  /** Index of the operation (as counted by `Flash.opCount`) that the cut lands on. */
  readonly atOp: number;
  readonly outcome: CutOutcome;
  /** Seeds the torn-outcome PRNG; the same seed gives the same bytes. */
  readonly seed: number;
  /** For a torn program: the shape to leave, instead of one drawn from the seed. */
  readonly tear?: TornShape;
}

export interface SectorInfo {
  readonly index: number;
  readonly offset: number;
  readonly size: number;
}

/** The flash as its users see it. All offsets are relative to the start of the flash device. */
export interface Flash {
  readonly geometry: FlashGeometry;
  readonly size: number;
  /** Reads bytes. Throws EccFault when the range covers an ECC-inconsistent unit (rule `ecc` only). */
  read(offset: number, length: number): Uint8Array;
  /** Programs bytes: one operation. Throws FlashRuleViolation on misuse and PowerCut when a cut lands on it. */
  program(offset: number, data: Uint8Array): void;
  /** Erases the sector starting at `offset`: one operation. Throws as `program` does. */
  erase(offset: number): void;
  sectorAt(offset: number): SectorInfo;
  /**
   * Hardware monotonic counters (security counters), kept in the same non-volatile state and snapshots as the
   * flash. A counter never reported as advanced reads 0.
   */
  readCounter(id: number): number;
  /**
   * Raises counter `id` to `value`: one operation, cuttable. A value at or below the current one changes nothing
   * (the hardware cannot go back). A torn advance leaves a value between the old and the new one, as a partly
   * burnt fuse row does.
   */
  advanceCounter(id: number, value: number): void;
  /** Number of operations so far; the next operation has this index. */
  readonly opCount: number;
  /** Virtual time in microseconds. */
  readonly nowUs: number;
  /**
   * Opaque handles of what the sectors holding [offset, offset + length) hold now: a write to a sector (a program,
   * an erase, a torn one, a restore) gives it another. The same handles in the same order mean the same bytes, read
   * the same way; other handles say nothing. Optional: without it, whoever wants to know whether bytes changed reads them.
   */
  contentKey?(offset: number, length: number): readonly object[];
  /**
   * `contentKey` with where each handle's bytes lie in the range, so whoever remembers bytes compares only the
   * sectors whose handle changed (`KnownBytes`). Optional, as `contentKey` is.
   */
  contentSpans?(offset: number, length: number): readonly ContentSpan[];
  /** Whether the raw bits at `offset` are `bytes`, compared in place (ECC faults aside: see `ContentSpan`). Optional. */
  matches?(offset: number, bytes: Uint8Array): boolean;
  /**
   * Reads as `read` does (the same bytes, the same faults), but may hand out the flash's own bytes instead of a
   * copy: the caller must not write them, and may use them only until the flash next changes, except as the data
   * of a program that does not overlap them (a copy from one place of the flash to another). Optional.
   */
  readView?(offset: number, length: number): Uint8Array;
}

/** One sector's part of a range: its content handle (see `Flash.contentKey`) and where its bytes lie in the range. */
export interface ContentSpan {
  readonly handle: object;
  /** Offset of the span from the start of the range. */
  readonly from: number;
  readonly length: number;
  /** Some write unit of the sector reads as an ECC fault: there `read` does not return the raw bits. */
  readonly eccFaults: boolean;
}
