/** Running the CLI in tests: in this process (fast, for bad input and inline runs) or as a real subprocess. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { vi } from 'vitest';
import { main } from '../harness/cli/main.ts';

export const REPO = fileURLToPath(new URL('..', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `bootproof <args>` in this process, capturing what it prints. */
export async function cli(...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'bootproof', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

/** `bootproof <args>` as a real process (worker threads, a real TTY-less stdout). */
export async function spawnCli(...args: string[]): Promise<CliResult> {
  const result = await execa('node', [join(REPO, 'bin/bootproof.mjs'), ...args], { cwd: REPO, reject: false });
  return { code: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bootproof-test-'));
}
