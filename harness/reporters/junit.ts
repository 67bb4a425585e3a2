/**
 * JUnit XML for CI, valid against the strictest common schema (the Jenkins xunit plugin's junit-10.xsd): one
 * `testsuite` per suite with tests/failures/errors/skipped/time, `classname` = suite.board, `name` = case id,
 * `time` per case, skip reasons, and for a failure a one-line `message` with the full detail in the body.
 * Written directly: every attribute and text is escaped here, and characters XML 1.0 cannot carry at all
 * (most control characters) are shown as `\xNN` instead of making the file unreadable.
 */
import { formatCoverageLine } from '../coverage.ts';
import type { CaseResult, RunReport } from '../results.ts';
import { failureSummary, failureText, oneLine, type Reporter, writeOutput } from './reporter.ts';

const MESSAGE_MAX = 300;

export function toJUnit(report: RunReport): string {
  const { info } = report;
  const suites = new Map<string, CaseResult[]>(info.suites.map((s) => [s, []]));
  for (const c of report.cases) {
    const list = suites.get(c.suite);
    if (list) list.push(c);
    else suites.set(c.suite, [c]);
  }
  const failures = report.cases.filter((c) => c.status === 'fail').length;
  const total = seconds(report.cases.reduce((t, c) => t + c.durationMs, 0));
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bootproof" tests="${report.cases.length}" failures="${failures}" errors="0" time="${total}">`,
  ];
  for (const [suite, cases] of suites) {
    const failed = cases.filter((c) => c.status === 'fail').length;
    const skipped = cases.filter((c) => c.status === 'skip').length;
    const time = seconds(cases.reduce((t, c) => t + c.durationMs, 0));
    out.push(
      `  <testsuite name=${attr(suite)} tests="${cases.length}" failures="${failed}" errors="0" skipped="${skipped}" time="${time}">`,
      '    <properties>',
      ...properties(report).map(([name, value]) => `      <property name=${attr(name)} value=${attr(value)}/>`),
      '    </properties>',
    );
    const classname = `${suite}.${info.board.name}`;
    for (const c of cases) out.push(...testcase(c, classname, report));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function testcase(c: CaseResult, classname: string, report: RunReport): string[] {
  const open = `    <testcase name=${attr(c.id)} classname=${attr(classname)} time="${seconds(c.durationMs)}"`;
  if (c.status === 'pass') return [`${open}/>`];
  if (c.status === 'skip') return [`${open}>`, `      <skipped message=${attr(oneLine(c.note ?? 'skipped'))}/>`, '    </testcase>'];
  let message = oneLine(failureSummary(c));
  if (message.length > MESSAGE_MAX) message = `${message.slice(0, MESSAGE_MAX - 3)}...`;
  const type = [...new Set(c.violations.map((v) => v.invariant))].join(',') || 'failure';
  return [
    `${open}>`,
    `      <failure message=${attr(message)} type=${attr(type)}>${text(failureText(c, report.info))}</failure>`,
    '    </testcase>',
  ];
}

function properties(report: RunReport): [string, string][] {
  const { info } = report;
  const props: [string, string][] = [
    ['bootproof', info.bootproof],
    ['command', info.command],
    ['board', info.board.name],
    ['board.sha256', info.board.sha256],
    ['strategy', info.strategy],
    ['bootloader', info.bootloader.name],
    ['seed', String(info.seed)],
    ['points', info.points],
  ];
  if (info.bootloader.sha256) props.push(['bootloader.sha256', info.bootloader.sha256]);
  for (const image of info.images) props.push([`image.${image.role}`, `${image.version} sha256:${image.sha256}`]);
  for (const { suite, lines } of info.coverage ?? []) for (const line of lines) props.push([`coverage.${suite}`, formatCoverageLine(line)]);
  if (report.stoppedEarly) props.push(['stopped-early', report.stoppedEarly]);
  return props;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** Characters XML 1.0 forbids even as references: shown as visible escapes. */
function xmlSafe(value: string): string {
  return value.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 cannot carry
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function text(value: string): string {
  return xmlSafe(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A quoted attribute value; line breaks and tabs as references, so parsers keep them instead of normalising. */
function attr(value: string): string {
  const escaped = text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
  return `"${escaped}"`;
}

export class JUnitReporter implements Reporter {
  constructor(private readonly target: string) {}

  onRunEnd(report: RunReport): void {
    writeOutput(this.target, toJUnit(report));
  }
}
