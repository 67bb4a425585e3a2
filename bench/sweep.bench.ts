/**
 * The headline sweep: every flash operation of a full-slot swap-scratch upgrade on nrf52840dk, each cut
 * not-started and torn, with the oracle after every boot. Measured inline (the baseline: no worker start-up,
 * one core), then on 1 and 2 worker threads. Goal (issue 11): the whole sweep in 5 s or less on 2 cores.
 */
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { slotVerdictCounts } from '../emulator/boot/validate.ts';
import { runSuites } from '../harness/runner.ts';

const GOAL_SECONDS = 5;

export const title = 'all-points single-cut sweep of a full-slot swap-scratch upgrade on nrf52840dk (not-started + torn)';

const SUITE = fileURLToPath(new URL('./sweep-suite.ts', import.meta.url));

async function sweep(jobs: number): Promise<{ seconds: number; cpuSeconds: number; points: number; failed: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const report = await runSuites({ suites: [SUITE], board: 'nrf52840dk', strategy: 'swap-scratch', seed: 1, jobs });
  const seconds = (performance.now() - started) / 1000;
  // CPU time of every thread of this process (workers included): on a shared machine it varies less than the clock.
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return { seconds, cpuSeconds, points: report.cases.length, failed: report.cases.filter((c) => c.status === 'fail').length };
}

export async function run(): Promise<void> {
  // The machine is shared: the load says how much of it this run had.
  console.log(`cores: ${availableParallelism()}, load average before: ${loadavg()[0].toFixed(1)}`);
  const memoBefore = slotVerdictCounts();
  const baseline = await sweep(0);
  console.log(
    `inline (baseline): ${baseline.points} points in ${baseline.seconds.toFixed(2)} s = ` +
      `${(baseline.points / baseline.seconds).toFixed(0)} points/s (CPU ${baseline.cpuSeconds.toFixed(1)} s), ${baseline.failed} failed`,
  );
  // The reference model's slot verdict memo during the inline run (it runs in this thread there).
  const memo = slotVerdictCounts();
  const asked = memo.asked - memoBefore.asked;
  const unchanged = memo.unchanged - memoBefore.unchanged;
  const compared = memo.compared - memoBefore.compared;
  const share = (n: number) => `${((100 * n) / Math.max(1, asked)).toFixed(1)} %`;
  console.log(
    `slot verdict memo (inline): ${asked} validations, ${share(unchanged)} answered with no sector changed, ` +
      `${share(compared)} after comparing the changed sectors in place (${memo.sectorsCompared - memoBefore.sectorsCompared} sectors), ` +
      `${share(asked - unchanged - compared)} read and verified`,
  );
  for (const jobs of [1, 2]) {
    const r = await sweep(jobs);
    console.log(
      `${jobs} worker(s): ${r.points} points in ${r.seconds.toFixed(2)} s = ${(r.points / r.seconds).toFixed(0)} points/s ` +
        `(CPU ${r.cpuSeconds.toFixed(1)} s, ${(baseline.seconds / r.seconds).toFixed(2)}x the inline baseline), ${r.failed} failed; ` +
        `goal ≤ ${GOAL_SECONDS} s: ${r.seconds <= GOAL_SECONDS ? 'met' : 'missed'}`,
    );
  }
}
