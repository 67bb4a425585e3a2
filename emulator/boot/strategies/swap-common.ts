/**
 * Pieces the swap strategies share: the status-area geometry of a slot, reading status records back, and the
 * trailer a swap writes when it starts (swap_info, image_ok, sizes, magic last).
 */
import {
  alignUp,
  bootTrailerSize,
  type MaxAlign,
  scratchTrailerSize,
  statusRecordOffset,
  type TrailerStrategy,
} from '../../../images/trailer.ts';
import { type FlashArea, readArea, sectorIndexAt } from '../area.ts';
import type { BootRun } from '../run.ts';
import type { SwapType, TrailerState } from '../types.ts';
import { imageExtent } from '../validate.ts';
import type { SwapPrimitives } from './strategy.ts';

export interface StatusGeometry {
  readonly strategy: TrailerStrategy;
  readonly states: number;
  readonly writeSize: number;
  readonly maxSectors: number;
  readonly maxAlign: MaxAlign;
  readonly swapOffset: boolean;
}

export function statusGeometry(run: BootRun, strategy: TrailerStrategy, states: number): StatusGeometry {
  return {
    strategy,
    states,
    writeSize: run.ctx.flash.geometry.writeUnit,
    maxSectors: run.ctx.config.maxImageSectors,
    maxAlign: run.format.maxAlign,
    swapOffset: run.format.swapOffset,
  };
}

/** `boot_trailer_sz`: bytes reserved at the end of an image slot. */
export function slotTrailerSize(geometry: StatusGeometry): number {
  return bootTrailerSize(geometry);
}

export function scratchTrailerBytes(geometry: StatusGeometry): number {
  return scratchTrailerSize(geometry);
}

/** Offset in a slot of the record for sector index `index` (from 1) and `state` (from 1, swap-move: 1 = move). */
export function recordOffset(geometry: StatusGeometry, area: FlashArea, index: number, state: number): number {
  return statusRecordOffset({ ...geometry, slotSize: area.size }, index, state);
}

/**
 * Which of `count` records (at pitch `writeSize` from `start`) are written, reading the area once. A unit whose
 * read faults counts as written: its program was cut, so its step's flash work had been done.
 */
export function readRecords(
  loader: SwapPrimitives,
  run: BootRun,
  area: FlashArea,
  start: number,
  count: number,
  writeSize: number,
): boolean[] {
  const bytes = readArea(run.ctx.flash, area, start, count * writeSize);
  const written: boolean[] = [];
  for (let i = 0; i < count; i++) written.push(loader.isStatusWritten(run, bytes[i * writeSize]));
  return written;
}

/** Image end (TLV end) of the image at `base` in `area`, 0 when there is none to read. */
export function imageEnd(run: BootRun, area: FlashArea, base: number, limit: number): number {
  const end = imageExtent(run.ctx.flash, area, base, Math.min(limit, area.size - base));
  return typeof end === 'number' ? end : 0;
}

/** Indices of the sectors of `area` holding any byte of [from, to). */
export function sectorsIn(area: FlashArea, from: number, to: number): number[] {
  // An area's sectors are contiguous from 0 and in offset order: from the one holding `from` (found by bisection,
  // a slot is a hundred sectors) up to the last starting before `to`.
  const { sectors } = area;
  const out: number[] = [];
  if (from >= area.size) return out;
  for (let index = sectorIndexAt(area, Math.max(from, 0)); index < sectors.length && sectors[index].offset < to; index++) out.push(index);
  return out;
}

/**
 * The trailer a swap writes where its status will live: swap_info, image_ok when the request was permanent,
 * the sizes, and the magic last, so a GOOD magic means the rest is there (FORMATS §3.3).
 */
export function writeSwapTrailer(
  loader: SwapPrimitives,
  run: BootRun,
  area: FlashArea,
  image: number,
  type: SwapType,
  swapSize: number,
  imageOk: boolean,
  unprotectedSizes?: number,
): void {
  if (type === 'test' || type === 'perm' || type === 'revert') loader.writeSwapInfo(run, area, type, image);
  if (imageOk) loader.writeFlag(run, area, 'imageOk');
  if (unprotectedSizes !== undefined) loader.writeUnprotectedSizes(run, area, unprotectedSizes);
  loader.writeSwapSize(run, area, swapSize);
  loader.writeMagic(run, area);
}

/** A swap_size that can be resumed: inside the slot and not the erased pattern. */
export function plausibleSwapSize(size: number, slotSize: number): boolean {
  return size > 0 && size <= slotSize;
}

/** Whether sector `index` of `area` reads fully erased (so erasing it again would change nothing). */
export function sectorIsBlank(run: BootRun, area: FlashArea, index: number): boolean {
  const sector = area.sectors[index];
  const erased = run.ctx.flash.geometry.erasedValue;
  return readArea(run.ctx.flash, area, sector.offset, sector.size).every((b) => b === erased);
}

/**
 * Whether a revert's start must (re)write the secondary trailer that keeps the request alive while the primary's
 * is rebuilt (`fixup_revert` of swap-move and swap-offset). MCUboot fixes up only an erased (UNSET) secondary
 * trailer; departure: a BAD one too. A cut tearing the fixup's magic leaves it BAD; the next boot still reverts
 * (row IV takes any secondary magic, #1966) but, skipping the fixup, erased the primary trailer with nothing GOOD
 * left anywhere, so a second cut there lost the revert and the unconfirmed image stayed. A secondary trailer
 * that is not GOOD holds nothing a revert needs: its sectors lie past the largest image.
 */
export function needsRevertFixup(swapType: SwapType, secondary: TrailerState): boolean {
  return swapType === 'revert' && secondary.magic !== 'good';
}

/**
 * swap-move and swap-offset need uniform sectors and one spare sector: the primary's for swap-move (it moves the
 * image up by one), the secondary's first for swap-offset (updates are uploaded one sector in). FORMATS §2.6, §3.10.
 */
export interface SpareSectorLayout {
  readonly spareIn: 'primary' | 'secondary';
}

export function spareSectorLayoutProblem(run: BootRun, image: number, layout: SpareSectorLayout): string | undefined {
  const { primary, secondary } = run.images[image];
  const size = primary.sectors[0].size;
  if (![...primary.sectors, ...secondary.sectors].every((s) => s.size === size)) return 'sectors are not uniform';
  const np = primary.sectors.length;
  const ns = secondary.sectors.length;
  const [larger, smaller] = layout.spareIn === 'primary' ? [np, ns] : [ns, np];
  if (larger !== smaller && larger !== smaller + 1) {
    return `primary has ${np} sectors, secondary ${ns}: the ${layout.spareIn} needs as many or one more`;
  }
  if (larger > run.ctx.config.maxImageSectors) return `more than ${run.ctx.config.maxImageSectors} sectors`;
  return undefined;
}

/** The trailer rounded up to whole sectors in both slots, and the spare sector left out of its slot. */
export function spareSectorMaxImageSize(
  run: BootRun,
  image: number,
  geometry: StatusGeometry,
  layout: SpareSectorLayout,
): number {
  const { primary, secondary } = run.images[image];
  const sector = primary.sectors[0].size;
  const trailer = alignUp(slotTrailerSize(geometry), sector);
  const spare = (slot: 'primary' | 'secondary') => (layout.spareIn === slot ? sector : 0);
  return Math.min(primary.size - trailer - spare('primary'), secondary.size - trailer - spare('secondary'));
}

/**
 * swap-move and swap-offset: a swap through one spare sector, in the primary (move) or in the secondary (offset),
 * with status records counted in the strategy's own steps. What they share of layout and size lives here, once.
 */
export abstract class SpareSectorSwap {
  readonly marksCompletion = true;

  constructor(protected readonly loader: SwapPrimitives) {}

  /** The slot that holds the spare sector. */
  protected abstract readonly spareIn: 'primary' | 'secondary';
  /** The strategy's name and how many status states each of its records has (FORMATS §3.3). */
  protected abstract readonly kind: 'swap-move' | 'swap-offset';
  protected abstract readonly statusStates: number;

  protected geometry(run: BootRun): StatusGeometry {
    return statusGeometry(run, this.kind, this.statusStates);
  }

  protected sectorSize(run: BootRun, image: number): number {
    return run.images[image].primary.sectors[0].size;
  }

  layoutProblem(run: BootRun, image: number): string | undefined {
    return spareSectorLayoutProblem(run, image, { spareIn: this.spareIn });
  }

  maxImageSize(run: BootRun, image: number): number {
    return spareSectorMaxImageSize(run, image, this.geometry(run), { spareIn: this.spareIn });
  }
}
