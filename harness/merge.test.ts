import { describe, expect, it } from 'vitest';
import { mergeReports, parseReport } from './merge.ts';
import { failCase, passCase, sampleInfo, sampleReport } from './reporters/test/sample.ts';
import { exitCodeOf, type RunReport } from './results.ts';

function shard(index: number, count: number, cases = [passCase(`c${index}`)], info = {}): { file: string; report: RunReport } {
  return { file: `part-${index}.json`, report: sampleReport(cases, { info: sampleInfo({ shard: { index, count }, ...info }) }) };
}

describe('merge', () => {
  it('joins every shard of a run into one report without the shard marker', () => {
    const merged = mergeReports([shard(2, 2, [failCase('b/install/op1/torn', 1)]), shard(1, 2)]);
    expect(merged.cases.map((c) => c.id)).toEqual(['b/install/op1/torn', 'c1']);
    expect(merged.info.shard).toBeUndefined();
    expect(exitCodeOf(merged)).toBe(1);
  });

  it('takes one unsharded report alone', () => {
    expect(mergeReports([{ file: 'all.json', report: sampleReport() }]).cases).toHaveLength(4);
  });

  it('refuses a missing shard, naming it', () => {
    expect(() => mergeReports([shard(1, 2)])).toThrow('merge: shard 2/2 missing (got 1 of 2)');
    expect(() => mergeReports([shard(1, 4), shard(3, 4)])).toThrow('shards 2/4, 4/4 missing');
  });

  it('refuses a shard given twice', () => {
    expect(() => mergeReports([shard(1, 2), shard(1, 2), shard(2, 2)])).toThrow('shard 1/2 given twice: part-1.json and part-1.json');
  });

  it('refuses mixed shard counts', () => {
    expect(() => mergeReports([shard(1, 2), shard(2, 3)])).toThrow('mixed shard counts: part-2.json is shard 2/3, part-1.json is 1/2');
  });

  it('refuses an unsharded report among shards', () => {
    expect(() => mergeReports([shard(1, 2), { file: 'all.json', report: sampleReport() }])).toThrow('all.json is not a shard');
  });

  it.each([
    ['seed', { seed: 2 }],
    ['board', { board: { name: 'nrf5340dk_cpuapp', sha256: 'cd'.repeat(32) } }],
    ['bootloader', { bootloader: { name: 'mine', kind: 'module' as const, sha256: 'cd'.repeat(32), config: {} } }],
    ['images', { images: [{ role: 'to' as const, sha256: 'cd'.repeat(32), version: '3.0.0', size: 1 }] }],
    ['bootproof', { bootproof: '0.2.0' }],
    ['points', { points: 'random:4' }],
  ])('refuses shards of different runs: %s differs', (field, info) => {
    expect(() => mergeReports([shard(1, 2), shard(2, 2, undefined, info)])).toThrow(
      `merge: part-2.json comes from a different run than part-1.json: '${field}' differs`,
    );
  });

  it('refuses two different results for one case, and keeps one of two equal ones', () => {
    const a = shard(1, 2, [passCase('x')]);
    const b = shard(2, 2, [failCase('x', 3)]);
    expect(() => mergeReports([a, b])).toThrow("case power-loss: \"x\" has conflicting results: fail in part-2.json, pass in part-1.json");
    expect(mergeReports([a, shard(2, 2, [passCase('x', { durationMs: 9 })])]).cases).toHaveLength(1);
  });

  it('reads files strictly: not JSON, another format, an unknown status, a missing field', () => {
    const good = JSON.parse(JSON.stringify(sampleReport()));
    const read = (value: unknown, text = JSON.stringify(value)) => () => parseReport({ file: 'f.json', text });
    expect(read(null, '{')).toThrow('merge: f.json is not JSON');
    expect(read({ ...good, format: 'bootproof-report/1' })).toThrow("merge: f.json: field 'format' is \"bootproof-report/1\", expected 'bootproof-report/2'");
    const unknown = { ...good, cases: [{ ...good.cases[0], status: 'FAIL' }] };
    expect(read(unknown)).toThrow("merge: f.json: field 'cases.0.status'");
    const { cases: _c, ...noCases } = good;
    expect(read(noCases)).toThrow("merge: f.json: field 'cases'");
    const { info: _i, ...noInfo } = good;
    expect(read(noInfo)).toThrow("merge: f.json: field 'info'");
    expect(parseReport({ file: 'f.json', text: JSON.stringify(good) }).cases).toHaveLength(4);
  });
});
