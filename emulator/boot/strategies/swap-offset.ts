/**
 * swap-offset (MCUboot swap_offset.c, FORMATS §3.7): updates are uploaded one sector into the secondary, so the
 * swap needs no move phase: two recorded states per sector, each slot erased once per sector. The old image ends
 * at the start of the secondary, and a revert moves both back (highest sector first).
 */
import type { FlashArea } from '../area.ts';
import type { BootRun } from '../run.ts';
import type { SwapType } from '../types.ts';
import { readHeader, unprotectedTlvSize } from '../validate.ts';
import { NO_PROGRESS, type SwapProgress, type UpdateStrategy } from './strategy.ts';
import {
  imageEnd,
  needsRevertFixup,
  plausibleSwapSize,
  readRecords,
  recordOffset,
  SpareSectorSwap,
  sectorIsBlank,
  sectorsIn,
  slotTrailerSize,
  writeSwapTrailer,
} from './swap-common.ts';

export class SwapOffset extends SpareSectorSwap implements UpdateStrategy {
  protected readonly spareIn = 'secondary';
  protected readonly kind = 'swap-offset';
  protected readonly statusStates = 2;

  /** Uploads sit one sector in; after an upgrade the old image sits at the start, which a revert restores. */
  secondaryBase(run: BootRun, image: number, swapType: SwapType): number {
    return swapType === 'revert' ? 0 : this.sectorSize(run, image);
  }

  /** An image header in the spare sector means an upload to the wrong address (PR #2198): refused. */
  candidateProblem(run: BootRun, image: number): string | undefined {
    const header = readHeader(run.ctx.flash, run.images[image].secondary, 0);
    return header === undefined ? undefined : 'image header in the first sector of the secondary (wrong upload address)';
  }

  readProgress(run: BootRun, image: number): SwapProgress {
    const { primary: primaryArea, secondary: secondaryArea } = run.images[image];
    const primary = this.loader.readTrailer(run, primaryArea);
    const secondary = this.loader.readTrailer(run, secondaryArea);
    // copy_done torn (BAD) counts as not set: the swap it would close is still the one the status describes.
    if (!(primary.magic === 'good' && primary.copyDone !== 'set' && secondary.magic !== 'good')) return NO_PROGRESS;
    const geometry = this.geometry(run);
    const count = geometry.maxSectors * 2;
    const start = recordOffset(geometry, primaryArea, 1, 1);
    const done = readRecords(this.loader, run, primaryArea, start, count, geometry.writeSize).lastIndexOf(true) + 1;
    if (done > 0 && !plausibleSwapSize(primary.swapSize, primaryArea.size)) {
      run.log.note(`image ${image}: swap status without a usable swap_size, not resumed`);
      return NO_PROGRESS;
    }
    return { source: 'primary', done, swapType: primary.swapType, swapSize: primary.swapSize };
  }

  begin(run: BootRun, image: number, swapType: SwapType): SwapProgress {
    const { primary, secondary } = run.images[image];
    const base = this.secondaryBase(run, image, swapType);
    const swapSize = Math.max(imageEnd(run, primary, 0, primary.size), imageEnd(run, secondary, base, secondary.size));
    return { source: this.initialisedSource(run, image, swapType), done: 0, swapType, swapSize };
  }

  /**
   * 'primary' when an earlier boot already wrote this swap's status trailer to the primary and was cut before the
   * first step: MCUboot then does not rewrite it (an erase of a good trailer is one more chance to tear it).
   */
  protected initialisedSource(run: BootRun, image: number, swapType: SwapType): SwapProgress['source'] {
    const progress = this.readProgress(run, image);
    return progress.source === 'primary' && progress.done === 0 && progress.swapType === swapType ? 'primary' : 'none';
  }

  protected lastIndex(run: BootRun, image: number, swapSize: number): number {
    return Math.ceil(swapSize / this.sectorSize(run, image)) - 1;
  }

  run(run: BootRun, image: number, progress: SwapProgress): void {
    const last = this.lastIndex(run, image, progress.swapSize);
    const revert = progress.swapType === 'revert';
    if (progress.done === 0) {
      if (!this.fits(run, image, last)) {
        run.log.note(`image ${image}: not enough free space to run swap upgrade`);
        return;
      }
      this.startSwap(run, image, progress);
    }
    const steps = 2 * (last + 1);
    for (let step = progress.done; step < steps; step++) {
      const index = Math.floor(step / 2);
      const state = (step % 2) + 1;
      if (revert) this.revertStep(run, image, last - index, state, step);
      else this.upgradeStep(run, image, index, state, step);
    }
    if (revert) this.retireRevertSource(run, image);
  }

  protected fits(run: BootRun, image: number, last: number): boolean {
    const { primary, secondary } = run.images[image];
    const trailerStart = (area: FlashArea): number =>
      sectorsIn(area, area.size - slotTrailerSize(this.geometry(run)), area.size)[0];
    return last < trailerStart(primary) && last + 1 < trailerStart(secondary);
  }

  /** As swap-move's start, with `fixup_revert` marking the secondary copy_done so row I sees the revert. */
  protected startSwap(run: BootRun, image: number, progress: SwapProgress): void {
    const { primary, secondary } = run.images[image];
    const { flash } = run.ctx;
    let secondaryTrailer = this.loader.readTrailer(run, secondary);
    if (needsRevertFixup(progress.swapType, secondaryTrailer)) {
      this.eraseTrailerSectors(run, secondary);
      this.loader.writeSwapInfo(run, secondary, 'revert', image);
      this.loader.writeSwapSize(run, secondary, progress.swapSize);
      this.loader.writeFlag(run, secondary, 'copyDone');
      this.loader.writeMagic(run, secondary);
      secondaryTrailer = this.loader.readTrailer(run, secondary);
    }
    if (progress.source !== 'primary') {
      const base = this.secondaryBase(run, image, progress.swapType);
      const sizes = unprotectedTlvSize(flash, primary, 0) | (unprotectedTlvSize(flash, secondary, base) << 16);
      this.eraseTrailerSectors(run, primary);
      const imageOk = secondaryTrailer.imageOk === 'set';
      writeSwapTrailer(this.loader, run, primary, image, progress.swapType, progress.swapSize, imageOk, sizes >>> 0);
    }
    this.eraseTrailerSectors(run, secondary);
  }

  /** Upgrade sector `index`: state 1 primary i → secondary i; state 2 secondary i+1 → primary i. */
  protected upgradeStep(run: BootRun, image: number, index: number, state: number, step: number): void {
    const { primary, secondary } = run.images[image];
    const size = this.sectorSize(run, image);
    if (state === 1) {
      this.loader.eraseSector(run, secondary, index);
      this.loader.copyRegion(run, primary, index * size, secondary, index * size, size);
    } else {
      this.loader.eraseSector(run, primary, index);
      this.loader.copyRegion(run, secondary, (index + 1) * size, primary, index * size, size);
    }
    this.writeRecord(run, image, step, state);
  }

  /** Revert sector `m`: state 1 primary m → secondary m+1; state 2 secondary m → primary m. */
  protected revertStep(run: BootRun, image: number, m: number, state: number, step: number): void {
    const { primary, secondary } = run.images[image];
    const size = this.sectorSize(run, image);
    if (state === 1) {
      this.loader.eraseSector(run, secondary, m + 1);
      this.loader.copyRegion(run, primary, m * size, secondary, (m + 1) * size, size);
    } else {
      this.loader.eraseSector(run, primary, m);
      this.loader.copyRegion(run, secondary, m * size, primary, m * size, size);
    }
    this.writeRecord(run, image, step, state);
  }

  /**
   * After a revert: the stale copy in the spare sector and the secondary trailer go. Skipped when already blank,
   * since it runs again on every resume (a completed revert whose copy_done write was torn resumes at each boot).
   */
  protected retireRevertSource(run: BootRun, image: number): void {
    const secondary = run.images[image].secondary;
    const trailer = sectorsIn(secondary, secondary.size - slotTrailerSize(this.geometry(run)), secondary.size);
    for (const s of [...trailer.reverse(), 0]) {
      if (!sectorIsBlank(run, secondary, s)) this.loader.eraseSector(run, secondary, s);
    }
  }

  protected writeRecord(run: BootRun, image: number, step: number, state: number): void {
    const primary = run.images[image].primary;
    const offset = recordOffset(this.geometry(run), primary, Math.floor(step / 2) + 1, state);
    this.loader.writeStatusRecord(run, primary, offset, state);
  }

  protected eraseTrailerSectors(run: BootRun, area: FlashArea): void {
    const sectors = sectorsIn(area, area.size - slotTrailerSize(this.geometry(run)), area.size);
    for (const s of sectors.reverse()) this.loader.eraseSector(run, area, s);
  }
}
