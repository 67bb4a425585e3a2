/**
 * The lifecycle a reporter sees (as vitest's reporters do): run start, one call per case, run end. Reporters
 * only read the result model; the runner knows nothing about output formats.
 */
import type { CaseResult, RunInfo, RunReport } from '../results.ts';

export interface Reporter {
  onRunStart?(info: RunInfo, totalCases: number): void;
  onCase?(result: CaseResult): void;
  onRunEnd(report: RunReport): void | Promise<void>;
}

/** The text a failed case shows, shared by the console, TAP and JUnit reporters. */
export function failureText(result: CaseResult): string {
  const lines = result.violations.map((v) => `${v.invariant}: ${v.message}`);
  if (result.note) lines.push(result.note);
  lines.push(`seed: ${result.seed}`);
  if (result.journal.length > 0) lines.push('flash journal around the fault:', ...result.journal.map((l) => `  ${l}`));
  if (result.bootLog.length > 0) lines.push('boots after the fault:', ...result.bootLog.map((l) => `  ${l}`));
  lines.push(`replay: ${result.replay}`);
  return lines.join('\n');
}

export function caseName(result: CaseResult): string {
  return `${result.suite}: ${result.id}`;
}
