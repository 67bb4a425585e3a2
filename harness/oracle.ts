/**
 * The invariant oracle. It looks only at the non-volatile state and at the observed hand-off — never inside the
 * bootloader — so it judges a black-box bootloader (a user's model, a real binary on the CPU emulator, a board
 * with a debug probe) exactly as it judges the reference.
 */
import type { Board, FlashRegion } from '../boards/types.ts';
import { securityCounterId } from '../emulator/boot/index.ts';
import { Prng } from '../emulator/common/prng.ts';
import { KnownBytes, sameContentKey } from '../emulator/flash/index.ts';
import { buildOfImage, verifyImage, walkImage } from '../images/index.ts';
import type { BootObservation, NonVolatileView, RunningImage } from './device.ts';
import type { Violation } from './invariants.ts';
import type { KnownImage, Scenario } from './scenario.ts';

/** The bytes of an image that must be identical in a slot: header, payload and TLVs (not a `--pad` trailer). */
export function imageExtent(bytes: Uint8Array): number {
  const walk = walkImage(bytes);
  const area = walk.unprotectedArea ?? walk.protectedArea;
  return area ? Math.min(bytes.length, area.offset + area.total) : bytes.length;
}

/** Flash ranges no bootloader may touch: everything outside the image slots, the scratch area and what it owns. */
export function untouchableRegions(board: Board, bootloaderOwned: readonly FlashRegion[] = []): FlashRegion[] {
  const owned: FlashRegion[] = [...board.partitions.images.flatMap((i) => [i.primary, i.secondary]), ...bootloaderOwned];
  if (board.partitions.scratch) owned.push(board.partitions.scratch);
  owned.sort((a, b) => a.offset - b.offset);
  const size = board.flash.sectors.reduce((a, b) => a + b, 0);
  const free: FlashRegion[] = [];
  let cursor = 0;
  for (const r of owned) {
    if (r.offset > cursor) free.push({ offset: cursor, size: r.offset - cursor });
    cursor = Math.max(cursor, r.offset + r.size);
  }
  if (cursor < size) free.push({ offset: cursor, size: size - cursor });
  return free;
}

/** Seeded filler for the untouchable regions at the factory, so an erase or a stray write there shows. */
export function factoryFiller(region: FlashRegion, seed: number): Uint8Array {
  return new Prng(`factory|${seed}|${region.offset}`).bytes(region.size);
}

/** Whether the flash holds `known`, compared in place in the sectors whose content handle changed since last seen. */
function heldInPlace(view: NonVolatileView, known: KnownBytes): boolean {
  return known.heldIn(view.contentSpans!(known.offset, known.bytes.length), (span, expected) => view.matches!(known.offset + span.from, expected));
}

/** Identifications remembered: a slot or two per image, before and after an update. */
const IDENTIFIED = 8;

interface Candidate {
  readonly image: KnownImage;
  readonly extent: number;
  /** Per slot offset: the image's bytes and the sectors last seen holding them there (compared only where they changed). */
  readonly placed: Map<number, KnownBytes>;
}

/** The harness-side knowledge the oracle needs at each boot, kept by the scenario executor. */
export interface OracleState {
  /** Per image index: the highest security counter among images the harness saw confirmed. */
  readonly confirmedCounters: readonly number[];
}

export interface BootVerdict {
  readonly violations: Violation[];
  /** The names of the images in place, per image index (undefined where the bytes match no known image). */
  readonly names: readonly (string | undefined)[];
}

export class Oracle {
  private readonly candidates: Candidate[];
  /** The factory contents of each untouchable region, and the sectors last seen holding them. */
  private readonly untouched: { region: FlashRegion; known: KnownBytes }[] = [];
  /** Slots identified lately, by the content handles of the bytes compared (most recent first). */
  // Stryker disable next-line ArrayDeclaration: a first entry that is no identification matches no slot, and is the first dropped once the memo is full
  private readonly identified: { offset: number; handles: readonly object[]; image: KnownImage | undefined }[] = [];

  constructor(
    private readonly scenario: Scenario,
    private readonly board: Board,
    /** Flash the bootloader owns besides slots and scratch (a binary's counter log): not collateral damage. */
    private readonly bootloaderOwned: readonly FlashRegion[] = [],
  ) {
    // Longest first, so an image that is a prefix of another (a truncated copy) never shadows it.
    this.candidates = scenario.images
      .map((image) => ({ image, extent: imageExtent(image.bytes), placed: new Map<number, KnownBytes>() }))
      .sort((a, b) => b.extent - a.extent);
  }

  /** Records the factory contents of the untouchable regions. */
  captureFactory(view: NonVolatileView): void {
    for (const region of untouchableRegions(this.board, this.bootloaderOwned)) {
      this.untouched.push({ region, known: new KnownBytes(region.offset, view.read(region.offset, region.size)) });
    }
  }

  known(name: string): KnownImage {
    const image = this.scenario.images.find((i) => i.name === name);
    if (!image) throw new Error(`scenario ${this.scenario.id} names an image '${name}' it does not define`);
    return image;
  }

  /** Which known image sits at `offset`, byte for byte (undefined: a mix, a corruption, or nothing). */
  identify(view: NonVolatileView, offset: number, slotSize: number): KnownImage | undefined {
    const longest = Math.min(slotSize, this.candidates[0]?.extent ?? 0);
    // The same content handles are the same bytes: a slot unchanged since the last boot is not compared again.
    const handles = view.contentKey?.(offset, longest);
    const known = handles && this.identified.find((e) => e.offset === offset && sameContentKey(e.handles, handles));
    if (known) return known.image;
    const image = this.compareCandidates(view, offset, longest);
    if (handles) {
      this.identified.unshift({ offset, handles, image });
      this.identified.length = Math.min(this.identified.length, IDENTIFIED);
    }
    return image;
  }

  private compareCandidates(view: NonVolatileView, offset: number, longest: number): KnownImage | undefined {
    // A view that compares in place spares the copy of a whole image at every boot (the sweep's hot path).
    const bytes = view.matches ? undefined : view.read(offset, longest);
    for (const candidate of this.candidates) {
      const { image, extent } = candidate;
      // Stryker disable next-line ConditionalExpression: a longer image compares unequal with the bytes read anyway
      if (extent > longest) continue;
      const expected = image.bytes.subarray(0, extent);
      if (bytes ? Buffer.compare(bytes.subarray(0, extent), expected) === 0 : this.holds(view, offset, candidate)) return image;
    }
    return undefined;
  }

  /** Whether the flash holds the candidate at `offset`, compared in place where its sectors changed since last seen. */
  private holds(view: NonVolatileView, offset: number, candidate: Candidate): boolean {
    if (!view.contentSpans) return view.matches!(offset, candidate.image.bytes.subarray(0, candidate.extent));
    let known = candidate.placed.get(offset);
    if (!known) {
      // A copy of its own: what it remembers about the flash holds only while its bytes stay the same.
      known = new KnownBytes(offset, candidate.image.bytes.slice(0, candidate.extent));
      candidate.placed.set(offset, known);
    }
    return heldInPlace(view, known);
  }

  /** Every per-boot invariant: safety, exactness, no rollback, no collateral damage, flash discipline. */
  checkBoot(view: NonVolatileView, observation: BootObservation, state: OracleState, boot: string): BootVerdict {
    const violations: Violation[] = [];
    if (observation.kind === 'crash') {
      violations.push({
        invariant: observation.rule ? 'flash-discipline' : 'no-brick',
        message: `${boot}: ${observation.error}`,
      });
      return { violations, names: [] };
    }
    this.checkCollateral(view, boot, violations);
    if (observation.kind !== 'handoff') return { violations, names: [] };
    const names = observation.images.map((running) => this.checkRunning(view, running, state, boot, violations));
    return { violations, names };
  }

  private checkRunning(
    view: NonVolatileView,
    running: RunningImage,
    state: OracleState,
    boot: string,
    violations: Violation[],
  ): string | undefined {
    const slots = this.board.partitions.images[running.image];
    if (!slots) {
      violations.push({ invariant: 'safety', message: `${boot}: hand-off names image ${running.image}, which the board does not have` });
      return undefined;
    }
    const slot = running.slot === 'primary' ? slots.primary : slots.secondary;
    const where = `image ${running.image} ${running.slot} slot (0x${slot.offset.toString(16)})`;
    const known = this.identify(view, slot.offset, slot.size);
    if (!known) {
      violations.push({
        invariant: 'exactness',
        message: `${boot}: ${where} matches none of ${this.scenario.images.map((i) => i.name).join(', ')} byte for byte`,
      });
      const verdict = this.verifyUnknown(view, slot);
      if (verdict) violations.push({ invariant: 'safety', message: `${boot}: ${where} ran an invalid image: ${verdict}` });
      return undefined;
    }
    if (!known.trusted) {
      violations.push({
        invariant: 'safety',
        message: `${boot}: ${where} ran '${known.name}', which is not valid under the trust policy`,
      });
    }
    if (this.scenario.config.hardwareRollback) {
      const counter = view.counter(securityCounterId(running.image));
      if (known.securityCounter < counter) {
        violations.push({
          invariant: 'no-rollback',
          message: `${boot}: '${known.name}' (security counter ${known.securityCounter}) ran after the hardware counter reached ${counter}`,
        });
      }
      const allowed = state.confirmedCounters[running.image] ?? 0;
      if (counter > allowed) {
        violations.push({
          invariant: 'no-rollback',
          message: `${boot}: the hardware counter of image ${running.image} is ${counter}, past ${allowed}, the highest of any confirmed image`,
        });
      }
    }
    return known.name;
  }

  private checkCollateral(view: NonVolatileView, boot: string, violations: Violation[]): void {
    for (const { region, known } of this.untouched) {
      const { bytes } = known;
      // Compared in place, and only in the sectors written since they were last seen unchanged: at every boot of a
      // sweep the bootloader's own region and the storage partition are tens of KiB that nothing writes.
      if (view.matches && (view.contentSpans ? heldInPlace(view, known) : view.matches(region.offset, bytes))) continue;
      const now = view.read(region.offset, region.size);
      if (Buffer.compare(now, bytes) === 0) continue;
      let at = 0;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: the regions differ, so the scan stops inside them
      while (at < bytes.length && now[at] === bytes[at]) at++;
      violations.push({
        invariant: 'no-collateral',
        message: `${boot}: flash outside the slots and scratch changed at 0x${(region.offset + at).toString(16)}`,
      });
    }
  }

  /** Why the bytes in `slot` are not a valid image under the trust policy ('' when they are valid). */
  private verifyUnknown(view: NonVolatileView, slot: FlashRegion): string {
    const keys = this.scenario.trust.keys.filter((k) => !k.revoked).map((k) => k.key);
    const bytes = view.read(slot.offset, slot.size);
    // A policy whose every key is revoked trusts no signature; it does not fall back to hash-only.
    const requireSignature = this.scenario.trust.keys.length > 0;
    const result = verifyImage(bytes, { keys, requireSignature, slotSize: slot.size, ...buildOfImage(bytes) });
    return result.valid ? '' : result.message;
  }
}
