/**
 * TAP 13: one test point per case, failures with a YAML block (violations, cut, seed, replay). A name is one line
 * (`oneLine`), with `#` escaped as TAP asks, so no name can start a directive or a line of its own (`Bail out!`).
 */
import type { RunReport } from '../results.ts';
import { caseName, failureText, oneLine, type Reporter, writeOutput } from './reporter.ts';

export function toTap(report: RunReport): string {
  const out = ['TAP version 13', `1..${report.cases.length}`];
  report.cases.forEach((c, i) => {
    const name = tapText(caseName(c));
    if (c.status === 'skip') {
      out.push(`ok ${i + 1} - ${name} # SKIP ${tapText(c.note ?? '')}`.trimEnd());
      return;
    }
    out.push(`${c.status === 'pass' ? 'ok' : 'not ok'} ${i + 1} - ${name}`);
    if (c.status === 'fail') {
      out.push('  ---', `  message: ${yamlString(failureText(c, report.info))}`);
      out.push(`  invariants: [${c.violations.map((v) => yamlString(v.invariant)).join(', ')}]`);
      out.push(`  replay: ${yamlString(c.replay)}`, '  ...');
    } else if (c.note) {
      out.push(`  # ${tapText(c.note)}`);
    }
  });
  if (report.stoppedEarly) out.push(`# ${tapText(report.stoppedEarly)}`);
  return `${out.join('\n')}\n`;
}

/**
 * A YAML double-quoted scalar: JSON's escapes are YAML's, and the characters JSON leaves raw that YAML does not
 * allow (DEL, C1 controls, line and paragraph separators) are escaped too, so every character stays inside it.
 */
function yamlString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function tapText(text: string): string {
  return oneLine(text.replace(/\\/g, '\\\\')).replace(/#/g, '\\#');
}

export class TapReporter implements Reporter {
  constructor(private readonly target: string) {}

  onRunEnd(report: RunReport): void {
    writeOutput(this.target, toTap(report));
  }
}
