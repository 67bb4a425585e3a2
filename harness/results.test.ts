import { describe, expect, it } from 'vitest';
import { toJUnit } from './reporters/junit.ts';
import { toTap } from './reporters/tap.ts';
import { type CaseResult, exitCodeOf, mergeReports, type RunReport } from './results.ts';

function result(id: string, status: CaseResult['status'], extra: Partial<CaseResult> = {}): CaseResult {
  return { suite: 'power-loss', id, title: id, status, violations: [], seed: 1, journal: [], bootLog: [], replay: `npx bootproof run power-loss --only ${id}`, boots: 2, durationMs: 1, ...extra };
}

function report(cases: CaseResult[], shard?: { index: number; count: number }): RunReport {
  const info = { board: 'nrf52840dk', strategy: 'swap-scratch', bootloader: 'reference', suites: ['power-loss'], seed: 1, points: 'all', shard };
  return { format: 'bootproof-report/1', info, cases, durationMs: 5 };
}

const broken = result('upgrade/install/op7/torn', 'fail', {
  violations: [{ invariant: 'exactness', message: 'boot 1: slot matches none of old & new <bytes>' }],
  journal: ['> #7 program 0xc000+1024 at 5 us: torn'],
});

describe('results and reporters', () => {
  it('exit code 1 only when a case failed', () => {
    expect(exitCodeOf(report([result('a', 'pass'), result('b', 'skip')]))).toBe(0);
    expect(exitCodeOf(report([result('a', 'pass'), broken]))).toBe(1);
  });

  it('merges shards of one run and refuses reports of different runs', () => {
    const merged = mergeReports([report([result('a', 'pass')], { index: 1, count: 2 }), report([broken], { index: 2, count: 2 })]);
    expect(merged.cases.map((c) => c.id)).toEqual(['a', broken.id]);
    expect(merged.info.shard).toBeUndefined();
    const other = { ...report([]), info: { ...report([]).info, seed: 2 } };
    expect(() => mergeReports([report([]), other])).toThrow(/different runs/);
  });

  it('TAP lists each fault point with the violation, journal and replay of a failure', () => {
    const tap = toTap(report([result('a', 'pass'), broken, result('c', 'skip', { note: 'one image' })]));
    expect(tap).toContain('ok 1 - power-loss: a\n');
    expect(tap).toContain(`not ok 2 - power-loss: ${broken.id}\n  ---\n`);
    expect(tap).toContain('ok 3 - power-loss: c # SKIP one image');
    expect(tap).toContain('  replay: "npx bootproof run power-loss --only upgrade/install/op7/torn"\n  ...');
    expect(tap).toContain('  invariants: ["exactness"]');
  });

  it('JUnit (through tap-junit) has one test case per fault point, the failure message escaped', async () => {
    const xml = await toJUnit(report([result('a', 'pass'), broken]));
    expect(xml).toMatch(/<testsuites tests="2" name="bootproof" failures="1">/);
    expect(xml).toContain('<testcase name="power-loss: a" id="1"/>');
    expect(xml).toContain('exactness: boot 1: slot matches none of old &amp; new &lt;bytes&gt;');
  });
});
