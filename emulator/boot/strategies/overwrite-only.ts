/**
 * overwrite-only (MCUboot loader.c `boot_copy_image`, FORMATS §3.8): erase the primary, copy the secondary's
 * image over it, then erase the secondary's header and trailer. No status records: a cut anywhere before the
 * secondary's header is erased leaves a valid, still-pending secondary, so the next boot simply starts again.
 */
import { maxImageSizeWithoutSwap } from '../../../images/trailer.ts';
import type { BootRun } from '../run.ts';
import type { SwapType } from '../types.ts';
import { NO_PROGRESS, type SwapPrimitives, type SwapProgress, type UpdateStrategy } from './strategy.ts';
import { imageEnd, sectorsIn } from './swap-common.ts';

export class OverwriteOnly implements UpdateStrategy {
  readonly marksCompletion = false;

  constructor(protected readonly loader: SwapPrimitives) {}

  layoutProblem(run: BootRun, image: number): string | undefined {
    const { primary, secondary } = run.images[image];
    return secondary.size > primary.size ? 'the secondary slot is larger than the primary' : undefined;
  }

  /** Up to swap_info: the loader reserves more than imgtool's overwrite-only estimate (FORMATS §2.5). */
  maxImageSize(run: BootRun, image: number): number {
    const { primary, secondary } = run.images[image];
    const size = Math.min(primary.size, secondary.size);
    return maxImageSizeWithoutSwap({ slotSize: size, maxAlign: run.format.maxAlign });
  }

  secondaryBase(): number {
    return 0;
  }

  readProgress(): SwapProgress {
    return NO_PROGRESS;
  }

  begin(run: BootRun, image: number, swapType: SwapType): SwapProgress {
    const secondary = run.images[image].secondary;
    return { source: 'none', done: 0, swapType, swapSize: imageEnd(run, secondary, 0, this.maxImageSize(run, image)) };
  }

  run(run: BootRun, image: number, progress: SwapProgress): void {
    const { primary, secondary } = run.images[image];
    this.erasePrimary(run, image);
    this.loader.copyRegion(run, secondary, 0, primary, 0, progress.swapSize);
    this.retireSecondary(run, image);
  }

  protected erasePrimary(run: BootRun, image: number): void {
    const primary = run.images[image].primary;
    for (let s = 0; s < primary.sectors.length; s++) this.loader.eraseSector(run, primary, s);
  }

  /** The header first (the copy is complete, the request may go), then the trailer sector(s). */
  protected retireSecondary(run: BootRun, image: number): void {
    const secondary = run.images[image].secondary;
    this.loader.eraseSector(run, secondary, 0);
    const trailer = sectorsIn(secondary, this.maxImageSize(run, image), secondary.size).filter((s) => s !== 0);
    for (const s of trailer.reverse()) this.loader.eraseSector(run, secondary, s);
  }
}
