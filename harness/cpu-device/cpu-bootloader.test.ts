import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../boards/index.ts';
import { BootproofError } from '../../emulator/common/errors.ts';
import type { BootObservation } from '../device.ts';
import { EmulatedDevice } from '../emulated-device.ts';
import { Fixtures } from '../fixtures.ts';
import { readBootloaderBinary } from './binary.ts';
import { CpuBootloader } from './cpu-bootloader.ts';
import { type BuildConfig, imageConfigOf, parseBuildConfigJson } from './index.ts';

const board = loadBoard('nrf52840dk');
const firmware = (name: string): string => join('images', 'firmware', 'build', name);
const build = (fields: Record<string, unknown> = {}): BuildConfig =>
  parseBuildConfigJson(
    JSON.stringify({
      format: 'bootproof-bootloader/1',
      name: 'minboot',
      strategy: 'overwrite-only',
      maxImageSectors: 128,
      validatePrimary: false,
      signature: 'ed25519',
      ...fields,
    }),
    'minboot.json',
  );

function device(variant: string, config: BuildConfig = build()) {
  const bootloader = new CpuBootloader(board, readBootloaderBinary(firmware(`minboot-nrf52840dk-${variant}.elf`), board), config);
  const imageConfig = imageConfigOf(config, board);
  const fixtures = new Fixtures(board, imageConfig, 1);
  const dev = new EmulatedDevice({ board, config: imageConfig, bootloader, trust: fixtures.trust(), clock: { kind: 'none' } });
  for (const part of bootloader.factoryContents()) dev.factoryLoad(part.offset, part.bytes);
  const slots = board.partitions.images[0]!;
  return { dev, fixtures, slots, bootloader };
}

const handoffOf = (observation: BootObservation) => {
  if (observation.kind !== 'handoff') throw new Error(`expected a hand-off, got ${JSON.stringify(observation)}`);
  return observation;
};

describe('a bootloader binary on the emulated SoC (minboot, nrf52840dk)', () => {
  it('hands off to the primary image, identified from the slot, with the console in the log', () => {
    const { dev, fixtures, slots, bootloader } = device('handoff');
    dev.factoryLoad(slots.primary.offset, fixtures.pair.from);
    const boot = handoffOf(dev.boot());
    expect(boot.images).toEqual([{ image: 0, slot: 'primary', offset: slots.primary.offset, version: '1.0.0+0' }]);
    expect(boot.flashOps).toBe(0);
    expect(boot.log).toContain('console: minboot: jumping to the primary slot');
    expect(boot.log.at(-1)).toMatch(/^hand-off to slot primary of image 0 at PC=0x0000c208: image 1\.0\.0\+0, hash [0-9a-f]{16}/);
    expect(bootloader.name).toMatch(/^minboot-nrf52840dk-handoff\.elf \(sha256 [0-9a-f]{64}\)$/);
  });

  it("counts the binary's flash operations, and a power cut lands inside them; the next power-on recovers", () => {
    const { dev, fixtures, slots } = device('handoff');
    dev.factoryLoad(slots.primary.offset, fixtures.pair.from);
    dev.factoryLoad(slots.secondary.offset, fixtures.pair.to);
    const start = dev.flash.opCount;
    dev.armCut({ kind: 'op', atOp: start + 3, outcome: 'torn', seed: 7 });
    expect(dev.boot()).toEqual({ kind: 'power-cut', atOp: start + 3 });
    expect(dev.flash.journal.at(-1)).toMatchObject({ index: start + 3 });
    const recovery = handoffOf(dev.boot());
    expect(recovery.images[0]!.version).toBe('2.0.0+0');
    expect(recovery.flashOps).toBeGreaterThan(4);
    expect(dev.flash.peek(slots.primary.offset, fixtures.pair.to.length)).toEqual(fixtures.pair.to);
    expect(handoffOf(dev.boot()).flashOps).toBe(0);
  });

  it.each([
    ['spin', /^a branch to itself at PC=0x/],
    ['sleep', /^asleep with no wake source at PC=0x/],
    ['garbage', /^hand-off into garbage: slot primary of image 0 at PC=0x0000c000, which is not the image's reset handler/],
  ])('%s halts with a reason', (variant, reason) => {
    const { dev, fixtures, slots } = device(variant);
    dev.factoryLoad(slots.primary.offset, fixtures.pair.from);
    const boot = dev.boot();
    expect(boot.kind).toBe('halt');
    if (boot.kind === 'halt') expect(boot.reason).toMatch(reason);
  });

  it('reports the budget running out as no hand-off, and a console halt pattern as a halt', () => {
    const { dev, fixtures, slots } = device('handoff', build({ instructionBudget: 20 }));
    dev.factoryLoad(slots.primary.offset, fixtures.pair.from);
    expect(dev.boot()).toMatchObject({ kind: 'halt', reason: expect.stringMatching(/^no hand-off within 20 instructions/) });
    const empty = device('handoff', build({ console: { halt: 'Unable to find bootable image' } }));
    expect(empty.dev.boot()).toMatchObject({ kind: 'halt', reason: 'console: minboot: Unable to find bootable image' });
  });

  it('refuses a binary for another flash base or another core before running it', () => {
    const error = (spec: string): BootproofError => {
      try {
        readBootloaderBinary(spec, board);
      } catch (e) {
        if (e instanceof BootproofError) return e;
        throw e;
      }
      throw new Error('expected an error');
    };
    expect(error(firmware('minboot-nrf52840dk-wrongbase.elf')).message).toMatch(
      /bytes at 0x8000000\.\.0x8[0-9a-f]+ fall outside nrf52840dk's boot partition 0x0\.\.0xc000: a binary linked for another flash base/,
    );
    expect(error(firmware('app-nucleo_l552ze_q-confirm-v1.0.0.elf')).message).toMatch(/built for ARMv8-M mainline, which a cortex-m4 \(board nrf52840dk\) cannot run/);
    expect(error(`${firmware('minboot-nrf52840dk-handoff.bin')}@0x1000`).message).toMatch(/reset vector 0x[0-9a-f]+ .* is not a Thumb address inside the boot partition|stack pointer/);
    expect(error(firmware('minboot-nrf52840dk-wrongbase.elf')).exitCode).toBe(2);
  });
});
