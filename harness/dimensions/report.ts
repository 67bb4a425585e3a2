/**
 * A suite's dimension coverage, as the reports show it: per dimension, each value with the rows that hold it (or
 * why none can); per pair of dimensions and per group, how many combinations the rows hold, and each one they do
 * not with its reason; and the rows themselves, so anyone can check the claim.
 */
import type { CoveringArray } from './covering.ts';
import type { CoveringSpec, Row } from './types.ts';

export type Profile = 'quick' | 'full';
export const PROFILES: readonly Profile[] = ['quick', 'full'];
export const DEFAULT_PROFILE: Profile = 'full';

export interface DimensionCoverage {
  readonly profile: Profile;
  /** What the rows were asked to cover, in words. */
  readonly strength: string;
  readonly dimensions: readonly {
    readonly name: string;
    readonly title: string;
    readonly values: readonly { readonly value: string; readonly rows: number; readonly reason?: string }[];
  }[];
  /** Each pair of dimensions, then each group: combinations required, held by a row, and the others with why. */
  readonly combinations: readonly {
    readonly dimensions: readonly string[];
    readonly total: number;
    readonly covered: number;
    readonly excluded: readonly { readonly values: readonly string[]; readonly reason: string }[];
    /** Allowed by every constraint, yet in no row: a generator failure, never expected. */
    readonly missing: readonly (readonly string[])[];
  }[];
  readonly rows: readonly { readonly id: string; readonly values: Row }[];
}

export function dimensionCoverage(
  spec: CoveringSpec,
  array: CoveringArray,
  profile: Profile,
  rowIds: readonly string[],
): DimensionCoverage {
  const groups = new Map<string, DimensionCoverage['combinations'][number] & { excluded: { values: string[]; reason: string }[]; missing: string[][] }>();
  for (const t of array.tuples) {
    const dims = Object.keys(t.tuple.values);
    const k = dims.join(' × ');
    let entry = groups.get(k);
    if (!entry) {
      entry = { dimensions: dims, total: 0, covered: 0, excluded: [], missing: [] };
      groups.set(k, entry);
    }
    const values = dims.map((d) => t.tuple.values[d]);
    (entry as { total: number }).total++;
    if (t.status === 'covered') (entry as { covered: number }).covered++;
    else if (t.status === 'excluded') entry.excluded.push({ values, reason: t.reason });
    else entry.missing.push(values);
  }
  const combinations = [...groups.values()];
  const dimensions = spec.dimensions.map((d) => ({
    name: d.name,
    title: d.title,
    values: d.values.map((value) => {
      const rows = array.rows.filter((r) => r[d.name] === value).length;
      if (rows > 0) return { value, rows };
      const why = combinations
        .filter((c) => c.dimensions.includes(d.name))
        .flatMap((c) => c.excluded.filter((e) => e.values[c.dimensions.indexOf(d.name)] === value))[0];
      return { value, rows, reason: why?.reason ?? 'no row holds it' };
    }),
  }));
  const groupNames = (spec.groups ?? []).map((g) => g.join(' × '));
  const strength = ['every value' , 'every pair'][spec.strength - 1] + groupNames.map((g) => `, and every combination of ${g}`).join('');
  return {
    profile,
    strength,
    dimensions,
    combinations,
    rows: array.rows.map((values, i) => ({ id: rowIds[i], values })),
  };
}

/** The console's table: one line per dimension, then the combinations not covered, grouped by reason. */
export function coverageLines(suite: string, coverage: DimensionCoverage): string[] {
  const lines = [`dimensions of ${suite} (${coverage.profile} profile: ${coverage.strength}; ${coverage.rows.length} rows):`];
  const width = Math.max(...coverage.dimensions.map((d) => d.name.length));
  for (const d of coverage.dimensions) {
    const cells = d.values.map((v) => (v.rows > 0 ? `${v.value} ${v.rows}` : `${v.value} ✗`));
    lines.push(`  ${d.name.padEnd(width)}  ${cells.join('  ')}`);
  }
  let total = 0;
  let covered = 0;
  const reasons = new Map<string, number>();
  for (const c of coverage.combinations) {
    total += c.total;
    covered += c.covered;
    for (const e of c.excluded) reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1);
  }
  const missing = coverage.combinations.reduce((n, c) => n + c.missing.length, 0);
  lines.push(`  combinations: ${covered} of ${total} covered, ${total - covered - missing} excluded, ${missing} missing`);
  for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1])) lines.push(`    ✗ ${n} excluded: ${reason}`);
  return lines;
}
