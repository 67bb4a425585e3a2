/**
 * A user's module (`--bootloader`, a suite file) is code bootproof does not control: importing it may end the
 * process or never return, and its `boot()` may call `process.exit`. None of that may turn into exit 0, a hang
 * or a missing report: imports are tried first in a child process under a time limit, and `process.exit` called
 * by user code is turned into an error that says so.
 */
import { resolve } from 'node:path';
import { createContext, Script } from 'node:vm';
import { UsageError } from '../emulator/common/errors.ts';
import { importModuleFile, RUNNING_FROM_SOURCES } from './user-module.ts';

/** How long importing a user's module may take in the trial child (tsx compiles it first). */
export const IMPORT_TIMEOUT_MS = 30_000;

/** What user code ran into when it called `process.exit`. */
export class ProcessExitCalled extends Error {
  constructor(code: unknown) {
    super(`process.exit(${code === undefined ? '' : String(code)}) was called`);
    this.name = 'ProcessExitCalled';
  }
}

/** While installed, `process.exit` throws ProcessExitCalled; the returned function restores it. */
export function guardProcessExit(): () => void {
  const original = process.exit;
  process.exit = ((code?: unknown) => {
    throw new ProcessExitCalled(code);
  }) as typeof process.exit;
  return () => {
    process.exit = original;
  };
}

/** User code that ran in this thread past its time limit and was stopped there. */
export class TimeLimitExceeded extends Error {
  constructor(readonly limitMs: number) {
    super(`did not finish within ${limitMs} ms`);
    this.name = 'TimeLimitExceeded';
  }
}

// A synchronous loop cannot be interrupted by a timer in its own thread; V8 can, from its watchdog thread, for code
// run by a vm script with a timeout — including the functions that script calls, wherever they were defined.
// One context for every call: making a context costs far more than a call through it.
const CALL_BODY = new Script('body()');
const SANDBOX = createContext({ body: undefined as unknown });

/**
 * Runs `body` (synchronous user code, e.g. a case of a `--jobs 0` run) in this thread, stopped after `limitMs`
 * with TimeLimitExceeded.
 */
export function runWithTimeLimit<T>(body: () => T, limitMs: number): T {
  try {
    SANDBOX.body = body;
    return CALL_BODY.runInContext(SANDBOX, { timeout: limitMs }) as T;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new TimeLimitExceeded(limitMs);
    throw error;
  } finally {
    SANDBOX.body = undefined;
  }
}

/** How long one timed call takes new items for, before it hands back what it has (so results are reported as they come). */
const BATCH_MS = 250;

/**
 * Runs `run` on each item in turn in this thread, each within `limitMs`, handing each result (or TimeLimitExceeded
 * for an item that ran past its limit) to `onDone` in order; `onDone` returns false to stop. Every vm call with a
 * time limit starts and joins a watchdog thread, which costs more than a small item (a quarter of a millisecond, a
 * tenth of a sweep's case), so items run several to a call: a call takes new items for `BATCH_MS`, and ends early
 * after an item `pauseAfter` names (a failure, which may stop the run). An item that was not the first of its call
 * when the limit struck had less than its whole limit: it runs again, first of the next call, so every verdict is
 * the one it would have had alone under its limit.
 */
export function runEachWithTimeLimit<T, R>(
  items: readonly T[],
  run: (item: T) => R,
  limitMs: number,
  onDone: (item: T, result: R | TimeLimitExceeded) => boolean,
  pauseAfter: (result: R) => boolean = () => false,
): void {
  let next = 0;
  while (next < items.length) {
    const first = next;
    const results: R[] = [];
    let timedOut: TimeLimitExceeded | undefined;
    try {
      runWithTimeLimit(() => {
        const started = performance.now();
        while (first + results.length < items.length) {
          const result = run(items[first + results.length]);
          results.push(result);
          if (pauseAfter(result) || performance.now() - started >= BATCH_MS) return;
        }
      }, limitMs);
    } catch (error) {
      if (!(error instanceof TimeLimitExceeded)) throw error;
      if (results.length === 0) timedOut = error;
    }
    for (const [k, result] of results.entries()) if (!onDone(items[first + k], result)) return;
    next = first + results.length;
    if (timedOut) {
      if (!onDone(items[next], timedOut)) return;
      next++;
    }
  }
}

/** Imports a user's module with `process.exit` guarded: a module that calls it fails to load, naming the call. */
export async function importUserModule(path: string): Promise<{ default?: unknown }> {
  const restore = guardProcessExit();
  try {
    return await importModuleFile(path);
  } finally {
    restore();
  }
}

// The trial loads the module the way the run will (user-module.ts: tsx only for a TypeScript module when bootproof
// runs compiled), so a module that loads in the trial loads in the run, from an ESM or a CommonJS project.
const TRIAL = `
const [path, loader] = process.argv.slice(1);
const exit = process.exit;
process.exit = (code) => { process.stderr.write('@@bootproof-trial exit ' + code + '\\n'); exit(86); };
const { importModuleFile } = await import(loader);
await importModuleFile(path);
process.stdout.write('@@bootproof-trial imported\\n');
exit(0);
`;

/**
 * Imports `path` once in a child process, as bootproof would, and throws a UsageError naming `flag` when the
 * import does not finish: it loops (killed after the timeout), ends the process, or crashes it.
 */
export async function trialImport(path: string, flag: string, timeoutMs = IMPORT_TIMEOUT_MS): Promise<void> {
  const loader = new URL(`./user-module.${RUNNING_FROM_SOURCES ? 'ts' : 'js'}`, import.meta.url).href;
  // From the sources the loader module is TypeScript itself, so the child needs tsx to import it.
  const typescript = RUNNING_FROM_SOURCES ? ['--import', import.meta.resolve('tsx')] : [];
  // Loaded here only: worker threads import this module too, and never start a child.
  const { execa } = await import('execa');
  const child = await execa(process.execPath, [...typescript, '--input-type=module', '-e', TRIAL, resolve(path), loader], {
    reject: false,
    timeout: timeoutMs,
    stdin: 'ignore',
    all: false,
  });
  if (child.stdout.includes('@@bootproof-trial imported')) return;
  const name = `${flag} ${path}`;
  if (child.timedOut) throw new UsageError(`${name}: importing it did not finish within ${timeoutMs} ms (a loop at import time?)`);
  const exit = /@@bootproof-trial exit (\S*)/.exec(child.stderr);
  if (exit !== null) throw new UsageError(`${name}: importing it called process.exit(${exit[1] === 'undefined' ? '' : exit[1]})`);
  const reason = lastLines(child.stderr) || `the process ended with ${child.signal ?? `exit code ${child.exitCode}`}`;
  throw new UsageError(`${name}: cannot load the module: ${reason}`);
}

/** The message of an import error, without the stack Node prints under it. */
function lastLines(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '' && !/^\s+at /.test(line) && !line.startsWith('Node.js v'));
  return lines.slice(-3).join(' ').slice(0, 400);
}
