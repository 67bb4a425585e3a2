import { describe, expect, it } from 'vitest';
import { CASE_LENGTH, record } from './corpus.ts';
import { SequenceGenerator } from './generator.ts';
import { mismatches } from './mismatches.ts';
import { CaseRunner } from './run-case.ts';
import { findUnicornPython } from './unicorn.ts';

describe('live conformance', () => {
  const python = findUnicornPython();
  const seed = Number(process.env.BOOTPROOF_CONFORMANCE_SEED ?? Date.now() % 0xffffffff);
  const live = `agrees with a live unicorn on 100k fresh random instructions, M4 and M0 (seed ${seed})`;
  it.skipIf(python === undefined)(
    python === undefined ? `${live} — skipped: no python3 with the unicorn module (enable: sudo scripts/setup-debian.sh)` : live,
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
