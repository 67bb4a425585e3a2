/**
 * The runner: plans the cases, splits them into a shard, runs them on worker threads (or inline), and hands the
 * results to the reporters. It knows nothing of output formats.
 */
import { availableParallelism } from 'node:os';
import { buildRunContext } from './context.ts';
import { judgeOrderDependence } from './judge.ts';
import type { Reporter } from './reporters/reporter.ts';
import { type CaseResult, REPORT_FORMAT, type RunInfo, type RunReport } from './results.ts';
import { describeContext } from './run-info.ts';
import { type RunOptions, selectCases } from './run-options.ts';
import { type PlannedCase, Session, STOPPED_INLINE } from './session.ts';
import { guardProcessExit, runEachWithTimeLimit, runWithTimeLimit, TimeLimitExceeded } from './user-code.ts';
import { caseTimeoutOf, type Job, type JobResult, runAlone, WorkerPool } from './worker-pool.ts';

export function defaultJobs(): number {
  return availableParallelism();
}

export async function runSuites(options: RunOptions, reporters: readonly Reporter[] = []): Promise<RunReport> {
  const started = performance.now();
  if (options.jobs === 0) return report(runInline(new Session(await buildRunContext(options)), options, reporters), started, reporters);
  // The workers start at once: each loads the code and builds the run's context while this thread builds its own.
  const pool = new WorkerPool(options, options.jobs);
  pool.start();
  try {
    const session = new Session(await buildRunContext(options));
    return report(await runOnPool(session, pool, options, reporters), started, reporters);
  } finally {
    await pool.close();
  }
}

interface RunOutcome {
  readonly info: RunInfo;
  readonly results: CaseResult[];
  readonly stoppedEarly: string | undefined;
}

async function report(outcome: RunOutcome, started: number, reporters: readonly Reporter[]): Promise<RunReport> {
  const { info, results, stoppedEarly } = outcome;
  const runReport: RunReport = {
    format: REPORT_FORMAT,
    info,
    cases: results,
    durationMs: performance.now() - started,
    ...(stoppedEarly ? { stoppedEarly } : {}),
  };
  for (const r of reporters) await r.onRunEnd(runReport);
  return runReport;
}

/** Hands each result to the reporters, and stops the run at `--max-failures`. */
class ResultFeed {
  stoppedEarly: string | undefined;
  private failures = 0;

  constructor(
    private readonly options: RunOptions,
    private readonly reporters: readonly Reporter[],
    private readonly stop: () => void,
  ) {}

  readonly onResult = (result: CaseResult): void => {
    if (this.stoppedEarly) return;
    for (const r of this.reporters) r.onCase?.(result);
    const limit = this.options.maxFailures;
    if (result.status === 'fail' && limit !== undefined && ++this.failures >= limit) {
      this.stoppedEarly = `--max-failures ${limit}: stopped after ${this.failures} failed case(s); the other cases did not run`;
      this.stop();
    }
  };
}

/** The run's description with what its planned cases cover, and the cases selected: both told to the reporters. */
function announce(session: Session, planned: readonly PlannedCase[], options: RunOptions, reporters: readonly Reporter[]) {
  const info: RunInfo = { ...describeContext(session.ctx), coverage: session.coverage(planned) };
  const cases = selectCases(planned, options);
  for (const r of reporters) r.onRunStart?.(info, cases.length);
  return { info, cases };
}

function runInline(session: Session, options: RunOptions, reporters: readonly Reporter[]): RunOutcome {
  const feed = new ResultFeed(options, reporters, () => {});
  const results: CaseResult[] = [];
  // User code runs in this thread: its process.exit must not end the run without a verdict.
  const restore = guardProcessExit();
  try {
    const { info, cases } = announce(session, planInline(session, options), options, reporters);
    const timeout = caseTimeoutOf(options);
    runEachWithTimeLimit(
      cases,
      (c) => session.runCase(c),
      timeout,
      (c, outcome) => {
        const result = outcome instanceof TimeLimitExceeded ? session.hungCase(c, timeout, STOPPED_INLINE) : outcome;
        feed.onResult(result);
        results.push(result);
        return !feed.stoppedEarly;
      },
      (result) => result.status === 'fail',
    );
    return { info, results, stoppedEarly: feed.stoppedEarly };
  } finally {
    restore();
  }
}

async function runOnPool(session: Session, pool: WorkerPool, options: RunOptions, reporters: readonly Reporter[]): Promise<RunOutcome> {
  const feed = new ResultFeed(options, reporters, () => pool.stop());
  const { info, cases } = announce(session, await planOnWorkers(session, pool, options), options, reporters);
  const results = await runOnWorkers(session, pool, cases, feed.onResult, options);
  return { info, results, stoppedEarly: feed.stoppedEarly };
}

/**
 * `--jobs 0`: the bootloader runs in this thread, where no timer can end a synchronous loop, so each scenario's
 * fault-free run and each case runs under the case time budget by V8's own interruption (runWithTimeLimit).
 */
function planInline(session: Session, options: RunOptions): PlannedCase[] {
  const timeout = caseTimeoutOf(options);
  return session.units().flatMap((u) => {
    if (u.kind === 'cases') return [...u.cases];
    try {
      return runWithTimeLimit(() => session.planScenario(u.suite, u.scenario), timeout);
    } catch (error) {
      if (error instanceof TimeLimitExceeded) return [session.hungScenario(u.suite, u.scenario, timeout, STOPPED_INLINE)];
      throw error;
    }
  });
}

/** Planning runs each scenario fault-free, i.e. runs the bootloader: on the workers, under the time budget. */
async function planOnWorkers(session: Session, pool: WorkerPool, options: RunOptions): Promise<PlannedCase[]> {
  const units = session.units();
  const jobs: Job[] = units.flatMap((u) => (u.kind === 'scenario' ? [{ type: 'plan' as const, suite: u.suite, scenario: u.scenario }] : []));
  // With fewer scenarios than workers, a worker with none to plan would wait idle: it plans one that another worker
  // plans too (its answer is not used), so it holds that scenario's recording when its cases come.
  const spare = jobs.length === 0 ? [] : Array.from({ length: Math.max(0, pool.size - jobs.length) }, (_, k) => jobs[k % jobs.length]);
  const timeout = caseTimeoutOf(options);
  const planned = await pool.execute(
    [...jobs, ...spare],
    () => {},
    (job) => ({ type: 'plan', cases: job.type === 'plan' ? [session.hungScenario(job.suite, job.scenario, timeout)] : [] }),
  );
  let next = 0;
  return units.flatMap((u) => {
    if (u.kind === 'cases') return [...u.cases];
    const result = planned[next++];
    return result.type === 'plan' ? result.cases : [];
  });
}

async function runOnWorkers(
  session: Session,
  pool: WorkerPool,
  cases: readonly PlannedCase[],
  onResult: (result: CaseResult) => void,
  options: RunOptions,
): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  const remote: number[] = [];
  cases.forEach((c, i) => {
    // Skipped and hung cases need no bootloader: they are answered here.
    if (c.spec.kind === 'skip' || c.spec.kind === 'hung') {
      results[i] = session.runCase(c);
      onResult(results[i]);
    } else remote.push(i);
  });
  const timeout = caseTimeoutOf(options);
  const onHung = (job: Job): JobResult => ({ type: 'run', result: session.hungCase(job.type === 'run' ? job.planned : cases[0], timeout) });
  // A failure is reported only once the case has run again alone (see `checkAlone`); a pass is reported at once.
  // Under --max-failures a failure is reported at once, so the run can stop; it is then not re-run alone.
  const failed: number[] = [];
  const defer = options.maxFailures === undefined;
  const done = await pool.execute(
    remote.map((i) => ({ type: 'run' as const, planned: cases[i] })),
    (k, result) => {
      if (result.type !== 'run') return;
      if (defer && result.result.status === 'fail') failed.push(remote[k]);
      else onResult(result.result);
    },
    onHung,
  );
  done.forEach((result, k) => {
    if (result?.type === 'run') results[remote[k]] = result.result;
  });
  await checkAlone(failed.sort((a, b) => a - b), cases, results, options, onHung);
  for (const i of failed) onResult(results[i]);
  // A run stopped early (--max-failures) has holes where cases did not run.
  return results.filter((r) => r !== undefined);
}

/** Failures re-run alone at most; beyond this many, a failure says it was not (each re-run starts a worker). */
const MAX_RERUNS = 8;

/**
 * Power loss loses volatile state: a bootloader's verdict must not depend on the cases that ran before it in the
 * same worker. Each failure runs again alone in a fresh worker; a different verdict is reported as order dependence
 * (I-8), the run's own failure, with the verdict alone in its note.
 */
async function checkAlone(
  failed: readonly number[],
  cases: readonly PlannedCase[],
  results: CaseResult[],
  options: RunOptions,
  onHung: (job: Job) => JobResult,
): Promise<void> {
  const rerun = failed.filter((i) => cases[i].spec.kind !== 'hung').slice(0, MAX_RERUNS);
  const lanes = Math.max(1, Math.min(options.jobs, rerun.length));
  let next = 0;
  const lane = async () => {
    while (next < rerun.length) {
      const i = rerun[next++];
      const alone = await runAlone(options, { type: 'run', planned: cases[i] }, onHung);
      if (alone.type === 'run') results[i] = withOrderCheck(results[i], alone.result);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  const unchecked = failed.filter((i) => !rerun.includes(i) && cases[i].spec.kind !== 'hung');
  for (const i of unchecked) {
    const note = `not re-run alone (only the first ${MAX_RERUNS} failures are): run it with its replay line to see it alone`;
    results[i] = { ...results[i], note: results[i].note ? `${results[i].note}; ${note}` : note };
  }
}

function withOrderCheck(first: CaseResult, alone: CaseResult): CaseResult {
  const violation = judgeOrderDependence(first, alone);
  if (!violation) return first;
  const note = `alone in a fresh worker it ${alone.status === 'pass' ? 'passes' : 'fails'}, so its replay line shows it ${alone.status === 'pass' ? 'passing' : 'failing'} alone; the whole run with --jobs 1 repeats the order that failed`;
  return { ...first, status: 'fail', violations: [violation, ...first.violations], note };
}
