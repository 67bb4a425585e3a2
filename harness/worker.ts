/**
 * A worker thread of the runner: builds the run's context from the same options as the main thread (so the same
 * scenarios and recordings), then runs the cases it is sent and posts each result back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BootproofError } from '../emulator/common/errors.ts';
import { buildRunContext } from './context.ts';
import type { CaseResult } from './results.ts';
import type { RunOptions } from './run-options.ts';
import { type PlannedCase, Session } from './session.ts';

export type ToWorker = { type: 'run'; cases: { position: number; planned: PlannedCase }[] };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; position: number; result: CaseResult }
  | { type: 'fatal'; message: string; exitCode: 1 | 2 };

if (parentPort) {
  const port = parentPort;
  const post = (message: FromWorker) => port.postMessage(message);
  try {
    const session = new Session(await buildRunContext((workerData as { options: RunOptions }).options));
    port.on('message', (message: ToWorker) => {
      for (const { position, planned } of message.cases) post({ type: 'result', position, result: session.runCase(planned) });
    });
    post({ type: 'ready' });
  } catch (error) {
    const exitCode = error instanceof BootproofError ? error.exitCode : 2;
    post({ type: 'fatal', message: error instanceof Error ? error.message : String(error), exitCode });
  }
}
