/**
 * The CLI under random command lines, board files, HEX/ELF/binary files and hostile names (cli-fuzz-driver.ts):
 * every run ends within its limit with an exit code of 0, 1 or 2 (emulate: or the firmware's own), no stack trace
 * on stderr, and the process stays below 1 GB. `BOOTPROOF_FUZZ_SEED=n BOOTPROOF_FUZZ_CASES=m` explores more.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../cli-helpers.ts';

const SEED = process.env.BOOTPROOF_FUZZ_SEED ?? '1';
const CASES = Number(process.env.BOOTPROOF_FUZZ_CASES ?? 40);
/** Wall-clock limits: the whole batch, and one command line. */
const BATCH_MS = 50_000;
const CASE_MS = 15_000;
const MEMORY_MB = 1024;

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface CaseLine {
  readonly index: number;
  readonly argv: string[];
  readonly code: number;
  readonly stack: boolean;
  readonly stderr: string;
  readonly ms: number;
  readonly maxRssMb: number;
}

describe('CLI fuzz', () => {
  it(`${CASES} random command lines (seed ${SEED}) end in time, with exit 0/1/2 and no stack trace`, async () => {
    const driver = join(REPO, 'test/fuzz/cli-fuzz-driver.ts');
    const child = await execa(process.execPath, ['--import', 'tsx', driver, SEED, String(CASES), dir], {
      cwd: REPO,
      reject: false,
      timeout: BATCH_MS,
    });
    const lines = child.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    const started = lines.filter((line) => 'start' in line).at(-1);
    const done: CaseLine[] = lines.filter((line) => !('start' in line));
    const replay = `BOOTPROOF_FUZZ_SEED=${SEED} BOOTPROOF_FUZZ_CASES=${CASES} npx vitest run test/fuzz/cli-fuzz.test.ts`;
    expect(child.timedOut, `the batch did not finish in ${BATCH_MS} ms; last case started: ${JSON.stringify(started)}; replay: ${replay}`).toBe(false);
    expect(child.exitCode, child.stderr.slice(-2000)).toBe(0);
    expect(done).toHaveLength(CASES);
    for (const c of done) {
      const what = `${JSON.stringify(c.argv)} → exit ${c.code}: ${c.stderr} (replay: ${replay})`;
      const allowed = c.argv[0] === 'emulate' ? c.code >= 0 && c.code <= 255 : [0, 1, 2].includes(c.code);
      expect(allowed, what).toBe(true);
      expect(c.stack, what).toBe(false);
      expect(c.ms, what).toBeLessThan(CASE_MS);
      expect(c.maxRssMb, what).toBeLessThan(MEMORY_MB);
    }
  }, BATCH_MS + 10_000);
});
