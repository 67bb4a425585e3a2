/**
 * One run's cases: planned from the fault-free recordings, executed one by one. The main thread plans (to
 * count, shard and report); each worker holds its own Session over the same context, so the recordings it forks
 * from are its own, built deterministically from the same seed.
 */
import { availableParallelism, totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { sectorContaining, sectorList } from '../boards/index.ts';
import type { FlashRegion } from '../boards/types.ts';
import { Prng } from '../emulator/common/prng.ts';
import { FlashRuleViolation } from '../emulator/flash/index.ts';
import type { CutOutcome, FlashOp, TornShape } from '../emulator/flash/types.ts';
import { BOOT_MAGIC_SIZE } from '../images/index.ts';
import type { RunContext } from './context.ts';
import { cutCoverage, type SuiteCoverage } from './coverage.ts';
import { type CaseOutcome, opsOf, type RecordedAction, ScenarioExecutor } from './executor.ts';
import { type FlashLayout, overlaps, type Phase, type PhasedOp, type PointSelection, sampledSelection, selectOps, touchesField } from './fault-points.ts';
import type { Violation } from './invariants.ts';
import { allowedAfterCut, CRASH, judgeClean, judgeCut, judgeSecondCut, type Terminal, verdictOf } from './judge.ts';
import { requestMagicWhole } from './request-magic.ts';
import { type CaseResult, type FaultPoint, type FlashOpRecord, SKIPPED_SUITE_ID } from './results.ts';
import { replayCommand, scenarioSelected } from './run-options.ts';
import type { Scenario } from './scenario.ts';
import { trailerAreas, trailerFields, trailerRegions } from './trailer-regions.ts';

export type CaseSpec =
  | { readonly kind: 'skip'; readonly note: string }
  /** The fault-free run of the scenario never finished: the bootloader hung (found while planning). */
  | { readonly kind: 'hung'; readonly note: string }
  | { readonly kind: 'clean' }
  | { readonly kind: 'cut'; readonly action: number; readonly atOp: number; readonly outcome: CutOutcome; readonly tear?: TornShape }
  | {
      readonly kind: 'double';
      readonly action: number;
      readonly atOp: number;
      readonly outcome: CutOutcome;
      readonly tear?: TornShape;
      readonly sample: number;
      readonly secondOutcome: CutOutcome;
    };

export type PlanUnit =
  | { readonly kind: 'cases'; readonly cases: readonly PlannedCase[] }
  | { readonly kind: 'scenario'; readonly suite: number; readonly scenario: number };

export interface PlannedCase {
  readonly suite: number;
  readonly scenario: number;
  readonly id: string;
  readonly title: string;
  readonly spec: CaseSpec;
}

interface Recorded {
  readonly executor: ScenarioExecutor;
  readonly actions: readonly RecordedAction[];
  readonly settleResults: readonly Terminal[];
  readonly settleSeen: readonly (readonly Terminal[])[];
  readonly clean: CaseOutcome;
  readonly journal: readonly FlashOp[];
  /** Snapshots wait before every cut point of the scenario (see `forkable`). */
  readonly forked: boolean;
}

const DEFAULT_POINTS: PointSelection = { kind: 'all' };

/** Past these shares of the heap limit, and of the machine's memory per core in array buffers, recordings are dropped. */
const HEAP_SHARE = 0.5;
const BUFFER_SHARE = 0.5;

function underMemoryPressure(): boolean {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed > HEAP_SHARE * getHeapStatistics().heap_size_limit || arrayBuffers > (BUFFER_SHARE * totalmem()) / availableParallelism();
}

/** How a hung bootloader was stopped: its worker thread terminated, or (`--jobs 0`) its code interrupted in place. */
const STOPPED_WORKER = 'the worker was stopped';
export const STOPPED_INLINE = 'it was interrupted in this thread';

export class Session {
  private readonly scenarios: (readonly Scenario[])[];
  private readonly skips: (string | undefined)[];
  private readonly recorded = new Map<string, Recorded>();

  /**
   * `onExecutor` sees each scenario's executor before its fault-free run (a differential check watches its boots).
   */
  constructor(
    readonly ctx: RunContext,
    private readonly onExecutor?: (executor: ScenarioExecutor, s: number, n: number) => void,
  ) {
    this.skips = ctx.suites.map(({ suite }) => suite.skip?.(ctx.suiteContext));
    this.scenarios = ctx.suites.map(({ suite }, i) =>
      this.skips[i] ? [] : suite.scenarios(ctx.suiteContext).map((scenario) => withBuildSkip(scenario, ctx)),
    );
  }

  /**
   * What there is to plan, in order: ready-made cases (a skipped suite or scenario), and scenarios whose cases come
   * from their fault-free run — which executes the bootloader, so the runner does it on a worker thread.
   */
  units(): PlanUnit[] {
    const units: PlanUnit[] = [];
    this.ctx.suites.forEach(({ suite }, s) => {
      const skip = this.skips[s];
      if (skip) {
        units.push({ kind: 'cases', cases: [{ suite: s, scenario: -1, id: SKIPPED_SUITE_ID, title: suite.title, spec: { kind: 'skip', note: skip } }] });
        return;
      }
      this.scenarios[s].forEach((scenario, n) => {
        if (!this.wanted(scenario)) return;
        if (scenario.skip) {
          const spec: CaseSpec = { kind: 'skip', note: scenario.skip };
          units.push({ kind: 'cases', cases: [{ suite: s, scenario: n, id: `${scenario.id}/clean`, title: scenario.title, spec }] });
        } else units.push({ kind: 'scenario', suite: s, scenario: n });
      });
    });
    return units;
  }

  /** Whether the run's `scenarios` option (when given) names this scenario, and `--only` (when given) one of its cases. */
  private wanted(scenario: Scenario): boolean {
    const { scenarios } = this.ctx.options;
    return (scenarios === undefined || scenarios.includes(scenario.id)) && scenarioSelected(scenario.id, this.ctx.options);
  }

  /** Every case of the run, planned in this thread, in a deterministic order (the order shards split). */
  plan(): PlannedCase[] {
    return this.units().flatMap((unit) => (unit.kind === 'cases' ? unit.cases : this.planScenario(unit.suite, unit.scenario)));
  }

  /** Per suite, what its planned cases cover: the suite's own lines, then the cut lines (see coverage.ts). */
  coverage(cases: readonly PlannedCase[]): SuiteCoverage[] {
    return this.ctx.suites.map(({ suite }, s) => {
      if (this.skips[s]) return { suite: suite.name, lines: [] };
      const own = suite.coverage?.(this.ctx.suiteContext) ?? [];
      const sampledPoints = this.scenarios[s].some((scenario) => sampledSelection(this.pointsOf(scenario)));
      const cuts = cutCoverage(cases.filter((c) => c.suite === s), sampledPoints, this.sampledTears());
      return { suite: suite.name, lines: [...own, ...cuts] };
    });
  }

  private pointsOf(scenario: Scenario): PointSelection | undefined {
    return scenario.cuts && (this.ctx.suiteContext.points ?? scenario.cuts.points ?? DEFAULT_POINTS);
  }

  /** The case standing for a scenario whose fault-free run did not finish within the time budget. */
  hungScenario(s: number, n: number, timeoutMs: number, stopped = STOPPED_WORKER): PlannedCase {
    const scenario = this.scenarios[s][n];
    const note = `the fault-free run did not finish within ${timeoutMs} ms: the bootloader hangs (${stopped})`;
    return { suite: s, scenario: n, id: `${scenario.id}/clean`, title: scenario.title, spec: { kind: 'hung', note } };
  }

  /** The cases of one scenario: its fault-free run, and a case per fault point of that run. */
  planScenario(s: number, n: number): PlannedCase[] {
    const scenario = this.scenarios[s][n];
    const cases: PlannedCase[] = [{ suite: s, scenario: n, id: `${scenario.id}/clean`, title: scenario.title, spec: { kind: 'clean' } }];
    const cuts = scenario.cuts;
    if (!cuts) return cases;
    const rec = this.record(s, n);
    // A bootloader that failed the fault-free run outright has nothing to sweep: the clean case reports it.
    if (rec.clean.terminal === CRASH) return cases;
    const chosen = this.cutPoints(scenario, rec);
    const layout = this.layout(scenario);
    const ecc = this.ctx.board.flash.programRule === 'ecc';
    for (const { op, phase } of chosen) {
      const action = rec.actions.findIndex((a) => op.index >= a.opStart && op.index < a.opEnd);
      const lastOfAction = op.index === rec.actions[action].opEnd - 1;
      for (const outcome of cuts.outcomes) {
        // A completed op k leaves the same state as a cut before op k+1 of the same action: only keep it at the end.
        if (outcome === 'completed' && !lastOfAction) continue;
        const tears = outcome === 'torn' ? this.tearsOf(scenario, op, layout) : [undefined];
        for (const tear of tears) {
          const variant = tear && tornName(tear, ecc);
          const id = pointId(scenario.id, phase, op.index, outcome, variant);
          const shape = variant ? ` (${variant})` : '';
          const title = `${scenario.title}: cut ${outcome}${shape} at op ${op.index} (${op.kind} 0x${op.offset.toString(16)}, ${phase})`;
          if (cuts.singleCuts !== false) {
            cases.push({ suite: s, scenario: n, id, title, spec: { kind: 'cut', action, atOp: op.index, outcome, tear } });
          }
          for (let sample = 0; sample < (cuts.secondCuts ?? 0); sample++) {
            const secondOutcome = cuts.outcomes[sample % cuts.outcomes.length];
            cases.push({
              suite: s,
              scenario: n,
              id: `${id}+second${sample}/${secondOutcome}`,
              title: `${title}, then a second cut (${secondOutcome}) inside the recovery`,
              spec: { kind: 'double', action, atOp: op.index, outcome, tear, sample, secondOutcome },
            });
          }
        }
      }
    }
    return cases;
  }

  /**
   * The torn variants to cut `op` with: every one, or under the quick profile one, so a trailer write costs one case
   * there instead of one per prefix and shape. A trailer field's write is torn where its value starts, weakly
   * (`fieldTear`): the field then reads as neither erased nor written, the state a torn-field bug misreads. Other
   * writes and erases get a variant drawn from the seed (per scenario and operation).
   */
  private tearsOf(scenario: Scenario, op: FlashOp, layout: ReturnType<Session['layout']>): (TornShape | undefined)[] {
    const { writeUnit, programRule } = this.ctx.board.flash;
    const ecc = programRule === 'ecc';
    const all = tornVariantsOf(op, layout.statusAreas, writeUnit, ecc);
    if (!this.sampledTears() || all.length <= 1) return all;
    if (op.kind === 'program' && touchesField(op, layout)) return [fieldTear(op, layout.fields, writeUnit, ecc)];
    const prng = new Prng(`tear|${this.ctx.options.seed}|${scenario.id}|${op.index}`);
    return [all[prng.below(all.length)]];
  }

  private sampledTears(): boolean {
    return this.ctx.suiteContext.profile === 'quick';
  }

  private layout(scenario: Scenario): FlashLayout & { readonly statusAreas: readonly FlashRegion[] } {
    const sectors = sectorList(this.ctx.board.flash);
    return {
      trailers: trailerRegions(this.ctx.board, scenario.config),
      statusAreas: trailerAreas(this.ctx.board, scenario.config),
      fields: trailerFields(this.ctx.board, scenario.config),
      sectorOf: (offset) => sectorContaining(sectors, offset)?.index ?? sectors.length - 1,
    };
  }

  /** The operations of the fault-free run a scenario's cuts land on. */
  private cutPoints(scenario: Scenario, rec: Pick<Recorded, 'actions' | 'journal'>): PhasedOp[] {
    const cuts = scenario.cuts!;
    const phased = ScenarioExecutor.phasedOps(rec.actions, rec.journal).filter(({ phase }) => !cuts.phases || cuts.phases.includes(phase));
    return selectOps(phased, this.pointsOf(scenario) ?? DEFAULT_POINTS, this.layout(scenario), this.ctx.options.seed, scenario.id);
  }

  private record(s: number, n: number): Recorded {
    const key = `${s}/${n}`;
    let rec = this.recorded.get(key);
    if (!rec) {
      const scenario = this.scenarios[s][n];
      const executor = new ScenarioExecutor(scenario, {
        board: this.ctx.board,
        bootloader: this.ctx.bootloader,
        seed: this.ctx.options.seed,
        clockChecks: this.ctx.bootloader.create().readsClock !== false,
      });
      this.onExecutor?.(executor, s, n);
      const { outcome, actions, settleResults, settleSeen } = executor.record();
      rec = { executor, actions, settleResults, settleSeen, clean: outcome, journal: outcome.journal, forked: executor.forkEveryOp };
      this.remember(key, rec);
    }
    return rec;
  }

  /**
   * The recording a cut forks from. On sectors too big to snapshot before every operation, the scenario is
   * recorded again (it is deterministic) with a snapshot before each of its cut points, so a case restores the
   * flash there instead of replaying its action up to the cut. Only the thread that runs cases pays for it.
   */
  private forkable(s: number, n: number): Recorded {
    const rec = this.record(s, n);
    const scenario = this.scenarios[s][n];
    if (rec.forked || !scenario.cuts) return rec;
    const points = this.cutPoints(scenario, rec);
    const { outcome, actions, settleResults, settleSeen } = rec.executor.record(new Set(points.map(({ op }) => op.index)));
    const forked: Recorded = { ...rec, actions, settleResults, settleSeen, clean: outcome, journal: outcome.journal, forked: true };
    this.remember(`${s}/${n}`, forked);
    return forked;
  }

  /**
   * Keeps a recording for the scenario's later cases. Under memory pressure every other recording is dropped first:
   * a recording is deterministic, so a scenario whose cases come back is recorded again, and a thread that plans many
   * scenarios with big images (a binary's full-slot swaps) runs slower instead of running out of heap.
   */
  private remember(key: string, rec: Recorded): void {
    if (this.recorded.size > 0 && underMemoryPressure()) this.recorded.clear();
    this.recorded.set(key, rec);
  }

  /** Scenario `n` of suite `s`, as the run built it (with the bootloader's skip, if any). */
  scenario(s: number, n: number): Scenario {
    return this.scenarios[s][n];
  }

  /** The executor and actions a cut case of scenario `n` of suite `s` forks from (planned first). */
  cutRecording(s: number, n: number): { readonly executor: ScenarioExecutor; readonly actions: readonly RecordedAction[] } {
    const { executor, actions } = this.forkable(s, n);
    return { executor, actions };
  }

  /** Drops a scenario's recording (its snapshots) once its cases have run. */
  release(s: number, n: number): void {
    this.recorded.delete(`${s}/${n}`);
  }

  /** The result of a case whose worker stopped answering: the bootloader hung at this point. */
  hungCase(planned: PlannedCase, timeoutMs: number, stopped = STOPPED_WORKER): CaseResult {
    const note = `the case did not finish within ${timeoutMs} ms: the bootloader hangs (${stopped})`;
    return this.runCase({ ...planned, spec: { kind: 'hung', note } });
  }

  /** What every result of a case carries: its suite, id, title, seed and replay line. */
  caseBase(planned: PlannedCase) {
    const { arg, suite } = this.ctx.suites[planned.suite];
    return {
      suite: suite.name,
      id: planned.id,
      title: planned.title,
      seed: new Prng(`${this.ctx.options.seed}|${suite.name}|${planned.id}`).nextU32(),
      replay: replayCommand(this.ctx.options, arg, planned.id),
    };
  }

  /** Runs one case and judges it. Never throws for anything the bootloader does. */
  runCase(planned: PlannedCase): CaseResult {
    const started = performance.now();
    const base = this.caseBase(planned);
    const { seed } = base;
    if (planned.spec.kind === 'skip') {
      return { ...base, status: 'skip', violations: [], journal: [], bootLog: [], note: planned.spec.note, boots: 0, durationMs: 0 };
    }
    if (planned.spec.kind === 'hung') {
      const violations: Violation[] = [{ invariant: 'no-brick', message: planned.spec.note }];
      return { ...base, status: 'fail', violations, journal: [], bootLog: [], boots: 0, durationMs: 0 };
    }
    const scenario = this.scenarios[planned.suite][planned.scenario];
    let executed: ReturnType<Session['execute']>;
    try {
      const rec = planned.spec.kind === 'clean' ? this.record(planned.suite, planned.scenario) : this.forkable(planned.suite, planned.scenario);
      executed = this.execute(planned.spec, scenario, rec, seed);
    } catch (error) {
      // The application side could not go on over what the bootloader left on flash (a write-once unit it
      // programmed, a flash rule): that is the bootloader's failure at this point, not the harness's.
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const invariant = error instanceof FlashRuleViolation ? 'flash-discipline' : 'no-brick';
      return {
        ...base,
        status: 'fail',
        violations: [{ invariant, message: `the scenario could not go on: ${message}` }],
        journal: [],
        bootLog: [],
        boots: 0,
        durationMs: performance.now() - started,
      };
    }
    const { outcome, violations, focus, note } = executed;
    const fault = faultOf(planned.spec, this.record(planned.suite, planned.scenario), focus, this.ctx.board.flash.programRule === 'ecc');
    const verdict = verdictOf(scenario, outcome.terminal, violations, note);
    const { status } = verdict;
    const failed = status === 'fail';
    return {
      ...base,
      status,
      violations: verdict.violations,
      ...(fault ? { fault } : {}),
      ...(failed ? { trace: journalAround(outcome.journal, focus) } : {}),
      journal: [],
      bootLog: failed ? outcome.bootLog : [],
      note: verdict.note,
      boots: outcome.boots,
      durationMs: performance.now() - started,
    };
  }

  /**
   * Where a double cut's second cut lands in the recovery of its first (`single`): on the recovery's trailer/status
   * writes and erases, where a second cut decides the most (all of its operations if none), spread evenly over
   * them, the same at every seed (a verdict must not hang on a draw). Undefined when the recovery did nothing.
   */
  secondCut(
    spec: Extract<CaseSpec, { kind: 'double' }>,
    scenario: Scenario,
    single: CaseOutcome,
  ): { readonly op: FlashOp; readonly atOp: number; readonly outcome: CutOutcome; readonly tear?: TornShape } | undefined {
    const statusAreas = trailerAreas(this.ctx.board, scenario.config);
    const recovery = single.recoveryOps();
    const decisive = recovery.filter((op) => isTrailerWrite(op, statusAreas) || isTrailerErase(op, statusAreas));
    const candidates = decisive.length > 0 ? decisive : recovery;
    if (candidates.length === 0) return undefined;
    const spread = scenario.cuts?.secondCuts ?? 1;
    const op = candidates[Math.floor(((spec.sample + 0.5) * candidates.length) / spread)];
    return { op, atOp: op.index, outcome: spec.secondOutcome, tear: secondTear(op, statusAreas, this.ctx.board.flash.writeUnit) };
  }

  private execute(
    spec: Exclude<CaseSpec, { kind: 'skip' | 'hung' }>,
    scenario: Scenario,
    rec: Recorded,
    seed: number,
  ): { outcome: CaseOutcome; violations: Violation[]; focus: number; note?: string } {
    if (spec.kind === 'clean') {
      const outcome = rec.clean;
      return { outcome, violations: judgeClean(scenario, outcome.terminal, outcome.violations), focus: outcome.journal.at(-1)?.index ?? 0 };
    }
    const action = rec.actions[spec.action];
    const executor = rec.executor;
    const single = executor.runCut(action, spec.atOp, spec.outcome, seed, spec.tear);
    if (spec.kind === 'cut') {
      const magicWhole = action.kind !== 'request' || requestMagicWhole(this.ctx.board, scenario, rec.journal, action, spec);
      const atEnd = lastOfItsImage(this.ctx.board, rec.journal, action, spec.atOp);
      const allowed = allowedAfterCut(scenario, action, rec, atEnd, magicWhole);
      const violations = judgeCut(allowed, single.terminal, single.violations, `at op ${spec.atOp}`);
      return { outcome: single, violations, focus: spec.atOp };
    }
    const secondCut = this.secondCut(spec, scenario, single);
    if (secondCut === undefined) {
      return { outcome: single, violations: [...single.violations], focus: spec.atOp, note: 'the recovery performed no flash operation: no second cut to make' };
    }
    const second = secondCut.op;
    const double = executor.runDoubleCut(action, { atOp: spec.atOp, outcome: spec.outcome, tear: spec.tear }, secondCut, seed);
    // A second cut on the last operation of a recovery boot is a reset after that boot's work, and one in the
    // application's confirm leaves the trial unconfirmed: either may then be reverted, as after a single cut there.
    const accepted = new Set([single.terminal]);
    if (single.bootEnds.includes(second.index) || single.appOps.includes(second.index)) {
      for (const t of allowedAfterCut(scenario, action, rec, true)) accepted.add(t);
    }
    const what = `a second cut (${spec.secondOutcome}) at op ${second.index} of the recovery (the single cut at op ${spec.atOp} ended on '${single.terminal}')`;
    const violations = judgeSecondCut(accepted, double.terminal, double.violations, what);
    return { outcome: double, violations, focus: second.index };
  }
}

/** `upgrade/install/op42/torn`; an enumerated torn variant adds its name (`…/torn-u1-half`). */
export function pointId(scenario: string, phase: Phase, op: number, outcome: CutOutcome, variant?: string): string {
  return `${scenario}/${phase}/op${op}/${outcome}${variant ? `-${variant}` : ''}`;
}

/**
 * A program inside a trailer or status area (magic, flags, swap info and size, status records): its torn outcomes
 * are enumerated, not drawn from the seed. A payload program that merely reaches into a trailer stays sampled.
 */
export function isTrailerWrite(op: FlashOp, statusAreas: readonly FlashRegion[]): boolean {
  return (
    op.kind === 'program' &&
    op.length <= LONGEST_TRAILER_WRITE &&
    statusAreas.some((r) => op.offset >= r.offset && op.offset + op.length <= r.offset + r.size)
  );
}

/**
 * A program longer than this is a copy passing through a status area (swap-scratch copies sectors into the scratch,
 * whose status area is its end), not a trailer write: the longest trailer write is all its info fields at once
 * (swap size, swap info, the offset field, copy_done, image_ok, two stored keys and the magic: at most 8 × 32 bytes).
 * Each torn variant of a 1 KiB copy chunk would be a case of its own: 768 on a 4-byte part.
 */
const LONGEST_TRAILER_WRITE = 256;

/** The enumerated torn variants of `op`, or one seeded tear (undefined) for a payload write or a counter. */
function tornVariantsOf(op: FlashOp, statusAreas: readonly FlashRegion[], writeUnit: number, ecc: boolean): (TornShape | undefined)[] {
  if (isTrailerWrite(op, statusAreas)) return tornVariants(op.length / writeUnit, ecc, writeUnit);
  if (isTrailerErase(op, statusAreas)) return [...ERASE_TEARS];
  return [undefined];
}

/**
 * Whether the cut operation is the last its action makes for the image it writes: the action's last operation, or,
 * on a board with several images, the last touching that image's slots before only other images' slots are written
 * (the boot goes on to the next image's update). A cut there may end either side of that image's update, as at the
 * end of an action. The scratch counts as every image's, and so does a counter other than an image's security counter.
 */
export function lastOfItsImage(
  board: RunContext['board'],
  journal: readonly FlashOp[],
  action: { readonly opStart: number; readonly opEnd: number },
  atOp: number,
): boolean {
  if (atOp === action.opEnd - 1) return true;
  const { images } = board.partitions;
  if (images.length < 2) return false;
  const imagesOf = (op: FlashOp): number[] => {
    // A security counter's id is its image's index (securityCounterId); any other counter is every image's.
    if (op.kind === 'counter') return op.offset < images.length ? [op.offset] : images.map((_, i) => i);
    if (board.partitions.scratch && overlaps(op, board.partitions.scratch)) return images.map((_, i) => i);
    return images.flatMap(({ primary, secondary }, i) => (overlaps(op, primary) || overlaps(op, secondary) ? [i] : []));
  };
  const ops = opsOf(journal, action);
  const cut = ops.find((op) => op.index === atOp);
  if (!cut) return false;
  const mine = new Set(imagesOf(cut));
  if (mine.size === 0) return false;
  return ops.every((op) => op.index <= atOp || imagesOf(op).every((i) => !mine.has(i)));
}

/**
 * The one tear of a trailer field's write under the quick profile: whole units up to the one where the value starts
 * (the magic's 16 bytes sit at the end of their write; a flag, swap info or size is the write's first byte), that
 * unit weakly programmed (an ECC fault on an ECC part).
 */
export function fieldTear(op: FlashOp, fields: readonly FlashRegion[], writeUnit: number, ecc: boolean): TornShape {
  const units = op.length / writeUnit;
  const field = fields.find((r) => overlaps(op, r));
  const magicStart = field ? field.offset + field.size - BOOT_MAGIC_SIZE : Number.POSITIVE_INFINITY;
  const valueAt = op.offset + op.length > magicStart ? Math.max(0, magicStart - op.offset) : 0;
  return { units: Math.min(units - 1, Math.floor(valueAt / writeUnit)), unit: ecc ? 'ones' : 'weak' };
}

/** A sector erase that takes a trailer or status area with it: a torn one can leave a magic or a flag half erased. */
export function isTrailerErase(op: FlashOp, statusAreas: readonly FlashRegion[]): boolean {
  return op.kind === 'erase' && statusAreas.some((r) => overlaps(op, r));
}

/** A torn erase that moved few, half, or most of the bits still to erase. */
const ERASE_TEARS: readonly TornShape[] = [{ eighths: 1 }, { eighths: 4 }, { eighths: 7 }];

/** The one torn variant a second cut makes (the second cut is not enumerated): mid-way, the same at every seed. */
function secondTear(op: FlashOp, statusAreas: readonly FlashRegion[], writeUnit: number): TornShape | undefined {
  if (isTrailerWrite(op, statusAreas)) return { units: Math.floor(op.length / writeUnit / 2), unit: 'half' };
  if (op.kind === 'erase') return { eighths: 4 };
  return undefined;
}

/**
 * The torn outcomes of a program that matter to a decoder: each prefix of whole write units, then a torn unit
 * left as it was, weakly programmed (half of each byte's bit changes), or half written. On an ECC part the torn unit reads back as an ECC fault whatever it
 * holds, so there is one variant per prefix. A byte-wide unit has no half: half written, it is the whole byte,
 * the state of the next prefix (a binary programs byte by byte on such parts, so this is a third of its cases).
 */
export function tornVariants(units: number, ecc: boolean, writeUnit: number): TornShape[] {
  const torn = writeUnit === 1 ? (['ones', 'weak'] as const) : (['ones', 'weak', 'half'] as const);
  const shapes: TornShape[] = [];
  for (let k = 0; k < units; k++) {
    if (ecc) shapes.push({ units: k, unit: 'ones' });
    else for (const unit of torn) shapes.push({ units: k, unit });
  }
  return shapes;
}

/** `u2-half`: two whole units written, the third half written; `u0-ecc` on an ECC part; `e4`: an erase 4/8 done. */
function tornName(tear: TornShape, ecc: boolean): string {
  return 'eighths' in tear ? `e${tear.eighths}` : `u${tear.units}-${ecc ? 'ecc' : tear.unit}`;
}

function journalAround(journal: readonly FlashOp[], focus: number): FlashOpRecord[] {
  return journal
    .filter((op) => op.index >= focus - 4 && op.index <= focus + 4)
    .map(({ index, kind, offset, length, startUs, result }) => ({ index, kind, offset, length, startUs, result }));
}

/** Where a case's cut landed, for the reports (none for a fault-free case). */
function faultOf(spec: CaseSpec, rec: Recorded, focus: number, ecc: boolean): FaultPoint | undefined {
  if (spec.kind !== 'cut' && spec.kind !== 'double') return undefined;
  const [op] = opsOf(rec.journal, { opStart: spec.atOp, opEnd: spec.atOp + 1 });
  return {
    phase: rec.actions[spec.action].phase,
    op: spec.atOp,
    kind: op?.kind ?? 'unknown',
    offset: op?.offset ?? 0,
    length: op?.length ?? 0,
    outcome: spec.outcome,
    ...(spec.tear ? { tear: tornName(spec.tear, ecc) } : {}),
    ...(spec.kind === 'double' ? { second: { op: focus, outcome: spec.secondOutcome } } : {}),
  };
}

/** A scenario the bootloader under test cannot take (a binary's fixed build) becomes a skipped case. */
function withBuildSkip(scenario: Scenario, ctx: RunContext): Scenario {
  const skip = scenario.skip ?? ctx.scenarioSkip?.(scenario);
  return skip === scenario.skip ? scenario : { ...scenario, skip };
}
