import { describe, expect, it } from 'vitest';
import { cutCoverage, formatCoverageLine } from './coverage.ts';
import { isTrailerWrite, type PlannedCase, tornVariants } from './session.ts';

const op = (offset: number, length: number, kind: 'program' | 'erase' = 'program') => ({ index: 0, kind, offset, length, startUs: 0, result: 'done' as const });
const planned = (spec: PlannedCase['spec']): PlannedCase => ({ suite: 0, scenario: 0, id: 'x', title: 'x', spec });

describe('coverage lines', () => {
  it('counts enumerated cuts, enumerated torn trailer variants, seeded tears and second cuts apart', () => {
    const cut = { kind: 'cut', action: 0, atOp: 1 } as const;
    const cases = [
      planned({ kind: 'clean' }),
      planned({ ...cut, outcome: 'not-started' }),
      planned({ ...cut, outcome: 'completed' }),
      planned({ ...cut, outcome: 'torn', tear: { units: 0, unit: 'half' } }),
      planned({ ...cut, outcome: 'torn' }),
      planned({ ...cut, kind: 'double', outcome: 'torn', sample: 0, secondOutcome: 'torn' }),
    ];
    const lines = cutCoverage(cases, false);
    expect(lines.map(formatCoverageLine)).toEqual([
      'enumerated 2 cut points × outcomes (not-started, completed)',
      'enumerated 1 torn trailer/status writes and erases × variants (unit prefix × torn unit as before, weak, half or ECC; erase 1/8, 4/8, 7/8 done)',
      'sampled 1 torn payload writes, erases and counter advances (one seeded tear each)',
      'enumerated 1 second cuts spread over the recovery (erases and trailer writes first)',
    ]);
    expect(cutCoverage(cases, true)[0].how).toBe('sampled');
  });

  it('enumerates every unit prefix with three torn units (two for a byte, which has no half), or one ECC unit per prefix on an ECC part', () => {
    expect(tornVariants(2, false, 1)).toEqual([
      { units: 0, unit: 'ones' },
      { units: 0, unit: 'weak' },
      { units: 1, unit: 'ones' },
      { units: 1, unit: 'weak' },
    ]);
    expect(tornVariants(2, false, 4)).toEqual([
      { units: 0, unit: 'ones' },
      { units: 0, unit: 'weak' },
      { units: 0, unit: 'half' },
      { units: 1, unit: 'ones' },
      { units: 1, unit: 'weak' },
      { units: 1, unit: 'half' },
    ]);
    expect(tornVariants(4, true, 8)).toEqual([0, 1, 2, 3].map((units) => ({ units, unit: 'ones' })));
  });

  it('a trailer write is a short program wholly inside a status area; a payload copy reaching into one, or passing through one, is not', () => {
    const areas = [{ offset: 0x1000, size: 0x100 }, { offset: 0x8000, size: 0xa00 }];
    // A 1 KiB sector-copy chunk inside a scratch's large status area is a copy; a 256-byte info write is a trailer write.
    expect(isTrailerWrite(op(0x8400, 0x400), areas)).toBe(false);
    expect(isTrailerWrite(op(0x8900, 0x100), areas)).toBe(true);
    expect(isTrailerWrite(op(0x8900, 0x101), areas)).toBe(false);
    expect(isTrailerWrite(op(0x10f0, 16), areas)).toBe(true);
    expect(isTrailerWrite(op(0x0c00, 0x400 + 16), areas)).toBe(false);
    expect(isTrailerWrite(op(0x1000, 0x100, 'erase'), areas)).toBe(false);
  });
});
