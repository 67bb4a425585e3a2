/** TAP 13: one test point per fault point, failures with a YAML block (violations, seed, journal, replay). */
import { writeFileSync } from 'node:fs';
import type { RunReport } from '../results.ts';
import { caseName, failureText, type Reporter } from './reporter.ts';

export function toTap(report: RunReport): string {
  const out = ['TAP version 13', `1..${report.cases.length}`];
  report.cases.forEach((c, i) => {
    const name = caseName(c).replace(/#/g, '\\#');
    if (c.status === 'skip') {
      out.push(`ok ${i + 1} - ${name} # SKIP ${c.note ?? ''}`.trimEnd());
      return;
    }
    out.push(`${c.status === 'pass' ? 'ok' : 'not ok'} ${i + 1} - ${name}`);
    if (c.status === 'fail') {
      out.push('  ---', `  message: ${JSON.stringify(failureText(c))}`);
      out.push(`  invariants: ${JSON.stringify(c.violations.map((v) => v.invariant))}`);
      out.push(`  replay: ${JSON.stringify(c.replay)}`, '  ...');
    } else if (c.note) {
      out.push(`  # ${c.note}`);
    }
  });
  return `${out.join('\n')}\n`;
}

export class TapReporter implements Reporter {
  constructor(private readonly file: string) {}

  onRunEnd(report: RunReport): void {
    writeFileSync(this.file, toTap(report));
  }
}
