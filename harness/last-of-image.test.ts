import { describe, expect, it } from 'vitest';
import { loadBoard } from '../boards/index.ts';
import type { FlashOp } from '../emulator/flash/types.ts';
import { lastOfItsImage } from './session.ts';

const op = (index: number, kind: FlashOp['kind'], offset: number, length = 8): FlashOp => ({ index, kind, offset, length, startUs: 0, result: 'done' });

describe('the last operation of an image inside a boot', () => {
  // nucleo_l552ze_q: image 0's primary ends at 0x41000, image 1's primary is 0x41000..0x4a000.
  const two = loadBoard('nucleo_l552ze_q');
  const boot = { opStart: 10, opEnd: 15 };
  const copyDone0 = op(11, 'program', 0x40fe0);

  it('is the action end, or the last write of an image before only other images are written', () => {
    const journal = [op(10, 'erase', 0x14000, 0x800), copyDone0, op(12, 'counter', 1, 4), op(13, 'program', 0x49fe0), op(14, 'program', 0x49fe8)];
    expect(lastOfItsImage(two, journal, boot, 14)).toBe(true);
    expect(lastOfItsImage(two, journal, boot, 11)).toBe(true); // image 1's counter and trailer follow
    expect(lastOfItsImage(two, journal, boot, 10)).toBe(false); // image 0's copy_done follows
    expect(lastOfItsImage(two, journal, boot, 13)).toBe(false);
  });

  it('is not when the same image (either slot, or its security counter) or a counter of no image is written later', () => {
    expect(lastOfItsImage(two, [op(10, 'erase', 0x14000, 0x800), copyDone0, op(12, 'counter', 0, 4), op(13, 'program', 0x49fe0), op(14, 'program', 0x49fe8)], boot, 11)).toBe(false);
    expect(lastOfItsImage(two, [op(10, 'erase', 0x14000, 0x800), copyDone0, op(12, 'counter', 7, 4), op(13, 'program', 0x49fe0), op(14, 'program', 0x49fe8)], boot, 11)).toBe(false);
    expect(lastOfItsImage(two, [op(10, 'erase', 0x14000, 0x800), copyDone0, op(12, 'program', 0x76fe0), op(13, 'program', 0x49fe0), op(14, 'program', 0x49fe8)], boot, 11)).toBe(false);
  });

  it('is the action end alone on a one-image board', () => {
    const one = loadBoard('nrf52840dk');
    const journal = [op(10, 'erase', 0xc000, 0x1000), op(11, 'program', 0x72fe0), op(12, 'counter', 0, 4), op(13, 'program', 0xe0000), op(14, 'program', 0x72fe8)];
    expect(lastOfItsImage(one, journal, boot, 11)).toBe(false);
    expect(lastOfItsImage(one, journal, boot, 14)).toBe(true);
  });
});
