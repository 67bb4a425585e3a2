/**
 * The JSON report: the result model as is, described by `report.schema.json` (generated from
 * `../report-schema.ts`). It is also the shard file format that `bootproof merge` reads.
 */
import type { RunReport } from '../results.ts';
import { type Reporter, writeOutput } from './reporter.ts';

export function toJson(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export class JsonReporter implements Reporter {
  constructor(private readonly target: string) {}

  onRunEnd(report: RunReport): void {
    writeOutput(this.target, toJson(report));
  }
}
