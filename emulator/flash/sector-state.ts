/** Per-unit flags, kept only when the program rule needs them (`once`, `ecc`). */
export const UNIT_PROGRAMMED = 1;
/** The unit's program or erase was torn: its ECC does not match (rule `ecc` reads it as a fault). */
export const UNIT_ECC_BROKEN = 2;

/**
 * One sector's non-volatile contents and bookkeeping. Shared between the live flash and snapshots until one of
 * them writes (copy-on-write): `shared` says a write must clone first.
 */
export class SectorState {
  shared = false;
  /** Number of units with UNIT_ECC_BROKEN, so reads skip the per-unit scan in the common case of none. */
  brokenUnits = 0;
  /**
   * At least the largest count in `words`, so a program scans the write budget word by word only once some word
   * may have reached it (a swap programs each word of a freshly erased sector once).
   */
  mostWordPrograms = 0;
  /**
   * Every byte from this offset on reads erased, with its unit flags and word counts at 0: nothing was programmed,
   * loaded or torn there since the last completed erase. A program that starts at or after it writes erased bytes,
   * so it copies instead of combining bits and breaks no program rule (a swap's copy fills sectors in order).
   * Whatever changes a byte below `data.length` raises it past that byte.
   */
  erasedFrom = 0;
  /** The content handle given out for what the sector holds now (`Flash.contentKey`); none until asked for. */
  private handle: object | undefined;

  constructor(
    size: number,
    private readonly erasedValue: number,
    unitCount: number,
    budgetWordSize: number,
    readonly data: Uint8Array = new Uint8Array(size).fill(erasedValue),
    /** Per write unit: UNIT_* flags; null under rule `and`. */
    readonly units: Uint8Array | null = unitCount > 0 ? new Uint8Array(unitCount) : null,
    /** Per budget word: programs since the last erase; null without a write budget. */
    readonly words: Uint8Array | null = budgetWordSize > 0 ? new Uint8Array(size / budgetWordSize) : null,
  ) {}

  /** A sector like this one, erased: what a completed erase leaves, without copying the contents it discards. */
  erased(): SectorState {
    return new SectorState(this.data.length, this.erasedValue, this.units?.length ?? 0, this.words ? this.data.length / this.words.length : 0);
  }

  clone(): SectorState {
    const copy = new SectorState(
      this.data.length,
      this.erasedValue,
      0,
      0,
      this.data.slice(),
      this.units ? this.units.slice() : null,
      this.words ? this.words.slice() : null,
    );
    copy.brokenUnits = this.brokenUnits;
    copy.mostWordPrograms = this.mostWordPrograms;
    copy.erasedFrom = this.erasedFrom;
    return copy;
  }

  /** The same object while the sector's bytes and unit flags stay as they are, another once anything changes them. */
  contentHandle(): object {
    this.handle ??= {};
    return this.handle;
  }

  /** Called before any change in place: a handle given out before names other contents. */
  changing(): void {
    this.handle = undefined;
  }

  erase(): void {
    this.changing();
    // From `erasedFrom` on the sector already reads erased, with its flags and counts at 0: only what was written
    // since the last erase is cleared (nothing, for a sector erased twice; the trailer's sector, for a scratch).
    const written = this.erasedFrom;
    this.data.fill(this.erasedValue, 0, written);
    this.units?.fill(0, 0, Math.ceil(written / (this.data.length / this.units.length)));
    this.words?.fill(0, 0, Math.ceil(written / (this.data.length / this.words.length)));
    this.brokenUnits = 0;
    this.mostWordPrograms = 0;
    this.erasedFrom = 0;
  }

  /** Bytes up to `end` may no longer read erased (nor, to the end of its budget word, have an unused budget). */
  touched(end: number): void {
    const word = this.words ? this.data.length / this.words.length : 1;
    const rounded = Math.ceil(end / word) * word;
    if (rounded > this.erasedFrom) this.erasedFrom = rounded;
  }

  recountBroken(): void {
    let broken = 0;
    if (this.units) for (const flags of this.units) if (flags & UNIT_ECC_BROKEN) broken++;
    this.brokenUnits = broken;
  }
}
