/**
 * Merging the JSON shard files of one run (`run --shard i/n --json part-i.json`) into one report. A merge that
 * could hide a failure is refused: a shard missing or given twice, shards of different runs, two different results
 * for one case, or a file that is not a report.
 */
import { UsageError } from '../emulator/common/errors.ts';
import { runReportSchema } from './report-schema.ts';
import { type CaseResult, REPORT_FORMAT, type RunInfo, type RunReport } from './results.ts';

export interface ShardFile {
  readonly file: string;
  readonly text: string;
}

/** Parses and checks one shard file; a bad one is a UsageError naming the file and the field. */
export function parseReport({ file, text }: ShardFile): RunReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`merge: ${file} is not JSON: ${(error as Error).message}`);
  }
  const format = (data as { format?: unknown } | null)?.format;
  if (format !== REPORT_FORMAT) {
    throw new UsageError(`merge: ${file}: field 'format' is ${JSON.stringify(format)}, expected '${REPORT_FORMAT}' (a bootproof JSON report)`);
  }
  const parsed = runReportSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    throw new UsageError(`merge: ${file}: field '${where}': ${issue.message}`);
  }
  return parsed.data as RunReport;
}

/** What must be equal across the shards of one run (everything in `info` but the shard and the command line). */
const RUN_FIELDS = ['bootproof', 'board', 'strategy', 'bootloader', 'images', 'keys', 'suites', 'seed', 'points'] as const;

export function mergeReports(shards: readonly { readonly file: string; readonly report: RunReport }[]): RunReport {
  if (shards.length === 0) throw new UsageError('merge: no report to merge');
  const [first] = shards;
  for (const { file, report } of shards.slice(1)) {
    for (const field of RUN_FIELDS) {
      if (canonical(report.info[field]) !== canonical(first.report.info[field])) {
        throw new UsageError(
          `merge: ${file} comes from a different run than ${first.file}: '${field}' differs ` +
            `(${brief(report.info[field])} vs ${brief(first.report.info[field])})`,
        );
      }
    }
  }
  checkShardSet(shards);
  const byId = new Map<string, { file: string; result: CaseResult }>();
  const cases: CaseResult[] = [];
  for (const { file, report } of shards) {
    for (const result of report.cases) {
      const key = `${result.suite}\u0000${result.id}`;
      const seen = byId.get(key);
      if (!seen) {
        byId.set(key, { file, result });
        cases.push(result);
      } else if (verdictOf(seen.result) !== verdictOf(result)) {
        throw new UsageError(
          `merge: case ${result.suite}: ${JSON.stringify(result.id)} has conflicting results: ${result.status} in ${file}, ` +
            `${seen.result.status} in ${seen.file}`,
        );
      }
    }
  }
  const info: RunInfo = { ...first.report.info };
  delete (info as { shard?: unknown }).shard;
  return {
    format: REPORT_FORMAT,
    info,
    cases,
    durationMs: Math.max(...shards.map((s) => s.report.durationMs)),
    ...stoppedEarly(shards),
  };
}

/** Every shard of `1/n … n/n` exactly once, or one unsharded report alone. */
function checkShardSet(shards: readonly { readonly file: string; readonly report: RunReport }[]): void {
  const unsharded = shards.filter((s) => !s.report.info.shard);
  if (unsharded.length > 0) {
    if (shards.length === 1) return;
    throw new UsageError(`merge: ${unsharded[0].file} is not a shard (no --shard) and cannot be merged with other reports`);
  }
  const count = shards[0].report.info.shard!.count;
  const seen = new Map<number, string>();
  for (const { file, report } of shards) {
    const shard = report.info.shard!;
    if (shard.count !== count) {
      throw new UsageError(`merge: mixed shard counts: ${file} is shard ${shard.index}/${shard.count}, ${shards[0].file} is ${shards[0].report.info.shard!.index}/${count}`);
    }
    const other = seen.get(shard.index);
    if (other !== undefined) throw new UsageError(`merge: shard ${shard.index}/${count} given twice: ${other} and ${file}`);
    seen.set(shard.index, file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new UsageError(`merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing (got ${shards.length} of ${count})`);
  }
}

function verdictOf(result: CaseResult): string {
  return canonical({ status: result.status, violations: result.violations, note: result.note ?? null });
}

function stoppedEarly(shards: readonly { readonly file: string; readonly report: RunReport }[]): { stoppedEarly?: string } {
  const stopped = shards.find((s) => s.report.stoppedEarly !== undefined);
  return stopped ? { stoppedEarly: `${stopped.file}: ${stopped.report.stoppedEarly}` } : {};
}

/** JSON with object keys sorted, so equal data compares equal whatever the key order in the files. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
