/**
 * Bad flash contents: random bytes thrown at the trailers, status areas, headers and TLVs of every strategy, on
 * a plain NOR board and an ECC board, before or in the middle of an update. Every boot must end in a hand-off to
 * one of the two validly signed images, or a clean halt: never an exception, never an endless loop.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReferenceBootloader } from '../reference.ts';
import type { UpdateStrategy } from '../types.ts';
import { STRATEGIES } from './fixtures.ts';
import { upgradeSweep } from './sweep.ts';

const TARGETS = ['trailer', 'status', 'header', 'tlv'] as const;

const corruption = fc.record({
  slot: fc.constantFrom('primary', 'secondary', 'scratch'),
  target: fc.constantFrom(...TARGETS),
  /** Position inside the target, as a fraction of its span. */
  where: fc.double({ min: 0, max: 1, noNaN: true }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 24 }),
});

function prepare(boardName: string, strategy: UpdateStrategy) {
  const sweep = upgradeSweep(boardName, strategy);
  const { device } = sweep;
  const pending = device.flash.snapshot();
  new ReferenceBootloader().boot(device.ctx);
  const operations = device.flash.opCount - pending.opCount;
  return { sweep, pending, operations };
}

describe.each(['nrf52840dk', 'nucleo_l552ze_q'])('random flash contents on %s', (boardName) => {
  it.each(STRATEGIES)('%s: hand-off to a valid image or a clean halt', (strategy) => {
    const { sweep, pending, operations } = prepare(boardName, strategy);
    const { device } = sweep;
    const { flash, board } = device;
    const intact = (offset: number): boolean =>
      [sweep.oldImage, sweep.newImage].some((bytes) => Buffer.from(flash.peek(offset, bytes.length)).equals(bytes));
    fc.assert(
      fc.property(fc.nat({ max: Math.max(0, operations - 1) }), fc.array(corruption, { minLength: 1, maxLength: 8 }), (cutAt, damage) => {
        flash.restore(pending);
        if (operations > 0) {
          flash.armPowerCut({ atOp: pending.opCount + cutAt, outcome: 'completed', seed: cutAt });
          try {
            new ReferenceBootloader().boot(device.ctx);
          } catch {
            // The cut: the update stops here, and the damage lands on a half-done state.
          }
          flash.disarmPowerCut();
        }
        for (const d of damage) {
          const region = d.slot === 'scratch' ? board.partitions.scratch : board.partitions.images[0][d.slot];
          if (region === undefined) continue;
          const span = targetSpan(d.target, region.size);
          const unit = board.flash.writeUnit;
          const at = region.offset + Math.floor((span.from + d.where * (span.to - span.from)) / unit) * unit;
          const bytes = new Uint8Array(Math.ceil(d.bytes.length / unit) * unit).fill(board.flash.erasedValue);
          bytes.set(d.bytes);
          if (at + bytes.length <= region.offset + region.size) flash.load(at, bytes);
        }
        for (let boot = 0; boot < 3; boot++) {
          const outcome = new ReferenceBootloader().boot(device.ctx);
          if (outcome.kind === 'halt') {
            expect(outcome.reason.length).toBeGreaterThan(0);
            return;
          }
          expect(intact(outcome.offset)).toBe(true);
          expect([1, 2]).toContain(outcome.version.major);
        }
      }),
      { numRuns: 60, seed: 0x5eed },
    );
  });
});

/** The byte span of each kind of target inside a slot of `size` bytes (headers and TLVs of small test images). */
function targetSpan(target: (typeof TARGETS)[number], size: number): { from: number; to: number } {
  switch (target) {
    case 'trailer':
      return { from: size - 200, to: size - 16 };
    case 'status':
      return { from: size - 3200, to: size - 200 };
    case 'header':
      return { from: 0, to: 32 };
    case 'tlv':
      return { from: 0x1600, to: 0x1a00 };
  }
}
