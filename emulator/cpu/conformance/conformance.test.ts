import { describe, expect, it } from 'vitest';
import { CORPUS_FILES, loadCases, REGRESSIONS_FILE } from './corpus.ts';
import type { Profile } from './generator.ts';
import { mismatches } from './mismatches.ts';

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
