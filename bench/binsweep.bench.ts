/**
 * Sweeping the C bootloader binary with `run`, per board (the builds CI sweeps): what one cut case costs on the
 * CPU-level device against the reference model on the same board, strategy and scenario (the baseline, measured in
 * this run), the size of the upgrade's recording (a binary programs one write unit per operation, so its sweep has
 * many more points than the model's), and the heap the recordings hold. `BINSWEEP_FULL=<board>` also runs the whole
 * `run all` on that board's build (one worker per core) and prints its time: the full sweep the CI test bounds.
 */
import { fileURLToPath } from 'node:url';
import { buildRunContext } from '../harness/context.ts';
import { type RecordedAction, ScenarioExecutor } from '../harness/executor.ts';
import { defaultJobs, runSuites } from '../harness/runner.ts';

export const title = 'binary sweep: a cut case on the C bootloader binary vs the reference model, per board; the full `run all` on request';

const BUILD = fileURLToPath(new URL('../images/firmware/build/', import.meta.url));
const BUILDS: readonly { board: string; name: string; strategy: 'swap-move' | 'swap-scratch'; cases: number }[] = [
  { board: 'nrf52840dk', name: 'bootloader-nrf52840dk-swap-move', strategy: 'swap-move', cases: 16 },
  { board: 'stm32f429zi', name: 'bootloader-stm32f429zi-swap-scratch', strategy: 'swap-scratch', cases: 4 },
  { board: 'nucleo_l552ze_q', name: 'bootloader-nucleo_l552ze_q-swap-move', strategy: 'swap-move', cases: 16 },
];

interface Measured {
  readonly ops: number;
  readonly recordS: number;
  readonly caseMs: number;
  readonly failed: number;
  readonly heapMb: number;
}

async function measure(board: string, cases: number, binary: { name: string } | { strategy: 'swap-move' | 'swap-scratch' }): Promise<Measured> {
  const ctx = await buildRunContext({
    suites: ['power-loss'],
    board,
    ...('name' in binary
      ? { bootloader: `${BUILD}${binary.name}.elf`, bootloaderConfig: `${BUILD}${binary.name}.json` }
      : { strategy: binary.strategy }),
    seed: 1,
    jobs: 0,
  });
  const scenario = ctx.suites[0]!.suite.scenarios(ctx.suiteContext).find((s) => s.id === 'upgrade')!;
  const heapBefore = process.memoryUsage().heapUsed;
  const executor = new ScenarioExecutor(scenario, { board: ctx.board, bootloader: ctx.bootloader, seed: 1, clockChecks: false });
  const recordStart = performance.now();
  const { actions } = executor.record();
  const recordS = (performance.now() - recordStart) / 1000;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  const ops: { action: RecordedAction; op: number }[] = actions.flatMap((action) =>
    Array.from({ length: action.opEnd - action.opStart }, (_, i) => ({ action, op: action.opStart + i })),
  );
  const picked = Array.from({ length: cases }, (_, i) => ops[Math.floor(((i + 0.5) * ops.length) / cases)]!);
  let failed = 0;
  const started = performance.now();
  for (const [i, { action, op }] of picked.entries()) {
    if (executor.runCut(action, op, i % 2 === 0 ? 'torn' : 'not-started', 1000 + i).violations.length > 0) failed++;
  }
  return { ops: ops.length, recordS, caseMs: (performance.now() - started) / picked.length, failed, heapMb };
}

export async function run(): Promise<void> {
  for (const build of BUILDS) {
    const model = await measure(build.board, build.cases, { strategy: build.strategy });
    const binary = await measure(build.board, build.cases, { name: build.name });
    const allPoints = 2 * binary.ops;
    console.log(
      `${build.board} (${build.name}), power-loss upgrade: binary ${binary.ops} flash operations (model ${model.ops}), ` +
        `recorded in ${binary.recordS.toFixed(1)} s holding ${binary.heapMb.toFixed(0)} MB of heap; ` +
        `a cut case ${binary.caseMs.toFixed(0)} ms (model ${model.caseMs.toFixed(1)} ms: ${(binary.caseMs / model.caseMs).toFixed(0)}x) ` +
        `over ${build.cases} cases (${binary.failed} failed); every operation, not-started and torn: ${allPoints} cases ≈ ` +
        `${((allPoints * binary.caseMs) / 60_000).toFixed(0)} min on one core`,
    );
  }
  const full = process.env.BINSWEEP_FULL;
  if (full === undefined) return;
  const build = BUILDS.find((b) => b.board === full);
  if (build === undefined) throw new Error(`BINSWEEP_FULL=${full}: one of ${BUILDS.map((b) => b.board).join(', ')}`);
  const started = performance.now();
  const report = await runSuites({
    suites: ['all'],
    board: build.board,
    bootloader: `${BUILD}${build.name}.elf`,
    bootloaderConfig: `${BUILD}${build.name}.json`,
    seed: 1,
    jobs: defaultJobs(),
    ...(process.env.BINSWEEP_POINTS === undefined ? {} : { points: process.env.BINSWEEP_POINTS }),
  });
  const seconds = (performance.now() - started) / 1000;
  const count = (status: string) => report.cases.filter((c) => c.status === status).length;
  console.log(
    `run all on ${build.board} (${build.name}, points ${process.env.BINSWEEP_POINTS ?? 'per suite'}): ${report.cases.length} cases in ` +
      `${seconds.toFixed(0)} s (${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped)`,
  );
}
