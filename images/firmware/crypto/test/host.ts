/**
 * Builds the crypto sources with the host's gcc (with AddressSanitizer and UBSan where the toolchain has them)
 * into a temporary folder, and runs cases through host-driver.c.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CryptoCase } from './cases.ts';

const CRYPTO = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['test/host-driver.c', 'sha256.c', 'sha512.c', 'bn256.c', 'p256.c', 'ed25519.c'].map((f) => join(CRYPTO, f));
const FLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-O2', '-g'];
const SANITIZERS = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all'];

/** Why the host build cannot run, with the command that fixes it; undefined when gcc is there. */
export function hostCompilerMissing(): string | undefined {
  const probe = spawnSync('gcc', ['--version']);
  return probe.status === 0 ? undefined : 'no gcc on the PATH (apt-get install gcc)';
}

export interface HostDriver {
  /** The answers, one per case, in order. */
  run(cases: readonly CryptoCase[]): string[];
  /** Whether ASan and UBSan are compiled in. */
  sanitized: boolean;
  dispose(): void;
}

export function buildHostDriver(): HostDriver {
  const folder = mkdtempSync(join(tmpdir(), 'bootproof-crypto-'));
  const binary = join(folder, 'driver');
  const compile = (extra: string[]) => spawnSync('gcc', [...FLAGS, ...extra, '-o', binary, ...SOURCES], { encoding: 'utf8' });
  let sanitized = true;
  let result = compile(SANITIZERS);
  // A sanitizer runtime that is absent, or cannot start here, is not a failure of the code under test.
  if (result.status !== 0 || spawnSync(binary, { input: '' }).status !== 0) {
    sanitized = false;
    result = compile([]);
  }
  if (result.status !== 0) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`gcc failed on the crypto sources:\n${result.stderr}`);
  }
  return {
    sanitized,
    run(cases) {
      const input = cases.map((c) => `${c.kind} ${c.payload.length > 0 ? Buffer.from(c.payload).toString('hex') : '-'}\n`).join('');
      const run = spawnSync(binary, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
      if (run.status !== 0) throw new Error(`the host driver failed (status ${run.status}):\n${run.stderr}`);
      return run.stdout.trimEnd().split('\n');
    },
    dispose: () => rmSync(folder, { recursive: true, force: true }),
  };
}
