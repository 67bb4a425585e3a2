/** Each mutant is caught by the test that targets its bug class, while the reference passes the same test. */
import { describe, expect, it } from 'vitest';
import { setConfirmed, setPending, writeUpdate } from '../app.ts';
import { RtcClock } from '../clock.ts';
import { ReferenceBootloader } from '../reference.ts';
import type { Bootloader, BootOutcome } from '../types.ts';
import { carveBoard, configFor, factoryImage, makeDevice, makeImage, SIGNING, STRANGER } from './fixtures.ts';
import { CounterOnTestBoot, ExpiryAtEveryBoot, InstallsUnverified, SkipsStatusRecords } from './mutants.ts';
import { failures, sweepCuts, upgradeSweep } from './sweep.ts';

const reference = new ReferenceBootloader();
const major = (outcome: BootOutcome): number | string =>
  outcome.kind === 'handoff' ? outcome.version.major : 'halt';

describe('mutants', () => {
  it('a skipped status write survives a clean update but is caught by the power-cut sweep', () => {
    const mutant = new SkipsStatusRecords();
    const clean = upgradeSweep('nrf52840dk', 'swap-scratch');
    expect(major(mutant.boot(clean.device.ctx))).toBe(2);
    expect(failures(sweepCuts(upgradeSweep('nrf52840dk', 'swap-scratch'), mutant)).length).toBeGreaterThan(0);
    expect(failures(sweepCuts(upgradeSweep('nrf52840dk', 'swap-move'), mutant)).length).toBeGreaterThan(0);
  });

  const counterScenario = (loader: Bootloader) => {
    const board = carveBoard('nrf52840dk', 'swap-move');
    const config = configFor(board, 'swap-move', { hardwareRollback: true });
    const device = makeDevice(board, config, [factoryImage(board, config, { version: '1.0.0', securityCounter: 1 })]);
    loader.boot(device.ctx);
    writeUpdate(device.ctx, 0, makeImage(board, config, { version: '2.0.0', securityCounter: 2 }));
    setPending(device.ctx, 0, false);
    const trial = major(loader.boot(device.ctx));
    return [trial, major(loader.boot(device.ctx))];
  };

  it('a counter raised on the test boot makes the old image unbootable: the unconfirmed image is never reverted', () => {
    expect(counterScenario(reference)).toEqual([2, 1]);
    expect(counterScenario(new CounterOnTestBoot())).toEqual([2, 2]);
  });

  const expiryScenario = (loader: Bootloader) => {
    const board = carveBoard('stm32f429zi', 'swap-scratch');
    const config = configFor(board, 'swap-scratch');
    const clock = new RtcClock(1_000);
    const trust = { keys: [{ name: 'short-lived', key: SIGNING.publicKey, notAfter: 2_000 }], enforce: 'install' as const };
    const device = makeDevice(board, config, [factoryImage(board, config, { version: '1.0.0' })], { trust, clock });
    const before = major(loader.boot(device.ctx));
    clock.jump(10_000);
    return [before, major(loader.boot(device.ctx))];
  };

  it('expiry checked at every boot bricks the device once the clock passes the key', () => {
    expect(expiryScenario(reference)).toEqual([1, 1]);
    expect(expiryScenario(new ExpiryAtEveryBoot())).toEqual([1, 'halt']);
  });

  const unsignedScenario = (loader: Bootloader) => {
    const board = carveBoard('nucleo_l552ze_q', 'overwrite-only');
    const config = configFor(board, 'overwrite-only');
    const device = makeDevice(board, config, [factoryImage(board, config, { version: '1.0.0' })]);
    loader.boot(device.ctx);
    writeUpdate(device.ctx, 0, makeImage(board, config, { version: '2.0.0', key: STRANGER.privateKey }));
    setPending(device.ctx, 0, true);
    const outcome = loader.boot(device.ctx);
    if (outcome.kind === 'handoff') setConfirmed(device.ctx, 0);
    return outcome;
  };

  it('an unverified install is refused by the reference; the mutant cannot even boot what it installed', () => {
    expect(major(unsignedScenario(reference))).toBe(1);
    const outcome = unsignedScenario(new InstallsUnverified());
    expect(outcome.kind).toBe('halt');
  });
});
