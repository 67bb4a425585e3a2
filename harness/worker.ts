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
  | { type: 'done'; position: number; result: JobResult }
  | { type: 'fatal'; message: string; exitCode: 1 | 2 };

if (parentPort) {
  // This thread runs only user code: a process.exit there is reported as such, not as a worker that went quiet.
  guardProcessExit();
  const port = parentPort;
  const post = (message: FromWorker) => port.postMessage(message);
  try {
    const session = new Session(await buildRunContext((workerData as { options: RunOptions }).options));
    port.on('message', (message: ToWorker) => {
      for (const { position, job } of message.jobs) {
        const result: JobResult =
          job.type === 'plan'
            ? { type: 'plan', cases: session.planScenario(job.suite, job.scenario) }
            : { type: 'run', result: session.runCase(job.planned) };
        post({ type: 'done', position, result });
      }
    });
    post({ type: 'ready' });
  } catch (error) {
    const exitCode = error instanceof BootproofError ? error.exitCode : 2;
    post({ type: 'fatal', message: error instanceof Error ? error.message : String(error), exitCode });
  }
}
