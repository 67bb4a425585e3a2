import { describe, expect, it } from 'vitest';
import { CASE_LENGTH, CORPUS_FILE, loadCases, REGRESSIONS_FILE, type RecordedCase, record } from './corpus.ts';
import { SequenceGenerator } from './generator.ts';
import { CaseRunner } from './run-case.ts';
import { findUnicornPython } from './unicorn.ts';

/** The cases whose final state differs from unicorn's, described well enough to replay. */
function mismatches(cases: readonly RecordedCase[], translate: boolean): string[] {
  const runner = new CaseRunner(translate);
  return cases.flatMap((c) => {
    const ours = runner.run(c);
    const state = { registers: ours.registers, apsr: ours.apsr, memory: ours.memory };
    if (JSON.stringify(state) === JSON.stringify(c.expected)) return [];
    return [`seed ${c.seed} code ${c.code}: ours ${JSON.stringify(state)} (${ours.stop}), unicorn ${JSON.stringify(c.expected)}`];
  });
}

describe('conformance with unicorn (Cortex-M4)', () => {
  const corpus = loadCases(CORPUS_FILE);

  it('agrees on every recorded case, run as translated blocks', () => {
    expect(corpus.length).toBeGreaterThan(1900);
    expect(mismatches(corpus, true)).toEqual([]);
  });

  it('agrees on every fourth recorded case, run one instruction at a time', () => {
    // The one-instruction path shares the decoder; this checks the block assembly against it (a quarter keeps
    // the test fast: each instruction is its own compiled function there).
    expect(mismatches(corpus.filter((_, i) => i % 4 === 0), false)).toEqual([]);
  });

  it('keeps every past mismatch fixed', () => {
    const regressions = loadCases(REGRESSIONS_FILE);
    expect(regressions.length).toBeGreaterThan(0);
    expect([...mismatches(regressions, true), ...mismatches(regressions, false)]).toEqual([]);
  });

  const python = findUnicornPython();
  const seed = Number(process.env.BOOTPROOF_CONFORMANCE_SEED ?? Date.now() % 0xffffffff);
  const live = `agrees with a live unicorn on 100k fresh random instructions (seed ${seed})`;
  it.skipIf(python === undefined)(
    python === undefined ? `${live} — skipped: no python3 with the unicorn module (apt-get install python3-unicorn)` : live,
    () => {
      const generator = new SequenceGenerator(seed);
      const cases = Array.from({ length: 3000 }, () => generator.sequence(CASE_LENGTH));
      const recorded = record(python!, cases);
      const runner = new CaseRunner();
      const executed = recorded.reduce((sum, c) => sum + runner.run(c).instructions, 0);
      expect(executed, 'instructions executed').toBeGreaterThanOrEqual(100_000);
      expect(recorded.length, 'cases unicorn ran').toBeGreaterThan(cases.length * 0.99);
      expect(mismatches(recorded, true), `replay with BOOTPROOF_CONFORMANCE_SEED=${seed}`).toEqual([]);
    },
  );
});
