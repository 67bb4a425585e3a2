/**
 * The runner: plans the cases, splits them into a shard, runs them on worker threads (or inline), and hands the
 * results to the reporters. It knows nothing of output formats.
 */
import { availableParallelism } from 'node:os';
import { UsageError } from '../emulator/common/errors.ts';
import { buildRunContext } from './context.ts';
import { formatPoints } from './fault-points.ts';
import type { Reporter } from './reporters/reporter.ts';
import type { CaseResult, RunInfo, RunReport } from './results.ts';
import type { RunOptions } from './run-options.ts';
import { type PlannedCase, Session } from './session.ts';
import { WorkerPool } from './worker-pool.ts';

export function defaultJobs(): number {
  return availableParallelism();
}

export async function runSuites(options: RunOptions, reporters: readonly Reporter[] = []): Promise<RunReport> {
  const started = performance.now();
  const ctx = await buildRunContext(options);
  const session = new Session(ctx);
  const cases = selectCases(session.plan(), options);
  const info: RunInfo = {
    board: ctx.board.name,
    strategy: ctx.config.strategy,
    bootloader: ctx.bootloader.name,
    suites: ctx.suites.map(({ suite }) => suite.name),
    seed: options.seed,
    points: ctx.suiteContext.points ? formatPoints(ctx.suiteContext.points) : 'per suite',
    shard: options.shard,
  };
  for (const r of reporters) r.onRunStart?.(info, cases.length);
  const onResult = (result: CaseResult) => {
    for (const r of reporters) r.onCase?.(result);
  };
  const results =
    options.jobs === 0 || cases.length === 0
      ? cases.map((c) => {
          const result = session.runCase(c);
          onResult(result);
          return result;
        })
      : await new WorkerPool(
          options,
          Math.min(options.jobs, cases.length),
          ctx.suites.map(({ arg, suite }) => ({ name: suite.name, arg })),
        ).run(cases, onResult);
  const report: RunReport = { format: 'bootproof-report/1', info, cases: results, durationMs: performance.now() - started };
  for (const r of reporters) await r.onRunEnd(report);
  return report;
}

/** `--only` picks cases by id; `--shard i/n` keeps every n-th case from the i-th, so shards are disjoint and complete. */
export function selectCases(cases: readonly PlannedCase[], options: Pick<RunOptions, 'only' | 'shard'>): PlannedCase[] {
  let selected = [...cases];
  if (options.only && options.only.length > 0) {
    const wanted = new Set(options.only);
    selected = selected.filter((c) => wanted.has(c.id));
    if (selected.length === 0) {
      throw new UsageError(`--only ${options.only.join(', ')}: no case has this id (ids look like upgrade/install/op42/torn)`);
    }
  }
  if (options.shard) {
    const { index, count } = options.shard;
    selected = selected.filter((_, i) => i % count === index - 1);
  }
  return selected;
}
