/**
 * The trust policy (FAULTS §3, F-25, F-40, F-41, F-43): expiry and revocation govern installing; an installed
 * image boots whatever the clock says, unless the naive `every-boot` policy is chosen, which bricks the device
 * when its clock is reset or jumps (the time bomb the harness demonstrates).
 */
import { describe, expect, it } from 'vitest';
import { PowerCut } from '../../flash/errors.ts';
import { setPending, writeUpdate } from '../app.ts';
import { NoClock, RtcClock, TIME_FLOOR_COUNTER, TrustedClock } from '../clock.ts';
import { ReferenceBootloader } from '../reference.ts';
import type { BootOutcome, DeviceClock, TrustedKey, TrustPolicy } from '../types.ts';
import { carveBoard, configFor, factoryImage, makeDevice, makeImage, SIGNING } from './fixtures.ts';

const loader = new ReferenceBootloader();
const YEAR = 365 * 24 * 3600;
const T0 = 1_800_000_000;
const windowed: TrustedKey = { name: 'windowed', key: SIGNING.publicKey, notBefore: T0 - YEAR, notAfter: T0 + YEAR };

function device(options: { key?: TrustedKey; enforce?: TrustPolicy['enforce']; clock?: DeviceClock } = {}) {
  const board = carveBoard('nrf52840dk', 'swap-scratch');
  const config = configFor(board, 'swap-scratch');
  const trust: TrustPolicy = { keys: [options.key ?? windowed], enforce: options.enforce ?? 'install' };
  const dev = makeDevice(board, config, [factoryImage(board, config, { version: '1.0.0' })], {
    trust,
    clock: options.clock ?? new NoClock(),
  });
  const update = (version: string) => {
    writeUpdate(dev.ctx, 0, makeImage(board, config, { version }));
    setPending(dev.ctx, 0, true);
  };
  return { ...dev, update };
}

const major = (outcome: BootOutcome): number | string =>
  outcome.kind === 'handoff' ? outcome.version.major : `halt: ${outcome.reason}`;

describe('trust policy: enforce at install (the default)', () => {
  it('installs under a key inside its window by trusted time, and persists that time as the floor', () => {
    const d = device({ clock: new TrustedClock(T0) });
    d.update('2.0.0');
    expect(major(loader.boot(d.ctx))).toBe(2);
    expect(d.flash.readCounter(TIME_FLOOR_COUNTER)).toBe(T0);
  });

  it('refuses to install under a key that expired by trusted time', () => {
    const d = device({ clock: new TrustedClock(T0 + 2 * YEAR) });
    d.update('2.0.0');
    const outcome = loader.boot(d.ctx);
    expect(major(outcome)).toBe(1);
    expect(outcome.log.join('\n')).toMatch(/expired/);
  });

  it('refuses to install under a revoked key, whatever the clock', () => {
    const d = device({ key: { ...windowed, revoked: true } });
    d.update('2.0.0');
    expect(major(loader.boot(d.ctx))).toBe(1);
  });

  it('does not judge expiry by an unauthenticated RTC or without a clock (freshness unknown)', () => {
    for (const clock of [new NoClock(), new RtcClock(T0 + 50 * YEAR), new RtcClock(0)]) {
      const d = device({ clock });
      d.update('2.0.0');
      const outcome = loader.boot(d.ctx);
      expect(major(outcome)).toBe(2);
      expect(outcome.log.join('\n')).toMatch(/no trusted time/);
    }
  });

  it('never lets the time floor go backwards: a clock set back cannot revive an expired key', () => {
    const clock = new TrustedClock(T0 + 2 * YEAR);
    const d = device({ key: { name: 'open', key: SIGNING.publicKey }, clock });
    d.update('2.0.0');
    expect(major(loader.boot(d.ctx))).toBe(2);
    const floor = d.flash.readCounter(TIME_FLOOR_COUNTER);
    expect(floor).toBe(T0 + 2 * YEAR);
    const expiring = { ...d.ctx, trust: { keys: [windowed], enforce: 'install' as const } };
    clock.set(T0);
    d.update('3.0.0');
    expect(major(loader.boot(expiring))).toBe(2);
    expect(d.flash.readCounter(TIME_FLOOR_COUNTER)).toBe(floor);
  });

  it('keeps booting the installed image when the clock is reset to the epoch or jumps 50 years ahead (I-7)', () => {
    const clock = new RtcClock(T0);
    const d = device({ clock });
    for (const now of [0, T0 + 50 * YEAR, T0 - 10 * YEAR]) {
      clock.set(now);
      expect(major(loader.boot(d.ctx))).toBe(1);
    }
    clock.powerLoss();
    expect(major(loader.boot(d.ctx))).toBe(1);
  });
});

describe('trust policy: enforce at every boot (the time bomb)', () => {
  it('bricks the device once the key has expired by its clock', () => {
    const clock = new RtcClock(T0);
    const d = device({ enforce: 'every-boot', clock });
    expect(major(loader.boot(d.ctx))).toBe(1);
    clock.jump(2 * YEAR);
    const outcome = loader.boot(d.ctx);
    expect(outcome.kind).toBe('halt');
    expect(major(outcome)).toMatch(/expired/);
  });

  it('bricks the device when an RTC without battery restarts at the epoch', () => {
    const clock = new RtcClock(T0);
    const d = device({ enforce: 'every-boot', clock });
    expect(major(loader.boot(d.ctx))).toBe(1);
    clock.powerLoss();
    expect(major(loader.boot(d.ctx))).toMatch(/not valid before/);
  });
});

describe('an install that already started', () => {
  it('is finished after a power cut even if the key expired meanwhile (overwrite-only keeps no progress record)', () => {
    const board = carveBoard('nucleo_l552ze_q', 'overwrite-only');
    const config = configFor(board, 'overwrite-only');
    const clock = new TrustedClock(T0);
    const dev = makeDevice(board, config, [factoryImage(board, config, { version: '1.0.0' })], {
      trust: { keys: [windowed], enforce: 'install' },
      clock,
    });
    writeUpdate(dev.ctx, 0, makeImage(board, config, { version: '2.0.0' }));
    setPending(dev.ctx, 0, true);
    const start = dev.flash.opCount;
    // Cut at the second erase of the primary: the old image is gone, the new one not yet copied.
    dev.flash.armPowerCut({ atOp: start + 2, outcome: 'not-started', seed: 1 });
    expect(() => loader.boot(dev.ctx)).toThrow(PowerCut);
    dev.flash.disarmPowerCut();
    clock.set(T0 + 2 * YEAR);
    expect(major(loader.boot(dev.ctx))).toBe(2);
  });
});
