/**
 * The scenario-space suite (issue 18): every space-* mutant in test/mutants is caught by the quick profile at
 * seeds 1, 2 and 3, on the two-image board (so the layout dimension has both values); the reference passes.
 * A run stops at its first failure (--max-failures 1): catching is all a mutant run has to show.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSuites } from '../harness/runner.ts';

const BOARD = 'nucleo_l552ze_q';
const MUTANTS = readdirSync(new URL('./mutants/', import.meta.url)).filter((f) => f.startsWith('space-'));

function quick(seed: number, bootloader?: string, maxFailures?: number) {
  return runSuites({ suites: ['scenario-space'], board: BOARD, profile: 'quick', seed, jobs: 0, bootloader, maxFailures });
}

describe('scenario-space mutants', () => {
  it('there is one for each of size, version, counter, mode, sequence, clock and trust, signature, layout', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(8);
  });

  it('the reference passes quick on the two-image board', async () => {
    const report = await quick(1);
    expect(report.cases.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([]);
    expect(report.info.dimensions?.[0].combinations.every((c) => c.missing.length === 0)).toBe(true);
  });

  it.each(MUTANTS.flatMap((m) => [1, 2, 3].map((seed) => [m, seed] as const)))('%s is caught by quick at seed %i', async (mutant, seed) => {
    const report = await quick(seed, `test/mutants/${mutant}`, 1);
    expect(report.cases.filter((c) => c.status === 'fail').length).toBe(1);
  });
});
