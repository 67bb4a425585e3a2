/**
 * Which flash operations of a recorded update a power cut is swept over (DESIGN.md "Fault plans"):
 * - `all`: every operation;
 * - `interesting`: every erase and counter advance, every write into a trailer or status area, and the first and
 *   last write into each sector within each phase;
 * - `random:N`: N distinct operations drawn with the run's seed.
 */

import type { FlashRegion } from '../boards/types.ts';
import { UsageError } from '../emulator/common/errors.ts';
import { Prng } from '../emulator/common/prng.ts';
import type { CutOutcome, FlashOp } from '../emulator/flash/types.ts';

export type PointSelection =
  | { readonly kind: 'all' }
  | { readonly kind: 'interesting' }
  | { readonly kind: 'random'; readonly count: number };

export function parsePoints(text: string): PointSelection {
  if (text === 'all' || text === 'interesting') return { kind: text };
  const match = /^random:(\d+)$/.exec(text);
  if (match && Number(match[1]) > 0) return { kind: 'random', count: Number(match[1]) };
  throw new UsageError(`--points '${text}': expected all, interesting or random:N (N > 0)`);
}

export function formatPoints(selection: PointSelection): string {
  return selection.kind === 'random' ? `random:${selection.count}` : selection.kind;
}

/** The update phases a cut can land in (the action that was running when the power went). */
export type Phase = 'download' | 'request' | 'install' | 'confirm' | 'revert' | 'recovery';

export interface PhasedOp {
  readonly op: FlashOp;
  readonly phase: Phase;
}

export const CUT_OUTCOMES: readonly CutOutcome[] = ['not-started', 'completed', 'torn'];

/** What `interesting` needs to know of the flash: trailer/status/scratch ranges, and the sector of an offset. */
export interface FlashLayout {
  readonly trailers: readonly FlashRegion[];
  readonly sectorOf: (offset: number) => number;
}

/** Picks the operations to cut at, in operation order, without duplicates. */
export function selectOps(
  ops: readonly PhasedOp[],
  selection: PointSelection,
  layout: FlashLayout,
  seed: number,
): PhasedOp[] {
  if (selection.kind === 'all') return [...ops];
  if (selection.kind === 'random') {
    const prng = new Prng(`points|${seed}`);
    const pool = [...ops];
    const picked: PhasedOp[] = [];
    while (picked.length < selection.count && pool.length > 0) {
      picked.push(pool.splice(prng.below(pool.length), 1)[0]);
    }
    return picked.sort((a, b) => a.op.index - b.op.index);
  }
  const chosen = new Set<number>();
  const firstLast = new Map<string, { first: number; last: number }>();
  for (const { op, phase } of ops) {
    if (op.kind !== 'program') chosen.add(op.index);
    else if (layout.trailers.some((r) => op.offset < r.offset + r.size && op.offset + op.length > r.offset)) chosen.add(op.index);
    if (op.kind !== 'program') continue;
    const key = `${phase}|${layout.sectorOf(op.offset)}`;
    const seen = firstLast.get(key);
    if (seen) seen.last = op.index;
    else firstLast.set(key, { first: op.index, last: op.index });
  }
  for (const { first, last } of firstLast.values()) {
    chosen.add(first);
    chosen.add(last);
  }
  return ops.filter(({ op }) => chosen.has(op.index));
}
