/**
 * What every update strategy provides to the loader's boot flow. One file per strategy implements it; the flow
 * itself (decide, validate, dependencies, downgrade, confirm, counters) lives in reference.ts, once.
 */
import type { Dependency } from '../../../images/sign.ts';
import type { FlashArea } from '../area.ts';
import type { BootRun } from '../run.ts';
import type { TrailerField } from '../trailer-io.ts';
import type { ValidationPurpose } from '../trust.ts';
import type { BootedImage, BootOutcome, SlotName, SwapType, TrailerState } from '../types.ts';
import type { SlotImage } from '../validate.ts';

/** Where a swap stands, as read back from the status area and the trailer that holds it. */
export interface SwapProgress {
  /** Which area holds the live status (FORMATS §3.3). */
  readonly source: 'none' | 'primary' | 'scratch';
  /** Status records already written, counted in the strategy's step order; 0 = no step recorded. */
  readonly done: number;
  /** swap_info of the status source ('none' when erased or unreadable). */
  readonly swapType: SwapType;
  readonly swapSize: number;
}

export const NO_PROGRESS: SwapProgress = { source: 'none', done: 0, swapType: 'none', swapSize: 0 };

export interface UpdateStrategy {
  /** Why this image's slots cannot be updated with this strategy (FORMATS §3.10), or undefined. */
  layoutProblem(run: BootRun, image: number): string | undefined;
  /** The largest image end (TLV end) an image may have (FORMATS §2.6). */
  maxImageSize(run: BootRun, image: number): number;
  /** Where the image to install (or, for a revert, to restore) starts in the secondary slot. */
  secondaryBase(run: BootRun, image: number, swapType: SwapType): number;
  readProgress(run: BootRun, image: number): SwapProgress;
  /** Starts (progress.done = 0) or resumes an update of `image` and runs it to its end. */
  run(run: BootRun, image: number, progress: SwapProgress): void;
  /** Progress of a fresh update of type `swapType` (no flash writes). */
  begin(run: BootRun, image: number, swapType: SwapType): SwapProgress;
  /** A strategy-specific reason to refuse a valid new image (swap-offset: one uploaded at the wrong address). */
  candidateProblem?(run: BootRun, image: number): string | undefined;
  /** Whether image_ok / copy_done are written once the update is complete (not for overwrite-only). */
  readonly marksCompletion: boolean;
}

/**
 * What a swap strategy may ask of the loader, and nothing more (MCUboot's `swap_priv.h`): read and write the trailer
 * and the status records, copy a region, erase a sector. Each is an overridable method of the reference bootloader,
 * so a mutant changes one primitive and every strategy sees it; a strategy never sees the boot flow itself.
 */
export interface SwapPrimitives {
  readTrailer(run: BootRun, area: FlashArea): TrailerState;
  writeMagic(run: BootRun, area: FlashArea): void;
  writeFlag(run: BootRun, area: FlashArea, field: TrailerField): void;
  writeSwapInfo(run: BootRun, area: FlashArea, type: 'test' | 'perm' | 'revert', image: number): void;
  writeSwapSize(run: BootRun, area: FlashArea, size: number): void;
  writeUnprotectedSizes(run: BootRun, area: FlashArea, sizes: number): void;
  writeStatusRecord(run: BootRun, area: FlashArea, offset: number, value: number): void;
  isStatusWritten(run: BootRun, firstByte: number): boolean;
  copyRegion(run: BootRun, from: FlashArea, fromOffset: number, to: FlashArea, toOffset: number, length: number): void;
  eraseSector(run: BootRun, area: FlashArea, index: number): void;
}

/**
 * direct-xip is a boot flow of its own (nothing is copied: it picks a slot and runs it in place), so it asks the
 * loader for validation, counters and the hand-off rather than for swap primitives.
 */
export interface DirectXipPrimitives {
  readTrailer(run: BootRun, area: FlashArea): TrailerState;
  writeFlag(run: BootRun, area: FlashArea, field: TrailerField): void;
  scrambleSlot(run: BootRun, area: FlashArea): void;
  validateSlot(run: BootRun, image: number, slot: SlotName, base: number, purpose: ValidationPurpose): SlotImage;
  readDependencies(image: SlotImage): readonly Dependency[];
  counterMayAdvance(run: BootRun, primary: TrailerState): boolean;
  bumpSecurityCounter(run: BootRun, image: number, value: number): void;
  bootedImage(run: BootRun, image: number, slot: SlotName, area: FlashArea, info: SlotImage): BootedImage;
  handoffOutcome(run: BootRun, booted: BootedImage[]): BootOutcome;
  halt(run: BootRun, reason: string): BootOutcome;
}
