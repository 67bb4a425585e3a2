/** `bootproof merge <shard.json>…`: one report from the JSON files of `run --shard i/n`, in any reporter format. */
import type { Command } from 'commander';
import { UsageError } from '../../emulator/common/errors.ts';
import { readInputFile } from '../../emulator/common/files.ts';
import { mergeReports, parseReport } from '../merge.ts';
import { addReportOptions, type ReportFiles, reportersFor } from '../reporters/index.ts';
import { exitCodeOf } from '../results.ts';

export function registerMergeCommand(program: Command): void {
  addReportOptions(
    program
      .command('merge')
      .description(
        'Merge the --json files of a sharded run (every shard, once) into one report; exit 1 if any case failed, ' +
          '2 if a shard is missing, repeated, from another run, or not a report.',
      )
      .argument('<files...>', 'JSON reports written by `bootproof run --shard i/n --json f`'),
  ).action(async (files: string[], flags: ReportFiles) => {
    const report = mergeReports(files.map((file) => ({ file, report: parseReport({ file, text: readText(file) }) })));
    const reporters = reportersFor(flags);
    for (const r of reporters) r.onRunStart?.(report.info, report.cases.length);
    for (const c of report.cases) for (const r of reporters) r.onCase?.(c);
    for (const r of reporters) await r.onRunEnd(report);
    process.exitCode = exitCodeOf(report);
  });
}

function readText(file: string): string {
  try {
    // Bounded: a shard report is text of a few megabytes, never a device or a pipe.
    return Buffer.from(readInputFile(file, { what: 'report', maxBytes: 512 * 1024 * 1024 })).toString('utf8');
  } catch (error) {
    throw new UsageError(`merge: ${file} cannot be read: ${(error as Error).message}`);
  }
}
