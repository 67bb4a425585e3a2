/**
 * Console output: a progress line on a TTY (points per second, time left), nothing while running in CI logs,
 * then every failure in full (invariant, fault point, seed, journal, replay command) and a one-line verdict.
 */
import { type CaseResult, type RunInfo, type RunReport, summarize } from '../results.ts';
import { caseName, failureText, type Reporter } from './reporter.ts';

export interface ConsoleStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export class ConsoleReporter implements Reporter {
  private total = 0;
  private done = 0;
  private startedAt = 0;
  private lastDraw = 0;

  constructor(
    private readonly out: ConsoleStream = process.stdout,
    private readonly now: () => number = () => performance.now(),
  ) {}

  onRunStart(info: RunInfo, totalCases: number): void {
    this.total = totalCases;
    this.startedAt = this.now();
    const shard = info.shard ? ` shard ${info.shard.index}/${info.shard.count}` : '';
    this.out.write(
      `bootproof: ${info.suites.join(', ')} on ${info.board} (${info.strategy}, bootloader ${info.bootloader}), ` +
        `points ${info.points}, seed ${info.seed}${shard}: ${totalCases} cases\n`,
    );
  }

  onCase(_result: CaseResult): void {
    this.done++;
    if (!this.out.isTTY) return;
    const now = this.now();
    if (now - this.lastDraw < 100 && this.done < this.total) return;
    this.lastDraw = now;
    this.out.write(`\r${progressLine(this.done, this.total, (now - this.startedAt) / 1000)}`.padEnd(60));
  }

  onRunEnd(report: RunReport): void {
    if (this.out.isTTY && this.total > 0) this.out.write('\n');
    for (const c of report.cases) {
      if (c.status === 'fail') this.out.write(`\nFAIL ${caseName(c)}\n${indent(failureText(c))}\n`);
    }
    const notes = report.cases.filter((c) => c.status !== 'fail' && c.note);
    for (const c of notes) this.out.write(`${c.status === 'skip' ? 'SKIP' : 'NOTE'} ${caseName(c)}: ${c.note}\n`);
    const s = summarize(report.cases);
    const verdict = s.failed === 0 ? 'PASS: every invariant held' : `FAIL: ${s.failed} case(s) broke an invariant`;
    this.out.write(
      `\n${verdict} (${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ` +
        `${(report.durationMs / 1000).toFixed(1)} s)\n`,
    );
  }
}

export function progressLine(done: number, total: number, seconds: number): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const left = rate > 0 ? (total - done) / rate : 0;
  const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
  return `${done}/${total} (${pct}%) ${rate.toFixed(0)} points/s, ${left.toFixed(0)} s left`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
