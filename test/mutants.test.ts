/**
 * Proof that the harness catches real bootloader bugs: each mutant in test/mutants/ is the reference bootloader
 * with one realistic bug, and must be caught by the suite named for it, with the right invariant. The reference
 * itself must pass every suite on the boards these tests use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { InvariantName } from '../harness/invariants.ts';
import { exitCodeOf, type RunReport } from '../harness/results.ts';
import { runSuites } from '../harness/runner.ts';

interface Expectation {
  readonly mutant: string;
  readonly suite: string;
  readonly invariant: InvariantName;
  readonly board?: string;
}

const MATRIX: readonly Expectation[] = [
  { mutant: 'no-status-records', suite: 'power-loss', invariant: 'convergence' },
  { mutant: 'copy-source-stuck', suite: 'power-loss', invariant: 'no-brick' },
  { mutant: 'assert-on-bad-magic', suite: 'power-loss', invariant: 'no-brick' },
  { mutant: 'erase-verify-loop', suite: 'power-loss', invariant: 'no-brick' },
  { mutant: 'status-written-twice', suite: 'power-loss', invariant: 'flash-discipline', board: 'b_u585i_iot02a' },
  { mutant: 'torn-magic-good', suite: 'revert', invariant: 'convergence' },
  { mutant: 'flag-bad-read-as-set', suite: 'rollback', invariant: 'no-rollback' },
  { mutant: 'erase-before-validate', suite: 'corrupt-image', invariant: 'no-brick' },
  { mutant: 'tlv-length-trusted', suite: 'corrupt-image', invariant: 'safety' },
  { mutant: 'tlv-unchecked-in-primary', suite: 'corrupt-image', invariant: 'safety' },
  { mutant: 'primary-not-validated', suite: 'bit-rot', invariant: 'safety' },
  { mutant: 'validation-cached', suite: 'bit-rot', invariant: 'safety' },
  { mutant: 'revert-source-unvalidated', suite: 'bit-rot', invariant: 'no-brick' },
  { mutant: 'expiry-every-boot', suite: 'keys', invariant: 'clock-independence' },
  { mutant: 'counter-on-test-boot', suite: 'rollback', invariant: 'no-rollback' },
  { mutant: 'downgrade-check-test-only', suite: 'rollback', invariant: 'convergence' },
  { mutant: 'hardware-counter-unchecked', suite: 'rollback', invariant: 'no-rollback' },
  { mutant: 'security-counter-hardware-only', suite: 'rollback', invariant: 'convergence' },
  { mutant: 'unprotected-tlvs-trusted', suite: 'rollback', invariant: 'convergence' },
  { mutant: 'never-reverts', suite: 'revert', invariant: 'convergence' },
  { mutant: 'writes-outside-slots', suite: 'power-loss', invariant: 'no-collateral' },
  { mutant: 'dependencies-ignored', suite: 'multi-image', invariant: 'convergence', board: 'nucleo_l552ze_q' },
  { mutant: 'unprotected-tlvs-trusted', suite: 'multi-image', invariant: 'convergence', board: 'nucleo_l552ze_q' },
];

const DEFAULT_BOARD = 'nrf52840dk';
/** The seeds every mutant must be caught at: a verdict that depends on the seed passes a broken bootloader somewhere. */
const SEEDS = [1, 2, 3];

/**
 * The CLI defaults (each suite chooses its points), in this thread through the runner's own path; a mutant's run
 * stops at its first failure to stay fast, the reference's runs on worker threads as the CLI does.
 */
function run(suites: string | readonly string[], board: string, seed: number, bootloader?: string, points?: string): Promise<RunReport> {
  const names = typeof suites === 'string' ? [suites] : suites;
  if (bootloader === undefined) return runSuites({ suites: names, board, seed, jobs: 2, points });
  return runSuites({ suites: names, board, bootloader, seed, jobs: 0, points, maxFailures: 1 });
}

function invariantsOf(report: RunReport): Set<string> {
  return new Set(report.cases.flatMap((c) => c.violations.map((v) => v.invariant)));
}

describe('every mutant is caught by the suite named for it with the CLI defaults, at every seed', () => {
  it.each(MATRIX.flatMap((m) => SEEDS.map((seed) => ({ ...m, seed }))))(
    '$mutant: $suite finds $invariant at seed $seed',
    async ({ mutant, suite, invariant, board, seed }) => {
      const report = await run(suite, board ?? DEFAULT_BOARD, seed, `test/mutants/${mutant}.ts`);
      expect(exitCodeOf(report)).toBe(1);
      expect([...invariantsOf(report)]).toContain(invariant);
      const failure = report.cases.find((c) => c.status === 'fail')!;
      expect(failure.replay).toContain(`--bootloader test/mutants/${mutant}.ts`);
      expect(failure.replay).toContain(`--only ${failure.id}`);
      expect(failure.replay).toContain(`--seed ${seed}`);
    },
    300_000,
  );

  it('the matrix covers every mutant in test/mutants/ (hangs is the CLI tests\' time-budget case, space-* the scenario space\'s), each a different bug', () => {
    const files = readdirSync(new URL('./mutants/', import.meta.url)).filter(
      (f) => f.endsWith('.ts') && f !== 'hangs.ts' && !f.startsWith('space-'),
    );
    expect(new Set(MATRIX.map((m) => `${m.mutant}.ts`))).toEqual(new Set(files));
  });
});

/**
 * Every built-in suite but scenario-space, whose rows the reference passes in test/dimension-mutants.test.ts (quick)
 * and in `npm run bench profiles` (full): its full profile alone is thousands of cases per board.
 */
const SUITES: readonly string[] = JSON.parse(readFileSync(new URL('../suites/catalog.json', import.meta.url), 'utf8')).filter(
  (s: string) => s !== 'scenario-space',
);

describe('the reference bootloader passes every suite', () => {
  it('all suites on nrf52840dk with the CLI defaults, multi-image named as skipped', async () => {
    const report = await run(SUITES, DEFAULT_BOARD, 1);
    expect(report.cases.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.violations[0]?.message}`)).toEqual([]);
    expect(report.cases.filter((c) => c.status === 'skip').map((c) => `${c.suite}/${c.id}`)).toEqual(['multi-image/skipped']);
    expect(report.info.coverage?.every((c) => c.suite === 'multi-image' || c.lines.length > 0)).toBe(true);
  }, 300_000);

  it.each(['stm32f429zi', 'b_u585i_iot02a', 'nucleo_l552ze_q'])('all suites on %s (non-uniform sectors; ECC; two images), sampled points', async (board) => {
    const report = await run(SUITES, board, 1, undefined, 'random:25');
    expect(report.cases.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([]);
    expect(report.cases.filter((c) => c.status === 'pass').length).toBeGreaterThan(100);
  }, 300_000);
});
