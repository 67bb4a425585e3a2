/**
 * What a green run covered, per suite: what was enumerated (every TLV × every mutation, every resting state × rot,
 * every cut point × every torn variant of a trailer write, every protection) and what was sampled from the seed,
 * so a reader sees how much of the fault space a pass stands for. The cut lines come from the planned cases; a
 * suite adds the lines only it knows (what its scenarios enumerate).
 */
import type { PlannedCase } from './session.ts';

export interface CoverageLine {
  /** What was covered: `TLVs × mutations (secondary slot)`, `cut points × outcomes`. */
  readonly what: string;
  /** `enumerated`: every member of the space ran; `sampled`: members drawn from the seed. */
  readonly how: 'enumerated' | 'sampled';
  readonly count: number;
}

export interface SuiteCoverage {
  readonly suite: string;
  readonly lines: readonly CoverageLine[];
}

/**
 * The cut lines of one suite's planned cases; `sampledPoints` says the cut points themselves were drawn (`random:N`),
 * `sampledTears` that each torn cut point got one variant drawn from the seed (the quick profile), not all of them.
 */
export function cutCoverage(cases: readonly PlannedCase[], sampledPoints: boolean, sampledTears = false): CoverageLine[] {
  let enumeratedCuts = 0;
  let tornVariants = 0;
  let tornSampled = 0;
  let doubles = 0;
  for (const { spec } of cases) {
    if (spec.kind !== 'cut' && spec.kind !== 'double') continue;
    if (spec.kind === 'double') doubles++;
    else if (spec.tear) tornVariants++;
    else if (spec.outcome === 'torn') tornSampled++;
    else enumeratedCuts++;
  }
  const lines: CoverageLine[] = [];
  const points = sampledPoints ? 'sampled' : 'enumerated';
  if (enumeratedCuts > 0) lines.push({ what: 'cut points × outcomes (not-started, completed)', how: points, count: enumeratedCuts });
  if (tornVariants > 0) {
    const what = 'torn trailer/status writes and erases × variants (unit prefix × torn unit as before, weak, half or ECC; erase 1/8, 4/8, 7/8 done)';
    lines.push({ what, how: sampledTears ? 'sampled' : points, count: tornVariants });
  }
  if (tornSampled > 0) lines.push({ what: 'torn payload writes, erases and counter advances (one seeded tear each)', how: 'sampled', count: tornSampled });
  if (doubles > 0) lines.push({ what: 'second cuts spread over the recovery (erases and trailer writes first)', how: 'enumerated', count: doubles });
  return lines;
}

/** `enumerated 12 TLVs × mutations (secondary slot)`: one line of the console and of the JUnit properties. */
export function formatCoverageLine(line: CoverageLine): string {
  return `${line.how} ${line.count} ${line.what}`;
}
