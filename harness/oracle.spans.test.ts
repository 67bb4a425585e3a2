// The oracle names the image in a slot by comparing flash in place, and only in the sectors written since it last
// saw them hold that image: these tests pin what it compares, and that a changed byte there is always seen.
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../boards/index.ts';
import { NorFlash } from '../emulator/flash/index.ts';
import { updateScenario } from './builders.ts';
import { boardConfig } from './context.ts';
import type { NonVolatileView } from './device.ts';
import { Fixtures } from './fixtures.ts';
import { factoryFiller, Oracle, untouchableRegions } from './oracle.ts';

const board = loadBoard('nrf52840dk');
const config = boardConfig(board, {});
const fixtures = new Fixtures(board, config, 1);
const slot = board.partitions.images[0].primary;
const sector = board.flash.sectors[0];

/**
 * The old image in the primary slot of a real flash model, and a view that counts the bytes compared. `old` is the
 * old image's file, which may run past its TLVs (padded).
 */
function setUp(old = fixtures.pair.from) {
  const flash = new NorFlash(board.flash);
  const padded = new Uint8Array(Math.ceil(old.length / 4) * 4).fill(0xff);
  padded.set(old);
  flash.load(slot.offset, padded);
  let compared = 0;
  const view: NonVolatileView = {
    read: (offset, length) => flash.peek(offset, length),
    counter: (id) => flash.readCounter(id),
    matches: (offset, bytes) => {
      compared += bytes.length;
      return flash.matches(offset, bytes);
    },
    contentKey: (offset, length) => flash.contentKey(offset, length),
    contentSpans: (offset, length) => flash.contentSpans(offset, length),
  };
  const oracle = new Oracle(updateScenario({ board, config, seed: 1, points: undefined, fixtures }, { id: 'spans', title: 'spans', from: old }), board);
  return { flash, view, oracle, compared: () => compared };
}

/** Erases the sector at `offset` and programs back what it held, `change` applied first: another handle. */
function rewrite(flash: NorFlash, offset: number, change: (bytes: Uint8Array) => void = () => {}): void {
  const bytes = flash.peek(offset, sector);
  change(bytes);
  flash.erase(offset);
  flash.program(offset, bytes);
}

describe('Oracle.identify over content spans', () => {
  it('after one sector of the slot is written again with the same bytes, compares that sector alone', () => {
    const { flash, view, oracle, compared } = setUp();
    expect(oracle.identify(view, slot.offset, slot.size)?.name).toBe('old');
    rewrite(flash, slot.offset + 2 * sector);
    const before = compared();
    expect(oracle.identify(view, slot.offset, slot.size)?.name).toBe('old');
    // The new image, compared first (the longer one), differs in the first sector; the old one only in the rewritten one.
    expect(compared() - before).toBeLessThanOrEqual(2 * sector);
  });

  it('sees one changed bit in a sector written again, and the image once that sector is restored', () => {
    const { flash, view, oracle } = setUp();
    const factory = flash.snapshot();
    expect(oracle.identify(view, slot.offset, slot.size)?.name).toBe('old');
    rewrite(flash, slot.offset + sector, (bytes) => {
      bytes[100] &= bytes[100] - 1;
    });
    expect(oracle.identify(view, slot.offset, slot.size)).toBeUndefined();
    flash.restore(factory);
    expect(oracle.identify(view, slot.offset, slot.size)?.name).toBe('old');
  });

  it('names the new image once a slot that held the old one is written with it', () => {
    const { flash, view, oracle } = setUp();
    expect(oracle.identify(view, slot.offset, slot.size)?.name).toBe('old');
    const padded = new Uint8Array(Math.ceil(fixtures.pair.to.length / sector) * sector).fill(0xff);
    padded.set(fixtures.pair.to);
    for (let at = 0; at < padded.length; at += sector) {
      flash.erase(slot.offset + at);
      flash.program(slot.offset + at, padded.subarray(at, at + sector));
    }
    expect(oracle.identify(view, slot.offset, slot.size)?.name).toBe('new');
  });

  it('names an image whose file runs past its TLVs (padded) by its bytes up to its end, again after a rewrite', () => {
    const padded = new Uint8Array(fixtures.pair.from.length + 100).fill(0xa5);
    padded.set(fixtures.pair.from);
    const { flash, view, oracle } = setUp(padded);
    expect(oracle.identify(view, slot.offset, slot.size)?.name).toBe('old');
    rewrite(flash, slot.offset);
    expect(oracle.identify(view, slot.offset, slot.size)?.name).toBe('old');
  });
});

describe('Oracle collateral check over content spans', () => {
  it('compares the untouched regions once, then only a sector written since, and always sees a changed byte there', () => {
    const { flash, view, oracle, compared } = setUp();
    const regions = untouchableRegions(board);
    for (const r of regions) flash.load(r.offset, factoryFiller(r, 1));
    oracle.captureFactory(view);
    const halt = { kind: 'halt', reason: 'x', log: [] } as const;
    const total = regions.reduce((sum, r) => sum + r.size, 0);
    let before = compared();
    expect(oracle.checkBoot(view, halt, { confirmedCounters: [] }, 'boot 1').violations).toEqual([]);
    expect(compared() - before).toBe(total);
    before = compared();
    expect(oracle.checkBoot(view, halt, { confirmedCounters: [] }, 'boot 2').violations).toEqual([]);
    expect(compared() - before).toBe(0);
    // Written again with the same bytes: that sector alone is compared, and it still holds them.
    const last = regions[regions.length - 1];
    rewrite(flash, last.offset + last.size - sector);
    before = compared();
    expect(oracle.checkBoot(view, halt, { confirmedCounters: [] }, 'boot 3').violations).toEqual([]);
    expect(compared() - before).toBe(sector);
    const factory = flash.snapshot();
    const at = regions[0].offset + sector + 0x21;
    rewrite(flash, regions[0].offset + sector, (bytes) => {
      bytes[0x21] &= bytes[0x21] - 1;
    });
    const changed = [{ invariant: 'no-collateral', message: `boot 4: flash outside the slots and scratch changed at 0x${at.toString(16)}` }];
    expect(oracle.checkBoot(view, halt, { confirmedCounters: [] }, 'boot 4').violations).toEqual(changed);
    expect(oracle.checkBoot(view, halt, { confirmedCounters: [] }, 'boot 4').violations).toEqual(changed);
    flash.restore(factory);
    expect(oracle.checkBoot(view, halt, { confirmedCounters: [] }, 'boot 5').violations).toEqual([]);
  });
});
