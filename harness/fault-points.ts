/**
 * Which flash operations of a recorded update a power cut is swept over (DESIGN.md "Fault plans"):
 * - `all`: every operation;
 * - `interesting`: every erase and counter advance, every write into a trailer or status area, and the first and
 *   last write into each sector within each phase;
 * - `random:N`: N distinct operations drawn with the run's seed;
 * - `systematic[:N]`: every erase and counter advance, the first and last write of every program run (a sector
 *   copy, a download), every unit of a trailer or status field, and N more drawn with the run's seed (default 8).
 *   Bounded by the layout, not by the sector size or write unit: the default of a bootloader binary, whose word- or
 *   byte-wide programs make `all` and `interesting` run into the hundreds of thousands of operations per update;
 * - `trailer:N`: every write of a trailer field (magic, image_ok, copy_done, swap info, swap size) and every erase
 *   of a sector holding one, and N other operations drawn per scenario from the seed: the quick profile's points.
 *   A torn-trailer bug lives in a handful of operations among hundreds of payload writes, where a draw misses it.
 */

import type { FlashRegion } from '../boards/types.ts';
import { UsageError } from '../emulator/common/errors.ts';
import { Prng } from '../emulator/common/prng.ts';
import type { CutOutcome, FlashOp } from '../emulator/flash/types.ts';

export type PointSelection =
  | { readonly kind: 'all' }
  | { readonly kind: 'interesting' }
  | { readonly kind: 'random'; readonly count: number }
  | { readonly kind: 'systematic'; readonly samples: number }
  | { readonly kind: 'trailer'; readonly count: number };

/** The seeded extra operations of `systematic` without a count. */
const SYSTEMATIC_SAMPLES = 8;

export function parsePoints(text: string): PointSelection {
  if (text === 'all' || text === 'interesting') return { kind: text };
  const match = /^random:(\d+)$/.exec(text);
  if (match && Number(match[1]) > 0) return { kind: 'random', count: Number(match[1]) };
  const systematic = /^systematic(?::(\d+))?$/.exec(text);
  if (systematic) return { kind: 'systematic', samples: systematic[1] === undefined ? SYSTEMATIC_SAMPLES : Number(systematic[1]) };
  const trailer = /^trailer:(\d+)$/.exec(text);
  if (trailer) return { kind: 'trailer', count: Number(trailer[1]) };
  throw new UsageError(`--points '${text}': expected all, interesting, systematic[:N], trailer:N or random:N (N > 0 for random)`);
}

/** Whether a selection draws any of its points from the seed (so a coverage line says sampled, not enumerated). */
export function sampledSelection(selection: PointSelection | undefined): boolean {
  if (selection === undefined) return false;
  if (selection.kind === 'systematic') return selection.samples > 0;
  return selection.kind === 'random' || (selection.kind === 'trailer' && selection.count > 0);
}

export function formatPoints(selection: PointSelection): string {
  if (selection.kind === 'random' || selection.kind === 'trailer') return `${selection.kind}:${selection.count}`;
  return selection.kind === 'systematic' ? `systematic:${selection.samples}` : selection.kind;
}

/** The update phases a cut can land in (the action that was running when the power went). */
export type Phase = 'download' | 'request' | 'install' | 'confirm' | 'revert' | 'recovery';

export interface PhasedOp {
  readonly op: FlashOp;
  readonly phase: Phase;
}

export const CUT_OUTCOMES: readonly CutOutcome[] = ['not-started', 'completed', 'torn'];

/**
 * What `interesting` and `systematic` need to know of the flash: trailer/status/scratch ranges, the trailer and
 * status areas alone, and the sector of an offset.
 */
export interface FlashLayout {
  readonly trailers: readonly FlashRegion[];
  readonly statusAreas: readonly FlashRegion[];
  /** The trailer fields alone (magic, flags, swap info, swap size) of each slot and of the scratch. */
  readonly fields: readonly FlashRegion[];
  readonly sectorOf: (offset: number) => number;
}

/**
 * Picks the operations to cut at, in operation order, without duplicates. `scenario` names the scenario for the
 * draws of `trailer`, which are its own per scenario (the same update in two scenarios is cut at different places).
 */
export function selectOps(
  ops: readonly PhasedOp[],
  selection: PointSelection,
  layout: FlashLayout,
  seed: number,
  scenario = '',
): PhasedOp[] {
  if (selection.kind === 'all') return [...ops];
  if (selection.kind === 'random') return drawn(ops, selection.count, seed);
  if (selection.kind === 'trailer') return trailerPoints(ops, selection.count, layout, `${seed}|${scenario}`);
  if (selection.kind === 'systematic') return systematic(ops, selection.samples, layout, seed);
  const chosen = new Set<number>();
  const firstLast = new Map<string, { first: number; last: number }>();
  for (const { op, phase } of ops) {
    if (op.kind !== 'program') chosen.add(op.index);
    else if (layout.trailers.some((r) => overlaps(op, r))) chosen.add(op.index);
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

/** A run of programs longer than this is a copy, not a trailer field (the longest, the magic, takes 32 bytes). */
const LONGEST_FIELD = 32;

/**
 * `systematic`: a program run is consecutive operations of one phase programming consecutive bytes of one sector
 * (a sector copy, a download, a field written unit by unit). Its first and last operation are cut points; every
 * operation of a short run that writes a trailer or status area is one (each unit of a magic, a flag, a record).
 * A sector copy that passes through a status area (the scratch's, on swap-scratch) stays a run.
 */
function systematic(ops: readonly PhasedOp[], samples: number, layout: FlashLayout, seed: number): PhasedOp[] {
  const chosen = new Set<number>();
  let run: PhasedOp[] = [];
  const closeRun = () => {
    if (run.length === 0) return;
    const first = run[0].op;
    const last = run[run.length - 1].op;
    const field = last.offset + last.length - first.offset <= LONGEST_FIELD;
    if (field && run.some(({ op }) => layout.statusAreas.some((r) => overlaps(op, r)))) for (const { op } of run) chosen.add(op.index);
    chosen.add(first.index);
    chosen.add(last.index);
    run = [];
  };
  for (const phased of ops) {
    const { op } = phased;
    if (op.kind !== 'program') {
      closeRun();
      chosen.add(op.index);
      continue;
    }
    const previous = run[run.length - 1];
    const continues =
      previous !== undefined &&
      previous.phase === phased.phase &&
      op.index === previous.op.index + 1 &&
      op.offset === previous.op.offset + previous.op.length &&
      layout.sectorOf(op.offset) === layout.sectorOf(previous.op.offset);
    if (!continues) closeRun();
    run.push(phased);
  }
  closeRun();
  for (const { op } of drawn(ops.filter(({ op }) => !chosen.has(op.index)), samples, seed)) chosen.add(op.index);
  return ops.filter(({ op }) => chosen.has(op.index));
}

function trailerPoints(ops: readonly PhasedOp[], count: number, layout: FlashLayout, stream: string): PhasedOp[] {
  const fields: PhasedOp[] = [];
  const rest: PhasedOp[] = [];
  for (const phased of ops) (touchesField(phased.op, layout) ? fields : rest).push(phased);
  return [...fields, ...drawn(rest, count, `others|${stream}`)].sort((a, b) => a.op.index - b.op.index);
}

/** A write into a trailer field, or an erase of a sector holding one. */
export function touchesField(op: FlashOp, layout: Pick<FlashLayout, 'fields'>): boolean {
  return (op.kind === 'program' || op.kind === 'erase') && layout.fields.some((r) => overlaps(op, r));
}

/** Whether `op` writes or erases any byte of `region`. */
export function overlaps(op: FlashOp, region: FlashRegion): boolean {
  return op.offset < region.offset + region.size && op.offset + op.length > region.offset;
}

/** `count` distinct operations drawn with the seed, in operation order. */
function drawn(ops: readonly PhasedOp[], count: number, seed: number | string): PhasedOp[] {
  const prng = new Prng(`points|${seed}`);
  const pool = [...ops];
  const picked: PhasedOp[] = [];
  while (picked.length < count && pool.length > 0) {
    picked.push(pool.splice(prng.below(pool.length), 1)[0]);
  }
  return picked.sort((a, b) => a.op.index - b.op.index);
}
