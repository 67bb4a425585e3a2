/**
 * One mutant's suite run at each seed, stopped at its first failure (scripts/mutants-quick.ts, scripts/cpu-mutants.ts):
 * the case and invariants that caught it at each seed, or MISSED, and the seconds each run took.
 */
import type { RunOptions } from '../harness/run-options.ts';
import { runSuites } from '../harness/runner.ts';

export async function runAtSeeds(options: Omit<RunOptions, 'seed' | 'maxFailures'>, seeds: readonly number[]): Promise<{ line: string; missed: number }> {
  const cells: string[] = [];
  let missed = 0;
  for (const seed of seeds) {
    const started = performance.now();
    const report = await runSuites({ ...options, seed, maxFailures: 1 });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const failure = report.cases.find((c) => c.status === 'fail');
    if (!failure) missed++;
    const what = failure ? `${failure.id} ${failure.violations.map((v) => v.invariant).join('+')}` : 'MISSED';
    cells.push(`seed ${seed}: ${what} (${seconds} s)`);
  }
  return { line: cells.join('; '), missed };
}
