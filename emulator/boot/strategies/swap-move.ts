/**
 * swap-move (MCUboot swap_move.c, FORMATS §3.6): move every used primary sector up by one (into the spare
 * sector), then swap sector by sector: secondary i → primary i, primary i+1 (the old sector i) → secondary i.
 * Step order, as counted by `SwapProgress.done`: the `last` move records, then two swap records per sector.
 */
import type { FlashArea } from '../area.ts';
import type { BootRun } from '../run.ts';
import type { SwapType } from '../types.ts';
import { NO_PROGRESS, type SwapProgress, type UpdateStrategy } from './strategy.ts';
import {
  imageEnd,
  needsRevertFixup,
  plausibleSwapSize,
  readRecords,
  recordOffset,
  SpareSectorSwap,
  sectorsIn,
  slotTrailerSize,
  writeSwapTrailer,
} from './swap-common.ts';

export class SwapMove extends SpareSectorSwap implements UpdateStrategy {
  protected readonly spareIn = 'primary';
  protected readonly kind = 'swap-move';
  protected readonly statusStates = 3;

  secondaryBase(): number {
    return 0;
  }

  /** Count of used sectors for a swap of `swapSize` bytes. */
  protected lastIndex(run: BootRun, image: number, swapSize: number): number {
    return Math.ceil(swapSize / this.sectorSize(run, image));
  }

  /** Index of the first primary sector that holds trailer bytes. */
  protected firstTrailerIndex(run: BootRun, image: number): number {
    const primary = run.images[image].primary;
    return sectorsIn(primary, primary.size - slotTrailerSize(this.geometry(run)), primary.size)[0];
  }

  readProgress(run: BootRun, image: number): SwapProgress {
    const { primary: primaryArea, secondary: secondaryArea } = run.images[image];
    const primary = this.loader.readTrailer(run, primaryArea);
    const secondary = this.loader.readTrailer(run, secondaryArea);
    // copy_done torn (BAD) counts as not set: the swap it would close is still the one the status describes.
    const isSource = primary.magic === 'good' && primary.copyDone !== 'set' && secondary.magic !== 'good';
    if (!isSource) return NO_PROGRESS;
    const geometry = this.geometry(run);
    const count = geometry.maxSectors * 3;
    const written = readRecords(this.loader, run, primaryArea, recordOffset(geometry, primaryArea, 1, 1), count, geometry.writeSize);
    const lastWritten = written.lastIndexOf(true);
    const base = { source: 'primary' as const, swapType: primary.swapType, swapSize: primary.swapSize };
    if (lastWritten < 0) return { ...base, done: 0 };
    if (!plausibleSwapSize(primary.swapSize, primaryArea.size)) {
      run.log.note(`image ${image}: swap status without a usable swap_size, not resumed`);
      return NO_PROGRESS;
    }
    const last = this.lastIndex(run, image, primary.swapSize);
    const inMoveArea = lastWritten < geometry.maxSectors;
    const done = inMoveArea ? lastWritten + 1 : last + (lastWritten - geometry.maxSectors) + 1;
    return { ...base, done: Math.min(done, 3 * last) };
  }

  begin(run: BootRun, image: number, swapType: SwapType): SwapProgress {
    const { primary, secondary } = run.images[image];
    const limit = primary.size;
    const swapSize = Math.max(imageEnd(run, primary, 0, limit), imageEnd(run, secondary, 0, limit));
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

  run(run: BootRun, image: number, progress: SwapProgress): void {
    const last = this.lastIndex(run, image, progress.swapSize);
    if (progress.done === 0) {
      if (last >= this.firstTrailerIndex(run, image)) {
        run.log.note(`image ${image}: not enough free space to run swap upgrade`);
        return;
      }
      this.startSwap(run, image, progress);
    }
    for (let step = progress.done; step < 3 * last; step++) {
      if (step < last) this.moveUp(run, image, last - step, step + 1);
      else {
        const pair = step - last;
        const index = Math.floor(pair / 2) + 1;
        if (pair % 2 === 0) this.secondaryToPrimary(run, image, index);
        else this.primaryToSecondary(run, image, index);
      }
    }
  }

  /**
   * Before the first move: (a revert) the secondary trailer that makes an interrupted start look like a permanent
   * upgrade of the old image (`fixup_revert`), then the primary's status trailer, then the secondary's is scrambled.
   * Unlike MCUboot, the fixup also records swap_info REVERT there: with downgrade prevention on, that "permanent
   * upgrade" to the older image was refused and erased, so a cut in this window lost the revert (found by the
   * harness's rollback suite; `downgradeAllowed` honours the mark). The primary's status trailer carries the mark
   * on as its swap_info (MCUboot records PERM there): a second cut after it is written, once the secondary trailer
   * is gone, resumed a recorded "permanent upgrade" to the older image that downgrade prevention refused, and the
   * unconfirmed image stayed, confirmed. Resumed as the revert it is, it needs no downgrade check.
   */
  protected startSwap(run: BootRun, image: number, progress: SwapProgress): void {
    const { primary, secondary } = run.images[image];
    let secondaryTrailer = this.loader.readTrailer(run, secondary);
    if (needsRevertFixup(progress.swapType, secondaryTrailer)) {
      this.eraseTrailerSectors(run, secondary);
      this.loader.writeSwapInfo(run, secondary, 'revert', image);
      this.loader.writeFlag(run, secondary, 'imageOk');
      this.loader.writeSwapSize(run, secondary, progress.swapSize);
      this.loader.writeMagic(run, secondary);
      secondaryTrailer = this.loader.readTrailer(run, secondary);
    }
    if (progress.source !== 'primary') {
      this.eraseTrailerSectors(run, primary);
      const imageOk = secondaryTrailer.imageOk === 'set';
      const swapType = secondaryTrailer.swapType === 'revert' ? 'revert' : progress.swapType;
      writeSwapTrailer(this.loader, run, primary, image, swapType, progress.swapSize, imageOk);
    }
    this.eraseTrailerSectors(run, secondary);
  }

  /** Move record `record`: primary sector `to - 1` → primary sector `to`. */
  protected moveUp(run: BootRun, image: number, to: number, record: number): void {
    const primary = run.images[image].primary;
    const size = this.sectorSize(run, image);
    this.loader.eraseSector(run, primary, to);
    this.loader.copyRegion(run, primary, (to - 1) * size, primary, to * size, size);
    this.writeRecord(run, primary, record, 1, 1);
  }

  /** Swap state 1 of sector index `index`: secondary sector index-1 → primary sector index-1. */
  protected secondaryToPrimary(run: BootRun, image: number, index: number): void {
    const { primary, secondary } = run.images[image];
    const size = this.sectorSize(run, image);
    this.loader.eraseSector(run, primary, index - 1);
    this.loader.copyRegion(run, secondary, (index - 1) * size, primary, (index - 1) * size, size);
    this.writeRecord(run, primary, index, 2, 1);
  }

  /** Swap state 2: primary sector index (the old sector index-1, moved up) → secondary sector index-1. */
  protected primaryToSecondary(run: BootRun, image: number, index: number): void {
    const { primary, secondary } = run.images[image];
    const size = this.sectorSize(run, image);
    this.loader.eraseSector(run, secondary, index - 1);
    this.loader.copyRegion(run, primary, index * size, secondary, (index - 1) * size, size);
    this.writeRecord(run, primary, index, 3, 2);
  }

  /** Writes a record at (index, layout state) holding `value` (move records 0x01, swap records 0x01/0x02). */
  protected writeRecord(run: BootRun, area: FlashArea, index: number, state: number, value: number): void {
    this.loader.writeStatusRecord(run, area, recordOffset(this.geometry(run), area, index, state), value);
  }

  protected eraseTrailerSectors(run: BootRun, area: FlashArea): void {
    const sectors = sectorsIn(area, area.size - slotTrailerSize(this.geometry(run)), area.size);
    for (const s of sectors.reverse()) this.loader.eraseSector(run, area, s);
  }
}
