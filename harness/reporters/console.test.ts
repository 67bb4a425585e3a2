import { describe, expect, it } from 'vitest';
import { type ConsoleClock, ConsoleReporter, LOG_INTERVAL_MS, progressLine } from './console.ts';
import { failCase, passCase, sampleInfo, sampleReport } from './test/sample.ts';

function capture(isTTY: boolean) {
  let text = '';
  let time = 0;
  let tick: (() => void) | undefined;
  const clock: ConsoleClock = {
    now: () => time,
    every(_ms, fn) {
      tick = fn;
      return () => {
        tick = undefined;
      };
    },
  };
  const reporter = new ConsoleReporter({ isTTY, columns: 120, write: (t: string) => (text += t) }, clock);
  return {
    reporter,
    text: () => text,
    advance(ms: number) {
      time += ms;
    },
    tick: () => tick?.(),
    ticking: () => tick !== undefined,
  };
}

describe('console reporter', () => {
  it('draws the current suite, done/total, failures, rate and time left on a TTY', () => {
    const c = capture(true);
    c.reporter.onRunStart(sampleInfo(), 4);
    c.advance(1000);
    c.reporter.onCase(failCase('a/install/op3/torn', 3));
    expect(c.text()).toContain('\r[power-loss] 1/4 (25%), 1 failed, 1 cases/s, 3 s left');
  });

  it('off a TTY, prints a progress line on a timer even when no case finishes, and stops it at the end', () => {
    const c = capture(false);
    c.reporter.onRunStart(sampleInfo(), 3);
    expect(c.ticking()).toBe(true);
    c.advance(LOG_INTERVAL_MS);
    c.tick();
    expect(c.text()).toContain('progress: 0/3 (0%), 0 failed');
    c.advance(LOG_INTERVAL_MS);
    c.reporter.onCase(passCase('a'));
    expect(c.text()).toContain('progress: [power-loss] 1/3 (33%), 0 failed');
    expect(c.text()).not.toContain('\r');
    c.reporter.onRunEnd(sampleReport([passCase('a')]));
    expect(c.ticking()).toBe(false);
    expect(c.text()).toContain('PASS: every invariant held (1 passed, 0 failed, 0 skipped, 1.5 s)');
  });

  it('groups failures by signature with a count and one full example, naming flash addresses by partition', () => {
    const c = capture(false);
    const report = sampleReport();
    c.reporter.onRunStart(report.info, report.cases.length);
    c.reporter.onRunEnd(report);
    const text = c.text();
    expect(text.match(/^FAIL ×/gm)).toHaveLength(1);
    expect(text).toContain('FAIL ×2 convergence during install, cut in program');
    expect(text).toContain('e.g. power-loss: upgrade/install/op200/torn');
    expect(text).toContain('also: upgrade/install/op201/torn');
    expect(text).toContain('cut: torn at op 200 (program secondary+0x1800+1024, install)');
    expect(text).toContain('> #200 program secondary+0x1800 (0x74800)+1024');
    expect(text).toContain('#201 program primary+0x66fe8 (0x72fe8)+4');
    expect(text).toContain('SKIP revert: skipped: needs a scratch area');
  });

  it('prints a coverage line per suite, and names a skipped suite in the verdict line', () => {
    const c = capture(false);
    const coverage = [
      { suite: 'corrupt-image', lines: [{ what: 'TLVs × mutations', how: 'enumerated' as const, count: 42 }] },
      { suite: 'power-loss', lines: [{ what: 'torn payload writes', how: 'sampled' as const, count: 7 }] },
    ];
    const report = sampleReport([passCase('upgrade/clean')], { info: sampleInfo({ coverage }) });
    c.reporter.onRunEnd({ ...report, cases: [...report.cases, passCase('skipped', { suite: 'multi-image', status: 'skip', note: 'one image slot pair' })] });
    expect(c.text()).toContain('  corrupt-image: enumerated 42 TLVs × mutations\n');
    expect(c.text()).toContain('  power-loss: sampled 7 torn payload writes\n');
    expect(c.text()).toContain('PASS: every invariant held (1 passed, 0 failed, 1 skipped, 1.5 s); multi-image skipped: one image slot pair\n');
  });

  it('formats the rate and the estimate', () => {
    expect(progressLine(300, 1200, 3, 2)).toBe('300/1200 (25%), 2 failed, 100 cases/s, 9 s left');
  });
});
