/**
 * A user's module (`--bootloader`, a suite file) is code bootproof does not control: importing it may end the
 * process or never return, and its `boot()` may call `process.exit`. None of that may turn into exit 0, a hang
 * or a missing report: imports are tried first in a child process under a time limit, and `process.exit` called
 * by user code is turned into an error that says so.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { UsageError } from '../emulator/common/errors.ts';
import { importUserModule as importModule } from './user-module.ts';

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

/** Imports a user's module with `process.exit` guarded: a module that calls it fails to load, naming the call. */
export async function importUserModule(path: string): Promise<{ default?: unknown }> {
  const restore = guardProcessExit();
  try {
    return await importModule(path);
  } finally {
    restore();
  }
}

const TRIAL = `
const url = process.argv[1];
const exit = process.exit;
process.exit = (code) => { process.stderr.write('@@bootproof-trial exit ' + code + '\\n'); exit(86); };
await import(url);
process.stdout.write('@@bootproof-trial imported\\n');
exit(0);
`;

/**
 * Imports `path` once in a child process, as bootproof would, and throws a UsageError naming `flag` when the
 * import does not finish: it loops (killed after the timeout), ends the process, or crashes it.
 */
export async function trialImport(path: string, flag: string, timeoutMs = IMPORT_TIMEOUT_MS): Promise<void> {
  const url = pathToFileURL(resolve(path)).href;
  const child = await execa(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', TRIAL, url], {
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
