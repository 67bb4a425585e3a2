/**
 * The swap status pieces the strategies share, on a small flash: the status-area geometry and record offsets
 * (FORMATS §2.4), reading records back, the trailer a swap starts with (magic last), and the spare-sector layout
 * rules of swap-move and swap-offset (FORMATS §2.6, §3.10). Expected numbers are worked out by hand in comments.
 */
import { describe, expect, it } from 'vitest';
import { signImage } from '../../../images/sign.ts';
import { trailerLayout } from '../../../images/trailer.ts';
import { NorFlash } from '../../flash/index.ts';
import { testGeometry } from '../../flash/test/helpers.ts';
import type { FlashGeometry } from '../../flash/types.ts';
import type { FlashArea } from '../area.ts';
import { BootLog } from '../log.ts';
import { ReferenceBootloader } from '../reference.ts';
import type { BootRun } from '../run.ts';
import { readTrailerState } from '../trailer-io.ts';
import type { BootContext, TrailerState } from '../types.ts';
import {
  imageEnd,
  needsRevertFixup,
  plausibleSwapSize,
  readRecords,
  recordOffset,
  SpareSectorSwap,
  type StatusGeometry,
  scratchTrailerBytes,
  sectorIsBlank,
  sectorsIn,
  slotTrailerSize,
  spareSectorLayoutProblem,
  spareSectorMaxImageSize,
  statusGeometry,
  writeSwapTrailer,
} from './swap-common.ts';

const SECTOR = 0x1000;

function area(label: string, offset: number, sectors: readonly number[]): FlashArea {
  let at = 0;
  const list = sectors.map((size) => {
    const sector = { offset: at, size };
    at += size;
    return sector;
  });
  return { label, offset, size: at, sectors: list };
}

/** A boot run over a 32-sector flash: image 0's primary at sector 0, its secondary at sector 16. */
function makeRun(options: {
  primary?: readonly number[];
  secondary?: readonly number[];
  maxImageSectors?: number;
  maxAlign?: 8 | 16 | 32;
  swapOffset?: boolean;
  flash?: Partial<FlashGeometry>;
}): BootRun {
  const flash = new NorFlash(testGeometry({ sectors: Array(32).fill(SECTOR), ...options.flash }));
  const ctx = { flash, config: { maxImageSectors: options.maxImageSectors ?? 16 } } as unknown as BootContext;
  return {
    ctx,
    format: { maxAlign: options.maxAlign ?? 8, swapOffset: options.swapOffset ?? false },
    images: [{ primary: area('primary 0', 0, options.primary ?? Array(5).fill(SECTOR)), secondary: area('secondary 0', 16 * SECTOR, options.secondary ?? Array(5).fill(SECTOR)) }],
    scratch: undefined,
    log: new BootLog(),
  };
}

const loader = new ReferenceBootloader();
/** The flash model behind a test run, for its journal and raw reads. */
const nor = (run: BootRun): NorFlash => run.ctx.flash as NorFlash;

describe('status area geometry', () => {
  it('takes the write size from the flash and the sizes from the build', () => {
    const run = makeRun({ maxImageSectors: 12, maxAlign: 16, swapOffset: true, flash: { writeUnit: 8 } });
    expect(statusGeometry(run, 'swap-offset', 2)).toEqual({ strategy: 'swap-offset', states: 2, writeSize: 8, maxSectors: 12, maxAlign: 16, swapOffset: true });
  });

  it('sizes the slot and scratch trailers as MCUboot does', () => {
    const geometry: StatusGeometry = { strategy: 'swap-scratch', states: 3, writeSize: 4, maxSectors: 16, maxAlign: 8, swapOffset: false };
    // Status 16 × 3 × 4 = 192; info 4 × 8 + magic 16 = 48. The scratch holds the records of one index: 3 × 4 + 48.
    expect(slotTrailerSize(geometry)).toBe(240);
    expect(scratchTrailerBytes(geometry)).toBe(60);
  });

  it('places status records from the start of the status area, per strategy', () => {
    const slot = area('primary 0', 0, Array(2).fill(SECTOR));
    const scratch: StatusGeometry = { strategy: 'swap-scratch', states: 3, writeSize: 4, maxSectors: 16, maxAlign: 8, swapOffset: false };
    // 0x2000 - 240 = 0x1f10; index 2 state 3: ((2 - 1) × 3 + 2) × 4 = 20.
    expect(recordOffset(scratch, slot, 2, 3)).toBe(0x1f10 + 20);
    const move: StatusGeometry = { ...scratch, strategy: 'swap-move' };
    // swap-move: move records first (one per index), then two swap records per index after all 16 of them.
    expect(recordOffset(move, slot, 3, 1)).toBe(0x1f10 + 8);
    expect(recordOffset(move, slot, 2, 3)).toBe(0x1f10 + 16 * 4 + 3 * 4);
  });
});

describe('status records', () => {
  it('reads which records of a run are written, one write size apart', () => {
    for (const writeUnit of [4, 8]) {
      const run = makeRun({ flash: { writeUnit } });
      const primary = run.images[0]!.primary;
      const start = 0x4f00;
      loader.writeStatusRecord(run, primary, start, 1);
      loader.writeStatusRecord(run, primary, start + 2 * writeUnit, 3);
      expect(readRecords(loader, run, primary, start, 5, writeUnit), `write unit ${writeUnit}`).toEqual([true, false, true, false, false]);
      expect(readRecords(loader, run, primary, start + writeUnit, 2, writeUnit)).toEqual([false, true]);
    }
  });

  it('reads a record as written on 0x00 flash when its byte is not 0x00', () => {
    const run = makeRun({ flash: { erasedValue: 0x00 } });
    const primary = run.images[0]!.primary;
    loader.writeStatusRecord(run, primary, 0x100, 0xff);
    expect(readRecords(loader, run, primary, 0xfc, 3, 4)).toEqual([false, true, false]);
  });
});

describe('image end', () => {
  const image = signImage(new Uint8Array(300).fill(0x5a), { headerSize: 0x20, padHeader: true, version: '1.0.0', slotSize: 0x5000 });
  // Header 0x20 + 300 bytes + TLV info 4 + SHA-256 TLV 4 + 32 = 0x170.
  const END = 0x20 + 300 + 40;

  it('is the TLV end of the image at a base, 0 when there is none or it passes the limit', () => {
    const run = makeRun({});
    const primary = run.images[0]!.primary;
    run.ctx.flash.program(0x1000, image.subarray(0, END));
    expect(imageEnd(run, primary, 0x1000, 0x4000)).toBe(END);
    expect(imageEnd(run, primary, 0x1000, END)).toBe(END);
    expect(imageEnd(run, primary, 0x1000, END - 1)).toBe(0);
    expect(imageEnd(run, primary, 0, 0x4000)).toBe(0);
  });

  it('bounds the image by the end of its area as well as by the limit', () => {
    const run = makeRun({});
    const primary = run.images[0]!.primary;
    const base = primary.size - END;
    run.ctx.flash.program(base, image.subarray(0, END));
    expect(imageEnd(run, primary, base, 0x10000)).toBe(END);
    const tight = primary.size - END + 4;
    run.ctx.flash.erase(0x4000);
    run.ctx.flash.program(tight, image.subarray(0, END - 4));
    expect(imageEnd(run, primary, tight, 0x10000)).toBe(0);
  });
});

describe('sectors and sizes', () => {
  const slot = area('secondary 0', 0x10000, [SECTOR, SECTOR, SECTOR]);

  it('lists the sectors holding any byte of a range', () => {
    expect(sectorsIn(slot, 0x1000, 0x2000)).toEqual([1]);
    expect(sectorsIn(slot, 0xfff, 0x1001)).toEqual([0, 1]);
    expect(sectorsIn(slot, 0, 0x3000)).toEqual([0, 1, 2]);
    expect(sectorsIn(slot, 0x2000, 0x2000)).toEqual([]);
    expect(sectorsIn(slot, 0x2fff, 0x5000)).toEqual([2]);
  });

  it('lists them in slots of unequal sectors too, for ranges starting and ending anywhere', () => {
    const sizes = [0x400, 0x400, 0x1000, 0x800, 0x4000, 0x400, 0x2000];
    const mixed = area('primary 0', 0x8000, sizes);
    const ends = [-1, 0, 1, ...mixed.sectors.flatMap((s) => [s.offset - 1, s.offset, s.offset + 1, s.offset + s.size - 1]), mixed.size, mixed.size + 1];
    for (const from of ends) {
      for (const to of ends) {
        const expected = mixed.sectors.flatMap((s, i) => (s.offset < to && s.offset + s.size > from ? [i] : []));
        expect(sectorsIn(mixed, from, to), `[${from}, ${to})`).toEqual(expected);
      }
    }
  });

  it('resumes only a swap size inside the slot', () => {
    expect(plausibleSwapSize(0, 0x3000)).toBe(false);
    expect(plausibleSwapSize(1, 0x3000)).toBe(true);
    expect(plausibleSwapSize(0x3000, 0x3000)).toBe(true);
    expect(plausibleSwapSize(0x3001, 0x3000)).toBe(false);
    expect(plausibleSwapSize(0xffffffff, 0x3000)).toBe(false);
  });

  it('tells a blank sector from one with a byte programmed, by the erased value of the flash', () => {
    for (const erasedValue of [0xff, 0x00] as const) {
      const run = makeRun({ flash: { erasedValue } });
      const secondary = run.images[0]!.secondary;
      run.ctx.flash.program(secondary.offset + 2 * SECTOR - 4, Uint8Array.of(0x5a, 0x5a, 0x5a, 0x5a));
      expect([0, 1, 2].map((i) => sectorIsBlank(run, secondary, i)), `erased 0x${erasedValue.toString(16)}`).toEqual([true, false, true]);
    }
  });

  it('fixes up the secondary trailer of a revert unless its magic is good', () => {
    const trailer = (magic: TrailerState['magic']): TrailerState => ({ magic, imageOk: 'unset', copyDone: 'unset', swapType: 'none', swapImage: 0, swapSize: 0 });
    expect(needsRevertFixup('revert', trailer('unset'))).toBe(true);
    expect(needsRevertFixup('revert', trailer('bad'))).toBe(true);
    expect(needsRevertFixup('revert', trailer('good'))).toBe(false);
    expect(needsRevertFixup('test', trailer('unset'))).toBe(false);
    expect(needsRevertFixup('none', trailer('bad'))).toBe(false);
  });
});

describe('the trailer a swap starts with', () => {
  it('writes swap_info, image_ok for a permanent request, the sizes, then the magic last', () => {
    const run = makeRun({ swapOffset: true });
    const primary = run.images[0]!.primary;
    writeSwapTrailer(loader, run, primary, 0, 'perm', 0x2345, true, 0x00100020);
    const layout = trailerLayout({ slotSize: primary.size, maxAlign: 8, swapOffset: true });
    expect(nor(run).journal.map((op) => op.offset)).toEqual([
      layout.swapInfo,
      layout.imageOk,
      layout.unprotectedTlvSizes,
      layout.swapSize,
      layout.magicWrite.offset,
    ]);
    expect(readTrailerState(run.ctx.flash, primary, run.format)).toEqual({
      magic: 'good',
      imageOk: 'set',
      copyDone: 'unset',
      swapType: 'perm',
      swapImage: 0,
      swapSize: 0x2345,
    });
    expect([...nor(run).peek(layout.unprotectedTlvSizes!, 4)]).toEqual([0x20, 0x00, 0x10, 0x00]);
  });

  it('leaves the sizes field of a swap-offset trailer erased when the caller gives no sizes', () => {
    const run = makeRun({ swapOffset: true });
    const primary = run.images[0]!.primary;
    writeSwapTrailer(loader, run, primary, 0, 'test', 0x800, false);
    const layout = trailerLayout({ slotSize: primary.size, maxAlign: 8, swapOffset: true });
    expect(nor(run).journal.map((op) => op.offset)).toEqual([layout.swapInfo, layout.swapSize, layout.magicWrite.offset]);
    expect([...nor(run).peek(layout.unprotectedTlvSizes!, 4)]).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  it('leaves image_ok and the sizes field alone for a test request, and swap_info for a type that is no request', () => {
    for (const type of ['test', 'revert'] as const) {
      const run = makeRun({});
      const secondary = run.images[0]!.secondary;
      writeSwapTrailer(loader, run, secondary, 1, type, 0x800, false);
      const layout = trailerLayout({ slotSize: secondary.size, maxAlign: 8 });
      expect(nor(run).journal.map((op) => op.offset - secondary.offset)).toEqual([layout.swapInfo, layout.swapSize, layout.magicWrite.offset]);
      expect(readTrailerState(run.ctx.flash, secondary, run.format)).toMatchObject({ imageOk: 'unset', swapType: type, swapImage: 1 });
    }
    const run = makeRun({});
    const primary = run.images[0]!.primary;
    writeSwapTrailer(loader, run, primary, 0, 'none', 0x800, false);
    const layout = trailerLayout({ slotSize: primary.size, maxAlign: 8 });
    expect(nor(run).journal.map((op) => op.offset)).toEqual([layout.swapSize, layout.magicWrite.offset]);
  });
});

describe('spare-sector layouts (swap-move, swap-offset)', () => {
  const sectors = (n: number) => Array(n).fill(SECTOR);

  it('asks for uniform sectors', () => {
    const run = makeRun({ primary: [SECTOR, SECTOR, 2 * SECTOR], secondary: sectors(3) });
    expect(spareSectorLayoutProblem(run, 0, { spareIn: 'primary' })).toBe('sectors are not uniform');
    const secondaryOdd = makeRun({ primary: sectors(3), secondary: [SECTOR, SECTOR, 2 * SECTOR] });
    expect(spareSectorLayoutProblem(secondaryOdd, 0, { spareIn: 'secondary' })).toBe('sectors are not uniform');
  });

  it('wants the slot with the spare sector as large as the other or one sector larger', () => {
    const problem = (np: number, ns: number, spareIn: 'primary' | 'secondary') =>
      spareSectorLayoutProblem(makeRun({ primary: sectors(np), secondary: sectors(ns) }), 0, { spareIn });
    expect(problem(5, 5, 'primary')).toBeUndefined();
    expect(problem(6, 5, 'primary')).toBeUndefined();
    expect(problem(7, 5, 'primary')).toBe('primary has 7 sectors, secondary 5: the primary needs as many or one more');
    expect(problem(4, 5, 'primary')).toBe('primary has 4 sectors, secondary 5: the primary needs as many or one more');
    expect(problem(5, 6, 'secondary')).toBeUndefined();
    expect(problem(6, 5, 'secondary')).toBe('primary has 6 sectors, secondary 5: the secondary needs as many or one more');
  });

  it('refuses more sectors than BOOT_MAX_IMG_SECTORS', () => {
    const run = (max: number) => makeRun({ primary: sectors(6), secondary: sectors(5), maxImageSectors: max });
    expect(spareSectorLayoutProblem(run(6), 0, { spareIn: 'primary' })).toBeUndefined();
    expect(spareSectorLayoutProblem(run(5), 0, { spareIn: 'primary' })).toBe('more than 5 sectors');
  });

  it('leaves out the trailer, rounded up to whole sectors, and the spare sector of its slot', () => {
    const geometry = (run: BootRun) => statusGeometry(run, 'swap-move', 3);
    // 16 sectors: a 240-byte trailer, one sector. primary 6 - 1 - 1 spare = 4 sectors, secondary 6 - 1 = 5.
    const small = makeRun({ primary: sectors(6), secondary: sectors(6) });
    expect(spareSectorMaxImageSize(small, 0, geometry(small), { spareIn: 'primary' })).toBe(4 * SECTOR);
    expect(spareSectorMaxImageSize(small, 0, geometry(small), { spareIn: 'secondary' })).toBe(4 * SECTOR);
    // 512 sectors: 512 × 3 × 4 + 48 = 6192 bytes, two sectors. primary 5 - 2 = 3, secondary 7 - 2 - 1 = 4.
    const large = makeRun({ primary: sectors(5), secondary: sectors(7), maxImageSectors: 512 });
    expect(spareSectorMaxImageSize(large, 0, geometry(large), { spareIn: 'secondary' })).toBe(3 * SECTOR);
    const wide = makeRun({ primary: sectors(8), secondary: sectors(5), maxImageSectors: 512 });
    expect(spareSectorMaxImageSize(wide, 0, geometry(wide), { spareIn: 'primary' })).toBe(3 * SECTOR);
  });

  it('gives a strategy built on it the layout rules, sizes and status geometry of its kind', () => {
    class OffsetLike extends SpareSectorSwap {
      protected readonly spareIn = 'secondary' as const;
      protected readonly kind = 'swap-offset' as const;
      protected readonly statusStates = 2;
      statusOf(run: BootRun) {
        return this.geometry(run);
      }
      sectorOf(run: BootRun) {
        return this.sectorSize(run, 0);
      }
    }
    const strategy = new OffsetLike(loader);
    const run = makeRun({ primary: sectors(5), secondary: sectors(6) });
    expect(strategy.marksCompletion).toBe(true);
    expect(strategy.statusOf(run)).toEqual({ strategy: 'swap-offset', states: 2, writeSize: 4, maxSectors: 16, maxAlign: 8, swapOffset: false });
    expect(strategy.sectorOf(run)).toBe(SECTOR);
    expect(strategy.layoutProblem(run, 0)).toBeUndefined();
    expect(strategy.layoutProblem(makeRun({ primary: sectors(6), secondary: sectors(5) }), 0)).toContain('the secondary needs');
    // primary 5 - 1 = 4 sectors; secondary 6 - 1 - 1 spare = 4.
    expect(strategy.maxImageSize(run, 0)).toBe(4 * SECTOR);
    expect(strategy.maxImageSize(makeRun({ primary: sectors(6), secondary: sectors(6) }), 0)).toBe(4 * SECTOR);
  });
});
