import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { toJson } from '../reporters/json.ts';
import { sampleInfo, sampleReport } from '../reporters/test/sample.ts';
import { coveringArray } from './covering.ts';
import { coverageLines, dimensionCoverage } from './report.ts';
import type { CoveringSpec } from './types.ts';

const schema = JSON.parse(readFileSync(new URL('../reporters/report.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);

const spec: CoveringSpec = {
  dimensions: [
    { name: 'strategy', title: 'update strategy', values: ['swap-scratch', 'swap-move'] },
    { name: 'size', title: 'image size', values: ['tiny', 'strategy-max'] },
    { name: 'mode', title: 'upgrade request', values: ['test', 'permanent'] },
  ],
  constraints: [
    { on: ['strategy', 'size'], excludes: (r) => (r.strategy === 'swap-move' && r.size === 'strategy-max' ? 'no spare sector' : undefined) },
  ],
  strength: 2,
  groups: [['strategy', 'size', 'mode']],
};
const array = coveringArray(spec, 1);
const coverage = dimensionCoverage(spec, array, 'full', array.rows.map((_, i) => `row${i + 1}`));

describe('dimension coverage report', () => {
  it('counts each pair and the group, lists every excluded combination with its reason, and names the rows', () => {
    const pair = coverage.combinations.find((c) => c.dimensions.join() === 'strategy,size');
    expect(pair).toMatchObject({ total: 4, covered: 3, missing: [] });
    expect(pair?.excluded).toEqual([{ values: ['swap-move', 'strategy-max'], reason: 'no spare sector' }]);
    const group = coverage.combinations.find((c) => c.dimensions.length === 3);
    expect(group).toMatchObject({ total: 8, covered: 6 });
    expect(coverage.rows.length).toBe(array.rows.length);
    expect(coverage.strength).toBe('every pair, and every combination of strategy × size × mode');
  });

  it('is valid in the JSON report, and the schema refuses a broken entry', () => {
    const report = sampleReport(undefined, { info: sampleInfo({ dimensions: [{ suite: 'scenario-space', ...coverage }] }) });
    const data = JSON.parse(toJson(report));
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    const broken = { ...data.info.dimensions[0], profile: 'medium' };
    expect(validate({ ...data, info: { ...data.info, dimensions: [broken] } })).toBe(false);
  });

  it('prints one console line per dimension and the excluded combinations grouped by reason', () => {
    const lines = coverageLines('scenario-space', coverage);
    expect(lines[0]).toMatch(/^dimensions of scenario-space \(full profile: every pair, .*; \d+ rows\):$/);
    expect(lines.find((l) => l.trim().startsWith('size'))).toMatch(/tiny \d+ {2}strategy-max \d+/);
    expect(lines).toContain('  combinations: 17 of 20 covered, 3 excluded, 0 missing');
    expect(lines).toContain('    ✗ 3 excluded: no spare sector');
  });
});
