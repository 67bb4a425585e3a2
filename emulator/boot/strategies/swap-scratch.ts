/**
 * swap-scratch (MCUboot swap_scratch.c, FORMATS §3.5): regions of the slots, highest first, each swapped in three
 * recorded states through the scratch area. The status lives in the primary trailer, except for the region that
 * holds the trailer itself, whose status is kept in the scratch trailer until the primary trailer is rebuilt.
 */
import { type FlashArea, sectorIndexAt } from '../area.ts';
import type { BootRun } from '../run.ts';
import type { SwapType } from '../types.ts';
import type { SwapPrimitives, SwapProgress, UpdateStrategy } from './strategy.ts';
import { NO_PROGRESS } from './strategy.ts';
import {
  imageEnd,
  plausibleSwapSize,
  readRecords,
  recordOffset,
  type StatusGeometry,
  scratchTrailerBytes,
  sectorsIn,
  slotTrailerSize,
  statusGeometry,
  writeSwapTrailer,
} from './swap-common.ts';

const STATES = 3;

/**
 * `commonBoundaries` per pair of slots. They depend on the two areas alone, which never change (`openArea` opens
 * each once per geometry and freezes it), and every boot asks for them several times.
 */
const boundariesByPrimary = new WeakMap<FlashArea, { readonly secondary: FlashArea; readonly bounds: readonly number[] }>();

/** One region: [offset, offset + size) of both slots, `copy` bytes of which carry data. */
export interface ScratchRegion {
  readonly offset: number;
  readonly size: number;
  readonly copy: number;
  /** The region holding the primary trailer: its status goes to the scratch trailer (idx 1 only). */
  readonly useScratch: boolean;
}

export class SwapScratch implements UpdateStrategy {
  readonly marksCompletion = true;

  constructor(protected readonly loader: SwapPrimitives) {}

  protected geometry(run: BootRun): StatusGeometry {
    return statusGeometry(run, 'swap-scratch', STATES);
  }

  protected scratch(run: BootRun): FlashArea {
    if (run.scratch === undefined) throw new RangeError('swap-scratch without a scratch area');
    return run.scratch;
  }

  /** Offsets that are sector boundaries in both slots: the only places a region may start or end. */
  protected commonBoundaries(run: BootRun, image: number): readonly number[] {
    const { primary, secondary } = run.images[image];
    const known = boundariesByPrimary.get(primary);
    if (known?.secondary === secondary) return known.bounds;
    const inSecondary = new Set(secondary.sectors.map((s) => s.offset));
    const bounds = Object.freeze([...primary.sectors.map((s) => s.offset).filter((o) => inSecondary.has(o)), primary.size]);
    boundariesByPrimary.set(primary, { secondary, bounds });
    return bounds;
  }

  layoutProblem(run: BootRun, image: number): string | undefined {
    const { primary, secondary } = run.images[image];
    if (run.scratch === undefined) return 'no scratch area';
    if (primary.size !== secondary.size) return `slot sizes differ (0x${primary.size.toString(16)} and 0x${secondary.size.toString(16)})`;
    const max = run.ctx.config.maxImageSectors;
    if (primary.sectors.length > max || secondary.sectors.length > max) return `more than ${max} sectors in a slot`;
    const bounds = this.commonBoundaries(run, image);
    for (let i = 1; i < bounds.length; i++) {
      if (bounds[i] - bounds[i - 1] > run.scratch.size) {
        return `a sector group of 0x${(bounds[i] - bounds[i - 1]).toString(16)} bytes does not fit the scratch`;
      }
    }
    return undefined;
  }

  /** FORMATS §2.6: up to the status area, less what the scratch trailer needs in the trailer's region. */
  maxImageSize(run: BootRun, image: number): number {
    const { primary, secondary } = run.images[image];
    const geometry = this.geometry(run);
    const trailerStart = primary.size - slotTrailerSize(geometry);
    const sectorEnd = (area: FlashArea): number => {
      const index = sectorIndexAt(area, trailerStart);
      return index < 0 ? area.size : area.sectors[index].offset + area.sectors[index].size;
    };
    const end = Math.max(sectorEnd(primary), sectorEnd(secondary));
    const padding = Math.max(0, scratchTrailerBytes(geometry) - (end - trailerStart));
    return trailerStart - padding;
  }

  secondaryBase(): number {
    return 0;
  }

  /** Regions covering [0, swapSize), highest first, each as large as the scratch allows. */
  regions(run: BootRun, image: number, swapSize: number): ScratchRegion[] {
    const scratch = this.scratch(run);
    const geometry = this.geometry(run);
    const slotSize = run.images[image].primary.size;
    const trailerStart = slotSize - slotTrailerSize(geometry);
    const scratchRoom = scratch.size - scratchTrailerBytes(geometry);
    const bounds = this.commonBoundaries(run, image);
    let top = bounds.findIndex((b) => b >= swapSize);
    const regions: ScratchRegion[] = [];
    while (top > 0) {
      let bottom = top - 1;
      while (bottom > 0 && bounds[top] - bounds[bottom - 1] <= scratch.size) bottom--;
      const offset = bounds[bottom];
      const size = bounds[top] - offset;
      const useScratch = regions.length === 0 && offset + size > trailerStart;
      const copy = useScratch ? Math.min(trailerStart - offset, scratchRoom) : size;
      regions.push({ offset, size, copy, useScratch });
      top = bottom;
    }
    return regions;
  }

  /** FORMATS §3.3, swap-scratch table: where the status of an interrupted swap lives. */
  readProgress(run: BootRun, image: number): SwapProgress {
    const scratch = this.scratch(run);
    const primaryArea = run.images[image].primary;
    const primary = this.loader.readTrailer(run, primaryArea);
    const inScratch = this.loader.readTrailer(run, scratch);
    let source: SwapProgress['source'] = 'none';
    if (primary.magic === 'good' && primary.copyDone === 'set' && inScratch.magic !== 'good') source = 'none';
    // copy_done torn (BAD) counts as not set: the swap it would close is still the one the status describes.
    else if (primary.magic === 'good' && primary.copyDone !== 'set' && inScratch.magic !== 'good') source = 'primary';
    else if (inScratch.magic === 'good') source = inScratch.swapImage === image ? 'scratch' : 'none';
    else if (primary.magic === 'unset' && primary.copyDone === 'unset') source = 'primary';
    if (source === 'none') return NO_PROGRESS;
    const area = source === 'scratch' ? scratch : primaryArea;
    const trailer = source === 'scratch' ? inScratch : primary;
    const geometry = this.geometry(run);
    const count = source === 'scratch' ? STATES : geometry.maxSectors * STATES;
    const start = source === 'scratch' ? scratch.size - scratchTrailerBytes(geometry) : recordOffset(geometry, area, 1, 1);
    const written = readRecords(this.loader, run, area, start, count, geometry.writeSize);
    const first = written.indexOf(true);
    let done = 0;
    if (first >= 0) {
      const gap = written.indexOf(false, first);
      done = gap < 0 ? count : gap;
      if (written.indexOf(true, done) >= 0) run.log.note(`image ${image}: inconsistent swap status in ${area.label}`);
    }
    if (done > 0 && !plausibleSwapSize(trailer.swapSize, primaryArea.size)) {
      run.log.note(`image ${image}: swap status without a usable swap_size, not resumed`);
      return NO_PROGRESS;
    }
    return { source, done, swapType: trailer.swapType, swapSize: trailer.swapSize };
  }

  begin(run: BootRun, image: number, swapType: SwapType): SwapProgress {
    const { primary, secondary } = run.images[image];
    const limit = primary.size;
    const swapSize = Math.max(imageEnd(run, primary, 0, limit), imageEnd(run, secondary, 0, limit));
    return { source: 'none', done: 0, swapType, swapSize };
  }

  run(run: BootRun, image: number, progress: SwapProgress): void {
    const regions = this.regions(run, image, progress.swapSize);
    for (let index = 0; index < regions.length; index++) {
      for (let state = 1; state <= STATES; state++) {
        if (index * STATES + state - 1 < progress.done) continue;
        if (state === 1) this.toScratch(run, image, regions[index], index, progress);
        else if (state === 2) this.primaryToSecondary(run, image, regions[index], index);
        else this.scratchToPrimary(run, image, regions[index], index);
      }
    }
  }

  /** Where the record of (region `index`, `state`) goes: the scratch for the trailer region, else the primary. */
  protected writeRecord(run: BootRun, image: number, region: ScratchRegion, index: number, state: number): void {
    const geometry = this.geometry(run);
    if (region.useScratch && state !== 3) {
      const scratch = this.scratch(run);
      const offset = scratch.size - scratchTrailerBytes(geometry) + (state - 1) * geometry.writeSize;
      this.loader.writeStatusRecord(run, scratch, offset, state);
      return;
    }
    const primary = run.images[image].primary;
    this.loader.writeStatusRecord(run, primary, recordOffset(geometry, primary, index + 1, state), state);
  }

  /** State 1: erase the scratch, (first region) set up the status trailer, copy secondary → scratch. */
  protected toScratch(run: BootRun, image: number, region: ScratchRegion, index: number, progress: SwapProgress): void {
    const scratch = this.scratch(run);
    const { primary, secondary } = run.images[image];
    const kept = index === 0 && !region.useScratch && this.scratchHoldsSwap(run, image, progress);
    if (!kept) this.eraseAll(run, scratch);
    if (index === 0) {
      const imageOk = this.loader.readTrailer(run, secondary).imageOk === 'set';
      if (!kept) writeSwapTrailer(this.loader, run, scratch, image, progress.swapType, progress.swapSize, imageOk);
      if (!region.useScratch) {
        this.eraseTrailerSectors(run, primary);
        writeSwapTrailer(this.loader, run, primary, image, progress.swapType, progress.swapSize, imageOk);
        this.eraseAll(run, scratch);
      }
    }
    this.loader.copyRegion(run, secondary, region.offset, scratch, 0, region.copy);
    this.writeRecord(run, image, region, index, 1);
  }

  /**
   * Whether the scratch already carries the trailer of this very swap: a restart after a cut that came while the
   * primary trailer was being rebuilt (its erase or its writes, magic last), when the scratch's trailer is the
   * only GOOD record that the swap was ever started. A revert's own request (the primary's GOOD / unset / SET) was
   * erased with the primary trailer, so erasing the scratch now, as MCUboot's state 1 always does first, would
   * leave a cut of this restart with no trailer saying "revert": the unconfirmed image would stay (the #1966 class,
   * torn trailer writes). Departure from MCUboot: the scratch trailer is kept until the primary's reads GOOD
   * again; the scratch is still erased before any data is copied into it.
   */
  protected scratchHoldsSwap(run: BootRun, image: number, progress: SwapProgress): boolean {
    const trailer = this.loader.readTrailer(run, this.scratch(run));
    return (
      trailer.magic === 'good' &&
      trailer.swapImage === image &&
      trailer.swapType === progress.swapType &&
      trailer.swapSize === progress.swapSize
    );
  }

  /** State 2: (first region) scramble the secondary trailer, erase the secondary region, copy primary → secondary. */
  protected primaryToSecondary(run: BootRun, image: number, region: ScratchRegion, index: number): void {
    const { primary, secondary } = run.images[image];
    const sectors = new Set(sectorsIn(secondary, region.offset, region.offset + region.size));
    if (index === 0) for (const s of this.trailerSectors(run, secondary)) sectors.add(s);
    for (const s of [...sectors].sort((a, b) => b - a)) this.loader.eraseSector(run, secondary, s);
    this.loader.copyRegion(run, primary, region.offset, secondary, region.offset, region.copy);
    this.writeRecord(run, image, region, index, 2);
  }

  /** State 3: erase the primary region, copy scratch → primary; for the trailer region rebuild the primary trailer. */
  protected scratchToPrimary(run: BootRun, image: number, region: ScratchRegion, index: number): void {
    const scratch = this.scratch(run);
    const primary = run.images[image].primary;
    const sectors = new Set(sectorsIn(primary, region.offset, region.offset + region.size));
    if (region.useScratch) for (const s of this.trailerSectors(run, primary)) sectors.add(s);
    for (const s of [...sectors].sort((a, b) => b - a)) this.loader.eraseSector(run, primary, s);
    this.loader.copyRegion(run, scratch, 0, primary, region.offset, region.copy);
    if (region.useScratch) {
      this.writeRecord(run, image, { ...region, useScratch: false }, index, 1);
      this.writeRecord(run, image, { ...region, useScratch: false }, index, 2);
      const kept = this.loader.readTrailer(run, scratch);
      writeSwapTrailer(this.loader, run, primary, image, kept.swapType, kept.swapSize, kept.imageOk === 'set');
    }
    this.writeRecord(run, image, region, index, 3);
    if (region.useScratch) this.retireScratch(run);
  }

  /**
   * The scratch's status copy is dead once the primary trailer is rebuilt: erased so the next boot cannot resume a
   * finished swap (PR #1645), backwards so a cut mid-erase never leaves a trailer that still reads GOOD (PR #2275).
   */
  protected retireScratch(run: BootRun): void {
    const scratch = this.scratch(run);
    for (let s = scratch.sectors.length - 1; s >= 0; s--) this.loader.eraseSector(run, scratch, s);
  }

  protected trailerSectors(run: BootRun, area: FlashArea): number[] {
    return sectorsIn(area, area.size - slotTrailerSize(this.geometry(run)), area.size);
  }

  protected eraseTrailerSectors(run: BootRun, area: FlashArea): void {
    for (const s of this.trailerSectors(run, area).reverse()) this.loader.eraseSector(run, area, s);
  }

  protected eraseAll(run: BootRun, area: FlashArea): void {
    for (let s = area.sectors.length - 1; s >= 0; s--) this.loader.eraseSector(run, area, s);
  }
}
