/**
 * The scenario-space suite (issue 18): every space-* mutant in test/mutants is caught by the quick profile at
 * seeds 1, 2 and 3, on the two-image board (so the layout dimension has both values); the reference passes.
 * To stay fast, each mutant runs only the quick rows that hold the value its defect lives in (the rows the
 * profile picks for that seed, every case of each); a run stops at its first failure. The reference runs every
 * quick row at seed 1. `scripts/mutants-quick.ts` runs every mutant under `run all --profile quick` instead.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRunContext } from '../harness/context.ts';
import type { Row } from '../harness/dimensions/index.ts';
import { runSuites } from '../harness/runner.ts';

const BOARD = 'nucleo_l552ze_q';
const MUTANTS = readdirSync(new URL('./mutants/', import.meta.url))
  .filter((f) => f.startsWith('space-'))
  .map((f) => f.slice(0, -3));

/** The dimension value each mutant's defect lives in: the rows that can show it. */
const RELEVANT: Readonly<Record<string, (row: Row) => boolean>> = {
  'space-counter-strict': (row) => row.counter === 'equal',
  'space-major-only': (row) => /^(minor|revision)-lower$/.test(row.version),
  'space-pending-revert-wins': (row) => row.sequence === 'update-during-revert',
  'space-permanent-ignored': (row) => row.mode !== 'test',
  'space-rtc-trusted': (row) => row.event.startsWith('rtc-'),
  'space-second-image-only': (row) => row.layout === 'two-images',
  'space-second-trial': (row) => row.app === 'confirms-on-second-run',
  'space-signature-optional': (row) => row.signature === 'unsigned-hash-only' || row.signature === 'signature-stripped',
  'space-trailer-sector-unused': (row) => row.size === 'trailer-sector' || row.size === 'strategy-max',
};

type Rows = readonly { readonly id: string; readonly values: Row }[];
const rowsBySeed = new Map<number, Promise<Rows>>();

/** The rows quick picks at `seed` (built once per seed). */
function quickRows(seed: number): Promise<Rows> {
  let rows = rowsBySeed.get(seed);
  if (!rows) {
    rows = buildRunContext({ suites: ['scenario-space'], board: BOARD, profile: 'quick', seed, jobs: 0 }).then(
      (ctx) => ctx.suites[0].suite.dimensions!(ctx.suiteContext).rows,
    );
    rowsBySeed.set(seed, rows);
  }
  return rows;
}

function quick(seed: number, bootloader?: string, scenarios?: readonly string[]) {
  const maxFailures = bootloader === undefined ? undefined : 1;
  return runSuites({ suites: ['scenario-space'], board: BOARD, profile: 'quick', seed, jobs: bootloader ? 0 : 2, bootloader, maxFailures, scenarios });
}

describe('scenario-space mutants', () => {
  it('there is one for each dimension, and the test knows which rows can show each', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(9);
    expect(new Set(MUTANTS)).toEqual(new Set(Object.keys(RELEVANT)));
  });

  it('the reference passes every quick row on the two-image board, every pair covered', async () => {
    const report = await quick(1);
    expect(report.cases.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([]);
    expect(report.cases.length).toBeGreaterThan(200);
    expect(report.info.dimensions?.[0].combinations.every((c) => c.missing.length === 0)).toBe(true);
  }, 300_000);

  it.each(MUTANTS.flatMap((m) => [1, 2, 3].map((seed) => [m, seed] as const)))(
    '%s is caught by quick at seed %i',
    async (mutant, seed) => {
      const rows = (await quickRows(seed)).filter((r) => RELEVANT[mutant](r.values)).map((r) => r.id);
      expect(rows.length).toBeGreaterThan(0);
      const report = await quick(seed, `test/mutants/${mutant}.ts`, rows);
      expect(report.cases.filter((c) => c.status === 'fail').length).toBe(1);
    },
    120_000,
  );
});
