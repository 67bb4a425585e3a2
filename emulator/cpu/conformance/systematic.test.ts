import { describe, expect, it } from 'vitest';
import { record } from './corpus.ts';
import { ENCODINGS, V6M_ENCODINGS } from './encodings.ts';
import { mismatches } from './mismatches.ts';
import { coverageTable, systematicCases } from './systematic.ts';
import { findUnicornPython } from './unicorn.ts';

const python = findUnicornPython();
const SEED = 0x5e5e_2026;

describe.each([
  { profile: 'armv7e-m', encodings: ENCODINGS },
  { profile: 'armv6-m', encodings: V6M_ENCODINGS },
] as const)('systematic conformance, $profile', ({ profile, encodings }) => {
  const requirements = systematicCases(profile, encodings, SEED);
  const title = `every encoding × every single-bit field value, choice and register class agrees with unicorn`;

  it('has a case for every encoding, and for nearly every field value (the rest are ruled out by the table)', () => {
    const covered = new Set(requirements.filter((r) => r.testCase).map((r) => r.encoding));
    expect([...covered].sort()).toEqual(encodings.map((e) => e.name).sort());
    // Single-bit fields: both values of each are always possible in a valid instruction of its row.
    const ruledOutBits = requirements.filter((r) => !r.testCase && /^[A-Za-z0-9]+=[01]$/.test(r.label) && !r.label.startsWith('R'));
    expect(ruledOutBits.map((r) => `${r.encoding} ${r.label}`)).toEqual([]);
  });

  it.skipIf(python === undefined)(
    python === undefined ? `${title} — skipped: no python3 with the unicorn module (apt-get install python3-unicorn)` : title,
    () => {
      const cases = requirements.flatMap((r) => (r.testCase ? [r.testCase] : []));
      const recorded = record(python!, cases);
      const lost = cases.filter((c) => !recorded.some((r) => r.seed === c.seed)).map((c) => c.code);
      console.log(`systematic conformance, ${profile}: ${cases.length} cases (encoding: covered/wanted field values)\n${coverageTable(requirements)}`);
      expect(lost, 'cases unicorn could not run').toEqual([]);
      expect(mismatches(recorded, true), 'translated blocks').toEqual([]);
      expect(mismatches(recorded, false), 'one instruction at a time').toEqual([]);
    },
  );
});
