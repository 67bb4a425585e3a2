/**
 * Rollback protection: the hardware security counter moves only once the new image is confirmed (never during a
 * test boot, mcu-tools/mcuboot PR #2282), an image below the counter never runs, and downgrade prevention by
 * security counter refuses an update whose counter is lower than the running image's.
 */
import { describe, expect, it } from 'vitest';
import { setConfirmed, setPending, writeUpdate } from '../app.ts';
import { securityCounterId } from '../clock.ts';
import { ReferenceBootloader } from '../reference.ts';
import type { BootOutcome, ImageConfig, UpdateStrategy } from '../types.ts';
import { carveBoard, configFor, factoryImage, makeDevice, makeImage, STRATEGIES } from './fixtures.ts';

const loader = new ReferenceBootloader();

function device(strategy: UpdateStrategy, overrides: Partial<ImageConfig>) {
  const board = carveBoard('nucleo_l552ze_q', strategy);
  const config = configFor(board, strategy, overrides);
  const dev = makeDevice(board, config, [factoryImage(board, config, { version: '1.0.0', securityCounter: 1 })]);
  const update = (version: string, securityCounter: number, permanent = false) => {
    writeUpdate(dev.ctx, 0, makeImage(board, config, { version, securityCounter }));
    setPending(dev.ctx, 0, permanent);
  };
  return { ...dev, update, counter: () => dev.flash.readCounter(securityCounterId(0)) };
}

const major = (outcome: BootOutcome): number | string =>
  outcome.kind === 'handoff' ? outcome.version.major : `halt: ${outcome.reason}`;

describe.each(STRATEGIES.filter((s) => s !== 'overwrite-only'))('hardware rollback counter, %s', (strategy) => {
  it('does not move on a test boot, so the revert still boots; moves once the new image is confirmed', () => {
    const d = device(strategy, { hardwareRollback: true });
    expect(major(loader.boot(d.ctx))).toBe(1);
    expect(d.counter()).toBe(1);
    d.update('2.0.0', 2);
    const trial = loader.boot(d.ctx);
    expect(major(trial)).toBe(2);
    expect(d.counter()).toBe(1);
    expect(major(loader.boot(d.ctx))).toBe(1);
    expect(d.counter()).toBe(1);

    d.update('2.0.0', 2);
    const again = loader.boot(d.ctx);
    if (again.kind === 'handoff') setConfirmed(d.ctx, 0, again.slot);
    expect(major(loader.boot(d.ctx))).toBe(2);
    expect(d.counter()).toBe(2);
  });

  it('never runs an image whose security counter is below the hardware counter', () => {
    const d = device(strategy, { hardwareRollback: true });
    loader.boot(d.ctx);
    d.update('2.0.0', 5, true);
    expect(major(loader.boot(d.ctx))).toBe(2);
    const settled = loader.boot(d.ctx);
    if (settled.kind === 'handoff') setConfirmed(d.ctx, 0, settled.slot);
    loader.boot(d.ctx);
    expect(d.counter()).toBe(5);
    d.update('3.0.0', 4, true);
    expect(major(loader.boot(d.ctx))).toBe(2);
  });
});

describe('downgrade prevention by security counter', () => {
  it('refuses an update whose counter is lower than the running image, accepts an equal or higher one', () => {
    const d = device('swap-scratch', { downgradePrevention: 'security-counter' });
    loader.boot(d.ctx);
    d.update('0.9.0', 0, true);
    expect(major(loader.boot(d.ctx))).toBe(1);
    d.update('0.9.1', 1, true);
    expect(major(loader.boot(d.ctx))).toBe(0);
  });
});
