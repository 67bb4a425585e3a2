/**
 * The runner: plans the cases, splits them into a shard, runs them on worker threads (or inline), and hands the
 * results to the reporters. It knows nothing of output formats.
 */
import { availableParallelism } from 'node:os';
import { UsageError } from '../emulator/common/errors.ts';
import { buildRunContext } from './context.ts';
import type { Reporter } from './reporters/reporter.ts';
import { type CaseResult, REPORT_FORMAT, type RunReport } from './results.ts';
import { describeContext } from './run-info.ts';
import type { RunOptions } from './run-options.ts';
import { type PlannedCase, Session } from './session.ts';
import { guardProcessExit } from './user-code.ts';
import { DEFAULT_CASE_TIMEOUT_MS, type Job, WorkerPool } from './worker-pool.ts';

export function defaultJobs(): number {
  return availableParallelism();
}

export async function runSuites(options: RunOptions, reporters: readonly Reporter[] = []): Promise<RunReport> {
  const started = performance.now();
  const ctx = await buildRunContext(options);
  const session = new Session(ctx);
  const info = describeContext(ctx);
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
      const cases = selectCases(session.plan(), options);
      for (const r of reporters) r.onRunStart?.(info, cases.length);
      for (const c of cases) {
        if (stoppedEarly) break;
        const result = session.runCase(c);
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
      const cases = selectCases(await planOnWorkers(session, pool, options), options);
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
  const done = await pool.execute(
    remote.map((i) => ({ type: 'run' as const, planned: cases[i] })),
    (_, result) => {
      if (result.type === 'run') onResult(result.result);
    },
    (job) => ({ type: 'run', result: session.hungCase(job.type === 'run' ? job.planned : cases[0], timeout) }),
  );
  done.forEach((result, k) => {
    if (result?.type === 'run') results[remote[k]] = result.result;
  });
  // A run stopped early (--max-failures) has holes where cases did not run.
  return results.filter((r) => r !== undefined);
}

/** `--only` picks cases by id; `--shard i/n` keeps every n-th case from the i-th, so shards are disjoint and complete. */
export function selectCases(cases: readonly PlannedCase[], options: Pick<RunOptions, 'only' | 'shard'>): PlannedCase[] {
  let selected = [...cases];
  if (options.only && options.only.length > 0) {
    const wanted = new Set(options.only);
    const known = new Set(selected.map((c) => c.id));
    const unknown = [...wanted].filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new UsageError(`--only ${unknown.join(', ')}: no case has this id (ids look like upgrade/install/op42/torn)`);
    }
    selected = selected.filter((c) => wanted.has(c.id));
  }
  if (options.shard) {
    const { index, count } = options.shard;
    selected = selected.filter((_, i) => i % count === index - 1);
    if (selected.length === 0) {
      throw new UsageError(`--shard ${index}/${count}: the run has only ${cases.length} cases, so this shard would check nothing`);
    }
  }
  return selected;
}
