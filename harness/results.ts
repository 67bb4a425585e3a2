/**
 * The result model every reporter reads and every shard writes. Plain data (JSON-serialisable), so a shard's
 * file can be merged with the others into one report later.
 */
import { BootproofError } from '../emulator/common/errors.ts';
import type { Violation } from './invariants.ts';

export type CaseStatus = 'pass' | 'fail' | 'skip';

export interface CaseResult {
  readonly suite: string;
  /** Unique within the run: `<scenario>/<phase>/op<k>/<outcome>` for a cut, `<scenario>/clean` without one. */
  readonly id: string;
  readonly title: string;
  readonly status: CaseStatus;
  readonly violations: readonly Violation[];
  /** Seed of the torn outcomes and of any sampling for this case. */
  readonly seed: number;
  /** The flash journal around the fault point, one line per operation (failures only). */
  readonly journal: readonly string[];
  /** The bootloader's log of each boot after the fault (failures only). */
  readonly bootLog: readonly string[];
  /** One command line that replays exactly this case. */
  readonly replay: string;
  /** A note shown with the result: why a case was skipped, or what a demonstration showed. */
  readonly note?: string;
  readonly boots: number;
  readonly durationMs: number;
}

export interface RunInfo {
  readonly board: string;
  readonly strategy: string;
  readonly bootloader: string;
  readonly suites: readonly string[];
  readonly seed: number;
  readonly points: string;
  readonly shard?: { readonly index: number; readonly count: number };
}

export interface RunReport {
  readonly format: 'bootproof-report/1';
  readonly info: RunInfo;
  readonly cases: readonly CaseResult[];
  readonly durationMs: number;
}

export interface Summary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export function summarize(cases: readonly CaseResult[]): Summary {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const c of cases) {
    if (c.status === 'pass') passed++;
    else if (c.status === 'fail') failed++;
    else skipped++;
  }
  return { total: cases.length, passed, failed, skipped };
}

/** Merges shard reports of the same run into one report; refuses reports of different runs. */
export function mergeReports(reports: readonly RunReport[]): RunReport {
  if (reports.length === 0) throw new BootproofError('merge: no report to merge');
  const first = reports[0];
  const key = (r: RunReport) => JSON.stringify({ ...r.info, shard: undefined });
  for (const r of reports) {
    if (r.format !== 'bootproof-report/1') throw new BootproofError(`merge: not a bootproof report (${r.format})`);
    if (key(r) !== key(first)) {
      throw new BootproofError('merge: the reports come from different runs (board, suites, seed or points differ)');
    }
  }
  const seen = new Set<string>();
  const cases: CaseResult[] = [];
  for (const r of reports) {
    for (const c of r.cases) {
      const id = `${c.suite}\u0000${c.id}`;
      if (seen.has(id)) continue;
      seen.add(id);
      cases.push(c);
    }
  }
  return {
    format: 'bootproof-report/1',
    info: { ...first.info, shard: undefined },
    cases,
    durationMs: Math.max(...reports.map((r) => r.durationMs)),
  };
}

/** Exit 0 only when every invariant held in at least one case that ran: a run that checked nothing never passes. */
export function exitCodeOf(report: RunReport): 0 | 1 {
  return report.cases.some((c) => c.status === 'fail') || nothingChecked(report) !== undefined ? 1 : 0;
}

/**
 * Why the report checked nothing, or undefined when it checked something: no case passed or failed (all were
 * skipped, or there were none), or — in a whole run — a suite that planned no case at all.
 */
export function nothingChecked(report: RunReport): string | undefined {
  const ran = (c: CaseResult) => c.status === 'pass' || c.status === 'fail';
  if (!report.cases.some(ran)) {
    return report.cases.length === 0 ? 'no case ran: nothing was checked' : `all ${report.cases.length} cases were skipped: nothing was checked`;
  }
  if (report.info.shard !== undefined) return undefined;
  const empty = report.info.suites.filter((suite) => !report.cases.some((c) => c.suite === suite));
  return empty.length === 0 ? undefined : `suite ${empty.join(', ')} has no case: nothing of it was checked`;
}
