/**
 * Runs conformance cases on unicorn through unicorn_driver.py: one python process per batch, cases in on stdin
 * and results out on stdout, one JSON line each.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ConformanceCase, type ConformanceResult, dataBytes } from './generator.ts';

const DRIVER = fileURLToPath(new URL('./unicorn_driver.py', import.meta.url));
/** Debian installs python3-unicorn for the system python, which may not be the first python3 on PATH. */
const CANDIDATES = ['python3', '/usr/bin/python3'];

export type UnicornOutcome = ConformanceResult | { error: string; pc: number };

/** A python that can import unicorn, or undefined when none is installed. */
export function findUnicornPython(): string | undefined {
  return CANDIDATES.find((python) => spawnSync(python, ['-c', 'import unicorn'], { stdio: 'ignore' }).status === 0);
}

export function runOnUnicorn(python: string, cases: readonly ConformanceCase[]): UnicornOutcome[] {
  // The data area goes along as hex: generating it in python would cost more than the emulation.
  const lines = cases.map((c) => JSON.stringify({ ...c, data: Buffer.from(dataBytes(c.seed)).toString('hex') }));
  const input = `${lines.join('\n')}\n`;
  const output = execFileSync(python, [DRIVER], { input, maxBuffer: 1 << 30 }).toString();
  const results = output.trim().split('\n').map((line) => JSON.parse(line) as UnicornOutcome);
  if (results.length !== cases.length) throw new Error(`unicorn driver answered ${results.length} of ${cases.length} cases`);
  return results;
}
