/** The reporters a command line asks for: always the console, plus one file per `--junit/--tap/--json`. */
import { ConsoleReporter } from './console.ts';
import { JsonReporter } from './json.ts';
import { JUnitReporter } from './junit.ts';
import type { Reporter } from './reporter.ts';
import { TapReporter } from './tap.ts';

export type { Reporter } from './reporter.ts';

export interface ReportFiles {
  junit?: string;
  tap?: string;
  json?: string;
}

export function reportersFor(files: ReportFiles, console: Reporter = new ConsoleReporter()): Reporter[] {
  const reporters: Reporter[] = [console];
  if (files.junit) reporters.push(new JUnitReporter(files.junit));
  if (files.tap) reporters.push(new TapReporter(files.tap));
  if (files.json) reporters.push(new JsonReporter(files.json));
  return reporters;
}
