/**
 * Regression (scenario-space on stm32f429zi, a swap-scratch test upgrade to an image that hangs, cut torn at the
 * copy_done write): a complete test swap whose copy_done reads BAD can be neither read as done nor written again.
 * The reference used to resume it at every boot and hand the unconfirmed image another trial each time, so an
 * image that never confirms was never reverted. It is now reverted (FAULTS F-07), unless it confirmed itself.
 */
import { describe, expect, it } from 'vitest';
import { trailerLayout } from '../../../images/index.ts';
import { setConfirmed, setPending, writeUpdate } from '../app.ts';
import { ReferenceBootloader } from '../reference.ts';
import type { BootOutcome, UpdateStrategy } from '../types.ts';
import { carveBoard, configFor, factoryImage, makeDevice, makeImage } from './fixtures.ts';

const loader = new ReferenceBootloader();

function running(outcome: BootOutcome): string {
  if (outcome.kind !== 'handoff') throw new Error(`expected a hand-off, got halt: ${outcome.reason}`);
  const { major, minor, revision } = outcome.images[0].version;
  return `${major}.${minor}.${revision}`;
}

/** A test upgrade to 2.0.0 that swapped in and ran once, then its primary copy_done byte reads 0x00 (BAD). */
function tornAfterTrial(strategy: UpdateStrategy) {
  const board = carveBoard('stm32f429zi', strategy);
  const config = configFor(board, strategy);
  const device = makeDevice(board, config, [factoryImage(board, config, { version: '1.0.0' })]);
  writeUpdate(device.ctx, 0, makeImage(board, config, { version: '2.0.0' }));
  setPending(device.ctx, 0, false);
  const trial = loader.boot(device.ctx);
  expect(running(trial)).toBe('2.0.0');
  const primary = board.partitions.images[0].primary;
  const layout = trailerLayout({ slotSize: primary.size, maxAlign: config.maxAlign, swapOffset: strategy === 'swap-offset' });
  // stm32f429zi programs single bytes and clears bits over programmed ones: 0x01 → 0x00, as a torn write leaves it.
  device.flash.program(primary.offset + layout.copyDone, Uint8Array.of(0));
  return device;
}

describe.each<UpdateStrategy>(['swap-scratch', 'swap-move', 'swap-offset'])('copy_done torn after a complete test swap, %s', (strategy) => {
  it('reverts the unconfirmed image at the next boot, then stays on the old one', () => {
    const device = tornAfterTrial(strategy);
    expect(running(loader.boot(device.ctx))).toBe('1.0.0');
    expect(running(loader.boot(device.ctx))).toBe('1.0.0');
  });

  it('keeps an image that confirmed itself before the next boot', () => {
    const device = tornAfterTrial(strategy);
    setConfirmed(device.ctx, 0, 'primary');
    expect(running(loader.boot(device.ctx))).toBe('2.0.0');
    expect(running(loader.boot(device.ctx))).toBe('2.0.0');
  });
});
