/**
 * The result model every reporter reads and every shard writes. Plain data (JSON-serialisable), so a shard's
 * file can be merged with the others into one report later. Its JSON form is described by `report-schema.ts`
 * (and the generated `reporters/report.schema.json`).
 */
import type { SuiteCoverage } from './coverage.ts';
import type { DimensionCoverage } from './dimensions/report.ts';
import type { Violation } from './invariants.ts';

export const REPORT_FORMAT = 'bootproof-report/2';

export type CaseStatus = 'pass' | 'fail' | 'skip';

/** The id of the one case that stands for a whole suite that cannot run in this context. */
export const SKIPPED_SUITE_ID = 'skipped';

/** One flash operation of the journal, as a report shows it. `offset` is relative to the start of the flash. */
export interface FlashOpRecord {
  readonly index: number;
  readonly kind: string;
  readonly offset: number;
  readonly length: number;
  readonly startUs: number;
  readonly result: string;
}

/** Where a power cut landed: the operation it cut, in which phase of the update, and what it left behind. */
export interface FaultPoint {
  readonly phase: string;
  readonly op: number;
  readonly kind: string;
  readonly offset: number;
  readonly length: number;
  readonly outcome: string;
  /** An enumerated torn write's shape: `u<k>-<ones|weak|half|ecc>` (k whole units written, then the torn unit). */
  readonly tear?: string;
  /** A second cut, inside the recovery from the first. */
  readonly second?: { readonly op: number; readonly outcome: string };
}

export interface CaseResult {
  readonly suite: string;
  /** Unique within the run: `<scenario>/<phase>/op<k>/<outcome>` for a cut, `<scenario>/clean` without one. */
  readonly id: string;
  readonly title: string;
  readonly status: CaseStatus;
  readonly violations: readonly Violation[];
  /** Seed of the torn outcomes and of any sampling for this case. */
  readonly seed: number;
  /** The power cut this case makes (none for a fault-free or skipped case). */
  readonly fault?: FaultPoint;
  /** The flash operations around the fault point (failures only). */
  readonly trace?: readonly FlashOpRecord[];
  /** What a device without a flash journal logged around the fault, one line per event (failures only). */
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

export interface PartitionRecord {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
}

/** What a run was made of, so a report says exactly what it proved (and shards of different runs never merge). */
export interface RunInfo {
  /** The bootproof version that made the report. */
  readonly bootproof: string;
  /** The command line that repeats the run. */
  readonly command: string;
  /** `target`: the lab board the run ran on (`dk1 (nrf52840dk) on /dev/ttyACM0`). */
  readonly board: { readonly name: string; readonly sha256: string; readonly target?: string };
  readonly flash: {
    readonly size: number;
    readonly sectors: number;
    readonly writeUnit: number;
    readonly partitions: readonly PartitionRecord[];
    /** The trailer and status areas (and scratch) of the board's slots. */
    readonly trailers: readonly { readonly offset: number; readonly size: number }[];
  };
  readonly strategy: string;
  readonly bootloader: {
    readonly name: string;
    /** `model`: the reference model; `module`: a user's module (with its SHA-256); `device`: what a lab board runs. */
    readonly kind: 'model' | 'module' | 'device';
    readonly sha256?: string;
    readonly config: Readonly<Record<string, unknown>>;
  };
  readonly images: readonly { readonly role: 'from' | 'to'; readonly sha256: string; readonly version: string; readonly size: number }[];
  /** SHA-256 of each trusted public key (SubjectPublicKeyInfo DER): never private material. */
  readonly keys: readonly { readonly role: string; readonly fingerprint: string }[];
  readonly suites: readonly string[];
  readonly seed: number;
  readonly points: string;
  readonly shard?: { readonly index: number; readonly count: number };
  /** Per suite, what its cases cover: what was enumerated and what was sampled, with counts (see coverage.ts). */
  readonly coverage?: readonly SuiteCoverage[];
  /** Per suite that spans dimensions: its rows and what they cover, pair by pair (harness/dimensions). */
  readonly dimensions?: readonly ({ readonly suite: string } & DimensionCoverage)[];
}

export interface RunReport {
  readonly format: typeof REPORT_FORMAT;
  readonly info: RunInfo;
  readonly cases: readonly CaseResult[];
  readonly durationMs: number;
  /** Set when `--max-failures` stopped the run before every case ran. */
  readonly stoppedEarly?: string;
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

/**
 * Exit 0 only when every invariant held in at least one case that ran and the run was not stopped early: a run
 * that checked nothing never passes.
 */
export function exitCodeOf(report: RunReport): 0 | 1 {
  const failed = report.cases.some((c) => c.status === 'fail') || report.stoppedEarly !== undefined;
  return failed || nothingChecked(report) !== undefined ? 1 : 0;
}

/** The partition holding `offset`, and the offset inside it (`primary+0x200`); the raw offset outside them. */
export function flashPlace(info: Pick<RunInfo, 'flash'>, offset: number): string {
  const p = info.flash.partitions.find((part) => offset >= part.offset && offset < part.offset + part.size);
  return p ? `${p.name}+0x${(offset - p.offset).toString(16)}` : `0x${offset.toString(16)}`;
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
