import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../boards/index.ts';
import { NorFlash } from '../../emulator/flash/index.ts';
import { counterLog } from './counter-log.ts';

const board = loadBoard('nrf52840dk');

describe("the C bootloader's hardware counter log, as the oracle reads it", () => {
  const store = counterLog({ address: 0xb000, size: 4096 }, board, 2);
  const flash = () => new NorFlash(board.flash);
  const read = (f: NorFlash, image: number) => store.read((offset, length) => f.peek(offset, length), image);

  it('reads the largest intact entry of each image, up to the first erased entry; a torn entry does not count', () => {
    const f = flash();
    const entry = (image: number, value: number) => store.factoryEntry(image, value);
    f.load(entry(0, 1).offset, entry(0, 1).bytes);
    f.load(entry(0, 1).offset + 8, entry(0, 5).bytes);
    const torn = entry(0, 9).bytes.slice();
    torn[4] = 0xff;
    f.load(entry(0, 1).offset + 16, torn);
    expect(read(f, 0)).toBe(5);
    expect(read(f, 1)).toBe(0);
    f.load(entry(1, 3).offset, entry(1, 3).bytes);
    expect(entry(1, 3).offset).toBe(0xb000 + 2048);
    expect(read(f, 1)).toBe(3);
    // An entry past an erased one is not part of the log.
    f.load(entry(1, 3).offset + 16, entry(1, 7).bytes);
    expect(read(f, 1)).toBe(3);
  });

  it('lays an entry out as value and its complement, little-endian', () => {
    expect([...store.factoryEntry(0, 2).bytes]).toEqual([2, 0, 0, 0, 0xfd, 0xff, 0xff, 0xff]);
    expect(store.region).toEqual({ offset: 0xb000, size: 4096 });
  });
});
