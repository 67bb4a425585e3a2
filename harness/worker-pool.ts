/**
 * Runs jobs (planning a scenario, running a case) on worker threads, one per core by default, so no bootloader
 * code under test ever runs in the main thread. Jobs go out in small batches, so fast and slow ones balance out,
 * and a scenario's jobs go to the worker that already has it: a worker records a scenario's fault-free run once
 * (to plan it, or for its first case) and forks every later case of it from that recording, so a scenario spread
 * over every worker would be recorded by each. A worker with none of its own left takes a scenario no one has,
 * then shares another's. A job that runs past the per-job budget (the worker tells, through shared memory, which job
 * it is on and since when) is presumed hung inside the bootloader: the worker is terminated, that job is answered by
 * `onHung`, its other jobs go back in the queue, and a fresh worker takes over.
 */
import { Worker } from 'node:worker_threads';
import { BootproofError } from '../emulator/common/errors.ts';
import type { CaseResult } from './results.ts';
import type { RunOptions } from './run-options.ts';
import type { PlannedCase } from './session.ts';
import { RUNNING_FROM_SOURCES } from './user-module.ts';
import type { FromWorker, ToWorker, WorkerProgress } from './worker.ts';

const WORKER_URL = new URL(RUNNING_FROM_SOURCES ? './worker.ts' : './worker.js', import.meta.url);
/**
 * Worker threads do not inherit the main thread's TypeScript loader (and `execArgv: ['--import', 'tsx']` is not
 * honoured by workers on Node 20), so run from the sources each worker first registers tsx itself, then loads
 * worker.ts. Compiled, a worker loads worker.js directly (and tsx only for a user's TypeScript module).
 */
const WORKER_BOOTSTRAP = RUNNING_FROM_SOURCES
  ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`
  : `import(${JSON.stringify(WORKER_URL.href)})`;
export const DEFAULT_CASE_TIMEOUT_MS = 20_000;

/** The run's per-case time budget (`--case-timeout`, else the default). */
export function caseTimeoutOf(options: Pick<RunOptions, 'caseTimeoutMs'>): number {
  return options.caseTimeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
}

export type Job =
  | { readonly type: 'plan'; readonly suite: number; readonly scenario: number }
  | { readonly type: 'run'; readonly planned: PlannedCase };
export type JobResult = { readonly type: 'plan'; readonly cases: PlannedCase[] } | { readonly type: 'run'; readonly result: CaseResult };

interface Slot {
  readonly worker: Worker;
  readonly progress: WorkerProgress;
  pending: number[];
  timer: NodeJS.Timeout | undefined;
  ready: boolean;
  /** The scenarios this worker has recorded (see `scenarioOf`). */
  readonly scenarios: Set<string>;
}

/** The scenario a job belongs to: its jobs share one recording in the worker that runs them. */
function scenarioOf(job: Job): string {
  return job.type === 'plan' ? `${job.suite}/${job.scenario}` : `${job.planned.suite}/${job.planned.scenario}`;
}

export class WorkerPool {
  private readonly slots = new Set<Slot>();
  /** Which live worker has recorded each scenario. */
  private readonly holder = new Map<string, Slot>();
  private readonly timeoutMs: number;
  private current:
    | {
        jobs: readonly Job[];
        /** The positions not yet sent, per scenario, in job order. */
        queue: Map<string, number[]>;
        queued: number;
        results: JobResult[];
        done: number;
        onResult: (position: number, result: JobResult) => void;
        onHung: (job: Job) => JobResult;
        resolve: (results: JobResult[]) => void;
        reject: (error: Error) => void;
      }
    | undefined;

  constructor(
    private readonly options: RunOptions,
    readonly size: number,
  ) {
    this.timeoutMs = caseTimeoutOf(options);
  }

  /** Runs `jobs`; results come back in job order. */
  execute(
    jobs: readonly Job[],
    onResult: (position: number, result: JobResult) => void,
    onHung: (job: Job) => JobResult,
  ): Promise<JobResult[]> {
    return new Promise((resolve, reject) => {
      if (jobs.length === 0) {
        resolve([]);
        return;
      }
      const queue = new Map<string, number[]>();
      jobs.forEach((job, position) => {
        const key = scenarioOf(job);
        const positions = queue.get(key);
        if (positions) positions.push(position);
        else queue.set(key, [position]);
      });
      this.current = { jobs, queue, queued: jobs.length, results: new Array(jobs.length), done: 0, onResult, onHung, resolve, reject };
      this.start();
      for (const slot of this.slots) if (slot.ready) this.feed(slot);
    });
  }

  /**
   * Starts the workers now rather than at the first `execute`, so their start-up (loading the code, building the
   * run's context) overlaps whatever the caller does meanwhile.
   */
  start(): void {
    while (this.slots.size < this.size) this.spawn();
  }

  /** Ends the current `execute` early: the jobs not answered yet are left out of its results (holes). */
  stop(): void {
    const run = this.current;
    if (!run) return;
    this.current = undefined;
    for (const slot of this.slots) clearTimeout(slot.timer);
    run.resolve(run.results);
  }

  async close(): Promise<void> {
    const workers = [...this.slots].map((s) => {
      clearTimeout(s.timer);
      return s.worker.terminate();
    });
    this.slots.clear();
    this.holder.clear();
    await Promise.all(workers);
  }

  private spawn(): void {
    const progress: WorkerProgress = { running: new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT)) };
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: { options: this.options, progress } });
    const slot: Slot = { worker, progress, pending: [], timer: undefined, ready: false, scenarios: new Set() };
    this.slots.add(slot);
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        slot.ready = true;
        this.feed(slot);
      } else if (message.type === 'done') {
        const done = new Set(message.results.map((r) => r.position));
        slot.pending = slot.pending.filter((p) => !done.has(p));
        this.arm(slot);
        for (const { position, result } of message.results) this.record(position, result);
        if (slot.pending.length === 0) this.feed(slot);
      } else {
        this.fail(new BootproofError(message.message, { exitCode: message.exitCode }));
      }
    });
    worker.on('error', (error) => this.fail(workerFailure(error)));
  }

  private feed(slot: Slot): void {
    const run = this.current;
    if (!run || run.queued === 0) {
      clearTimeout(slot.timer);
      return;
    }
    const batch = Math.max(1, Math.min(16, Math.ceil(run.queued / (this.size * 4))));
    const positions: number[] = [];
    while (positions.length < batch && run.queued > 0) {
      const key = this.nextScenario(slot, run.queue);
      const bucket = run.queue.get(key)!;
      const taken = bucket.splice(0, batch - positions.length);
      positions.push(...taken);
      run.queued -= taken.length;
      if (bucket.length === 0) run.queue.delete(key);
    }
    slot.pending.push(...positions);
    this.arm(slot);
    const message: ToWorker = { type: 'jobs', jobs: positions.map((position) => ({ position, job: run.jobs[position] })) };
    slot.worker.postMessage(message);
  }

  /** A scenario with jobs left for `slot`: one it holds, else one no worker holds, else the first left (shared). */
  private nextScenario(slot: Slot, queue: ReadonlyMap<string, number[]>): string {
    for (const key of slot.scenarios) if (queue.has(key)) return key;
    let chosen: string | undefined;
    for (const key of queue.keys()) {
      if (!this.holder.has(key)) {
        chosen = key;
        break;
      }
    }
    chosen ??= queue.keys().next().value!;
    slot.scenarios.add(chosen);
    this.holder.set(chosen, slot);
    return chosen;
  }

  private arm(slot: Slot, ms = this.timeoutMs): void {
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => this.check(slot), ms);
  }

  /**
   * No word from the worker for the per-job budget. The job it is on may just have started (results come a few at
   * a time): it gets the rest of its budget. One past its budget is hung; so is a worker that started none of its
   * jobs in that time.
   */
  private check(slot: Slot): void {
    const position = Number(Atomics.load(slot.progress.running, 0)) - 1;
    const started = Number(Atomics.load(slot.progress.running, 1));
    const running = slot.pending.includes(position);
    const left = this.timeoutMs - (Date.now() - started);
    if (running && left > 0) this.arm(slot, left);
    else this.hung(slot, running ? position : slot.pending[0]);
  }

  private hung(slot: Slot, stuck: number | undefined): void {
    const run = this.current;
    // The jobs it had besides the stuck one run again on a fresh worker (the results it had not sent are lost with it).
    const rest = slot.pending.filter((p) => p !== stuck);
    this.slots.delete(slot);
    for (const key of slot.scenarios) if (this.holder.get(key) === slot) this.holder.delete(key);
    void slot.worker.terminate();
    if (!run) return;
    for (const position of rest.reverse()) {
      const key = scenarioOf(run.jobs[position]);
      const bucket = run.queue.get(key);
      if (bucket) bucket.unshift(position);
      else run.queue.set(key, [position]);
      run.queued++;
    }
    if (stuck !== undefined) this.record(stuck, run.onHung(run.jobs[stuck]));
    if (run.done < run.jobs.length) this.spawn();
  }

  private record(position: number, result: JobResult): void {
    const run = this.current;
    if (!run || run.results[position]) return;
    run.results[position] = result;
    run.done++;
    run.onResult(position, result);
    if (run.done === run.jobs.length) {
      this.current = undefined;
      for (const slot of this.slots) clearTimeout(slot.timer);
      run.resolve(run.results);
    }
  }

  private fail(error: Error): void {
    const run = this.current;
    this.current = undefined;
    void this.close();
    // A worker started early (see `start`) may fail before any job is given: the next `execute` starts fresh
    // workers, which fail the same way and say so then.
    run?.reject(error);
  }
}

/** A worker that died: out of memory is said plainly, with what to do about it; anything else is passed on. */
function workerFailure(error: Error): Error {
  if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') return error;
  return new BootproofError(
    'a worker thread ran out of memory (its JavaScript heap) while running cases: run fewer at once (--jobs 1) or split the run across processes (--shard i/n, then bootproof merge)',
    { exitCode: 2 },
  );
}

/**
 * Runs one job alone, in a worker started for it and stopped after it: no other case ran before it in that thread,
 * so no state a bootloader keeps in its module can carry over from them.
 */
export async function runAlone(options: RunOptions, job: Job, onHung: (job: Job) => JobResult): Promise<JobResult> {
  const pool = new WorkerPool(options, 1);
  try {
    const [result] = await pool.execute([job], () => {}, onHung);
    return result;
  } finally {
    await pool.close();
  }
}
