/**
 * The runner: plans the cases, splits them into a shard, runs them on worker threads (or inline), and hands the
 * results to the reporters. It knows nothing of output formats.
 */
import { availableParallelism } from 'node:os';
import { buildRunContext } from './context.ts';
import { judgeOrderDependence } from './judge.ts';
import type { Reporter } from './reporters/reporter.ts';
import { type CaseResult, REPORT_FORMAT, type RunReport } from './results.ts';
import { describeContext } from './run-info.ts';
import { type RunOptions, selectCases } from './run-options.ts';
import { type PlannedCase, Session, STOPPED_INLINE } from './session.ts';
import { guardProcessExit, runWithTimeLimit, TimeLimitExceeded } from './user-code.ts';
import { DEFAULT_CASE_TIMEOUT_MS, type Job, type JobResult, runAlone, WorkerPool } from './worker-pool.ts';

export function defaultJobs(): number {
  return availableParallelism();
}

export async function runSuites(options: RunOptions, reporters: readonly Reporter[] = []): Promise<RunReport> {
  const started = performance.now();
  const ctx = await buildRunContext(options);
  const session = new Session(ctx);
  let info = describeContext(ctx);
  let failures = 0;
  let stoppedEarly: string | undefined;
  let stop = () => {};
  const onResult = (result: CaseResult) => {
    if (stoppedEarly) return;
    for (const r of reporters) r.onCase?.(result);
    if (result.status === 'fail' && options.maxFailures !== undefined && ++failures >= options.maxFailures) {
      stoppedEarly = `--max-failures ${options.maxFailures}: stopped after ${failures} failed case(s); the other cases did not run`;
      stop();
    }
  };
  let results: CaseResult[] = [];
  if (options.jobs === 0) {
    // User code runs in this thread: its process.exit must not end the run without a verdict.
    const restore = guardProcessExit();
    try {
      const planned = planInline(session, options);
      info = { ...info, coverage: session.coverage(planned) };
      const cases = selectCases(planned, options);
      for (const r of reporters) r.onRunStart?.(info, cases.length);
      for (const c of cases) {
        if (stoppedEarly) break;
        const result = runCaseInline(session, c, options);
        onResult(result);
        results.push(result);
      }
    } finally {
      restore();
    }
  } else {
    const pool = new WorkerPool(options, options.jobs);
    stop = () => pool.stop();
    try {
      const planned = await planOnWorkers(session, pool, options);
      info = { ...info, coverage: session.coverage(planned) };
      const cases = selectCases(planned, options);
      for (const r of reporters) r.onRunStart?.(info, cases.length);
      results = await runOnWorkers(session, pool, cases, onResult, options);
    } finally {
      await pool.close();
    }
  }
  const report: RunReport = {
    format: REPORT_FORMAT,
    info,
    cases: results,
    durationMs: performance.now() - started,
    ...(stoppedEarly ? { stoppedEarly } : {}),
  };
  for (const r of reporters) await r.onRunEnd(report);
  return report;
}

/**
 * `--jobs 0`: the bootloader runs in this thread, where no timer can end a synchronous loop, so each scenario's
 * fault-free run and each case runs under the case time budget by V8's own interruption (runWithTimeLimit).
 */
function planInline(session: Session, options: RunOptions): PlannedCase[] {
  const timeout = options.caseTimeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
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

function runCaseInline(session: Session, planned: PlannedCase, options: RunOptions): CaseResult {
  const timeout = options.caseTimeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
  try {
    return runWithTimeLimit(() => session.runCase(planned), timeout);
  } catch (error) {
    if (error instanceof TimeLimitExceeded) return session.hungCase(planned, timeout, STOPPED_INLINE);
    throw error;
  }
}

/** Planning runs each scenario fault-free, i.e. runs the bootloader: on the workers, under the time budget. */
async function planOnWorkers(session: Session, pool: WorkerPool, options: RunOptions): Promise<PlannedCase[]> {
  const units = session.units();
  const jobs: Job[] = units.flatMap((u) => (u.kind === 'scenario' ? [{ type: 'plan' as const, suite: u.suite, scenario: u.scenario }] : []));
  const timeout = options.caseTimeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
  const planned = await pool.execute(
    jobs,
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
  const timeout = options.caseTimeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
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
