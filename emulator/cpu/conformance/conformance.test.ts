import { describe, expect, it } from 'vitest';
import { CASE_LENGTH, CORPUS_FILES, loadCases, REGRESSIONS_FILE, type RecordedCase, record } from './corpus.ts';
import { type Profile, SequenceGenerator } from './generator.ts';
import { CaseRunner } from './run-case.ts';
import { findUnicornPython } from './unicorn.ts';

/** The cases whose final state differs from unicorn's, described well enough to replay. */
function mismatches(cases: readonly RecordedCase[], translate: boolean): string[] {
  const runners = new Map<Profile, CaseRunner>();
  return cases.flatMap((c) => {
    const profile = c.profile ?? 'armv7e-m';
    const runner = runners.get(profile) ?? new CaseRunner(translate, profile);
    runners.set(profile, runner);
    const ours = runner.run(c);
    const state = { registers: ours.registers, apsr: ours.apsr, memory: ours.memory };
    if (JSON.stringify(state) === JSON.stringify(c.expected)) return [];
    return [`seed ${c.seed} code ${c.code}: ours ${JSON.stringify(state)} (${ours.stop}), unicorn ${JSON.stringify(c.expected)}`];
  });
}

const PROFILES: [Profile, string, number][] = [
  ['armv7e-m', 'Cortex-M4', 1900],
  ['armv6-m', 'Cortex-M0', 900],
];

for (const [profile, model, minimum] of PROFILES) {
  describe(`conformance with unicorn's ${model} (${profile})`, () => {
    const corpus = loadCases(CORPUS_FILES[profile]);

    it('agrees on every recorded case, run as translated blocks', () => {
      expect(corpus.length).toBeGreaterThan(minimum);
      expect(mismatches(corpus, true)).toEqual([]);
    });

    it('agrees on every fourth recorded case, run one instruction at a time', () => {
      // The one-instruction path shares the decoder; this checks the block assembly against it (a quarter keeps
      // the test fast: each instruction is its own compiled function there).
      expect(mismatches(corpus.filter((_, i) => i % 4 === 0), false)).toEqual([]);
    });
  });
}

describe('conformance regressions', () => {
  it('keeps every past mismatch fixed', () => {
    const regressions = loadCases(REGRESSIONS_FILE);
    expect(regressions.length).toBeGreaterThan(0);
    expect([...mismatches(regressions, true), ...mismatches(regressions, false)]).toEqual([]);
  });
});

describe('live conformance', () => {
  const python = findUnicornPython();
  const seed = Number(process.env.BOOTPROOF_CONFORMANCE_SEED ?? Date.now() % 0xffffffff);
  const live = `agrees with a live unicorn on 100k fresh random instructions, M4 and M0 (seed ${seed})`;
  it.skipIf(python === undefined)(
    python === undefined ? `${live} — skipped: no python3 with the unicorn module (apt-get install python3-unicorn)` : live,
    () => {
      const m4 = new SequenceGenerator(seed);
      const m0 = new SequenceGenerator(seed, undefined, 'armv6-m');
      const cases = [
        ...Array.from({ length: 2400 }, () => m4.sequence(CASE_LENGTH)),
        ...Array.from({ length: 800 }, () => m0.sequence(CASE_LENGTH)),
      ];
      const recorded = record(python!, cases);
      const runners = { 'armv7e-m': new CaseRunner(true), 'armv6-m': new CaseRunner(true, 'armv6-m') };
      const executed = recorded.reduce((sum, c) => sum + runners[c.profile ?? 'armv7e-m'].run(c).instructions, 0);
      expect(executed, 'instructions executed').toBeGreaterThanOrEqual(100_000);
      expect(recorded.length, 'cases unicorn ran').toBeGreaterThan(cases.length * 0.99);
      expect(mismatches(recorded, true), `replay with BOOTPROOF_CONFORMANCE_SEED=${seed}`).toEqual([]);
    },
  );
});
