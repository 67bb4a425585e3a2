/** `bootproof merge <shard.json>…`: one report from the JSON files of `run --shard i/n`, in any reporter format. */
import type { Command } from 'commander';
import { UsageError } from '../../emulator/common/errors.ts';
import { readInputFile } from '../../emulator/common/files.ts';
import { parseReportFile } from '../report-file.ts';
import { type ReportFiles, reportersFor } from '../reporters/index.ts';
import { exitCodeOf, mergeReports, type RunReport } from '../results.ts';

export function registerMergeCommand(program: Command): void {
  program
    .command('merge')
    .description('Merge the --json files of sharded runs into one report; exit 1 if any shard had a violation.')
    .argument('<files...>', 'JSON reports written by `bootproof run --shard i/n --json f`')
    .option('--junit <file>', 'write JUnit XML')
    .option('--tap <file>', 'write TAP')
    .option('--json <file>', 'write the merged JSON report')
    .action(async (files: string[], flags: ReportFiles) => {
      const report = mergeReports(files.map(readReport));
      const reporters = reportersFor(flags);
      for (const r of reporters) r.onRunStart?.(report.info, report.cases.length);
      for (const r of reporters) await r.onRunEnd(report);
      process.exitCode = exitCodeOf(report);
    });
}

function readReport(file: string): RunReport {
  let text: string;
  try {
    text = Buffer.from(readInputFile(file)).toString('utf8');
  } catch (error) {
    throw new UsageError(`merge: ${(error as Error).message}`);
  }
  return parseReportFile(text, file);
}
