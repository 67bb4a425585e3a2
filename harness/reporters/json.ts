/** The JSON report: the result model as is. It is also the shard file format that `bootproof merge` reads. */
import { writeFileSync } from 'node:fs';
import type { RunReport } from '../results.ts';
import type { Reporter } from './reporter.ts';

export class JsonReporter implements Reporter {
  constructor(private readonly file: string) {}

  onRunEnd(report: RunReport): void {
    writeFileSync(this.file, `${JSON.stringify(report, null, 2)}\n`);
  }
}
