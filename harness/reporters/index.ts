/** The reporters a command line asks for: always the console, plus one per `--junit/--tap/--json/--html`. */
import type { Command } from 'commander';
import { UsageError } from '../../emulator/common/errors.ts';
import { ConsoleReporter } from './console.ts';
import { HtmlReporter } from './html.ts';
import { JsonReporter } from './json.ts';
import { JUnitReporter } from './junit.ts';
import type { Reporter } from './reporter.ts';
import { TapReporter } from './tap.ts';

export type { Reporter } from './reporter.ts';

export interface ReportFiles {
  junit?: string;
  tap?: string;
  json?: string;
  html?: string;
}

/** The report options `run`, `gate` and `merge` share. `-` writes that report to standard output. */
export function addReportOptions(command: Command): Command {
  return command
    .option('--junit <file>', 'write JUnit XML (- for standard output)')
    .option('--tap <file>', 'write TAP (- for standard output)')
    .option('--json <file>', 'write the JSON report, also the shard file `bootproof merge` reads (- for standard output)')
    .option('--html <file>', 'write a self-contained HTML report: flash map, fault map per suite, every case');
}

/** Whether a report goes to standard output, so everything else printed must go to standard error. */
export function reportsToStdout(files: ReportFiles): boolean {
  const toStdout = (['junit', 'tap', 'json', 'html'] as const).filter((k) => files[k] === '-');
  if (toStdout.length > 1) {
    throw new UsageError(`${toStdout.map((k) => `--${k}`).join(' and ')} both write to standard output (-): give one of them a file`);
  }
  for (const k of ['junit', 'tap', 'json', 'html'] as const) {
    if (files[k] === '') throw new UsageError(`--${k} '': expected a file name (or - for standard output)`);
  }
  return toStdout.length === 1;
}

export function reportersFor(files: ReportFiles, console?: Reporter): Reporter[] {
  const stdout = reportsToStdout(files);
  const reporters: Reporter[] = [console ?? new ConsoleReporter(stdout ? process.stderr : process.stdout)];
  if (files.junit !== undefined) reporters.push(new JUnitReporter(files.junit));
  if (files.tap !== undefined) reporters.push(new TapReporter(files.tap));
  if (files.json !== undefined) reporters.push(new JsonReporter(files.json));
  if (files.html !== undefined) reporters.push(new HtmlReporter(files.html));
  return reporters;
}
