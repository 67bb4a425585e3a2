/**
 * Reading a JSON report back (`bootproof merge`): the shape every reporter relies on is checked field by field,
 * so a malformed or hand-edited file is bad input naming the file and the field, never a crash deeper in.
 */
import { z } from 'zod';
import { UsageError } from '../emulator/common/errors.ts';
import { parseJsonText } from '../emulator/common/json-text.ts';
import type { RunReport } from './results.ts';

const caseResult = z.looseObject({
  suite: z.string(),
  id: z.string(),
  title: z.string(),
  status: z.string(),
  violations: z.array(z.looseObject({ invariant: z.string(), message: z.string() })),
  seed: z.number(),
  journal: z.array(z.string()),
  bootLog: z.array(z.string()),
  replay: z.string(),
  note: z.string().optional(),
  boots: z.number(),
  durationMs: z.number(),
});

const runReport = z.looseObject({
  format: z.literal('bootproof-report/1', { error: 'expected "bootproof-report/1": not a bootproof JSON report' }),
  info: z.looseObject({
    board: z.string(),
    strategy: z.string(),
    bootloader: z.string(),
    suites: z.array(z.string()),
    seed: z.number(),
    points: z.string(),
    shard: z.object({ index: z.int().positive(), count: z.int().positive() }).optional(),
  }),
  cases: z.array(caseResult),
  durationMs: z.number(),
});

export function parseReportFile(text: string, file: string): RunReport {
  const json = parseJsonText(text);
  if (!json.ok) throw new UsageError(`merge: ${file}: not valid JSON at line ${json.line}, column ${json.column}: ${json.reason}`);
  const parsed = runReport.safeParse(json.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length === 0 ? '(top level)' : issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('').replace(/^\./, '');
    throw new UsageError(`merge: ${file}: ${where}: ${issue.message}`);
  }
  return parsed.data as RunReport;
}
