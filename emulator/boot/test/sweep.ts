/**
 * The exhaustive single-power-cut sweep shared by the power-cut tests and the mutant tests: fork from a snapshot
 * taken before the boot under test, cut that boot at each of its operations (`not-started` and `torn`), reboot
 * until settled, and check the invariants.
 */
import { describe, expect, it } from 'vitest';
import { PowerCut } from '../../flash/errors.ts';
import type { CutOutcome } from '../../flash/types.ts';
import { readSwapState, setPending, writeUpdate } from '../app.ts';
import { openArea } from '../area.ts';
import { ReferenceBootloader } from '../reference.ts';
import { readTrailerState } from '../trailer-io.ts';
import type { Bootloader, BootOutcome, ImageConfig, UpdateStrategy } from '../types.ts';
import {
  boardsFor,
  bootUntilSettled,
  carveBoard,
  configFor,
  factoryImage,
  makeDevice,
  makeImage,
  type TestDevice,
  writeOutsideSlots,
} from './fixtures.ts';

const OUTCOMES: readonly CutOutcome[] = ['not-started', 'torn'];

export interface Sweep {
  readonly device: TestDevice;
  readonly oldImage: Uint8Array;
  readonly newImage: Uint8Array;
  /** Who confirms: the upgrade sweep's application confirms what it runs, the revert sweep's never does. */
  readonly confirm: boolean;
  /** The image a cut that leaves the operation not started must still end on. */
  readonly converges: 'old' | 'new';
  /**
   * Whether a torn cut must end there too. A revert must: the old image is confirmed and the new one never will
   * be, so no cut may lose the revert. A torn upgrade may end on either image.
   */
  readonly exact: boolean;
}

export interface SweepOptions {
  /** Request a permanent upgrade instead of a test. */
  readonly permanent?: boolean;
  readonly overrides?: Partial<ImageConfig>;
  /** SEC_CNT of the old and the new image. */
  readonly securityCounters?: readonly [number, number];
  /** Payload bytes of both images (default: the board's small test size). */
  readonly payload?: number;
}

/** The device just before the boot that installs an upgrade (version 1.0.0 → 2.0.0), a test one by default. */
export function upgradeSweep(boardName: string, strategy: UpdateStrategy, options: SweepOptions = {}): Sweep {
  const board = carveBoard(boardName, strategy);
  const config = configFor(board, strategy, options.overrides);
  const [oldCounter, newCounter] = options.securityCounters ?? [undefined, undefined];
  const { payload } = options;
  const oldImage = makeImage(board, config, { version: '1.0.0', securityCounter: oldCounter, payload });
  const newImage = makeImage(board, config, { version: '2.0.0', securityCounter: newCounter, payload });
  const factory = factoryImage(board, config, { version: '1.0.0', securityCounter: oldCounter, payload });
  const device = makeDevice(board, config, [factory]);
  bootUntilSettled(device);
  writeUpdate(device.ctx, 0, newImage);
  setPending(device.ctx, 0, options.permanent === true);
  return { device, oldImage, newImage, confirm: true, converges: 'new', exact: false };
}

/** The device just before the boot that reverts an unconfirmed test upgrade. */
export function revertSweep(boardName: string, strategy: UpdateStrategy, options: SweepOptions = {}): Sweep {
  const sweep = upgradeSweep(boardName, strategy, options);
  const outcome = new ReferenceBootloader().boot(sweep.device.ctx);
  expect(outcome.kind === 'handoff' && outcome.version.major).toBe(2);
  return { ...sweep, confirm: false, converges: 'old', exact: true };
}

export interface CutResult {
  readonly at: number;
  readonly outcome: CutOutcome;
  readonly problem: string | undefined;
}

/**
 * Cuts the next boot at each of its operations in turn, forking from a snapshot, and checks every invariant after
 * the device settles. Returns one result per cut point (problem undefined when every invariant held).
 */
export function sweepCuts(sweep: Sweep, loader: Bootloader = new ReferenceBootloader()): CutResult[] {
  const { device } = sweep;
  const base = device.flash.snapshot();
  loader.boot(device.ctx);
  const operations = device.flash.opCount - base.opCount;
  const results: CutResult[] = [];
  for (let at = 0; at < operations; at++) {
    for (const outcome of OUTCOMES) {
      device.flash.restore(base);
      device.flash.armPowerCut({ atOp: base.opCount + at, outcome, seed: at });
      results.push({ at, outcome, problem: checkCut(sweep, loader, outcome, base.opCount) });
    }
  }
  device.flash.restore(base);
  return results;
}

/**
 * Two cuts: the update is cut at each operation, and the boot that recovers from it is cut again at each of its
 * own operations (F-10, brown-outs in a row). Quadratic: for small sweeps only.
 */
export function sweepDoubleCuts(sweep: Sweep, loader: Bootloader = new ReferenceBootloader()): CutResult[] {
  const { device } = sweep;
  const base = device.flash.snapshot();
  loader.boot(device.ctx);
  const operations = device.flash.opCount - base.opCount;
  const results: CutResult[] = [];
  for (let first = 0; first < operations; first++) {
    for (const firstOutcome of OUTCOMES) {
      device.flash.restore(base);
      device.flash.armPowerCut({ atOp: base.opCount + first, outcome: firstOutcome, seed: first });
      const landed = bootExpectingCut(loader, device);
      if (landed !== undefined) {
        results.push({ at: first, outcome: firstOutcome, problem: landed });
        continue;
      }
      const middle = device.flash.snapshot();
      loader.boot(device.ctx);
      const recovery = device.flash.opCount - middle.opCount;
      for (let second = 0; second < recovery; second++) {
        for (const outcome of OUTCOMES) {
          device.flash.restore(middle);
          device.flash.armPowerCut({ atOp: middle.opCount + second, outcome, seed: 1000 + second });
          const problem = checkCut(sweep, loader, outcome === 'torn' || firstOutcome === 'torn' ? 'torn' : 'not-started', base.opCount);
          results.push({ at: first * 1000 + second, outcome, problem });
        }
      }
    }
  }
  device.flash.restore(base);
  return results;
}

function bootExpectingCut(loader: Bootloader, device: TestDevice): string | undefined {
  try {
    loader.boot(device.ctx);
    return 'the cut did not land';
  } catch (error) {
    if (!(error instanceof PowerCut)) return `boot threw ${String(error)}`;
  }
  device.flash.disarmPowerCut();
  return undefined;
}

function checkCut(sweep: Sweep, loader: Bootloader, outcome: CutOutcome, fromOp: number): string | undefined {
  const { device } = sweep;
  const landed = bootExpectingCut(loader, device);
  if (landed !== undefined) return landed;
  let settled: BootOutcome;
  try {
    settled = bootUntilSettled(device, { loader, confirm: () => sweep.confirm }).outcome;
  } catch (error) {
    return `after the cut: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (settled.kind !== 'handoff') return `halted: ${settled.reason}`;
  const booted = settled.images[0];
  const which = booted.version.major === 1 ? 'old' : booted.version.major === 2 ? 'new' : undefined;
  if (which === undefined) return `booted version ${booted.version.major}`;
  const expected = which === 'old' ? sweep.oldImage : sweep.newImage;
  if (!equal(device.flash.peek(booted.offset, expected.length), expected)) return `${which} image not intact in ${booted.slot}`;
  if ((outcome === 'not-started' || sweep.exact) && which !== sweep.converges) return `ended on the ${which} image`;
  const trailers = trailerProblem(device, booted.slot);
  if (trailers !== undefined) return trailers;
  const stray = writeOutsideSlots(device, fromOp);
  if (stray !== undefined) return `${stray.kind} at 0x${stray.offset.toString(16)} outside the slots and scratch`;
  return undefined;
}

function trailerProblem(device: TestDevice, slot: 'primary' | 'secondary'): string | undefined {
  const { ctx } = device;
  if (ctx.config.strategy === 'direct-xip') {
    const region = ctx.board.partitions.images[0][slot];
    const area = openArea(ctx.flash, region, slot)!;
    const trailer = readTrailerState(ctx.flash, area, { maxAlign: ctx.config.maxAlign, swapOffset: false });
    return trailer.magic === 'good' ? undefined : `running slot's trailer magic is ${trailer.magic}`;
  }
  const state = readSwapState(ctx, 0);
  if (state.nextSwap !== 'none') return `settled with a ${state.nextSwap} still pending`;
  // A torn erase of the secondary's trailer may leave its magic BAD, which every later boot reads as "nothing
  // pending" (FORMATS §2.2) and the next download erases; the primary's must never be.
  if (state.primary.magic === 'bad') return "the primary trailer's magic reads BAD";
  return undefined;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

/** "op 12 torn: …" for every cut point that broke an invariant. */
export const failures = (results: CutResult[]): string[] =>
  results.filter((r) => r.problem !== undefined).map((r) => `op ${r.at} ${r.outcome}: ${r.problem}`);

/** The sweep as a vitest suite for `strategies`, on every board of each (split across files to use both cores). */
export function defineCutSuite(strategies: readonly UpdateStrategy[]): void {
  describe.each(strategies)('%s, a single power cut at every operation', (strategy) => {
    describe.each(boardsFor(strategy))('on %s', (boardName) => {
      it('of a test upgrade: the device always boots the old or the new image, intact', () => {
        const results = sweepCuts(upgradeSweep(boardName, strategy));
        expect(results.length).toBeGreaterThan(0);
        expect(failures(results)).toEqual([]);
      });

      // overwrite-only keeps no copy of the old image: there is no revert to cut.
      if (strategy !== 'overwrite-only') {
        it('of a revert: the device always boots the old or the new image, intact', () => {
          const results = sweepCuts(revertSweep(boardName, strategy));
          expect(results.length).toBeGreaterThan(0);
          expect(failures(results)).toEqual([]);
        });
      }
    });
  });
}
