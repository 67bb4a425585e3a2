/**
 * Proof that the harness catches real bootloader bugs: each mutant in test/mutants/ is the reference bootloader
 * with one realistic bug, and must be caught by the suite named for it, with the right invariant. The reference
 * itself must pass every suite on the boards these tests use.
 */
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
  { mutant: 'torn-magic-good', suite: 'power-loss-double', invariant: 'idempotent-recovery' },
  { mutant: 'erase-before-validate', suite: 'corrupt-image', invariant: 'no-brick' },
  { mutant: 'tlv-length-trusted', suite: 'corrupt-image', invariant: 'safety' },
  { mutant: 'primary-not-validated', suite: 'bit-rot', invariant: 'safety' },
  { mutant: 'expiry-every-boot', suite: 'keys', invariant: 'clock-independence' },
  { mutant: 'counter-on-test-boot', suite: 'rollback', invariant: 'no-rollback' },
  { mutant: 'downgrade-check-test-only', suite: 'rollback', invariant: 'convergence' },
  { mutant: 'never-reverts', suite: 'revert', invariant: 'convergence' },
  { mutant: 'writes-outside-slots', suite: 'power-loss', invariant: 'no-collateral' },
  { mutant: 'hardware-counter-unchecked', suite: 'rollback', invariant: 'no-rollback' },
  { mutant: 'dependencies-ignored', suite: 'multi-image', invariant: 'convergence', board: 'nucleo_l552ze_q' },
];

const DEFAULT_BOARD = 'nrf52840dk';

function run(suite: string, board: string, bootloader?: string, points = 'interesting'): Promise<RunReport> {
  return runSuites({ suites: [suite], board, bootloader, seed: 1, jobs: 0, points });
}

function invariantsOf(report: RunReport): Set<string> {
  return new Set(report.cases.flatMap((c) => c.violations.map((v) => v.invariant)));
}

describe('every mutant is caught by the suite named for it, with the right invariant', () => {
  it.each(MATRIX)('$mutant: $suite finds $invariant', async ({ mutant, suite, invariant, board }) => {
    const report = await run(suite, board ?? DEFAULT_BOARD, `test/mutants/${mutant}.ts`);
    expect(exitCodeOf(report)).toBe(1);
    expect([...invariantsOf(report)]).toContain(invariant);
    const failure = report.cases.find((c) => c.status === 'fail')!;
    expect(failure.replay).toContain(`--bootloader test/mutants/${mutant}.ts`);
    expect(failure.replay).toContain(`--only ${failure.id}`);
  });

  it('the matrix covers at least twelve mutants, each a different bug', () => {
    expect(new Set(MATRIX.map((m) => m.mutant)).size).toBeGreaterThanOrEqual(12);
  });
});

describe('the reference bootloader passes every suite', () => {
  it.each(['power-loss', 'power-loss-double', 'corrupt-image', 'bit-rot', 'keys', 'rollback', 'revert', 'multi-image'])(
    '%s on nrf52840dk, at every interesting point',
    async (suite) => {
      const report = await run(suite, DEFAULT_BOARD);
      const failed = report.cases.filter((c) => c.status === 'fail');
      expect(failed.map((c) => `${c.id}: ${c.violations[0]?.message}`)).toEqual([]);
      expect(report.cases.length).toBeGreaterThan(0);
    },
  );

  it('all suites on stm32f429zi (non-uniform sectors), sampled points', async () => {
    const report = await run('all', 'stm32f429zi', undefined, 'random:25');
    expect(report.cases.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([]);
    expect(report.cases.filter((c) => c.status === 'pass').length).toBeGreaterThan(100);
  });

  it.each(['b_u585i_iot02a', 'nucleo_l552ze_q'])('all suites on %s (the mutants\' ECC and two-image boards)', async (board) => {
    const report = await run('all', board, undefined, 'random:25');
    expect(report.cases.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([]);
    expect(report.cases.filter((c) => c.status === 'pass').length).toBeGreaterThan(100);
  });
});
