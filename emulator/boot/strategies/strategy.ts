/**
 * What every update strategy provides to the loader's boot flow. One file per strategy implements it; the flow
 * itself (decide, validate, dependencies, downgrade, confirm, counters) lives in reference.ts, once.
 */
import type { ReferenceBootloader } from '../reference.ts';
import type { BootRun } from '../run.ts';
import type { SwapType } from '../types.ts';

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

export type StrategyFactory = (loader: ReferenceBootloader) => UpdateStrategy;
