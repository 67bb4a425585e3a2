/**
 * The trailer as the bootloader reads and writes it through the flash: each field at its FORMATS §2.1 offset,
 * padded to the device write size with the erased value, and refused (not programmed) on write-once flash that
 * is not erased there.
 */
import { describe, expect, it } from 'vitest';
import { bootMagic, trailerLayout } from '../../images/trailer.ts';
import { NorFlash, PowerCut } from '../flash/index.ts';
import { testGeometry } from '../flash/test/helpers.ts';
import type { FlashArea } from './area.ts';
import {
  FlashWriteRefused,
  layoutOptions,
  readTrailerState,
  type TrailerFormat,
  writeFlag,
  writeMagic,
  writeSwapInfo,
  writeSwapSize,
  writeTrailerBytes,
  writeUnprotectedSizes,
} from './trailer-io.ts';

/** A two-sector slot that starts one sector into the flash, so area-relative and absolute offsets differ. */
const slot: FlashArea = { label: 'primary 0', offset: 0x1000, size: 0x2000, sectors: [{ offset: 0, size: 0x1000 }, { offset: 0x1000, size: 0x1000 }] };
const format8: TrailerFormat = { maxAlign: 8, swapOffset: false };

function caught(action: () => void): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('trailer through the flash', () => {
  it('lays the trailer out over the area, not the flash', () => {
    expect(layoutOptions({ maxAlign: 16, swapOffset: true }, slot)).toEqual({ slotSize: 0x2000, maxAlign: 16, swapOffset: true });
  });

  it('reads an erased trailer as nothing requested, on 0xff and on 0x00 flash', () => {
    for (const erasedValue of [0xff, 0x00] as const) {
      const flash = new NorFlash(testGeometry({ erasedValue }));
      expect(readTrailerState(flash, slot, format8)).toEqual({
        magic: 'unset',
        imageOk: 'unset',
        copyDone: 'unset',
        swapType: 'none',
        swapImage: 0,
        swapSize: erasedValue === 0xff ? 0xffffffff : 0,
      });
    }
  });

  it('writes each field at its offset in the slot, one value padded with the erased value to the write size', () => {
    const flash = new NorFlash(testGeometry({ writeUnit: 4 }));
    const layout = trailerLayout({ slotSize: slot.size, maxAlign: 8 });
    writeSwapInfo(flash, slot, format8, 'test', 1);
    writeFlag(flash, slot, format8, 'imageOk');
    writeFlag(flash, slot, format8, 'copyDone');
    writeSwapSize(flash, slot, format8, 0x12345);
    writeMagic(flash, slot, format8);
    const at = (offset: number, length: number) => [...flash.peek(slot.offset + offset, length)];
    expect(at(layout.swapInfo - 1, 6)).toEqual([0xff, 0x12, 0xff, 0xff, 0xff, 0xff]);
    expect(at(layout.imageOk, 5)).toEqual([0x01, 0xff, 0xff, 0xff, 0xff]);
    expect(at(layout.copyDone, 5)).toEqual([0x01, 0xff, 0xff, 0xff, 0xff]);
    expect(at(layout.swapSize, 5)).toEqual([0x45, 0x23, 0x01, 0x00, 0xff]);
    expect(at(layout.magic, 16)).toEqual([...bootMagic(8)]);
    expect(flash.journal.map((op) => [op.kind, op.offset - slot.offset, op.length])).toEqual([
      ['program', layout.swapInfo, 4],
      ['program', layout.imageOk, 4],
      ['program', layout.copyDone, 4],
      ['program', layout.swapSize, 4],
      ['program', layout.magicWrite.offset, 16],
    ]);
    expect(readTrailerState(flash, slot, format8)).toEqual({
      magic: 'good',
      imageOk: 'set',
      copyDone: 'set',
      swapType: 'test',
      swapImage: 1,
      swapSize: 0x12345,
    });
  });

  it('reads back each swap type it writes, for the image it names', () => {
    for (const [swapType, image] of [['test', 0], ['perm', 1], ['revert', 2]] as const) {
      const flash = new NorFlash(testGeometry());
      writeSwapInfo(flash, slot, format8, swapType, image);
      expect(readTrailerState(flash, slot, format8)).toMatchObject({ swapType, swapImage: image });
    }
  });

  it('reads a swap_info byte whose type is no request (NONE, 0, FAIL) as none', () => {
    const offset = trailerLayout({ slotSize: slot.size, maxAlign: 8 }).swapInfo;
    for (const byte of [0x01, 0x00, 0x15]) {
      const flash = new NorFlash(testGeometry({ writeUnit: 1 }));
      writeTrailerBytes(flash, slot, offset, Uint8Array.of(byte));
      expect(readTrailerState(flash, slot, format8).swapType, `0x${byte.toString(16)}`).toBe('none');
    }
  });

  it('reads a written flag that is not 0x01, and a magic that is not the boot magic, as bad', () => {
    const flash = new NorFlash(testGeometry({ writeUnit: 1 }));
    const layout = trailerLayout({ slotSize: slot.size, maxAlign: 8 });
    writeTrailerBytes(flash, slot, layout.imageOk, Uint8Array.of(0x03));
    writeTrailerBytes(flash, slot, layout.magic, Uint8Array.of(0x77));
    expect(readTrailerState(flash, slot, format8)).toMatchObject({ magic: 'bad', imageOk: 'bad', copyDone: 'unset' });
  });

  it('writes the magic as one ALIGN_UP(16, BOOT_MAX_ALIGN) block, erased fill first, the magic last', () => {
    const flash = new NorFlash(testGeometry({ writeUnit: 8 }));
    const format: TrailerFormat = { maxAlign: 32, swapOffset: false };
    writeMagic(flash, slot, format);
    expect(flash.journal.map((op) => [op.offset - slot.offset, op.length])).toEqual([[slot.size - 32, 32]]);
    expect([...flash.peek(slot.offset + slot.size - 32, 32)]).toEqual([...Array(16).fill(0xff), ...bootMagic(32)]);
    expect(readTrailerState(flash, slot, format).magic).toBe('good');
  });

  it('writes the unprotected TLV sizes only in a swap-offset trailer', () => {
    const offsetFormat: TrailerFormat = { maxAlign: 8, swapOffset: true };
    const flash = new NorFlash(testGeometry());
    writeUnprotectedSizes(flash, slot, format8, 0x00300020);
    expect(flash.journal).toHaveLength(0);
    writeUnprotectedSizes(flash, slot, offsetFormat, 0x00300020);
    const layout = trailerLayout({ slotSize: slot.size, maxAlign: 8, swapOffset: true });
    expect([...flash.peek(slot.offset + layout.unprotectedTlvSizes!, 4)]).toEqual([0x20, 0x00, 0x30, 0x00]);
    writeSwapSize(flash, slot, offsetFormat, 7);
    expect(readTrailerState(flash, slot, offsetFormat).swapSize).toBe(7);
  });

  it('refuses a trailer write over programmed bytes on write-once flash, naming the area and the absolute offset', () => {
    for (const programRule of ['once', 'ecc'] as const) {
      const flash = new NorFlash(testGeometry({ programRule, writeUnit: 8 }));
      writeFlag(flash, slot, format8, 'imageOk');
      const error = caught(() => writeFlag(flash, slot, format8, 'imageOk'));
      const absolute = slot.offset + trailerLayout({ slotSize: slot.size, maxAlign: 8 }).imageOk;
      expect(error).toBeInstanceOf(FlashWriteRefused);
      expect(error.message).toBe(`primary 0: trailer write at 0x${absolute.toString(16)} refused: the ${programRule} flash there is not erased`);
      expect((error as FlashWriteRefused).exitCode).toBe(1);
      expect(flash.journal).toHaveLength(1);
      const magic = caught(() => {
        writeMagic(flash, slot, format8);
        writeMagic(flash, slot, format8);
      });
      expect(magic.message).toContain(`trailer write at 0x${(slot.offset + slot.size - 16).toString(16)} refused`);
    }
  });

  it('programs over programmed bytes on classic NOR flash, where a program only clears bits', () => {
    const flash = new NorFlash(testGeometry({ programRule: 'and', writeUnit: 8 }));
    writeFlag(flash, slot, format8, 'copyDone');
    writeFlag(flash, slot, format8, 'copyDone');
    expect(flash.journal).toHaveLength(2);
    expect(readTrailerState(flash, slot, format8).copyDone).toBe('set');
  });

  it('checks only the bytes it writes: a programmed neighbour unit does not refuse the write on write-once flash', () => {
    const flash = new NorFlash(testGeometry({ programRule: 'once', writeUnit: 8 }));
    writeFlag(flash, slot, format8, 'imageOk');
    writeFlag(flash, slot, format8, 'copyDone');
    writeSwapInfo(flash, slot, format8, 'perm', 0);
    expect(readTrailerState(flash, slot, format8)).toMatchObject({ imageOk: 'set', copyDone: 'set', swapType: 'perm' });
  });

  it('reads a field whose unit is torn on ECC flash as poison, and every other field as written', () => {
    const flash = new NorFlash(testGeometry({ programRule: 'ecc', writeUnit: 8 }));
    writeSwapInfo(flash, slot, format8, 'test', 0);
    writeSwapSize(flash, slot, format8, 0x1234);
    writeMagic(flash, slot, format8);
    flash.armPowerCut({ atOp: flash.opCount, outcome: 'torn', seed: 5, tear: { units: 0, unit: 'ones' } });
    expect(() => writeFlag(flash, slot, format8, 'copyDone')).toThrow(PowerCut);
    expect(readTrailerState(flash, slot, format8)).toEqual({
      magic: 'good',
      imageOk: 'unset',
      copyDone: 'bad',
      swapType: 'test',
      swapImage: 0,
      swapSize: 0x1234,
    });
  });

  it('checks the erased value of the flash it writes, on 0x00 flash', () => {
    const flash = new NorFlash(testGeometry({ programRule: 'once', erasedValue: 0x00, writeUnit: 4 }));
    writeFlag(flash, slot, format8, 'imageOk');
    const layout = trailerLayout({ slotSize: slot.size, maxAlign: 8 });
    expect([...flash.peek(slot.offset + layout.imageOk, 4)]).toEqual([0x01, 0, 0, 0]);
    expect(readTrailerState(flash, slot, format8).imageOk).toBe('set');
    expect(caught(() => writeFlag(flash, slot, format8, 'imageOk'))).toBeInstanceOf(FlashWriteRefused);
  });
});
