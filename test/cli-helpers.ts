/** Running the CLI in tests: in this process (fast, for bad input and inline runs) or as a real subprocess. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { type CliResult, runCli } from '../harness/cli/run-cli.ts';

export const REPO = fileURLToPath(new URL('..', import.meta.url));

export type { CliResult };

/** `bootproof <args>` in this process, capturing what it prints. */
export const cli = runCli;

/** `bootproof <args>` as a real process (worker threads, a real TTY-less stdout). */
export async function spawnCli(...args: string[]): Promise<CliResult> {
  const result = await execa('node', [join(REPO, 'bin/bootproof.mjs'), ...args], { cwd: REPO, reject: false });
  return { code: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bootproof-test-'));
}
