import { describe, expect, it } from 'vitest';
import { NorFlash } from '../emulator/flash/index.ts';
import {
  bootMagic,
  bootTrailerSize,
  bootWriteSize,
  decodeFlag,
  decodeMagic,
  decodeSwapInfo,
  encodeImgtoolTrailer,
  encodeMagicWrite,
  encodeSwapInfo,
  encodeTrailerWrite,
  encodeU32,
  FLAG_SET_VALUE,
  FlagState,
  imgtoolTrailerSize,
  MAX_ALIGNS,
  MagicState,
  type MaxAlign,
  maxImageSizeWithoutSwap,
  readTrailer,
  STATUS_STATES,
  SwapType,
  scratchTrailerSize,
  statusAreaStart,
  statusRecordOffset,
  trailerInfoSize,
  trailerLayout,
} from './trailer.ts';

const S = 0x20000;

describe('trailer layout (FORMATS.md §2.1 table)', () => {
  it.each([
    // maxAlign, image_ok, copy_done, swap_info, swap_size, swap-offset: unprot sizes, swap_size
    [8, 24, 32, 40, 48, 48, 56],
    [16, 32, 48, 64, 80, 80, 96],
    [32, 64, 96, 128, 160, 160, 192],
  ] as const)('max align %i: fields at S−%i, S−%i, S−%i, S−%i (swap-offset S−%i, S−%i)', (a, ok, cd, si, ss, un, ssOff) => {
    const layout = trailerLayout({ slotSize: S, maxAlign: a });
    expect([layout.magic, layout.imageOk, layout.copyDone, layout.swapInfo, layout.swapSize]).toEqual([
      S - 16,
      S - ok,
      S - cd,
      S - si,
      S - ss,
    ]);
    expect(layout.unprotectedTlvSizes).toBeUndefined();
    const offset = trailerLayout({ slotSize: S, maxAlign: a, swapOffset: true });
    expect([offset.unprotectedTlvSizes, offset.swapSize]).toEqual([S - un, S - ssOff]);
  });

  it('writes the magic as one block of ALIGN_UP(16, A) bytes, the magic in its last 16', () => {
    expect(trailerLayout({ slotSize: S, maxAlign: 32 }).magicWrite).toEqual({ offset: S - 32, length: 32 });
    expect(trailerLayout({ slotSize: S, maxAlign: 8 }).magicWrite).toEqual({ offset: S - 16, length: 16 });
    const block = encodeMagicWrite(32, 0xff);
    expect([...block.subarray(0, 16)].every((b) => b === 0xff)).toBe(true);
    expect(block.subarray(16)).toEqual(bootMagic(32));
  });

  it('places the two stored image keys below swap_size in encrypted builds', () => {
    const layout = trailerLayout({ slotSize: S, maxAlign: 8, encKeySize: 16 });
    expect(layout.encKeys).toEqual([S - 48 - 16, S - 48 - 32]);
  });
});

describe('magic values (FORMATS.md §2.2)', () => {
  it('is the historic constant for max align 8 and the align-tagged form otherwise', () => {
    expect(Buffer.from(bootMagic(8)).toString('hex')).toBe('77c295f360d2ef7f3552500f2cb67980');
    expect(Buffer.from(bootMagic(16)).toString('hex')).toBe('10002de15d29410b8d77679c110f1f8a');
    expect(Buffer.from(bootMagic(32)).toString('hex')).toBe('20002de15d29410b8d77679c110f1f8a');
  });

  it('decodes GOOD only for this build, BAD for another build, UNSET when erased (0xff or 0x00)', () => {
    expect(decodeMagic(bootMagic(8), 8, 0xff)).toBe(MagicState.GOOD);
    expect(decodeMagic(bootMagic(16), 8, 0xff)).toBe(MagicState.BAD);
    expect(decodeMagic(bootMagic(8), 16, 0xff)).toBe(MagicState.BAD);
    expect(decodeMagic(new Uint8Array(16).fill(0xff), 8, 0xff)).toBe(MagicState.UNSET);
    expect(decodeMagic(new Uint8Array(16), 8, 0x00)).toBe(MagicState.UNSET);
    expect(decodeMagic(new Uint8Array(16), 8, 0xff)).toBe(MagicState.BAD);
  });
});

describe('flags and swap_info (FORMATS.md §2.3)', () => {
  it('reads only 0x01 as SET; erased as UNSET; anything else as BAD', () => {
    expect(decodeFlag(0x01, 0xff)).toBe(FlagState.SET);
    expect(decodeFlag(0xff, 0xff)).toBe(FlagState.UNSET);
    expect(decodeFlag(0x00, 0x00)).toBe(FlagState.UNSET);
    expect(decodeFlag(0x00, 0xff)).toBe(FlagState.BAD);
    expect(decodeFlag(0x03, 0xff)).toBe(FlagState.BAD);
  });

  it('packs the image index in the high nibble; erased or a type above REVERT reads as NONE for image 0', () => {
    expect(encodeSwapInfo(SwapType.PERM, 2)).toBe(0x23);
    expect(decodeSwapInfo(0x23, 0xff)).toEqual({ swapType: SwapType.PERM, imageIndex: 2 });
    expect(decodeSwapInfo(0xff, 0xff)).toEqual({ swapType: SwapType.NONE, imageIndex: 0 });
    expect(decodeSwapInfo(0x15, 0xff)).toEqual({ swapType: SwapType.NONE, imageIndex: 0 });
  });
});

describe('trailer sizes (FORMATS.md §2.4, §2.5)', () => {
  it.each([
    ['swap-scratch', 1, false, 432],
    ['swap-move', 4, false, 1584],
    ['swap-scratch', 8, false, 3120],
    ['swap-offset', 8, true, 2104],
  ] as const)('%s, write size %i: boot_trailer_sz %i', (strategy, writeSize, swapOffset, size) => {
    expect(bootTrailerSize({ states: STATUS_STATES[strategy], writeSize, maxAlign: 8, swapOffset })).toBe(size);
  });

  it('gives the scratch trailer room for one sector index only', () => {
    expect(scratchTrailerSize({ states: 3, writeSize: 8, maxAlign: 8 })).toBe(3 * 8 + 48);
  });

  it('lays swap-move records out as all move records, then the two swap states per index', () => {
    const options = { slotSize: S, maxAlign: 8 as MaxAlign, states: 3, writeSize: 4, strategy: 'swap-move' as const };
    const start = statusAreaStart(options);
    expect(start).toBe(S - 1584);
    expect(statusRecordOffset(options, 3, 1)).toBe(start + 2 * 4);
    expect(statusRecordOffset(options, 1, 2)).toBe(start + 128 * 4);
    expect(statusRecordOffset(options, 2, 3)).toBe(start + 128 * 4 + 3 * 4);
    const scratch = { ...options, strategy: 'swap-scratch' as const };
    expect(statusRecordOffset(scratch, 2, 3)).toBe(start + 5 * 4);
  });

  it("matches imgtool's estimate, which reserves less than the loader for overwrite-only", () => {
    expect(imgtoolTrailerSize({ maxAlign: 8, align: 4 })).toBe(1584);
    expect(imgtoolTrailerSize({ maxAlign: 8, align: 4, maxSectors: 32 })).toBe(432);
    expect(imgtoolTrailerSize({ maxAlign: 8, align: 1, overwriteOnly: true })).toBe(32);
    expect(imgtoolTrailerSize({ maxAlign: 32, align: 1, overwriteOnly: true })).toBe(96);
    expect(maxImageSizeWithoutSwap({ slotSize: S, maxAlign: 8 })).toBe(S - 40);
  });

  it('sets image_ok at S − ALIGN_UP(16, A) − A with --confirm, never for overwrite-only', () => {
    for (const maxAlign of [8, 16, 32] as const) {
      const trailer = encodeImgtoolTrailer({ maxAlign, align: 1, erasedValue: 0xff, confirm: true });
      const fromEnd = trailer.length - trailer.indexOf(0x01);
      expect(fromEnd).toBe({ 8: 24, 16: 32, 32: 64 }[maxAlign]);
      expect(trailer.subarray(trailer.length - 16)).toEqual(bootMagic(maxAlign));
    }
    const overwrite = encodeImgtoolTrailer({ maxAlign: 8, align: 1, erasedValue: 0xff, confirm: true, overwriteOnly: true });
    expect(overwrite.includes(0x01)).toBe(false);
  });
});

describe('reader and writer share the definition, on a write-once flash', () => {
  it.each([8, 16, 32] as const)('max align %i: every field written once reads back', (maxAlign) => {
    const writeSize = 8;
    const flash = new NorFlash({
      sectors: Array(16).fill(0x4000),
      writeUnit: writeSize,
      erasedValue: 0xff,
      programRule: 'once',
      eraseTimeUs: 1,
      programTimeUs: 1,
      endurance: 10_000,
    });
    const slot = { base: 0x10000, size: S };
    const layout = trailerLayout({ slotSize: slot.size, maxAlign });
    const write = (offset: number, value: Uint8Array) =>
      flash.program(slot.base + offset, encodeTrailerWrite(value, writeSize, 0xff));
    write(layout.swapSize, encodeU32(0x1234));
    write(layout.swapInfo, Uint8Array.of(encodeSwapInfo(SwapType.TEST, 1)));
    write(layout.copyDone, Uint8Array.of(1));
    write(layout.imageOk, Uint8Array.of(1));
    flash.program(slot.base + layout.magicWrite.offset, encodeMagicWrite(maxAlign, 0xff));
    const state = readTrailer((offset, length) => flash.read(slot.base + offset, length), {
      slotSize: slot.size,
      maxAlign,
      erasedValue: 0xff,
    });
    expect(state).toMatchObject({
      magic: MagicState.GOOD,
      imageOk: FlagState.SET,
      copyDone: FlagState.SET,
      swapType: SwapType.TEST,
      imageIndex: 1,
      swapSize: 0x1234,
    });
  });
});

describe('edge cases that a mutation of trailer.ts must not survive', () => {
  it('knows exactly the three BOOT_MAX_ALIGN values', () => {
    expect(MAX_ALIGNS).toEqual([8, 16, 32]);
  });

  it('hands out a fresh magic each time, so a caller that edits one cannot corrupt the next', () => {
    const first = bootMagic(8);
    first.fill(0);
    expect(Buffer.from(bootMagic(8)).toString('hex')).toBe('77c295f360d2ef7f3552500f2cb67980');
  });

  it('reads a partly programmed magic as BAD, never as UNSET or GOOD', () => {
    const torn = bootMagic(8);
    torn.fill(0xff, 8);
    expect(decodeMagic(torn, 8, 0xff)).toBe(MagicState.BAD);
    const oneByteOff = bootMagic(16);
    oneByteOff[15] ^= 0x01;
    expect(decodeMagic(oneByteOff, 16, 0xff)).toBe(MagicState.BAD);
    expect(decodeMagic(bootMagic(8).subarray(0, 8), 8, 0xff)).toBe(MagicState.BAD);
  });

  it('reads an erased swap_info as NONE on a 0x00-erased part, and REVERT as REVERT', () => {
    expect(decodeSwapInfo(0x00, 0x00)).toEqual({ swapType: SwapType.NONE, imageIndex: 0 });
    expect(decodeSwapInfo(0x14, 0xff)).toEqual({ swapType: SwapType.REVERT, imageIndex: 1 });
  });

  it('puts the stored image keys below swap_size, aligned up to BOOT_MAX_ALIGN, and starts the info there', () => {
    const plain = trailerLayout({ slotSize: S, maxAlign: 8 });
    expect(plain.encKeys).toEqual([]);
    expect(plain.infoStart).toBe(plain.swapSize);
    const zero = trailerLayout({ slotSize: S, maxAlign: 8, encKeySize: 0 });
    expect(zero.encKeys).toEqual([]);
    const odd = trailerLayout({ slotSize: S, maxAlign: 8, encKeySize: 20 });
    expect(odd.encKeys).toEqual([odd.swapSize - 24, odd.swapSize - 48]);
    expect(odd.infoStart).toBe(odd.swapSize - 48);
    expect(trailerInfoSize({ maxAlign: 8 })).toBe(48);
    expect(trailerInfoSize({ maxAlign: 8, swapOffset: true })).toBe(56);
    expect(trailerInfoSize({ maxAlign: 16, encKeySize: 16 })).toBe(4 * 16 + 2 * 16 + 16);
    expect(trailerInfoSize({ maxAlign: 8, encKeySize: 0 })).toBe(48);
  });

  it("adds the two stored keys to imgtool's estimate for encrypted images", () => {
    expect(imgtoolTrailerSize({ maxAlign: 8, align: 4, encKeySize: 16 })).toBe(1536 + 32 + 32 + 16);
  });

  it('writes no image_ok without --confirm', () => {
    const trailer = encodeImgtoolTrailer({ maxAlign: 8, align: 1, erasedValue: 0xff });
    expect(trailer.includes(FLAG_SET_VALUE)).toBe(false);
    expect(trailer.subarray(trailer.length - 16)).toEqual(bootMagic(8));
  });

  it('reads the swap-offset field only where the layout has one', () => {
    const slot = new Uint8Array(S).fill(0xff);
    const layout = trailerLayout({ slotSize: S, maxAlign: 8, swapOffset: true });
    slot.set(encodeU32(0x1a2b3c4d), layout.unprotectedTlvSizes);
    const read = (offset: number, length: number) => slot.slice(offset, offset + length);
    expect(readTrailer(read, { slotSize: S, maxAlign: 8, swapOffset: true, erasedValue: 0xff }).unprotectedTlvSizes).toBe(
      0x1a2b3c4d,
    );
    expect(readTrailer(read, { slotSize: S, maxAlign: 8, erasedValue: 0xff }).unprotectedTlvSizes).toBeUndefined();
  });

  it('pitches status records by the larger of the primary and scratch write sizes', () => {
    expect(bootWriteSize(4)).toBe(4);
    expect(bootWriteSize(4, 8)).toBe(8);
    expect(bootWriteSize(16, 8)).toBe(16);
  });
});
