/**
 * Runs cases on worker threads, one per core by default. Cases go out in small batches from one queue, so fast
 * and slow cases balance out. A worker that stops answering for longer than the per-case budget is presumed
 * hung inside the bootloader: it is terminated, the case it was on is reported as that bootloader's failure, and
 * a fresh worker takes over the rest. Nothing a bootloader does can stop the run.
 */
import { Worker } from 'node:worker_threads';
import { BootproofError } from '../emulator/common/errors.ts';
import type { CaseResult } from './results.ts';
import { type RunOptions, replayCommand } from './run-options.ts';
import type { PlannedCase } from './session.ts';
import type { FromWorker, ToWorker } from './worker.ts';

const WORKER_URL = new URL('./worker.ts', import.meta.url);
/**
 * Worker threads do not inherit the main thread's TypeScript loader (and `execArgv: ['--import', 'tsx']` is not
 * honoured by workers on Node 20), so each worker first registers tsx itself, then loads worker.ts.
 */
const WORKER_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
const DEFAULT_CASE_TIMEOUT_MS = 20_000;

interface Slot {
  worker: Worker;
  pending: number[];
  timer: NodeJS.Timeout | undefined;
}

export class WorkerPool {
  constructor(
    private readonly options: RunOptions,
    private readonly size: number,
    /** Per planned suite index: the suite's name and the argument that named it. */
    private readonly suites: readonly { readonly name: string; readonly arg: string }[],
  ) {}

  run(cases: readonly PlannedCase[], onResult: (result: CaseResult) => void): Promise<CaseResult[]> {
    const results: CaseResult[] = new Array(cases.length);
    const queue = cases.map((_, i) => i);
    let done = 0;
    const timeoutMs = this.options.caseTimeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
    const slots = new Set<Slot>();

    return new Promise((resolve, reject) => {
      let failed = false;
      const finish = (error?: Error) => {
        if (failed) return;
        for (const slot of slots) {
          clearTimeout(slot.timer);
          void slot.worker.terminate();
        }
        slots.clear();
        if (error) {
          failed = true;
          reject(error);
        } else resolve(results);
      };

      const record = (position: number, result: CaseResult) => {
        if (results[position]) return;
        results[position] = result;
        done++;
        onResult(result);
        if (done === cases.length) finish();
      };

      const feed = (slot: Slot) => {
        if (queue.length === 0) {
          if (slot.pending.length === 0) {
            clearTimeout(slot.timer);
            slots.delete(slot);
            void slot.worker.terminate();
          }
          return;
        }
        const batch = Math.max(1, Math.min(16, Math.ceil(queue.length / (this.size * 4))));
        const positions = queue.splice(0, batch);
        slot.pending.push(...positions);
        arm(slot);
        const message: ToWorker = { type: 'run', cases: positions.map((p) => ({ position: p, planned: cases[p] })) };
        slot.worker.postMessage(message);
      };

      const arm = (slot: Slot) => {
        clearTimeout(slot.timer);
        slot.timer = setTimeout(() => hung(slot), timeoutMs);
      };

      const hung = (slot: Slot) => {
        const [stuck, ...rest] = slot.pending;
        slots.delete(slot);
        void slot.worker.terminate();
        queue.unshift(...rest);
        if (stuck !== undefined) record(stuck, hangResult(cases[stuck], this.options, this.suites, timeoutMs));
        if (done < cases.length) spawn();
      };

      const spawn = () => {
        const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: { options: this.options } });
        const slot: Slot = { worker, pending: [], timer: undefined };
        slots.add(slot);
        worker.on('message', (message: FromWorker) => {
          if (message.type === 'ready') feed(slot);
          else if (message.type === 'result') {
            slot.pending = slot.pending.filter((p) => p !== message.position);
            arm(slot);
            record(message.position, message.result);
            if (slot.pending.length === 0) feed(slot);
          } else if (message.type === 'fatal') {
            finish(new BootproofError(message.message, { exitCode: message.exitCode }));
          }
        });
        worker.on('error', (error) => finish(error));
      };

      for (let i = 0; i < this.size; i++) spawn();
    });
  }
}

function hangResult(
  planned: PlannedCase,
  options: RunOptions,
  suites: readonly { readonly name: string; readonly arg: string }[],
  timeoutMs: number,
): CaseResult {
  const { name, arg } = suites[planned.suite];
  return {
    suite: name,
    id: planned.id,
    title: planned.title,
    status: 'fail',
    violations: [
      {
        invariant: 'no-brick',
        message: `the case did not finish within ${timeoutMs} ms: the bootloader hangs (the worker was stopped)`,
      },
    ],
    seed: options.seed,
    journal: [],
    bootLog: [],
    replay: replayCommand(options, arg, planned.id),
    boots: 0,
    durationMs: timeoutMs,
  };
}
