import { describe, expect, it } from 'vitest';
import type { CaseResult, RunReport } from '../results.ts';
import { ConsoleReporter, progressLine } from './console.ts';

const info = { board: 'nrf52840dk', strategy: 'swap-scratch', bootloader: 'reference', suites: ['power-loss'], seed: 1, points: 'all' };
const ok: CaseResult = { suite: 'power-loss', id: 'a', title: 'a', status: 'pass', violations: [], seed: 1, journal: [], bootLog: [], replay: 'r', boots: 1, durationMs: 1 };

function capture(isTTY: boolean) {
  let text = '';
  let clock = 0;
  const reporter = new ConsoleReporter({ isTTY, write: (t: string) => (text += t) }, () => (clock += 1000));
  return { reporter, text: () => text };
}

describe('console reporter', () => {
  it('draws a progress line with points per second and time left on a TTY', () => {
    const { reporter, text } = capture(true);
    reporter.onRunStart(info, 2);
    reporter.onCase(ok);
    expect(text()).toContain('\r1/2 (50%) 1 points/s, 1 s left');
  });

  it('stays quiet while running without a TTY (CI logs), then prints the verdict', () => {
    const { reporter, text } = capture(false);
    reporter.onRunStart(info, 1);
    reporter.onCase(ok);
    expect(text()).not.toContain('\r');
    const report: RunReport = { format: 'bootproof-report/1', info, cases: [ok], durationMs: 1500 };
    reporter.onRunEnd(report);
    expect(text()).toContain('PASS: every invariant held (1 passed, 0 failed, 0 skipped, 1.5 s)');
  });

  it('formats the rate and the estimate', () => {
    expect(progressLine(300, 1200, 3)).toBe('300/1200 (25%) 100 points/s, 9 s left');
  });
});
