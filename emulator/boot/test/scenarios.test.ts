import { describe, expect, it } from 'vitest';
import { builtinBoardNames, loadBoard } from '../../../boards/index.ts';
import { readSwapState, setConfirmed, setPending, writeUpdate } from '../app.ts';
import { ReferenceBootloader } from '../reference.ts';
import type { BootOutcome, ImageConfig, UpdateStrategy } from '../types.ts';
import {
  boardsFor,
  carveBoard,
  configFor,
  factoryImage,
  makeDevice,
  makeImage,
  STRANGER,
  STRATEGIES,
  type TestDevice,
} from './fixtures.ts';

const loader = new ReferenceBootloader();

function running(outcome: BootOutcome, image = 0): string {
  if (outcome.kind !== 'handoff') throw new Error(`expected a hand-off, got halt: ${outcome.reason}`);
  const { major, minor, revision } = outcome.images[image].version;
  return `${major}.${minor}.${revision}`;
}

function setup(boardName: string, strategy: UpdateStrategy, overrides: Partial<ImageConfig> = {}, first = '1.0.0') {
  const board = carveBoard(boardName, strategy);
  const config = configFor(board, strategy, overrides);
  const device = makeDevice(board, config, [factoryImage(board, config, { version: first })]);
  return { board, config, device };
}

/** Downloads `bytes` into the update slot and requests it, as the application would. */
function requestUpdate(device: TestDevice, bytes: Uint8Array, permanent: boolean, image = 0): void {
  writeUpdate(device.ctx, image, bytes);
  setPending(device.ctx, image, permanent);
}

function confirm(device: TestDevice, outcome: BootOutcome): void {
  if (outcome.kind === 'handoff') for (const b of outcome.images) setConfirmed(device.ctx, b.image, b.slot);
}

describe.each(STRATEGIES)('%s', (strategy) => {
  const revertible = strategy !== 'overwrite-only';

  describe.each(boardsFor(strategy))('on %s', (boardName) => {
    it('upgrades in test mode, and keeps the new image once the application confirms it', () => {
      const { board, config, device } = setup(boardName, strategy);
      expect(running(loader.boot(device.ctx))).toBe('1.0.0');
      requestUpdate(device, makeImage(board, config, { version: '2.0.0' }), false);
      const first = loader.boot(device.ctx);
      expect(running(first)).toBe('2.0.0');
      confirm(device, first);
      expect(running(loader.boot(device.ctx))).toBe('2.0.0');
      expect(running(loader.boot(device.ctx))).toBe('2.0.0');
      if (strategy !== 'direct-xip') expect(readSwapState(device.ctx, 0).nextSwap).toBe('none');
    });

    it(`${revertible ? 'reverts' : 'cannot revert'} a test upgrade that was never confirmed`, () => {
      const { board, config, device } = setup(boardName, strategy);
      loader.boot(device.ctx);
      requestUpdate(device, makeImage(board, config, { version: '2.0.0' }), false);
      expect(running(loader.boot(device.ctx))).toBe('2.0.0');
      const expected = revertible ? '1.0.0' : '2.0.0';
      expect(running(loader.boot(device.ctx))).toBe(expected);
      expect(running(loader.boot(device.ctx))).toBe(expected);
    });

    it('keeps a permanent upgrade without confirmation', () => {
      const { board, config, device } = setup(boardName, strategy);
      loader.boot(device.ctx);
      requestUpdate(device, makeImage(board, config, { version: '2.0.0' }), true);
      expect(running(loader.boot(device.ctx))).toBe('2.0.0');
      expect(running(loader.boot(device.ctx))).toBe('2.0.0');
    });

    it('refuses an update signed by an untrusted key and leaves the primary untouched', () => {
      const { board, config, device } = setup(boardName, strategy);
      loader.boot(device.ctx);
      const slot = board.partitions.images[0].primary;
      const before = device.flash.peek(slot.offset, slot.size);
      requestUpdate(device, makeImage(board, config, { version: '2.0.0', key: STRANGER.privateKey }), false);
      const outcome = loader.boot(device.ctx);
      expect(running(outcome)).toBe('1.0.0');
      expect(outcome.log.join('\n')).toMatch(/refused|erased/);
      expect(Buffer.from(device.flash.peek(slot.offset, slot.size)).equals(before)).toBe(true);
      expect(running(loader.boot(device.ctx))).toBe('1.0.0');
    });

    it('refuses a downgrade', () => {
      const { board, config, device } = setup(boardName, strategy, { downgradePrevention: 'version' }, '2.0.0');
      loader.boot(device.ctx);
      requestUpdate(device, makeImage(board, config, { version: '1.5.0' }), true);
      expect(running(loader.boot(device.ctx))).toBe('2.0.0');
      expect(running(loader.boot(device.ctx))).toBe('2.0.0');
    });

    describe('with two images', () => {
      const twoImages = () => {
        const board = carveBoard(boardName, strategy, 2);
        const config = configFor(board, strategy);
        const primaries = [0, 1].map((i) => factoryImage(board, config, { version: '1.0.0', seed: i }, i));
        const device = makeDevice(board, config, primaries);
        const update = (image: number, version: string, needs?: string) =>
          makeImage(
            board,
            config,
            { version, seed: image, dependencies: needs ? [{ imageId: 1 - image, version: parse(needs) }] : [] },
            board.partitions.images[image].primary.size,
          );
        return { device, update };
      };

      it('installs both images when the dependency is met', () => {
        const { device, update } = twoImages();
        loader.boot(device.ctx);
        requestUpdate(device, update(0, '2.0.0', '2.0.0'), true, 0);
        requestUpdate(device, update(1, '2.0.0'), true, 1);
        const outcome = loader.boot(device.ctx);
        expect([running(outcome, 0), running(outcome, 1)]).toEqual(['2.0.0', '2.0.0']);
      });

      it('installs neither when the dependency is not met', () => {
        const { device, update } = twoImages();
        loader.boot(device.ctx);
        requestUpdate(device, update(0, '2.0.0', '2.0.0'), true, 0);
        const outcome = loader.boot(device.ctx);
        expect([running(outcome, 0), running(outcome, 1)]).toEqual(['1.0.0', '1.0.0']);
        expect(outcome.log.join('\n')).toMatch(/dependency/);
      });
    });
  });
});

function parse(text: string) {
  const [major, minor, revision] = text.split('.').map(Number);
  return { major, minor, revision, build: 0 };
}

describe('a configuration the board cannot hold', () => {
  it('halts with the reason instead of touching the flash', () => {
    const board = carveBoard('nucleo_l552ze_q', 'swap-scratch');
    const device = makeDevice(board, configFor(board, 'swap-scratch'), []);
    const cases: [Partial<ImageConfig>, RegExp][] = [
      [{ maxAlign: 8, imageCount: 3 }, /image slot pair/],
      [{ maxImageSectors: 0 }, /BOOT_MAX_IMG_SECTORS/],
    ];
    for (const [overrides, reason] of cases) {
      const ctx = { ...device.ctx, config: { ...device.ctx.config, ...overrides } };
      const before = device.flash.opCount;
      const outcome = loader.boot(ctx);
      expect(outcome.kind === 'halt' && outcome.reason).toMatch(reason);
      expect(device.flash.opCount).toBe(before);
    }
    const unboard = { ...device.ctx, board: { ...board, partitions: { ...board.partitions, scratch: undefined } } };
    expect(loader.boot(unboard)).toMatchObject({ kind: 'halt', reason: expect.stringMatching(/scratch/) });
  });
});

describe.each(builtinBoardNames())(
  "the board's own partitions and default strategy: %s",
  (boardName) => {
    it('upgrades every image, and reverts what is not confirmed', () => {
      const board = loadBoard(boardName);
      const strategy = board.bootloader.strategy;
      const config = configFor(board, strategy);
      const images = board.partitions.images.map((_, i) => i);
      const device = makeDevice(
        board,
        config,
        images.map((i) => factoryImage(board, config, { version: '1.0.0', seed: i, payload: 3000 }, i)),
      );
      expect(running(loader.boot(device.ctx))).toBe('1.0.0');
      for (const i of images) {
        const slot = board.partitions.images[i].primary.size;
        requestUpdate(device, makeImage(board, config, { version: '2.0.0', seed: i, payload: 3000 }, slot), false, i);
      }
      const trial = loader.boot(device.ctx);
      expect(images.map((i) => running(trial, i))).toEqual(images.map(() => '2.0.0'));
      const expected = strategy === 'overwrite-only' ? '2.0.0' : '1.0.0';
      const after = loader.boot(device.ctx);
      expect(images.map((i) => running(after, i))).toEqual(images.map(() => expected));
    });
  },
);

describe('validation of the primary at boot (MCUBOOT_VALIDATE_PRIMARY_SLOT)', () => {
  it('refuses a primary whose payload rotted when configured, checks only the header magic otherwise', () => {
    for (const validatePrimaryAtBoot of [true, false]) {
      const { board, device } = setup('nrf52840dk', 'swap-scratch', { validatePrimaryAtBoot });
      const slot = board.partitions.images[0].primary;
      const unit = device.flash.peek(slot.offset + 0x400, 4).map((b) => b ^ 0x10);
      device.flash.load(slot.offset + 0x400, unit);
      const outcome = loader.boot(device.ctx);
      if (validatePrimaryAtBoot) expect(outcome.kind === 'halt' && outcome.reason).toMatch(/hash/);
      else expect(running(outcome)).toBe('1.0.0');
    }
  });
});

describe('direct-xip and requests', () => {
  it('never runs a download that was not requested (no trailer magic): it is erased, the confirmed image runs', () => {
    const board = carveBoard('nucleo_l552ze_q', 'direct-xip');
    const config = configFor(board, 'direct-xip');
    const device = makeDevice(board, config, [factoryImage(board, config, { version: '1.0.0' })]);
    writeUpdate(device.ctx, 0, makeImage(board, config, { version: '2.0.0' }));
    const outcome = loader.boot(device.ctx);
    expect(running(outcome)).toBe('1.0.0');
    expect(outcome.log.join('\n')).toMatch(/never requested/);
    const secondary = board.partitions.images[0].secondary;
    expect(device.flash.peek(secondary.offset, 4)).toEqual(new Uint8Array(4).fill(0xff));
  });
});
