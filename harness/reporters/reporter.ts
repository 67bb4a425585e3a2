/**
 * The lifecycle a reporter sees (as vitest's reporters do): run start, one call per case, run end. Reporters
 * only read the result model; the runner knows nothing about output formats.
 */
import { writeFileSync } from 'node:fs';
import { type CaseResult, type FlashOpRecord, flashPlace, type RunInfo, type RunReport } from '../results.ts';

export interface Reporter {
  onRunStart?(info: RunInfo, totalCases: number): void;
  onCase?(result: CaseResult): void;
  onRunEnd(report: RunReport): void | Promise<void>;
}

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * A name or log line made safe for one line of plain-text output (console, TAP): line breaks, other control
 * characters and terminal escapes are shown as `\n`, `\x1b` …, never acted on.
 */
export function oneLine(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** The first line a failure shows: its invariants and what broke. */
export function failureSummary(result: CaseResult): string {
  const first = result.violations[0];
  if (!first) return result.note ?? result.status;
  const more = result.violations.length > 1 ? ` (+${result.violations.length - 1} more)` : '';
  return `${first.invariant}: ${first.message}${more}`;
}

/** A flash operation in words, its address named by partition and offset. */
export function describeOp(info: Pick<RunInfo, 'flash'>, op: FlashOpRecord, focus?: number): string {
  const mark = focus === undefined ? '' : op.index === focus ? '> ' : '  ';
  return `${mark}#${op.index} ${op.kind} ${flashPlace(info, op.offset)} (0x${op.offset.toString(16)})+${op.length} at ${op.startUs} us: ${op.result}`;
}

/** The full text of a failed case, shared by the console, TAP and JUnit reporters (each escapes it for its format). */
export function failureText(result: CaseResult, info: Pick<RunInfo, 'flash'>): string {
  const lines = result.violations.map((v) => `${v.invariant}: ${v.message}`);
  if (result.note) lines.push(result.note);
  if (result.fault) {
    const f = result.fault;
    const second = f.second ? `; second cut ${f.second.outcome} at op ${f.second.op}` : '';
    const tear = f.tear ? ` (${f.tear})` : '';
    lines.push(`cut: ${f.outcome}${tear} at op ${f.op} (${f.kind} ${flashPlace(info, f.offset)}+${f.length}, ${f.phase})${second}`);
  }
  lines.push(`seed: ${result.seed}`);
  const focus = result.fault?.second?.op ?? result.fault?.op;
  if (result.trace && result.trace.length > 0) {
    lines.push('flash journal around the fault:', ...result.trace.map((op) => `  ${describeOp(info, op, focus)}`));
  }
  if (result.journal.length > 0) lines.push('journal around the fault:', ...result.journal.map((l) => `  ${l}`));
  if (result.bootLog.length > 0) lines.push('boots after the fault:', ...result.bootLog.map((l) => `  ${l}`));
  lines.push(`replay: ${result.replay}`);
  return lines.join('\n');
}

export function caseName(result: CaseResult): string {
  return `${result.suite}: ${result.id}`;
}

/** What groups failures that are one bug: the invariants broken, the phase of the cut and the kind of operation. */
export function failureSignature(result: CaseResult): string {
  const invariants = [...new Set(result.violations.map((v) => v.invariant))].sort().join('+') || 'failed';
  const where = result.fault ? ` during ${result.fault.phase}, cut in ${result.fault.kind}` : ' without a cut';
  return `${invariants}${where}`;
}

export interface FailureGroup {
  readonly signature: string;
  readonly cases: readonly CaseResult[];
}

/** Failures grouped by signature, the largest group first. */
export function groupFailures(cases: readonly CaseResult[]): FailureGroup[] {
  const groups = new Map<string, CaseResult[]>();
  for (const c of cases) {
    if (c.status !== 'fail') continue;
    const key = failureSignature(c);
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  return [...groups].map(([signature, list]) => ({ signature, cases: list })).sort((a, b) => b.cases.length - a.cases.length);
}

/** Where a report goes: a file, or standard output for `-`. */
export function writeOutput(target: string, text: string): void {
  if (target === '-') process.stdout.write(text);
  else writeFileSync(target, text);
}
