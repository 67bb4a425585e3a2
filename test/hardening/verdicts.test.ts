/** A check that ran zero cases is never "ok": not in `run`, not in `gate`; `gate` refuses `--shard`. */
import { describe, expect, it } from 'vitest';
import { suiteCheck } from '../../harness/gate.ts';
import { sampleInfo, sampleReport } from '../../harness/reporters/test/sample.ts';
import { type CaseResult, exitCodeOf, nothingChecked, type RunReport } from '../../harness/results.ts';
import { cli } from '../cli-helpers.ts';

function result(id: string, status: CaseResult['status'], suite = 'power-loss', note?: string): CaseResult {
  return { suite, id, title: id, status, violations: [], seed: 1, journal: [], bootLog: [], replay: '', boots: 1, durationMs: 1, note };
}

function report(cases: CaseResult[], suites = ['power-loss'], shard?: { index: number; count: number }): RunReport {
  return sampleReport(cases, { info: sampleInfo({ suites, ...(shard ? { shard } : {}) }), durationMs: 1 });
}

describe('a run that checked nothing', () => {
  it('fails: no case, only skipped cases, or a suite with no case', () => {
    expect(exitCodeOf(report([]))).toBe(1);
    expect(nothingChecked(report([]))).toBe('no case ran: nothing was checked');
    expect(exitCodeOf(report([result('a', 'skip'), result('b', 'skip')]))).toBe(1);
    expect(nothingChecked(report([result('a', 'skip')]))).toBe('all 1 cases were skipped: nothing was checked');
    expect(exitCodeOf(report([result('a', 'pass')], ['power-loss', 'mine']))).toBe(1);
    expect(nothingChecked(report([result('a', 'pass')], ['power-loss', 'mine']))).toBe('suite mine has no case: nothing of it was checked');
    // A shard need not hold a case of every suite; it must still check something.
    expect(exitCodeOf(report([result('a', 'pass')], ['power-loss', 'mine'], { index: 1, count: 2 }))).toBe(0);
    expect(exitCodeOf(report([result('a', 'skip')], ['power-loss'], { index: 1, count: 2 }))).toBe(1);
    expect(exitCodeOf(report([result('a', 'pass'), result('b', 'skip')]))).toBe(0);
  });

  it('`run` exits 1 and says so when every case was skipped', async () => {
    const result = await cli('run', 'revert', '--board', 'nucleo_l552ze_q', '--jobs', '0');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('FAILED: all 1 cases were skipped: nothing was checked');
  });

  it('`run --shard` that would select no case is bad input', async () => {
    const result = await cli('run', 'revert', '--board', 'nucleo_l552ze_q', '--jobs', '0', '--shard', '2/2');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--shard 2/2: the run has only 1 cases, so this shard would check nothing');
  });
});

describe('gate', () => {
  it('refuses --shard before reading anything', async () => {
    const result = await cli('gate', '--board', 'nrf52840dk', '--from', 'a.bin', '--to', 'b.bin', '--key', 'k.pem', '--shard', '1000/1000');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('gate: --shard is refused');
    expect(result.stdout).not.toContain('PASSED');
  });

  it('a suite check with zero cases run fails; one ruled out by the strategy is "not applicable", never ok', () => {
    expect(suiteCheck('power loss safe', [])).toEqual({ name: 'power loss safe', passed: false, detail: 'ran no case (0 skipped): nothing was checked' });
    expect(suiteCheck('power loss safe', [result('a', 'skip'), result('b', 'skip')]).passed).toBe(false);
    const ruledOut = suiteCheck('revert safe', [result('skipped', 'skip', 'revert', 'overwrite-only cannot revert')]);
    expect(ruledOut).toMatchObject({ passed: true, notApplicable: true, detail: 'not applicable: overwrite-only cannot revert' });
    expect(suiteCheck('power loss safe', [result('a', 'pass'), result('b', 'fail')]).passed).toBe(false);
    expect(suiteCheck('power loss safe', [result('a', 'pass')])).toMatchObject({ passed: true, detail: '1 passed, 0 failed, 0 skipped' });
  });
});
