import { BootproofError } from '../common/errors.ts';
import { Prng } from '../common/prng.ts';
import { EccFault, FlashRuleViolation, PowerCut } from './errors.ts';
import { SectorState, UNIT_ECC_BROKEN, UNIT_PROGRAMMED } from './sector-state.ts';
import { tearErase, tornProgram, tornProgramAs } from './torn.ts';
import type { ContentSpan, CutOutcome, Flash, FlashGeometry, FlashOp, FlashOpKind, PowerCutPlan, SectorInfo } from './types.ts';

const WRITE_UNITS = new Set([1, 2, 4, 8, 16, 32]);
/** The most sector bytes kept for reuse after restores: a slot of small sectors, a few large ones. */
// Stryker disable next-line ArithmeticOperator: the cap bounds only the memory kept; a spare and a new sector are erased alike
const MAX_SPARE_BYTES = 2 * 1024 * 1024;

/** A geometry the model cannot represent (a board file should have caught it first). */
export class FlashGeometryError extends BootproofError {}

/**
 * The whole non-volatile state at one moment. Opaque: sector buffers are shared with the live flash until
 * either side writes them (copy-on-write), so taking and restoring one costs O(sectors), not O(bytes).
 */
export interface FlashSnapshot {
  readonly sectors: readonly SectorState[];
  readonly counters: ReadonlyMap<number, number>;
  readonly eraseCounts: Uint32Array;
  /** The journal is `journal[0..journalLength)`: later entries belong to whoever appended after the snapshot. */
  readonly journal: readonly FlashOp[];
  readonly journalLength: number;
  readonly opCount: number;
  readonly nowUs: number;
}

export interface NorFlashOptions {
  /** Keep a journal of every operation (default true). A sweep that only needs counts may turn it off. */
  readonly journal?: boolean;
}

/**
 * A NOR flash with a real geometry and real program rules, whose every program, erase and counter advance is a
 * numbered operation that a power-cut plan can land on.
 */
export class NorFlash implements Flash {
  readonly geometry: FlashGeometry;
  readonly size: number;
  private readonly sectorStarts: number[];
  private readonly eraseTimes: number[];
  private sectors: SectorState[];
  private counters: Map<number, number>;
  // Stryker disable next-line BooleanLiteral: starting shared only costs one copy more
  private countersShared = false;
  private eraseCounts: Uint32Array;
  // Stryker disable next-line BooleanLiteral: starting shared only costs one copy more
  private eraseCountsShared = false;
  /**
   * The journal is `journalEntries[0..journalLength)`. Snapshots share the array and see only their prefix, so this
   * flash appends in place while it owns the array (it made it); after a restore, or once `journal` handed it out,
   * the next append copies first. Copying at every snapshot instead made a recording quadratic in memory (a
   * binary's word-by-word swap is ~10,000 operations, each with a snapshot: gigabytes).
   */
  private journalEntries: FlashOp[];
  private journalLength = 0;
  private journalOwned = true;
  private readonly keepJournal: boolean;
  private ops = 0;
  private clockUs = 0;
  private cut: PowerCutPlan | undefined;
  /** The operation the armed cut landed on, for the PowerCut when no journal is kept. */
  private landedOp: FlashOp | undefined;
  /** Sectors no one else holds, by size, ready to be erased and reused (see `recycle`). */
  private readonly spares = new Map<number, SectorState[]>();
  private spareBytes = 0;

  constructor(geometry: FlashGeometry, options: NorFlashOptions = {}) {
    checkGeometry(geometry);
    this.geometry = geometry;
    this.keepJournal = options.journal ?? true;
    this.sectorStarts = [];
    let offset = 0;
    for (const size of geometry.sectors) {
      this.sectorStarts.push(offset);
      offset += size;
    }
    this.size = offset;
    this.eraseTimes = geometry.sectors.map((_, i) =>
      typeof geometry.eraseTimeUs === 'number' ? geometry.eraseTimeUs : geometry.eraseTimeUs[i],
    );
    // Stryker disable next-line ConditionalExpression,StringLiteral: unit states kept under rule 'and' too are never consulted
    const tracksUnits = geometry.programRule !== 'and';
    const budgetWord = geometry.writeBudget?.wordSize ?? 0;
    this.sectors = geometry.sectors.map(
      // Stryker disable next-line ArithmeticOperator: a longer unit array is never indexed past size / writeUnit
      (size) => new SectorState(size, geometry.erasedValue, tracksUnits ? size / geometry.writeUnit : 0, budgetWord),
    );
    this.counters = new Map();
    this.eraseCounts = new Uint32Array(geometry.sectors.length);
    this.journalEntries = [];
  }

  get opCount(): number {
    return this.ops;
  }

  get nowUs(): number {
    return this.clockUs;
  }

  get journal(): readonly FlashOp[] {
    // Stryker disable next-line ConditionalExpression: slicing an array that is already its own prefix copies the same entries
    if (this.journalEntries.length !== this.journalLength) this.journalEntries = this.journalEntries.slice(0, this.journalLength);
    this.journalOwned = false;
    return this.journalEntries;
  }

  sectorAt(offset: number): SectorInfo {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.size) {
      throw new FlashRuleViolation('range', offset, `offset outside the flash (size 0x${this.size.toString(16)})`);
    }
    const index = this.sectorIndexAt(offset);
    return { index, offset: this.sectorStarts[index], size: this.geometry.sectors[index] };
  }

  /** Erase cycles the sector has seen; compare with `geometry.endurance`. */
  eraseCount(sectorIndex: number): number {
    return this.eraseCounts[sectorIndex];
  }

  /** Sectors erased more often than the part's rated endurance. */
  wornSectors(): number[] {
    const worn: number[] = [];
    this.eraseCounts.forEach((count, index) => {
      if (count > this.geometry.endurance) worn.push(index);
    });
    return worn;
  }

  read(offset: number, length: number): Uint8Array {
    this.checkRange(offset, length);
    // Stryker disable next-line ConditionalExpression: only rule 'ecc' ever marks a unit ECC-broken
    return this.copied(offset, length, this.geometry.programRule === 'ecc');
  }

  /**
   * `read` without the copy where the range lies in one sector: a view of its bytes. A program that does not
   * overlap the range leaves them as they are (a shared sector is copied before it is written, an unshared one is
   * written elsewhere), so a copy within the flash may program straight from the view.
   */
  readView(offset: number, length: number): Uint8Array {
    this.checkRange(offset, length);
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: only rule 'ecc' ever marks a unit ECC-broken; a copy reads the same bytes as the view
    return this.copied(offset, length, this.geometry.programRule === 'ecc', true);
  }

  /** Reads raw bits without ECC faults: for the oracle and reports, never for the code under test. */
  peek(offset: number, length: number): Uint8Array {
    this.checkRange(offset, length);
    return this.copied(offset, length, false);
  }

  /** Whether the raw bits at `offset` are `bytes` (as `peek` would read them), compared in place without a copy. */
  matches(offset: number, bytes: Uint8Array): boolean {
    this.checkRange(offset, bytes.length);
    let same = true;
    this.forEachSectorSpan(offset, bytes.length, (index, start, from, count) => {
      // (Equivalent mutant: a view of all of `bytes` is the same bytes.)
      const expected = count === bytes.length ? bytes : bytes.subarray(from, from + count);
      same &&= Buffer.compare(this.sectors[index].data.subarray(start, start + count), expected) === 0;
    });
    return same;
  }

  contentKey(offset: number, length: number): readonly object[] {
    return this.contentSpans(offset, length).map((span) => span.handle);
  }

  contentSpans(offset: number, length: number): readonly ContentSpan[] {
    this.checkRange(offset, length);
    const spans: ContentSpan[] = [];
    this.forEachSectorSpan(offset, length, (index, _start, from, count) => {
      const sector = this.sectors[index];
      // A write in place drops the sector's handle (`writable`, `SectorState.erase`); a copy has its own.
      spans.push({ handle: sector.contentHandle(), from, length: count, eccFaults: sector.brokenUnits > 0 });
    });
    return spans;
  }

  /**
   * Whether every byte of the flash is as it was at `snapshot` (counters, erase counts and the journal aside). A
   * sector still shared with the snapshot is the same without a look at its bytes.
   */
  sameBytes(snapshot: FlashSnapshot): boolean {
    if (snapshot.sectors.length !== this.sectors.length) {
      throw new BootproofError('snapshot belongs to a flash of another geometry');
    }
    // Two sectors erased since they were last written read erased throughout (`erasedFrom`): the same bytes too.
    // (Equivalent mutants: comparing the bytes of a sector still shared with the snapshot, or of two erased ones, too
    // gives the same answer.)
    return this.sectors.every((sector, i) => {
      const known = snapshot.sectors[i];
      return sector === known || (sector.erasedFrom === 0 && known.erasedFrom === 0) || Buffer.compare(sector.data, known.data) === 0;
    });
  }

  /**
   * Writes bytes as a factory programmer would before the test starts: no operation, no journal, no time.
   * Write units that are entirely the erased value are left unprogrammed, as production programmers skip them,
   * so a bootloader may still program them once (a padded trailer's image_ok, say).
   */
  load(offset: number, bytes: Uint8Array): void {
    this.checkRange(offset, bytes.length);
    const unit = this.geometry.writeUnit;
    if (offset % unit !== 0 || bytes.length % unit !== 0) {
      throw new FlashRuleViolation('alignment', offset, `load must cover whole ${unit}-byte write units`);
    }
    this.forEachSectorSpan(offset, bytes.length, (index, start, from, count) => {
      const sector = this.writable(index);
      sector.data.set(bytes.subarray(from, from + count), start);
      sector.touched(start + count);
      if (sector.units) {
        for (let u = start / unit; u < (start + count) / unit; u++) {
          sector.units[u] = isErasedUnit(sector.data, u * unit, unit, this.geometry.erasedValue) ? 0 : UNIT_PROGRAMMED;
        }
        sector.recountBroken();
      }
    });
  }

  program(offset: number, data: Uint8Array): void {
    const unit = this.geometry.writeUnit;
    this.checkRange(offset, data.length);
    if (data.length === 0 || offset % unit !== 0 || data.length % unit !== 0) {
      throw new FlashRuleViolation(
        'alignment',
        offset,
        `program of ${data.length} bytes must start on and cover whole ${unit}-byte write units`,
      );
    }
    this.checkProgramRules(offset, data.length);
    const outcome = this.beginOp('program', offset, data.length, (data.length / unit) * this.geometry.programTimeUs);
    if (outcome === 'not-started') this.endWithCut();
    if (outcome === 'torn') {
      const { erasedValue } = this.geometry;
      const shape = this.cut!.tear;
      const torn = shape && 'units' in shape
        ? tornProgramAs(data, unit, erasedValue, shape)
        : tornProgram(data, unit, erasedValue, new Prng(this.cutSeed()));
      this.applyProgram(offset, torn.effective, torn.effective.length);
      this.breakUnit(offset + torn.tornUnitAt);
      this.endWithCut();
    }
    this.applyProgram(offset, data, data.length);
    if (outcome === 'completed') this.endWithCut();
  }

  erase(offset: number): void {
    const info = this.sectorAt(offset);
    if (info.offset !== offset) {
      throw new FlashRuleViolation(
        'erase-alignment',
        offset,
        `erase must name a sector start; 0x${offset.toString(16)} is inside sector ${info.index} at 0x${info.offset.toString(16)}`,
      );
    }
    const outcome = this.beginOp('erase', offset, info.size, this.eraseTimes[info.index]);
    if (outcome === 'not-started') this.endWithCut();
    this.countErase(info.index);
    if (outcome === 'torn') {
      const shape = this.cut!.tear;
      if (shape && 'eighths' in shape) tearErase(this.writable(info.index), this.geometry, new Prng(`erase-tear|${this.cut!.atOp}`), shape.eighths);
      else tearErase(this.writable(info.index), this.geometry, new Prng(this.cutSeed()));
      this.endWithCut();
    }
    this.eraseSector(info.index);
    if (outcome === 'completed') this.endWithCut();
  }

  readCounter(id: number): number {
    return this.counters.get(id) ?? 0;
  }

  advanceCounter(id: number, value: number): void {
    if (!Number.isInteger(id) || id < 0 || !Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
      throw new FlashRuleViolation('counter-range', 0, `counter ${id} cannot hold ${value} (unsigned 32-bit)`);
    }
    const old = this.readCounter(id);
    const outcome = this.beginOp('counter', id, 4, this.geometry.programTimeUs);
    if (outcome === 'not-started') this.endWithCut();
    if (outcome === 'torn') {
      // A partly burnt fuse row: somewhere between the old value and the new one.
      // Stryker disable next-line EqualityOperator: at value === old the advance is between(0, 0), nothing
      if (value > old) this.setCounter(id, old + new Prng(this.cutSeed()).between(0, value - old));
      this.endWithCut();
    }
    // Stryker disable next-line EqualityOperator: at value === old, setting it changes nothing
    if (value > old) this.setCounter(id, value);
    if (outcome === 'completed') this.endWithCut();
  }

  /** Arms one power cut: the operation with index `plan.atOp` ends as `plan.outcome`, then throws PowerCut. */
  armPowerCut(plan: PowerCutPlan): void {
    if (!Number.isInteger(plan.atOp) || plan.atOp < this.ops) {
      throw new BootproofError(`power cut at operation ${plan.atOp} is in the past (next operation is ${this.ops})`);
    }
    this.cut = plan;
  }

  disarmPowerCut(): void {
    this.cut = undefined;
  }

  get armedCut(): PowerCutPlan | undefined {
    return this.cut;
  }

  snapshot(): FlashSnapshot {
    for (const sector of this.sectors) sector.shared = true;
    this.countersShared = true;
    this.eraseCountsShared = true;
    return {
      sectors: this.sectors.slice(),
      counters: this.counters,
      eraseCounts: this.eraseCounts,
      journal: this.journalEntries,
      journalLength: this.journalLength,
      opCount: this.ops,
      nowUs: this.clockUs,
    };
  }

  /** Puts the flash back as it was at the snapshot. Any armed power cut is disarmed. */
  restore(snapshot: FlashSnapshot): void {
    if (snapshot.sectors.length !== this.sectors.length) {
      throw new BootproofError('snapshot belongs to a flash of another geometry');
    }
    this.recycle(snapshot.sectors);
    this.sectors = snapshot.sectors.slice();
    for (const sector of this.sectors) sector.shared = true;
    this.counters = snapshot.counters as Map<number, number>;
    this.countersShared = true;
    this.eraseCounts = snapshot.eraseCounts;
    this.eraseCountsShared = true;
    this.journalEntries = snapshot.journal as FlashOp[];
    this.journalLength = snapshot.journalLength;
    this.journalOwned = false;
    this.ops = snapshot.opCount;
    this.clockUs = snapshot.nowUs;
    this.cut = undefined;
  }

  /** Programs `count` bytes of `data` at `offset` under the part's rule (used whole, or as a torn prefix). */
  private applyProgram(offset: number, data: Uint8Array, count: number): void {
    const unit = this.geometry.writeUnit;
    const erasedHigh = this.geometry.erasedValue === 0xff;
    const budgetWord = this.geometry.writeBudget?.wordSize ?? 0;
    this.forEachSectorSpan(offset, count, (index, start, from, n) => {
      const sector = this.writable(index);
      // Over erased bytes a program leaves its own bits: one copy instead of a bit combination per word. (Equivalent
      // mutants: combining bits there anyway, and counting its words one by one, give the same bytes and counts.)
      const fresh = start >= sector.erasedFrom;
      // A program inside one sector (nearly all of them) uses its data as it is: no view of it to make.
      // (Equivalent mutant: a view of the whole data is the same bytes.)
      if (fresh) sector.data.set(n === data.length ? data : data.subarray(from, from + n), start);
      else programBits(sector.data, start, data, from, n, erasedHigh);
      sector.touched(start + n);
      if (sector.units) {
        for (let u = start / unit; u < (start + n) / unit; u++) sector.units[u] = UNIT_PROGRAMMED;
      }
      if (sector.words) {
        const first = Math.floor(start / budgetWord);
        const last = Math.floor((start + n - 1) / budgetWord);
        if (fresh) {
          // Words past `erasedFrom` were not programmed since the erase: each goes from 0 to 1.
          sector.words.fill(1, first, last + 1);
          sector.mostWordPrograms = Math.max(sector.mostWordPrograms, 1);
        } else {
          let most = sector.mostWordPrograms;
          for (let w = first; w <= last; w++) most = Math.max(most, ++sector.words[w]);
          sector.mostWordPrograms = most;
        }
      }
    });
  }

  /** Marks the unit holding `offset` as torn: programmed, and (rule `ecc`) unreadable until erased. */
  private breakUnit(offset: number): void {
    if (!this.sectors[0].units) return;
    const index = this.sectorIndexAt(offset);
    const sector = this.writable(index);
    const u = (offset - this.sectorStarts[index]) / this.geometry.writeUnit;
    // Stryker disable next-line ConditionalExpression: the ECC mark is read only under rule 'ecc'
    sector.units![u] = this.geometry.programRule === 'ecc' ? UNIT_PROGRAMMED | UNIT_ECC_BROKEN : UNIT_PROGRAMMED;
    // Stryker disable next-line ArithmeticOperator: the torn prefix, applied just before, already raised erasedFrom past this unit
    sector.touched((u + 1) * this.geometry.writeUnit);
    sector.recountBroken();
  }

  private checkProgramRules(offset: number, length: number): void {
    const { programRule, writeUnit, writeBudget } = this.geometry;
    this.forEachSectorSpan(offset, length, (index, start, _from, n) => {
      const sector = this.sectors[index];
      // Units and words past `erasedFrom` are all at 0: nothing there can break a rule (checking them is equivalent).
      if (start >= sector.erasedFrom) return;
      // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: units exist exactly when the rule is not 'and'
      if (programRule !== 'and' && sector.units) {
        for (let u = start / writeUnit; u < (start + n) / writeUnit; u++) {
          if (sector.units[u] !== 0) {
            throw new FlashRuleViolation(
              'program-once',
              this.sectorStarts[index] + u * writeUnit,
              `the ${writeUnit}-byte write unit was already programmed since its last erase (rule '${programRule}')`,
            );
          }
        }
      }
      // No word can be at the budget while the sector's largest count is below it (scanning anyway is equivalent).
      // Stryker disable next-line LogicalOperator: words exist exactly when there is a write budget
      if (writeBudget && sector.words && sector.mostWordPrograms >= writeBudget.count) {
        const first = Math.floor(start / writeBudget.wordSize);
        const last = Math.floor((start + n - 1) / writeBudget.wordSize);
        for (let w = first; w <= last; w++) {
          if (sector.words[w] >= writeBudget.count) {
            throw new FlashRuleViolation(
              'write-budget',
              this.sectorStarts[index] + w * writeBudget.wordSize,
              `the ${writeBudget.wordSize}-byte word was already programmed ${sector.words[w]} times since its last erase (budget ${writeBudget.count})`,
            );
          }
        }
      }
    });
  }

  /** Records the operation and tells what the armed cut (if it lands here) makes of it. */
  private beginOp(kind: FlashOpKind, offset: number, length: number, durationUs: number): 'done' | CutOutcome {
    const index = this.ops++;
    const startUs = this.clockUs;
    const landed = this.cut !== undefined && this.cut.atOp === index;
    const result = landed ? this.cut!.outcome : 'done';
    if (result !== 'not-started') this.clockUs += durationUs;
    if (this.keepJournal) {
      if (!this.journalOwned) {
        this.journalEntries = this.journalEntries.slice(0, this.journalLength);
        // Stryker disable next-line BooleanLiteral: never owning the copy only copies again at the next append
        this.journalOwned = true;
      }
      this.journalEntries.push({ index, kind, offset, length, startUs, result });
      this.journalLength++;
      // (Equivalent mutant: recording every operation here keeps the same last one, since a cut ends the operation it lands on.)
    } else {
      // Stryker disable next-line ConditionalExpression: a cut ends the operation it lands on, so the last one recorded is it
      if (landed) this.landedOp = { index, kind, offset, length, startUs, result };
    }
    return result;
  }

  private cutSeed(): number {
    // Mix the op index in, so one seed tears each operation differently but reproducibly.
    return (Math.imul(this.cut!.seed >>> 0, 0x9e3779b1) ^ this.cut!.atOp) >>> 0;
  }

  private endWithCut(): never {
    const op = this.keepJournal ? this.journalEntries[this.journalLength - 1] : this.landedOp!;
    this.cut = undefined;
    throw new PowerCut(op);
  }

  private setCounter(id: number, value: number): void {
    // Stryker disable next-line ConditionalExpression: copying unshared counters only costs time
    if (this.countersShared) {
      this.counters = new Map(this.counters);
      // Stryker disable next-line BooleanLiteral: staying shared only copies again next time
      this.countersShared = false;
    }
    this.counters.set(id, value);
  }

  private countErase(index: number): void {
    // Stryker disable next-line ConditionalExpression: copying unshared counts only costs time
    if (this.eraseCountsShared) {
      this.eraseCounts = this.eraseCounts.slice();
      // Stryker disable next-line BooleanLiteral: staying shared only copies again next time
      this.eraseCountsShared = false;
    }
    this.eraseCounts[index]++;
  }

  /** A shared sector is replaced by a fresh erased one: copying the contents the erase discards costs a sector copy. */
  private eraseSector(index: number): void {
    const sector = this.sectors[index];
    // (Equivalent mutants: replacing an unshared sector too, or never taking a spare, only allocates more.)
    // Stryker disable next-line BlockStatement: an unshared sector replaced by a spare or a new one reads the same erased bytes
    if (!sector.shared) {
      sector.erase();
      return;
    }
    const spare = this.spares.get(sector.data.length)?.pop();
    if (spare === undefined) {
      this.sectors[index] = sector.erased();
      return;
    }
    // Stryker disable next-line AssignmentOperator: the count of spare bytes bounds only the memory kept for reuse
    this.spareBytes -= spare.data.length;
    spare.erase();
    this.sectors[index] = spare;
  }

  /**
   * Keeps the live sectors a restore drops for later erases. A sector never shared is held by this flash alone (a
   * snapshot shares what it holds; a content key holds only a handle, which the reuse's erase drops), so once
   * dropped nothing can see it: a sweep that restores a fork and erases a slot's worth of sectors per case reuses
   * them instead of allocating each one again.
   */
  // Stryker disable next-line BlockStatement: keeping no spares only allocates the erased sectors anew
  private recycle(next: readonly SectorState[]): void {
    // Stryker disable next-line BlockStatement: keeping no spares only allocates the erased sectors anew
    this.sectors.forEach((sector, i) => {
      // (Equivalent mutants: skipping every sector, or not testing next[i], which a snapshot shared, keeps fewer spares.)
      // Stryker disable next-line EqualityOperator: next[i] comes from a snapshot, so it is shared and skipped anyway
      if (sector.shared || sector === next[i]) return;
      // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: the cap bounds only the memory kept
      if (this.spareBytes + sector.data.length > MAX_SPARE_BYTES) return;
      const spares = this.spares.get(sector.data.length) ?? [];
      spares.push(sector);
      this.spares.set(sector.data.length, spares);
      // Stryker disable next-line AssignmentOperator: the count of spare bytes bounds only the memory kept for reuse
      this.spareBytes += sector.data.length;
    });
  }

  private writable(index: number): SectorState {
    let sector = this.sectors[index];
    // Stryker disable next-line ConditionalExpression: cloning an unshared sector only costs time
    if (sector.shared) {
      sector = sector.clone();
      this.sectors[index] = sector;
    }
    sector.changing();
    return sector;
  }

  /**
   * A copy of a checked range (or, `view`, the sector's own bytes where it can). Most reads lie in one sector
   * without broken units: one slice of its data.
   */
  private copied(offset: number, length: number, checkEcc: boolean, view = false): Uint8Array {
    const index = this.sectorIndexAt(offset);
    const sector = this.sectors[index];
    const start = offset - this.sectorStarts[index];
    // (Equivalent mutants: taking the general path below where this one would do gives the same bytes and faults;
    // so does a copy where a view was allowed.)
    if (start + length <= sector.data.length && !(checkEcc && sector.brokenUnits > 0)) {
      return view ? sector.data.subarray(start, start + length) : sector.data.slice(start, start + length);
    }
    const out = new Uint8Array(length);
    this.copyOut(offset, out, checkEcc);
    return out;
  }

  private copyOut(offset: number, out: Uint8Array, checkEcc: boolean): void {
    const unit = this.geometry.writeUnit;
    this.forEachSectorSpan(offset, out.length, (index, start, from, n) => {
      const sector = this.sectors[index];
      // Stryker disable next-line ConditionalExpression,EqualityOperator: the scan finds nothing in a sector without broken units
      if (checkEcc && sector.brokenUnits > 0) {
        for (let u = Math.floor(start / unit); u <= Math.floor((start + n - 1) / unit); u++) {
          if (sector.units![u] & UNIT_ECC_BROKEN) throw new EccFault(this.sectorStarts[index] + u * unit);
        }
      }
      out.set(sector.data.subarray(start, start + n), from);
    });
  }

  private checkRange(offset: number, length: number): void {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0) {
      throw new FlashRuleViolation('range', offset, `bad range (offset ${offset}, length ${length})`);
    }
    if (offset + length > this.size) {
      throw new FlashRuleViolation(
        'range',
        offset,
        `0x${length.toString(16)} bytes at 0x${offset.toString(16)} run past the end of the flash (size 0x${this.size.toString(16)})`,
      );
    }
  }

  /** Calls `visit(sectorIndex, offsetInSector, offsetInRange, count)` for each sector a range touches. */
  private forEachSectorSpan(
    offset: number,
    length: number,
    visit: (index: number, start: number, from: number, count: number) => void,
  ): void {
    let from = 0;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: an empty range visits no sector
    let index = length > 0 ? this.sectorIndexAt(offset) : 0;
    while (from < length) {
      const start = offset + from - this.sectorStarts[index];
      const count = Math.min(length - from, this.geometry.sectors[index] - start);
      visit(index, start, from, count);
      from += count;
      index++;
    }
  }

  private sectorIndexAt(offset: number): number {
    const starts = this.sectorStarts;
    let lo = 0;
    // Stryker disable next-line ArithmeticOperator: probes past the last start compare false and move hi back
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Whether two content keys (`Flash.contentKey`) are the same handles in the same order: then the bytes are the same. */
export function sameContentKey(a: readonly object[], b: readonly object[]): boolean {
  return a.length === b.length && a.every((handle, i) => handle === b[i]);
}

/**
 * NOR programming moves bits away from the erased state only: AND for 0xff parts, OR for 0x00 parts. This is the
 * emulator's hottest loop (every byte a bootloader copies), so it works a 32-bit word at a time where both sides
 * are word-aligned.
 */
function programBits(dst: Uint8Array, at: number, src: Uint8Array, from: number, count: number, erasedHigh: boolean): void {
  let done = 0;
  // The word loop is a faster way to the same bytes, but only over word-aligned views (an Int32Array at an odd byte
  // offset throws). Mutants that take it less often, or at lengths under 16 too, or that test a sector buffer's
  // alignment (its byteOffset is 0) another way are equivalent; they survive beside killed ones of their mutator.
  // Stryker disable next-line BlockStatement: without the word loop the byte loop below writes the same bytes
  if (((dst.byteOffset + at) & 3) === 0 && ((src.byteOffset + from) & 3) === 0 && count >= 16) {
    const words = count >>> 2;
    const d32 = new Int32Array(dst.buffer, dst.byteOffset + at, words);
    const s32 = new Int32Array(src.buffer, src.byteOffset + from, words);
    // Stryker disable next-line EqualityOperator: a write past the end of a typed-array view is ignored
    if (erasedHigh) for (let i = 0; i < words; i++) d32[i] &= s32[i];
    // (Equivalent mutant: one more turn writes past the end of the view, which a typed array ignores.)
    else for (let i = 0; i < words; i++) d32[i] |= s32[i];
    done = words << 2;
  }
  if (erasedHigh) for (let i = done; i < count; i++) dst[at + i] &= src[from + i];
  // (Equivalent mutant: one more turn reads src past the data, undefined, and x | undefined is x.)
  else for (let i = done; i < count; i++) dst[at + i] |= src[from + i];
}

function isErasedUnit(bytes: Uint8Array, start: number, length: number, erased: number): boolean {
  for (let i = start; i < start + length; i++) if (bytes[i] !== erased) return false;
  return true;
}

function checkGeometry(g: FlashGeometry): void {
  const fail = (what: string): never => {
    throw new FlashGeometryError(`flash geometry: ${what}`);
  };
  if (!WRITE_UNITS.has(g.writeUnit)) fail(`write unit ${g.writeUnit} is not one of 1, 2, 4, 8, 16, 32`);
  if (g.sectors.length === 0) fail('no sectors');
  g.sectors.forEach((size, i) => {
    if (!Number.isInteger(size) || size <= 0 || size % g.writeUnit !== 0) {
      fail(`sector ${i} size ${size} is not a positive multiple of the write unit ${g.writeUnit}`);
    }
  });
  if (g.erasedValue !== 0xff && g.erasedValue !== 0x00) fail(`erased value ${g.erasedValue} is not 0xff or 0x00`);
  if (!['and', 'once', 'ecc'].includes(g.programRule)) fail(`program rule '${g.programRule}' is unknown`);
  if (Array.isArray(g.eraseTimeUs) && g.eraseTimeUs.length !== g.sectors.length) {
    fail(`${g.eraseTimeUs.length} erase times for ${g.sectors.length} sectors`);
  }
  if (g.writeBudget) {
    const { wordSize, count } = g.writeBudget;
    if (!Number.isInteger(count) || count < 1) fail(`write budget count ${count} must be at least 1`);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: 0 and negative powers of two divide no sector
    const powerOfTwo = Number.isInteger(wordSize) && wordSize > 0 && (wordSize & (wordSize - 1)) === 0;
    if (!powerOfTwo || g.sectors.some((s) => s % wordSize !== 0)) {
      fail(`write budget word size ${wordSize} must be a power of two dividing every sector`);
    }
  }
}
