// The oracle on its own: each check with the exact invariant and message it gives, against flash states built by
// hand (the suites and mutant bootloaders reach it only through whole scenarios).
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../boards/index.ts';
import type { Board } from '../boards/types.ts';
import { securityCounterId } from '../emulator/boot/index.ts';
import { NorFlash, sameContentKey } from '../emulator/flash/index.ts';
import { walkImage } from '../images/index.ts';
import { updateScenario } from './builders.ts';
import { boardConfig } from './context.ts';
import type { BootObservation, NonVolatileView, RunningImage } from './device.ts';
import { Fixtures } from './fixtures.ts';
import { factoryFiller, imageExtent, Oracle, untouchableRegions } from './oracle.ts';
import type { KnownImage, Scenario } from './scenario.ts';

const board = loadBoard('nrf52840dk');
const config = boardConfig(board, {});
const fixtures = new Fixtures(board, config, 1);
const ctx = { board, config, seed: 1, points: undefined, fixtures };
const slots = board.partitions.images[0];
const flashSize = board.flash.sectors.reduce((a, b) => a + b, 0);

/** Flash contents and counters, as a device shows them to the oracle. */
class View implements NonVolatileView {
  readonly bytes = new Uint8Array(flashSize).fill(board.flash.erasedValue);
  readonly counters = new Map<number, number>();
  read(offset: number, length: number): Uint8Array {
    return this.bytes.slice(offset, offset + length);
  }
  counter(id: number): number {
    return this.counters.get(id) ?? 0;
  }
  put(offset: number, bytes: Uint8Array): this {
    this.bytes.set(bytes, offset);
    return this;
  }
}

/** A view over the flash model that compares in place and names its contents, counting how often it looks at bytes. */
function flashView(flash: NorFlash): { view: NonVolatileView; looks: { read: number; matches: number } } {
  const looks = { read: 0, matches: 0 };
  const view: NonVolatileView = {
    read: (offset, length) => {
      looks.read++;
      return flash.peek(offset, length);
    },
    counter: (id) => flash.readCounter(id),
    matches: (offset, bytes) => {
      looks.matches++;
      return flash.matches(offset, bytes);
    },
    contentKey: (offset, length) => flash.contentKey(offset, length),
  };
  return { view, looks };
}

/** The board's flash with `bytes` loaded at `offset` (padded with erased bytes to whole write units). */
function loadPadded(flash: NorFlash, offset: number, bytes: Uint8Array): void {
  const unit = board.flash.writeUnit;
  const padded = new Uint8Array(Math.ceil(bytes.length / unit) * unit).fill(board.flash.erasedValue);
  padded.set(bytes);
  flash.load(offset, padded);
}

function scenario(changes: Partial<Scenario> = {}): Scenario {
  return { ...updateScenario(ctx, { id: 'oracle', title: 'oracle' }), ...changes };
}

/** An oracle that saw the factory state of `view`. */
function oracleOver(view: View, s: Scenario = scenario()): Oracle {
  const oracle = new Oracle(s, board);
  oracle.captureFactory(view);
  return oracle;
}

function handoff(...images: Partial<RunningImage>[]): BootObservation {
  return {
    kind: 'handoff',
    images: images.map((i) => ({ image: 0, slot: 'primary', offset: slots.primary.offset, version: '1.0.0', ...i })),
    log: [],
  };
}

const NONE = { confirmedCounters: [] };

describe('imageExtent', () => {
  it('ends at the last TLV area, leaving out a padded trailer', () => {
    const padded = fixtures.image({ version: '3.0.0', confirm: true });
    const walk = walkImage(padded);
    const area = walk.unprotectedArea ?? walk.protectedArea;
    expect(imageExtent(padded)).toBe(area!.offset + area!.total);
    expect(imageExtent(padded)).toBeLessThan(padded.length);
    expect(imageExtent(fixtures.pair.from)).toBe(fixtures.pair.from.length);
    // Cut short inside its TLVs, the image ends where its bytes end.
    expect(imageExtent(fixtures.pair.from.subarray(0, fixtures.pair.from.length - 8))).toBe(fixtures.pair.from.length - 8);
  });
});

describe('untouchableRegions', () => {
  const sectors = new Array(16).fill(0x1000);
  const region = (offset: number, size: number) => ({ offset, size });
  const layout = (images: { primary: { offset: number; size: number }; secondary: { offset: number; size: number } }[], scratch?: { offset: number; size: number }) =>
    ({ flash: { sectors }, partitions: { images, scratch } }) as unknown as Board;

  it('is everything outside the slots and scratch, whatever order they are listed in', () => {
    const board = layout([{ primary: region(0x8000, 0x1000), secondary: region(0x2000, 0x1000) }], region(0x3000, 0x1000));
    expect(untouchableRegions(board)).toEqual([region(0, 0x2000), region(0x4000, 0x4000), region(0x9000, 0x7000)]);
  });

  it('leaves out what the bootloader owns besides its slots (a counter log)', () => {
    const board = layout([{ primary: region(0x2000, 0x1000), secondary: region(0x4000, 0x1000) }]);
    expect(untouchableRegions(board, [region(0xe000, 0x1000)])).toEqual([region(0, 0x2000), region(0x3000, 0x1000), region(0x5000, 0x9000), region(0xf000, 0x1000)]);
  });

  it('needs no scratch area', () => {
    const board = layout([{ primary: region(0x2000, 0x1000), secondary: region(0x4000, 0x1000) }]);
    expect(untouchableRegions(board)).toEqual([region(0, 0x2000), region(0x3000, 0x1000), region(0x5000, 0xb000)]);
  });

  it('leaves nothing at the ends when the slots reach them, and a region inside another moves nothing back', () => {
    const board = layout([{ primary: region(0, 0x8000), secondary: region(0x8000, 0x8000) }], region(0x1000, 0x1000));
    expect(untouchableRegions(board)).toEqual([]);
    const gap = layout([{ primary: region(0x1000, 0x4000), secondary: region(0xa000, 0x6000) }], region(0x2000, 0x1000));
    expect(untouchableRegions(gap)).toEqual([region(0, 0x1000), region(0x5000, 0x5000)]);
  });

  it('holds the bootloader partition of a real board', () => {
    const regions = untouchableRegions(board);
    expect(regions[0]).toEqual({ offset: 0, size: slots.primary.offset });
    for (const r of regions) {
      for (const owned of [slots.primary, slots.secondary, board.partitions.scratch!]) {
        expect(r.offset + r.size <= owned.offset || owned.offset + owned.size <= r.offset).toBe(true);
      }
    }
  });
});

describe('factoryFiller', () => {
  it('fills a region reproducibly, differently for another seed or region', () => {
    const a = factoryFiller({ offset: 0x1000, size: 64 }, 1);
    expect(a.length).toBe(64);
    expect(factoryFiller({ offset: 0x1000, size: 64 }, 1)).toEqual(a);
    expect(factoryFiller({ offset: 0x1000, size: 64 }, 2)).not.toEqual(a);
    expect(factoryFiller({ offset: 0x2000, size: 64 }, 1)).not.toEqual(a);
  });
});

describe('identify', () => {
  it('names the image in a slot byte for byte, and nothing for a mix or an empty slot', () => {
    const view = new View();
    const oracle = oracleOver(view);
    expect(oracle.identify(view, slots.primary.offset, slots.primary.size)).toBeUndefined();
    view.put(slots.primary.offset, fixtures.pair.from);
    expect(oracle.identify(view, slots.primary.offset, slots.primary.size)?.name).toBe('old');
    view.put(slots.primary.offset, fixtures.pair.to);
    expect(oracle.identify(view, slots.primary.offset, slots.primary.size)?.name).toBe('new');
    view.put(slots.primary.offset + 0x1000, fixtures.pair.from.subarray(0x1000, 0x2000));
    expect(oracle.identify(view, slots.primary.offset, slots.primary.size)).toBeUndefined();
  });

  it('prefers the longer of two images where one is a prefix of the other', () => {
    const full = fixtures.pair.to;
    const images: KnownImage[] = [
      { name: 'short', bytes: full.subarray(0, 0x1000), trusted: false, securityCounter: 0 },
      { name: 'full', bytes: full, trusted: true, securityCounter: 2 },
    ];
    const view = new View().put(slots.primary.offset, full);
    expect(oracleOver(view, scenario({ images })).identify(view, slots.primary.offset, slots.primary.size)?.name).toBe('full');
    const reversed = scenario({ images: [...images].reverse() });
    expect(oracleOver(view, reversed).identify(view, slots.primary.offset, slots.primary.size)?.name).toBe('full');
    view.put(slots.primary.offset + 0x1000, new Uint8Array(16));
    expect(oracleOver(view, reversed).identify(view, slots.primary.offset, slots.primary.size)?.name).toBe('short');
  });

  it('only looks at the slot: an image longer than the slot never matches', () => {
    const view = new View().put(slots.primary.offset, fixtures.pair.from);
    const oracle = oracleOver(view);
    expect(oracle.identify(view, slots.primary.offset, fixtures.pair.from.length - 1)).toBeUndefined();
    expect(oracle.identify(view, slots.primary.offset, fixtures.pair.from.length)?.name).toBe('old');
  });

  it('over a flash that compares in place and names its contents, sees a changed byte and a restored slot', () => {
    const flash = new NorFlash(board.flash);
    loadPadded(flash, slots.primary.offset, fixtures.pair.from);
    const { view } = flashView(flash);
    const oracle = oracleOver(new View());
    const factory = flash.snapshot();
    expect(oracle.identify(view, slots.primary.offset, slots.primary.size)?.name).toBe('old');
    expect(oracle.identify(view, slots.primary.offset, slots.primary.size)?.name).toBe('old');
    // One bit of the payload cleared by a real program: the same slot, other bytes.
    const at = slots.primary.offset + 0x2000;
    const unit = flash.peek(at, 4);
    unit[0] &= unit[0] - 1;
    flash.program(at, unit);
    expect(oracle.identify(view, slots.primary.offset, slots.primary.size)).toBeUndefined();
    flash.restore(factory);
    expect(oracle.identify(view, slots.primary.offset, slots.primary.size)?.name).toBe('old');
  });

  it('over such a flash, compares a slot again only once its bytes changed, and tells slots apart', () => {
    const flash = new NorFlash(board.flash);
    loadPadded(flash, slots.primary.offset, fixtures.pair.from);
    loadPadded(flash, slots.secondary.offset, fixtures.pair.to);
    const { view, looks } = flashView(flash);
    const oracle = oracleOver(new View());
    const identify = (offset: number) => {
      looks.read = 0;
      looks.matches = 0;
      return oracle.identify(view, offset, slots.primary.size)?.name;
    };
    expect(identify(slots.primary.offset)).toBe('old');
    expect(looks.matches).toBeGreaterThan(0);
    expect(identify(slots.primary.offset)).toBe('old');
    expect(looks).toEqual({ read: 0, matches: 0 });
    expect(identify(slots.secondary.offset)).toBe('new');
    expect(looks.matches).toBeGreaterThan(0);
    expect([identify(slots.primary.offset), identify(slots.secondary.offset)]).toEqual(['old', 'new']);
    expect(looks).toEqual({ read: 0, matches: 0 });
    flash.erase(slots.secondary.offset);
    expect(identify(slots.secondary.offset)).toBeUndefined();
    expect(looks.matches).toBeGreaterThan(0);
    expect(identify(slots.primary.offset)).toBe('old');
    expect(looks).toEqual({ read: 0, matches: 0 });
  });

  it('over such a flash, remembers a slot by its offset too: the same sectors read from another offset are other bytes', () => {
    const flash = new NorFlash(board.flash);
    loadPadded(flash, slots.primary.offset, fixtures.pair.from);
    const { view } = flashView(flash);
    const oracle = oracleOver(new View());
    const shifted = slots.primary.offset + board.flash.writeUnit;
    const longest = Math.max(imageExtent(fixtures.pair.from), imageExtent(fixtures.pair.to));
    expect(sameContentKey(flash.contentKey(shifted, longest), flash.contentKey(slots.primary.offset, longest))).toBe(true);
    expect(oracle.identify(view, slots.primary.offset, slots.primary.size)?.name).toBe('old');
    expect(oracle.identify(view, shifted, slots.primary.size - board.flash.writeUnit)).toBeUndefined();
  });

  it('over views with and without content keys in turn, names the same slot the same', () => {
    const flash = new NorFlash(board.flash);
    loadPadded(flash, slots.primary.offset, fixtures.pair.from);
    const { view, looks } = flashView(flash);
    const plain: NonVolatileView = { read: (offset, length) => flash.peek(offset, length), counter: (id) => flash.readCounter(id) };
    const oracle = oracleOver(new View());
    expect(oracle.identify(view, slots.primary.offset, slots.primary.size)?.name).toBe('old');
    expect(oracle.identify(plain, slots.primary.offset, slots.primary.size)?.name).toBe('old');
    looks.matches = 0;
    expect(oracle.identify(view, slots.primary.offset, slots.primary.size)?.name).toBe('old');
    expect(looks.matches).toBe(0);
  });

  it('knows the images of its scenario by name', () => {
    const oracle = oracleOver(new View());
    expect(oracle.known('new').bytes).toBe(fixtures.pair.to);
    expect(() => oracle.known('other')).toThrow("scenario oracle names an image 'other' it does not define");
  });
});

describe('checkBoot', () => {
  it('a bootloader crash is a broken flash rule when it names one, else a brick', () => {
    const oracle = oracleOver(new View());
    expect(oracle.checkBoot(new View(), { kind: 'crash', error: 'boom', rule: 'program-once' }, NONE, 'boot 2')).toEqual({
      violations: [{ invariant: 'flash-discipline', message: 'boot 2: boom' }],
      names: [],
    });
    expect(oracle.checkBoot(new View(), { kind: 'crash', error: 'boom' }, NONE, 'boot 3').violations).toEqual([
      { invariant: 'no-brick', message: 'boot 3: boom' },
    ]);
  });

  it('passes the old and the new image, and names them', () => {
    const view = new View().put(slots.primary.offset, fixtures.pair.to).put(slots.secondary.offset, fixtures.pair.from);
    const oracle = oracleOver(view);
    expect(oracle.checkBoot(view, handoff({}), NONE, 'boot 1')).toEqual({ violations: [], names: ['new'] });
    const secondary = handoff({ slot: 'secondary', offset: slots.secondary.offset });
    expect(oracle.checkBoot(view, secondary, NONE, 'boot 1')).toEqual({ violations: [], names: ['old'] });
  });

  it('a halt is judged for collateral damage only', () => {
    const view = new View();
    const oracle = oracleOver(view);
    expect(oracle.checkBoot(view, { kind: 'halt', reason: 'no image', log: [] }, NONE, 'boot 1')).toEqual({ violations: [], names: [] });
  });

  it('an image index the board does not have is unsafe', () => {
    const view = new View().put(slots.primary.offset, fixtures.pair.from);
    expect(oracleOver(view).checkBoot(view, handoff({ image: 1 }), NONE, 'boot 1')).toEqual({
      violations: [{ invariant: 'safety', message: 'boot 1: hand-off names image 1, which the board does not have' }],
      names: [undefined],
    });
  });

  it('bytes that match no known image break exactness, and safety too when they are not a valid image', () => {
    const view = new View().put(slots.primary.offset, fixtures.pair.from);
    const oracle = oracleOver(view);
    const where = `image 0 primary slot (0x${slots.primary.offset.toString(16)})`;
    view.put(slots.primary.offset + 0x800, new Uint8Array(4));
    const { violations, names } = oracle.checkBoot(view, handoff({}), NONE, 'boot 4');
    expect(names).toEqual([undefined]);
    expect(violations).toHaveLength(2);
    expect(violations[0]).toEqual({ invariant: 'exactness', message: `boot 4: ${where} matches none of old, new byte for byte` });
    expect(violations[1].invariant).toBe('safety');
    expect(violations[1].message).toMatch(new RegExp(`^boot 4: ${where.replace(/[()]/g, '\\$&')} ran an invalid image: SHA256 TLV does not match the image digest$`));
    // A valid image signed by the trusted key that the scenario does not know: exact it is not, unsafe it is not.
    const third = fixtures.image({ version: '7.0.0', securityCounter: 7 });
    view.put(slots.primary.offset, third);
    expect(oracle.checkBoot(view, handoff({}), NONE, 'boot 5').violations).toEqual([
      { invariant: 'exactness', message: `boot 5: ${where} matches none of old, new byte for byte` },
    ]);
  });

  it('an unknown image with a good hash is unsafe when no trusted, unrevoked key signed it', () => {
    const where = `image 0 primary slot (0x${slots.primary.offset.toString(16)})`;
    const foreign = fixtures.image({ version: '7.0.0', securityCounter: 7, key: fixtures.key('attacker').privateKey });
    const view = new View().put(slots.primary.offset, foreign);
    const [, unsafe] = oracleOver(view).checkBoot(view, handoff({}), NONE, 'boot 2').violations;
    expect(unsafe.invariant).toBe('safety');
    expect(unsafe.message.startsWith(`boot 2: ${where} ran an invalid image: `)).toBe(true);
    // Signed by the root key, but the root key is revoked: as unsafe.
    const signedByRoot = fixtures.image({ version: '7.0.0', securityCounter: 7 });
    const revoked = scenario({ trust: { ...fixtures.trust(), keys: [{ name: 'root', key: fixtures.pair.trustKey, revoked: true }] } });
    view.put(slots.primary.offset, signedByRoot);
    const violations = oracleOver(view, revoked).checkBoot(view, handoff({}), NONE, 'boot 3').violations;
    expect(violations.map((v) => v.invariant)).toEqual(['exactness', 'safety']);
  });

  it('under a policy with no keys (hash-only), an unknown image with a good hash is not unsafe', () => {
    const view = new View().put(slots.primary.offset, fixtures.image({ version: '7.0.0', key: fixtures.key('attacker').privateKey }));
    const hashOnly = scenario({ trust: { ...fixtures.trust(), keys: [] } });
    expect(oracleOver(view, hashOnly).checkBoot(view, handoff({}), NONE, 'boot 1').violations.map((v) => v.invariant)).toEqual(['exactness']);
  });

  it('an oracle over a scenario without images knows no slot contents', () => {
    const view = new View().put(slots.primary.offset, fixtures.pair.from);
    expect(oracleOver(view, scenario({ images: [] })).identify(view, slots.primary.offset, slots.primary.size)).toBeUndefined();
  });

  it('a known image that is not valid under the trust policy is unsafe', () => {
    const s = scenario();
    const images = s.images.map((i) => (i.name === 'new' ? { ...i, trusted: false } : i));
    const view = new View().put(slots.primary.offset, fixtures.pair.to);
    expect(oracleOver(view, { ...s, images }).checkBoot(view, handoff({}), NONE, 'boot 2').violations).toEqual([
      {
        invariant: 'safety',
        message: `boot 2: image 0 primary slot (0x${slots.primary.offset.toString(16)}) ran 'new', which is not valid under the trust policy`,
      },
    ]);
  });

  describe('with hardware rollback counters', () => {
    const s = scenario({ config: { ...config, hardwareRollback: true, downgradePrevention: 'security-counter' } });
    const id = securityCounterId(0);

    it('passes an image at or above the counter while the counter stays within confirmed images', () => {
      const view = new View().put(slots.primary.offset, fixtures.pair.from);
      view.counters.set(id, 1);
      expect(oracleOver(view, s).checkBoot(view, handoff({}), { confirmedCounters: [1] }, 'boot 1').violations).toEqual([]);
    });

    it('an older image running after the counter advanced is a rollback', () => {
      const view = new View().put(slots.primary.offset, fixtures.pair.from);
      view.counters.set(id, 2);
      expect(oracleOver(view, s).checkBoot(view, handoff({}), { confirmedCounters: [2] }, 'boot 3').violations).toEqual([
        { invariant: 'no-rollback', message: "boot 3: 'old' (security counter 1) ran after the hardware counter reached 2" },
      ]);
    });

    it('a counter past the highest confirmed image is a rollback of the future', () => {
      const view = new View().put(slots.primary.offset, fixtures.pair.to);
      view.counters.set(id, 2);
      expect(oracleOver(view, s).checkBoot(view, handoff({}), { confirmedCounters: [1] }, 'boot 2').violations).toEqual([
        { invariant: 'no-rollback', message: 'boot 2: the hardware counter of image 0 is 2, past 1, the highest of any confirmed image' },
      ]);
      expect(oracleOver(view, s).checkBoot(view, handoff({}), NONE, 'boot 2').violations[0].message).toContain('past 0');
    });

    it('counters are not judged when the configuration has none', () => {
      const view = new View().put(slots.primary.offset, fixtures.pair.from);
      view.counters.set(id, 5);
      expect(oracleOver(view).checkBoot(view, handoff({}), NONE, 'boot 1').violations).toEqual([]);
    });
  });

  it('any change outside the slots and scratch is collateral damage, named at its first byte', () => {
    const view = new View();
    const regions = untouchableRegions(board);
    for (const r of regions) view.put(r.offset, factoryFiller(r, 1));
    const oracle = oracleOver(view);
    expect(oracle.checkBoot(view, { kind: 'halt', reason: 'x', log: [] }, NONE, 'boot 1').violations).toEqual([]);
    const last = regions[regions.length - 1];
    view.bytes[regions[0].offset + 0x123] ^= 0xff;
    view.bytes[last.offset + last.size - 1] ^= 0x01;
    expect(oracle.checkBoot(view, { kind: 'halt', reason: 'x', log: [] }, NONE, 'boot 6').violations).toEqual([
      { invariant: 'no-collateral', message: `boot 6: flash outside the slots and scratch changed at 0x${(regions[0].offset + 0x123).toString(16)}` },
      { invariant: 'no-collateral', message: `boot 6: flash outside the slots and scratch changed at 0x${(last.offset + last.size - 1).toString(16)}` },
    ]);
    view.put(slots.primary.offset, fixtures.pair.from);
    expect(oracle.checkBoot(view, handoff({}), NONE, 'boot 7').violations.map((v) => v.invariant)).toEqual(['no-collateral', 'no-collateral']);
    // The same changes in flash the bootloader owns are its own business.
    const owning = new Oracle(scenario(), board, [regions[0], last]);
    owning.captureFactory(view);
    view.bytes[regions[0].offset + 0x10] ^= 0xff;
    view.bytes[last.offset] ^= 0xff;
    expect(owning.checkBoot(view, handoff({}), NONE, 'boot 8').violations).toEqual([]);
  });

  it('over a flash that compares in place, reads an untouched region only to name where it changed', () => {
    const flash = new NorFlash(board.flash);
    const regions = untouchableRegions(board);
    for (const r of regions) loadPadded(flash, r.offset, factoryFiller(r, 1));
    const { view, looks } = flashView(flash);
    const oracle = new Oracle(scenario(), board);
    oracle.captureFactory(view);
    looks.read = 0;
    const halt: BootObservation = { kind: 'halt', reason: 'x', log: [] };
    expect(oracle.checkBoot(view, halt, NONE, 'boot 1').violations).toEqual([]);
    expect(looks).toEqual({ read: 0, matches: regions.length });
    const at = regions[0].offset + 0x40;
    flash.program(at, new Uint8Array(board.flash.writeUnit).fill(0x00));
    expect(oracle.checkBoot(view, halt, NONE, 'boot 2').violations).toEqual([
      { invariant: 'no-collateral', message: `boot 2: flash outside the slots and scratch changed at 0x${at.toString(16)}` },
    ]);
    expect(looks.read).toBe(1);
  });
});

describe('scenario images', () => {
  it('are trusted only under a key that is not revoked, never hash-only because every key is', () => {
    const image = fixtures.image({ version: '7.0.0', securityCounter: 7 });
    expect(fixtures.known('x', image, fixtures.trust()).trusted).toBe(true);
    const revoked = { ...fixtures.trust(), keys: [{ name: 'root', key: fixtures.pair.trustKey, revoked: true }] };
    expect(fixtures.known('x', image, revoked)).toMatchObject({ trusted: false });
  });
});
