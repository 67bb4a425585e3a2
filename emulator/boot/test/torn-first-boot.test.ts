/**
 * Regressions found by the scenario-space suite under the full profile:
 * - direct-xip (mps2_an385): a cut tearing the copy_done write of a slot's first boot let the next boot validate the
 *   slot as already booted, skipping the install-time checks: an image signed by a revoked key ran. copy_done is
 *   now written after the slot validated, and a slot whose copy_done does not read set is validated as an install.
 * - overwrite-only with version downgrade prevention (nrf5340dk): a cut tearing the primary's header during the copy
 *   left a garbage version there; the next boot compared the update against it, refused it as a downgrade, erased
 *   it and halted. Only a primary that validates is now something to downgrade from.
 */
import { describe, expect, it } from 'vitest';
import { trailerLayout } from '../../../images/index.ts';
import { setPending, writeUpdate } from '../app.ts';
import { ReferenceBootloader } from '../reference.ts';
import type { BootOutcome, TrustPolicy } from '../types.ts';
import { carveBoard, configFor, factoryImage, makeDevice, makeImage, SIGNING, STRANGER } from './fixtures.ts';

const loader = new ReferenceBootloader();

function running(outcome: BootOutcome): string {
  if (outcome.kind !== 'handoff') return `halt: ${outcome.reason}`;
  const { major, minor, revision } = outcome.images[0].version;
  return `${major}.${minor}.${revision}`;
}

describe('direct-xip: a copy_done torn at a slot first boot', () => {
  const board = carveBoard('nrf52840dk', 'direct-xip');
  const config = configFor(board, 'direct-xip');
  const trust: TrustPolicy = {
    keys: [
      { name: 'root', key: SIGNING.publicKey },
      { name: 'second', key: STRANGER.publicKey, revoked: true },
    ],
    enforce: 'install',
  };

  /** 1.0.0 running; 2.0.0, signed by the revoked key, requested permanently; its copy_done then torn (0xf1: BAD). */
  function tornFirstBoot() {
    const device = makeDevice(board, config, [factoryImage(board, config, { version: '1.0.0' })], { trust });
    writeUpdate(device.ctx, 0, makeImage(board, config, { version: '2.0.0', key: STRANGER.privateKey }));
    setPending(device.ctx, 0, true);
    const secondary = board.partitions.images[0].secondary;
    const layout = trailerLayout({ slotSize: secondary.size, maxAlign: config.maxAlign });
    const unit = new Uint8Array(board.flash.writeUnit).fill(0xff);
    unit[0] = 0xf1;
    device.flash.program(secondary.offset + layout.copyDone, unit);
    return device;
  }

  it('validates the slot as an install: the revoked key is refused and the old image runs', () => {
    const device = tornFirstBoot();
    expect(running(loader.boot(device.ctx))).toBe('1.0.0');
    expect(running(loader.boot(device.ctx))).toBe('1.0.0');
  });

  it('writes copy_done only once the slot validated (a refused slot gets none)', () => {
    const device = makeDevice(board, config, [factoryImage(board, config, { version: '1.0.0' })], { trust });
    writeUpdate(device.ctx, 0, makeImage(board, config, { version: '2.0.0', key: STRANGER.privateKey }));
    setPending(device.ctx, 0, true);
    const before = device.flash.opCount;
    expect(running(loader.boot(device.ctx))).toBe('1.0.0');
    const secondary = board.partitions.images[0].secondary;
    const layout = trailerLayout({ slotSize: secondary.size, maxAlign: config.maxAlign });
    const programs = device.flash.journal.filter((op) => op.index >= before && op.kind === 'program');
    expect(programs.some((op) => op.offset === secondary.offset + layout.copyDone)).toBe(false);
  });
});

describe('overwrite-only with version downgrade prevention: a primary header torn during the copy', () => {
  const board = carveBoard('nrf52840dk', 'overwrite-only');
  const config = configFor(board, 'overwrite-only', { downgradePrevention: 'version' });

  it('installs the pending update instead of comparing it with the garbage version, and boots it', () => {
    const device = makeDevice(board, config, [factoryImage(board, config, { version: '1.0.0' })]);
    writeUpdate(device.ctx, 0, makeImage(board, config, { version: '2.0.0' }));
    setPending(device.ctx, 0, true);
    // The copy had erased the primary and written the first unit of the header when the power went: the magic and
    // a version of 255.255.65535 (what a part-written header can read as).
    const primary = board.partitions.images[0].primary;
    device.flash.erase(primary.offset);
    const header = new Uint8Array(32).fill(0xff);
    header.set([0x3d, 0xb8, 0xf3, 0x96], 0);
    device.flash.program(primary.offset, header);
    expect(running(loader.boot(device.ctx))).toBe('2.0.0');
  });
});
