/**
 * A worker thread of the runner: builds the run's context from the same options as the main thread (so the same
 * scenarios and recordings), then plans scenarios and runs cases as it is asked, posting each result back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BootproofError } from '../emulator/common/errors.ts';
import { buildRunContext } from './context.ts';
import type { RunOptions } from './run-options.ts';
import { Session } from './session.ts';
import { guardProcessExit } from './user-code.ts';
import type { Job, JobResult } from './worker-pool.ts';

export type ToWorker = { type: 'jobs'; jobs: { position: number; job: Job }[] };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; results: { position: number; result: JobResult }[] }
  | { type: 'fatal'; message: string; exitCode: 1 | 2 };

/** What the worker is doing, shared with the pool, which reads it to tell a slow job from a hung one. */
export interface WorkerProgress {
  /** [0]: the position of the job running plus one (0: none); [1]: when it started (Date.now()). */
  readonly running: BigInt64Array;
}

/**
 * Results go back a few at a time: a message per result cost about 6 % of a sweep's worker time. A result waits at
 * most this long (a job that takes longer is sent alone, as soon as it ends).
 */
const SEND_EVERY_MS = 20;

if (parentPort) {
  // This thread runs only user code: a process.exit there is reported as such, not as a worker that went quiet.
  guardProcessExit();
  const port = parentPort;
  const post = (message: FromWorker) => port.postMessage(message);
  try {
    const { options, progress } = workerData as { options: RunOptions; progress: WorkerProgress };
    const session = new Session(await buildRunContext(options));
    port.on('message', (message: ToWorker) => {
      let results: { position: number; result: JobResult }[] = [];
      let sent = Date.now();
      for (const { position, job } of message.jobs) {
        // The start first: the pool reads the position, then the start, and must never pair this job with an older one's start.
        Atomics.store(progress.running, 1, BigInt(Date.now()));
        Atomics.store(progress.running, 0, BigInt(position + 1));
        const result: JobResult =
          job.type === 'plan'
            ? { type: 'plan', cases: session.planScenario(job.suite, job.scenario) }
            : { type: 'run', result: session.runCase(job.planned) };
        results.push({ position, result });
        if (Date.now() - sent >= SEND_EVERY_MS) {
          post({ type: 'done', results });
          results = [];
          sent = Date.now();
        }
      }
      Atomics.store(progress.running, 0, 0n);
      if (results.length > 0) post({ type: 'done', results });
    });
    post({ type: 'ready' });
  } catch (error) {
    const exitCode = error instanceof BootproofError ? error.exitCode : 2;
    post({ type: 'fatal', message: error instanceof Error ? error.message : String(error), exitCode });
  }
}
