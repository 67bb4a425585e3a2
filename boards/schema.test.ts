import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoardFileError, loadBoard, parseBoardFile } from './index.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./test/fixtures/${name}.json`, import.meta.url));

function refusal(action: () => unknown): BoardFileError {
  try {
    action();
  } catch (error) {
    if (error instanceof BoardFileError) return error;
    throw error;
  }
  throw new Error('expected a BoardFileError');
}

describe('board file validation', () => {
  it('accepts the valid fixture the bad ones are made from', () => {
    expect(loadBoard(fixture('valid')).name).toBe('tiny');
  });

  it.each([
    ['overlap', 'partitions.images[0].secondary', /overlaps partitions\.images\[0\]\.primary \(0x2000\.\.0x8000\)/],
    ['misaligned', 'partitions.images[0].primary', /offset 0x2100 is not on a sector boundary.*sector 2 \(0x2000\.\.0x3000\)/],
    ['beyond-flash', 'partitions.storage', /0xd000\.\.0x11000 runs past the end of the flash at 0x10000/],
    ['slot-larger-than-flash', 'partitions.images[0].secondary', /larger than the whole flash/],
    ['unknown-core', 'cpu', /unknown core "cortex-m5"; expected one of .*cortex-m33/],
    ['bad-write-unit', 'flash.writeUnit', /unknown write unit 3; expected one of 1, 2, 4, 8, 16, 32/],
    ['sectors-sum', 'flash.sectors', /sectors add up to 0xf000 \(60 KiB\) but memory\.flash\.size is 0x10000/],
    ['small-scratch', 'partitions.scratch', /holds 0x1000 \(4 KiB\) .*16 KiB group/],
    ['swap-move-counts', 'partitions.images[0].primary', /6 sectors and the secondary 2; swap-move/],
    ['misspelt-field', 'flash', /Unrecognized key: "writeUnits"/],
    ['bad-byte-count', 'partitions.bootloader.size', /expected a byte count.*got "8 KiB"/],
    ['syntax-error', '', /not valid JSON at line 5, column 3/],
  ])('%s.json: exit 2, naming the file and %s', (name, path, message) => {
    const error = refusal(() => loadBoard(fixture(name)));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`${name}.json`);
    expect(error.issues).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('refuses swap-scratch without a scratch area', () => {
    const board = JSON.parse(readFileSync(fixture('valid'), 'utf8'));
    board.bootloader.strategy = 'swap-scratch';
    board.partitions.images[0].secondary.size = '0x6000';
    board.partitions.storage = { offset: '0xe000', size: '0x2000' };
    const error = refusal(() => parseBoardFile(JSON.stringify(board), 'inline.json'));
    expect(error.issues).toEqual([{ path: 'partitions.scratch', message: expect.stringMatching(/missing/) }]);
  });

  it('refuses slots with more sectors than BOOT_MAX_IMG_SECTORS', () => {
    const board = JSON.parse(readFileSync(fixture('valid'), 'utf8'));
    board.bootloader.maxImageSectors = 5;
    const error = refusal(() => parseBoardFile(JSON.stringify(board), 'inline.json'));
    expect(error.issues).toContainEqual({
      path: 'partitions.images[0].primary',
      message: expect.stringMatching(/has 6 sectors, more than bootloader\.maxImageSectors \(5\)/),
    });
  });

  it('refuses any partition start that is not a sector boundary, and accepts every one that is', () => {
    const text = readFileSync(fixture('valid'), 'utf8');
    // The storage partition may start at sector 13 or 14 of the 16, or anywhere inside them.
    const start = fc.tuple(fc.integer({ min: 13, max: 14 }), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0xfff })));
    fc.assert(
      fc.property(start, ([sector, within]) => {
        const offset = sector * 0x1000 + within;
        const board = JSON.parse(text);
        board.partitions.storage = { offset, size: 0x10000 - offset };
        try {
          parseBoardFile(JSON.stringify(board), 'inline.json');
          return within === 0;
        } catch (error) {
          return within !== 0 && error instanceof BoardFileError && error.issues[0].path === 'partitions.storage';
        }
      }),
      { seed: 2026, numRuns: 200 },
    );
  });
});
