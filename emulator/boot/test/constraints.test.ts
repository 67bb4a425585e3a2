/** The slot and sector constraints of each strategy (FORMATS §2.6, §3.10), and images that break them. */
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../../boards/index.ts';
import { setPending, writeUpdate } from '../app.ts';
import { BootLog } from '../log.ts';
import { ReferenceBootloader } from '../reference.ts';
import type { BootRun } from '../run.ts';
import { openImageAreas, trailerFormat } from '../run.ts';
import type { UpdateStrategy } from '../types.ts';
import { carveBoard, configFor, factoryImage, makeDevice, makeImage } from './fixtures.ts';

const loader = new ReferenceBootloader();

function runFor(boardName: string, strategy: UpdateStrategy, board = loadBoard(boardName)): BootRun {
  const device = makeDevice(board, configFor(board, strategy), []);
  const areas = openImageAreas(device.ctx);
  if (typeof areas === 'string') throw new Error(areas);
  return { ctx: device.ctx, format: trailerFormat(device.ctx), ...areas, log: new BootLog() };
}

describe('maximum image size (what bootutil_max_image_size returns)', () => {
  it('swap-scratch on nrf52840dk: up to the status area (trailer 0x630 with 4-byte writes)', () => {
    expect(loader.maxImageSize(runFor('nrf52840dk', 'swap-scratch'), 0)).toBe(0x67000 - 0x630);
  });

  it('swap-move on b_u585i_iot02a: one spare sector and the trailer rounded up to whole sectors', () => {
    // 52 sectors of 8 KiB; trailer 128·3·16 + 4·16 + 16 = 6224 bytes → one sector.
    expect(loader.maxImageSize(runFor('b_u585i_iot02a', 'swap-move'), 0)).toBe(52 * 0x2000 - 0x2000 - 0x2000);
  });

  it('overwrite-only and direct-xip: up to swap_info (S − 40 with an 8-byte BOOT_MAX_ALIGN)', () => {
    expect(loader.maxImageSize(runFor('nucleo_l552ze_q', 'overwrite-only'), 0)).toBe(180 * 1024 - 40);
    expect(loader.maxImageSize(runFor('nucleo_l552ze_q', 'direct-xip'), 0)).toBe(180 * 1024 - 40);
  });

  it('refuses an image one byte past the maximum, primary untouched', () => {
    const board = carveBoard('nrf52840dk', 'swap-move');
    const config = configFor(board, 'swap-move');
    const device = makeDevice(board, config, [factoryImage(board, config, { version: '1.0.0' })]);
    loader.boot(device.ctx);
    const run = runFor('nrf52840dk', 'swap-move', board);
    const max = loader.maxImageSize(run, 0);
    const probe = makeImage(board, config, { version: '2.0.0', payload: 1000 });
    const overhead = probe.length - 1000;
    const primary = board.partitions.images[0].primary;
    const before = device.flash.peek(primary.offset, primary.size);
    for (const [end, expected] of [
      [max + 1, 1],
      [max, 2],
    ] as const) {
      if (expected === 2) expect(Buffer.from(device.flash.peek(primary.offset, primary.size)).equals(before)).toBe(true);
      writeUpdate(device.ctx, 0, makeImage(board, config, { version: '2.0.0', payload: end - overhead }, 0x100000));
      setPending(device.ctx, 0, true);
      const outcome = loader.boot(device.ctx);
      expect(outcome.kind === 'handoff' && outcome.version.major).toBe(expected);
    }
  });
});

describe('slot and sector constraints', () => {
  it('swap-scratch with a scratch smaller than a sector updates nothing and says why', () => {
    const carved = carveBoard('stm32f429zi', 'swap-scratch');
    const board = { ...carved, partitions: { ...carved.partitions, scratch: { offset: 0x8000, size: 0x4000 } } };
    const config = configFor(board, 'swap-scratch');
    const device = makeDevice(board, config, [factoryImage(board, config, { version: '1.0.0' })]);
    writeUpdate(device.ctx, 0, makeImage(board, config, { version: '2.0.0' }));
    setPending(device.ctx, 0, true);
    const outcome = loader.boot(device.ctx);
    expect(outcome.kind === 'handoff' && outcome.version.major).toBe(1);
    expect(outcome.log.join('\n')).toMatch(/does not fit the scratch/);
  });

  it('swap-move needs uniform sectors and a primary of the same size or one sector more', () => {
    const run = runFor('stm32f429zi', 'swap-move');
    expect(loader.strategyFor(run).layoutProblem(run, 0)).toBeUndefined();
    const board = loadBoard('stm32f429zi');
    const mixed = {
      ...board,
      partitions: { ...board.partitions, images: [{ primary: { offset: 0x8000, size: 0x18000 }, secondary: { offset: 0x20000, size: 0x20000 } }] },
    };
    const mixedRun = runFor('stm32f429zi', 'swap-move', mixed);
    expect(loader.strategyFor(mixedRun).layoutProblem(mixedRun, 0)).toMatch(/not uniform/);
  });
});
