/**
 * `bootproof run <suite> --lab <file> --board-id <id>`: the same suites, scenarios, invariants and reports as on an
 * emulated board, run on a real one. Each scenario runs fault-free first; its actions, timed, give the fault points:
 * upload offsets spread over each download, and moments spread over each boot that did flash work (a swap, a revert).
 * Every case starts from the factory state. Scenarios a real board cannot play (a clock or trust-store change, bit
 * rot, factory counters, another bootloader build than the board's) are reported as skipped, with the reason.
 */
import { Prng } from '../../emulator/common/prng.ts';
import { buildRunContext, type RunContext } from '../context.ts';
import type { PowerCutRequest } from '../device.ts';
import type { Violation } from '../invariants.ts';
import { allowedAfterCut, judgeClean, judgeCut, verdictOf } from '../judge.ts';
import type { Reporter } from '../reporters/reporter.ts';
import { type CaseResult, REPORT_FORMAT, type RunReport } from '../results.ts';
import { describeContext } from '../run-info.ts';
import { type RunOptions, scenarioSelected, selectCases } from '../run-options.ts';
import type { Scenario } from '../scenario.ts';
import type { Suite } from '../suite.ts';
import { type LabAction, type LabCut, type LabDevice, type LabOutcome, LabScenarioRun } from './lab-executor.ts';
import { type LabBoard, type LabEntry, loadLabEntry } from './lab-file.ts';
import { makePowerControl } from './power.ts';
import { SerialDevice } from './serial-device.ts';

export interface LabTarget {
  readonly file: string;
  readonly boardId: string;
}

/** Opens the lab file's board and runs the suites on it. */
export async function runOnLab(options: RunOptions, target: LabTarget, reporters: readonly Reporter[] = []): Promise<RunReport> {
  const entry = loadLabEntry(target.file, target.boardId);
  const ctx = await buildRunContext({ ...options, board: entry.board, strategy: entry.settings.bootloader.strategy ?? options.strategy });
  const { settings } = entry;
  const power = makePowerControl(settings.power, { port: settings.port, offMs: settings.timeouts.offMs, boardLabel: `board ${entry.id}` });
  const device = await SerialDevice.open({ id: entry.id, settings, board: ctx.board, power });
  try {
    return await runLabSuites(ctx, device, entry, reporters);
  } finally {
    await device.close();
  }
}

interface Planned {
  readonly arg: string;
  readonly suite: Suite;
  readonly id: string;
  readonly title: string;
  readonly demonstrates?: Scenario['demonstrates'];
}

interface Judged {
  readonly violations: Violation[];
  /** Undefined for a skipped case. */
  readonly outcome?: LabOutcome;
  readonly note?: string;
  readonly durationMs: number;
}

interface CutCase extends Planned {
  readonly point: CutPoint;
  readonly run: () => Promise<Judged>;
}

/**
 * Runs every scenario fault-free first — each is a case, and it plans that scenario's cut cases — so the number of
 * cases is known before the cuts run. `--only` and `--shard` select among all of them, as on an emulated board.
 */
export async function runLabSuites(ctx: RunContext, device: LabDevice, entry: LabEntry, reporters: readonly Reporter[]): Promise<RunReport> {
  const started = performance.now();
  const { options } = ctx;
  const needed = (scenario: Scenario) => scenarioSelected(scenario.id, options);
  const cleanCases: { planned: Planned; judged: Judged }[] = [];
  const cutCases: CutCase[] = [];
  for (const { arg, suite } of ctx.suites) {
    const suiteSkip = suite.skip?.(ctx.suiteContext);
    if (suiteSkip) {
      cleanCases.push({ planned: { arg, suite, id: 'skipped', title: suite.title }, judged: skipped(suiteSkip) });
      continue;
    }
    for (const scenario of suite.scenarios(ctx.suiteContext).filter(needed)) {
      const planned = { arg, suite, id: `${scenario.id}/clean`, title: scenario.title, demonstrates: scenario.demonstrates };
      const skip = scenario.skip ?? labSkip(scenario, entry.settings, ctx);
      if (skip) {
        cleanCases.push({ planned, judged: skipped(skip) });
        continue;
      }
      const cleanStarted = performance.now();
      const clean = await new LabScenarioRun(scenario, device).run();
      const violations = judgeClean(scenario, clean.terminal, clean.violations);
      cleanCases.push({ planned, judged: { violations, outcome: clean, durationMs: performance.now() - cleanStarted } });
      const cuts = scenario.cuts ? planCuts(scenario, clean.actions, pointCount(ctx, entry.settings)) : [];
      for (const cut of cuts) {
        cutCases.push({
          ...planned,
          id: `${scenario.id}/${cut.id}`,
          title: `${scenario.title}: ${cut.title}`,
          point: cut,
          run: () => runCut(device, scenario, clean, cut),
        });
      }
    }
  }
  const selected = new Set(selectCases([...cleanCases.map((c) => c.planned), ...cutCases], options).map((c) => c.id));
  const info = describeContext(ctx, {
    target: `${entry.id} (${ctx.board.name}) on ${entry.settings.port}`,
    points: `lab: ${pointCount(ctx, entry.settings)} per action`,
    bootloader: { name: 'on the board', kind: 'device', config: { ...entry.settings.bootloader } },
  });
  const chosenClean = cleanCases.filter((c) => selected.has(c.planned.id));
  const chosenCuts = cutCases.filter((c) => selected.has(c.id));
  for (const r of reporters) r.onRunStart?.(info, chosenClean.length + chosenCuts.length);
  const results: CaseResult[] = [];
  const report = (result: CaseResult) => {
    results.push(result);
    for (const r of reporters) r.onCase?.(result);
  };
  for (const { planned, judged } of chosenClean) report(caseResult(ctx, entry, planned, judged));
  for (const cut of chosenCuts) report(caseResult(ctx, entry, cut, await cut.run(), cut.point));
  const runReport: RunReport = { format: REPORT_FORMAT, info, cases: results, durationMs: performance.now() - started };
  for (const r of reporters) await r.onRunEnd(runReport);
  return runReport;
}

function skipped(note: string): Judged {
  return { violations: [], note, durationMs: 0 };
}

async function runCut(device: LabDevice, scenario: Scenario, clean: LabOutcome, cut: CutPoint): Promise<Judged> {
  const started = performance.now();
  const outcome = await new LabScenarioRun(scenario, device).run(cut.cut);
  const action = clean.actions[cut.cut.action];
  const violations = checkAfterCut(scenario, action, clean, outcome, cut.cut.cut);
  const late = mayFollowWork(action, outcome);
  const note = !outcome.cutLanded
    ? `the cut came after the ${action.kind} had ended: nothing was cut`
    : outcome.cutAfterHandoff
      ? 'the power switch was slower than the boot: the power went after the hand-off, before the confirm'
      : late !== undefined
        ? `the power went up to ${Math.round(late.cutMs)} ms into the boot, whose flash work takes about ${Math.round(late.workMs)} ms: it may have ended, so the cut is judged as one at the end of the boot`
        : undefined;
  return { violations, outcome, note, durationMs: performance.now() - started };
}

interface CutPoint {
  readonly id: string;
  readonly title: string;
  readonly cut: LabCut;
}

/**
 * Upload offsets spread over every download; moments spread over every boot that did flash work, and over every
 * upgrade request and confirm (the SMP write that marks the image), as the emulated device cuts their flash
 * operations. A moment is placed inside the window where the board was seen working (a boot: from its first console
 * line to its banner), so every point falls in the flash work, not in the power switch's latency before it.
 */
export function planCuts(scenario: Scenario, actions: readonly LabAction[], points: number): CutPoint[] {
  const phases = scenario.cuts?.phases;
  const boots = actions.filter((a) => a.kind === 'boot');
  const idleBoot = Math.min(...boots.map(workMs));
  const out: CutPoint[] = [];
  for (const action of actions) {
    if (phases && !phases.includes(action.phase)) continue;
    const fractions = Array.from({ length: points }, (_, i) => (i + 1) / (points + 1));
    if (action.kind === 'download' && action.bytes) {
      for (const f of fractions) {
        const offset = Math.floor(action.bytes * f);
        out.push({
          id: `${action.phase}/a${action.index}/upload${offset}`,
          title: `cut after ${offset} of ${action.bytes} uploaded bytes`,
          cut: { action: action.index, cut: { kind: 'upload', offset } },
        });
      }
    }
    // A boot that took clearly longer than one that did nothing was moving images: cut it part-way. A seen window
    // has no switch latency in it, so a smaller margin tells the two apart.
    const moved = action.kind === 'boot' && workMs(action) > idleBoot * 1.5 + (action.window ? 5 : 20);
    if (moved || action.kind === 'request' || action.kind === 'confirm') {
      const { fromMs, toMs } = action.window ?? { fromMs: 0, toMs: action.durationMs };
      const what = action.kind === 'boot' ? 'boot' : `${action.kind} (its SMP write)`;
      const moment = (name: string, f: number): CutPoint => {
        const afterUs = Math.round((fromMs + (toMs - fromMs) * f) * 1000);
        return {
          id: `${action.phase}/a${action.index}/${name}`,
          title: `cut ${Math.round(afterUs / 1000)} ms into the ${what} (${action.phase}, ${Math.round(action.durationMs)} ms fault-free)`,
          cut: { action: action.index, cut: { kind: 'time', afterUs } },
        };
      };
      out.push(...fractions.map((f, i) => moment(`t${i + 1}of${points}`, f)));
      // A swap ends with a burst of fast programs (the last status records, copy-done, image-ok, the magic) after
      // its slow sector copies: a tenth of its time or less, where points spread over the whole boot rarely fall,
      // and where a resume that misreads its progress goes wrong. As many points again go there.
      if (moved) out.push(...fractions.map((f, i) => moment(`end${i + 1}of${points}`, END_OF_WORK + (1 - END_OF_WORK) * f)));
    }
  }
  return out;
}

/** Where the last tenth of a boot's flash work starts, as a fraction of its window. */
const END_OF_WORK = 0.9;

/** How long the action's flash work took: its seen window, else the whole action. */
function workMs(action: LabAction): number {
  return action.window ? action.window.toMs - action.window.fromMs : action.durationMs;
}

/** Why a real board cannot play this scenario, or undefined. */
export function labSkip(scenario: Scenario, settings: LabBoard, ctx: RunContext): string | undefined {
  const built = settings.bootloader;
  const strategy = built.strategy ?? ctx.board.bootloader.strategy;
  const config = scenario.config;
  if (config.imageCount > 1) return 'multi-image scenarios need a multi-image board build (not supported on lab boards yet)';
  if (config.strategy !== strategy) return `needs a ${config.strategy} bootloader; the board's MCUboot is built for ${strategy}`;
  if (config.downgradePrevention !== built.downgradePrevention || config.hardwareRollback !== built.hardwareRollback) {
    return (
      `needs downgrade prevention '${config.downgradePrevention}'${config.hardwareRollback ? ' with a hardware counter' : ''}; ` +
      `the board's MCUboot is built with '${built.downgradePrevention}'${built.hardwareRollback ? ' with a hardware counter' : ''}`
    );
  }
  const { trust } = scenario;
  if (trust.enforce !== 'install' || trust.keys.some((k) => k.revoked || k.notBefore !== undefined || k.notAfter !== undefined)) {
    return 'needs a trust policy with key validity windows or revocation, which a board has built in, not set per case';
  }
  const boardKey = ctx.suiteContext.fixtures.pair.trustKey;
  if (trust.keys.length !== 1 || !trust.keys[0].key.equals(boardKey)) {
    return `needs the board to trust the key(s) ${trust.keys.map((k) => k.name).join(', ')} instead of the update's key`;
  }
  if (scenario.factory.counters && scenario.factory.counters.size > 0) {
    return 'needs hardware counters set at the factory (a real board cannot have its OTP reset between cases)';
  }
  if (scenario.factory.secondaries?.some((name) => name !== undefined)) return 'needs an image in the secondary slot at the factory';
  const untrusted = scenario.factory.primaries.find((name) => scenario.images.find((i) => i.name === name)?.trusted === false);
  if (untrusted !== undefined) {
    return `needs '${untrusted}', an image the board must refuse, in the primary slot at the factory (a lab board starts from an image it runs)`;
  }
  const foreign = scenario.steps.find((s) => s.kind !== 'download' && s.kind !== 'request' && s.kind !== 'reboot');
  if (foreign) return `a '${foreign.kind}' step cannot be applied to a real board from outside`;
  return undefined;
}

/** The states on either side of the interrupted step (the judge's rule, as on an emulated device). */
function checkAfterCut(scenario: Scenario, action: LabAction, clean: LabOutcome, outcome: LabOutcome, cut: PowerCutRequest): Violation[] {
  // A boot cut only after its hand-off was cut between the boot and the confirm: either side may then be right.
  const atEnd = action.kind === 'boot' && (outcome.cutAfterHandoff === true || mayFollowWork(action, outcome) !== undefined);
  const allowed = allowedAfterCut(scenario, action, clean, atEnd);
  const where = cut.kind === 'upload' ? `after ${cut.offset} uploaded bytes` : `${Math.round(cut.kind === 'time' ? cut.afterUs / 1000 : 0)} ms into the ${action.kind}`;
  return judgeCut(allowed, outcome.terminal, outcome.violations, where);
}

/**
 * Only a cut known to have come before the boot's flash work ended is judged as a cut inside it. The off command's
 * return bounds when the power went; the work ends a little before the banner (the fault-free window), and a cut
 * after it leaves a finished swap that the next boot may rightly revert, as after a cut at the end of the boot.
 * Undefined when the cut surely fell inside the work, or when the board showed no window to compare with.
 */
export function mayFollowWork(action: LabAction, outcome: Pick<LabOutcome, 'cutLanded' | 'cutIntoBootMs'>): { cutMs: number; workMs: number } | undefined {
  if (action.kind !== 'boot' || !outcome.cutLanded || outcome.cutIntoBootMs === undefined || action.window === undefined) return undefined;
  const workMs = action.window.toMs - action.window.fromMs;
  return outcome.cutIntoBootMs >= workMs * SURELY_IN_WORK ? { cutMs: outcome.cutIntoBootMs, workMs } : undefined;
}

/** The share of a boot's window (first line to banner) before which its flash work has surely not ended. */
const SURELY_IN_WORK = 0.95;

/**
 * A time cut on a board cannot be replayed exactly: the replay measures the work again and cuts at the same point
 * of it, but where the power really goes moves with the switch's latency, so it may land on another operation.
 */
function replayCaveat(cut: CutPoint | undefined): string {
  if (cut?.cut.cut.kind !== 'time') return '';
  return `  # a time cut (${Math.round(cut.cut.cut.afterUs / 1000)} ms into the action): on a board a replay cuts at the same point of the work it sees again, and the power switch's latency varies, so it may land on another flash operation and not reproduce`;
}

function caseResult(ctx: RunContext, entry: LabEntry, planned: Planned, judged: Judged, cut?: CutPoint): CaseResult {
  const { options } = ctx;
  const replay =
    ['npx bootproof run', planned.arg, '--lab', entry.file, '--board-id', entry.id, '--only', `'${planned.id}'`, '--seed', String(options.seed)].join(' ') +
    replayCaveat(cut);
  const seed = new Prng(`${options.seed}|${planned.suite.name}|${planned.id}`).nextU32();
  const base = { suite: planned.suite.name, id: planned.id, title: planned.title, seed, replay, journal: [] };
  const { violations, outcome, note } = judged;
  if (!outcome) return { ...base, status: 'skip', violations: [], bootLog: [], note, boots: 0, durationMs: 0 };
  const verdict = verdictOf(planned, outcome.terminal, violations, note);
  const { status } = verdict;
  return {
    ...base,
    status,
    violations: verdict.violations,
    bootLog: status === 'fail' ? outcome.bootLog : [],
    note: verdict.note,
    boots: outcome.boots,
    durationMs: judged.durationMs,
  };
}

function pointCount(ctx: RunContext, settings: LabBoard): number {
  const points = ctx.suiteContext.points;
  return points?.kind === 'random' ? points.count : settings.sweep.points;
}
