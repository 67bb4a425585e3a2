/**
 * Console output. While running: on a terminal, one redrawn line (current suite, cases done/total, failures so
 * far, rate, time left); off a terminal (CI logs), a plain line at least every few seconds. At the end, failures
 * grouped by signature (invariants, phase, operation kind) with their count and one full example each, then a
 * one-line verdict.
 */
import { formatCoverageLine } from '../coverage.ts';
import { coverageLines } from '../dimensions/report.ts';
import { type CaseResult, type RunInfo, type RunReport, SKIPPED_SUITE_ID, summarize } from '../results.ts';
import { caseName, failureText, groupFailures, oneLine, type Reporter } from './reporter.ts';

export interface ConsoleStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Off a terminal, the longest silence while cases run. */
export const LOG_INTERVAL_MS = 5000;
const TTY_REDRAW_MS = 100;
/** Other failing case ids listed under a group's example. */
const GROUP_IDS_SHOWN = 8;

export interface ConsoleClock {
  now(): number;
  /** Calls `tick` every `ms` until the returned function is called (a timer that does not keep the process alive). */
  every(ms: number, tick: () => void): () => void;
}

const realClock: ConsoleClock = {
  now: () => performance.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export class ConsoleReporter implements Reporter {
  private total = 0;
  private done = 0;
  private failed = 0;
  private suite = '';
  private startedAt = 0;
  private lastDraw = 0;
  private stopTimer: (() => void) | undefined;

  constructor(
    private readonly out: ConsoleStream = process.stdout,
    private readonly clock: ConsoleClock = realClock,
  ) {}

  onRunStart(info: RunInfo, totalCases: number): void {
    this.total = totalCases;
    this.startedAt = this.clock.now();
    this.lastDraw = this.startedAt;
    const shard = info.shard ? ` shard ${info.shard.index}/${info.shard.count}` : '';
    const target = oneLine(info.board.target ?? info.board.name);
    this.out.write(
      `bootproof: ${info.suites.map(oneLine).join(', ')} on ${target} (${info.strategy}, ` +
        `bootloader ${oneLine(info.bootloader.name)}), points ${info.points}, seed ${info.seed}${shard}: ${totalCases} cases\n`,
    );
    if (!this.out.isTTY && totalCases > 0) {
      this.stopTimer = this.clock.every(LOG_INTERVAL_MS, () => this.logLine(this.clock.now()));
    }
  }

  onCase(result: CaseResult): void {
    this.done++;
    if (result.status === 'fail') this.failed++;
    this.suite = result.suite;
    const now = this.clock.now();
    if (this.out.isTTY) {
      if (now - this.lastDraw < TTY_REDRAW_MS && this.done < this.total) return;
      this.lastDraw = now;
      const width = Math.max(40, (this.out.columns ?? 80) - 1);
      const line = this.progress(now).slice(0, width);
      this.out.write(`\r${line.padEnd(width)}`);
    } else if (now - this.lastDraw >= LOG_INTERVAL_MS) {
      this.logLine(now);
    }
  }

  private logLine(now: number): void {
    this.lastDraw = now;
    this.out.write(`progress: ${this.progress(now)}\n`);
  }

  private progress(now: number): string {
    const suite = this.suite ? `[${oneLine(this.suite)}] ` : '';
    return `${suite}${progressLine(this.done, this.total, (now - this.startedAt) / 1000, this.failed)}`;
  }

  onRunEnd(report: RunReport): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
    if (this.out.isTTY && this.total > 0) this.out.write('\n');
    for (const group of groupFailures(report.cases)) {
      const [example, ...others] = group.cases;
      this.out.write(`\nFAIL ×${group.cases.length} ${oneLine(group.signature)}\n  e.g. ${oneLine(caseName(example))}\n`);
      this.out.write(`${indent(failureText(example, report.info), '    ')}\n`);
      if (others.length > 0) {
        const shown = others.slice(0, GROUP_IDS_SHOWN).map((c) => oneLine(c.id));
        const more = others.length > shown.length ? ` and ${others.length - shown.length} more` : '';
        this.out.write(`  also: ${shown.join(', ')}${more}\n`);
      }
    }
    const notes = report.cases.filter((c) => c.status !== 'fail' && c.note);
    for (const c of notes) this.out.write(`${c.status === 'skip' ? 'SKIP' : 'NOTE'} ${oneLine(caseName(c))}: ${oneLine(c.note!)}\n`);
    if (report.stoppedEarly) this.out.write(`\nSTOPPED: ${oneLine(report.stoppedEarly)}\n`);
    this.writeCoverage(report);
    for (const d of report.info.dimensions ?? []) this.out.write(`\n${coverageLines(d.suite, d).map(oneLine).join('\n')}\n`);
    const s = summarize(report.cases);
    const verdict = s.failed === 0 ? 'PASS: every invariant held' : `FAIL: ${s.failed} case(s) broke an invariant`;
    // A suite that could not run here is named in the verdict itself, so a green line never hides it.
    const skippedSuites = report.cases.filter((c) => c.status === 'skip' && c.id === SKIPPED_SUITE_ID);
    const skipped = skippedSuites.map((c) => `; ${oneLine(c.suite)} skipped: ${oneLine(c.note ?? '')}`).join('');
    this.out.write(
      `\n${verdict} (${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ` +
        `${(report.durationMs / 1000).toFixed(1)} s)${skipped}\n`,
    );
  }

  /** Per suite, what the run enumerated and what it sampled (one line each). */
  private writeCoverage(report: RunReport): void {
    const suites = (report.info.coverage ?? []).filter((c) => c.lines.length > 0);
    if (suites.length === 0) return;
    this.out.write('\ncoverage:\n');
    for (const { suite, lines } of suites) {
      this.out.write(`  ${oneLine(suite)}: ${lines.map((l) => oneLine(formatCoverageLine(l))).join('; ')}\n`);
    }
  }
}

export function progressLine(done: number, total: number, seconds: number, failed = 0): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const left = rate > 0 ? (total - done) / rate : 0;
  const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
  return `${done}/${total} (${pct}%), ${failed} failed, ${rate.toFixed(0)} cases/s, ${left.toFixed(0)} s left`;
}

/** Each line of a multi-line text indented, and made safe for a terminal. */
function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => `${prefix}${oneLine(l)}`)
    .join('\n');
}
