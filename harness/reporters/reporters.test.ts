/**
 * The file reporters: JUnit valid against junit-10.xsd (xmllint), JSON valid against the schema kept in the repo
 * (ajv), TAP, and hostile names fed through every format, none of which may change the counts or run as code.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { reportJsonSchema } from '../report-schema.ts';
import type { CaseResult, RunReport } from '../results.ts';
import { runSuites } from '../runner.ts';
import { ConsoleReporter } from './console.ts';
import { toHtml } from './html.ts';
import { toJson } from './json.ts';
import { toJUnit } from './junit.ts';
import { toTap } from './tap.ts';
import { failCase, HOSTILE, passCase, sampleInfo, sampleReport } from './test/sample.ts';
import { validateJUnit, xmllintMissing, xpath } from './test/xmllint.ts';

const dir = mkdtempSync(join(tmpdir(), 'bootproof-reporters-'));
const committedSchema = JSON.parse(readFileSync(new URL('./report.schema.json', import.meta.url), 'utf8'));
const validateJson = new Ajv2020({ strict: false, allErrors: true }).compile(committedSchema);

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

// One real run of a broken bootloader (a few cases, failures with cuts) feeds the schema checks below.
const real = await runSuites({
  suites: ['power-loss'],
  board: 'nrf52840dk',
  bootloader: 'test/mutants/no-status-records.ts',
  points: 'random:4',
  seed: 1,
  jobs: 0,
});

/** The control characters in a text (C0, DEL, C1). */
function controls(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0)).filter((code) => code < 0x20 || (code >= 0x7f && code <= 0x9f));
}

function hostileReport(): RunReport {
  const cases: CaseResult[] = HOSTILE.flatMap((name, i) => [
    failCase(`${name}/install/op${10 + i}/torn`, 10 + i, {
      suite: HOSTILE[i % 3],
      title: name,
      violations: [{ invariant: 'safety', message: `ran ${name}` }],
      bootLog: [`boot 1: ${name}`],
      note: name,
    }),
    passCase(name, { suite: HOSTILE[i % 3], title: name }),
    passCase(`skip-${i}`, { suite: HOSTILE[i % 3], status: 'skip', note: name }),
  ]);
  return sampleReport(cases, { info: sampleInfo({ board: { name: HOSTILE[3], sha256: 'ab'.repeat(32) }, suites: HOSTILE.slice(0, 3) }) });
}

describe('JSON report', () => {
  it('the schema in the repo is the one generated from the zod model (run scripts/report-schema.ts after a change)', () => {
    expect(committedSchema).toEqual(JSON.parse(JSON.stringify(reportJsonSchema())));
  });

  it('a real run validates against the schema, with structured cases and the run provenance', () => {
    const data = JSON.parse(toJson(real));
    expect(validateJson(data), JSON.stringify(validateJson.errors)).toBe(true);
    expect(data.info.bootproof).toMatch(/^\d+\.\d+\.\d+/);
    expect(data.info.board).toMatchObject({ name: 'nrf52840dk', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(data.info.bootloader).toMatchObject({ name: 'no-status-records', kind: 'module', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(data.info.bootloader.config.strategy).toBe('swap-scratch');
    expect(data.info.images.map((i: { version: string }) => i.version)).toEqual(['1.0.0+0', '2.0.0+0']);
    expect(data.info.keys[0].fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(data)).not.toMatch(/PRIVATE KEY/);
    const failure = data.cases.find((c: CaseResult) => c.status === 'fail');
    expect(failure.fault).toMatchObject({ phase: expect.any(String), op: expect.any(Number), kind: 'program', outcome: expect.any(String) });
    expect(failure.trace.some((op: { index: number }) => op.index === failure.fault.op)).toBe(true);
    // random:4 draws the cut points: the coverage line says they were sampled, with the count of cases behind it.
    const lines = data.info.coverage.find((c: { suite: string }) => c.suite === 'power-loss').lines;
    const cuts = data.cases.filter((c: CaseResult) => c.fault !== undefined).length;
    expect(lines.every((l: { how: string }) => l.how === 'sampled')).toBe(true);
    expect(lines.reduce((n: number, l: { count: number }) => n + l.count, 0)).toBe(cuts);
  });

  it('the schema refuses a coverage line that says neither enumerated nor sampled', () => {
    const data = JSON.parse(toJson(real));
    const line = { what: 'TLVs × mutations', how: 'mostly', count: 3 };
    expect(validateJson({ ...data, info: { ...data.info, coverage: [{ suite: 'x', lines: [line] }] } })).toBe(false);
    expect(validateJson({ ...data, info: { ...data.info, coverage: [{ suite: 'x', lines: [{ ...line, how: 'enumerated' }] }] } })).toBe(true);
  });

  it('the schema refuses what is not a report (an unknown status, a missing field)', () => {
    const data = JSON.parse(toJson(sampleReport()));
    expect(validateJson(data)).toBe(true);
    expect(validateJson({ ...data, cases: [{ ...data.cases[0], status: 'FAIL' }] })).toBe(false);
    expect(validateJson({ ...data, info: { ...data.info, board: undefined } })).toBe(false);
  });
});

describe.skipIf(xmllintMissing !== undefined)('JUnit XML', () => {
  it('a real run validates against junit-10.xsd, with a property per coverage line', () => {
    const file = write('real.xml', toJUnit(real));
    expect(xpath(file, 'string((//property[@name="coverage.power-loss"])[1]/@value)')).toMatch(/^sampled \d+ cut points × outcomes/);
    const result = validateJUnit(file);
    expect(result.status, result.output).toBe(0);
  });

  it('has one testsuite per suite with counts and time, classname, time per case, skip reasons, message + body', () => {
    const file = write('sample.xml', toJUnit(sampleReport()));
    expect(validateJUnit(file).status).toBe(0);
    expect(xpath(file, 'count(//testsuite)')).toBe('2');
    expect(xpath(file, 'string(//testsuite[@name="power-loss"]/@tests)')).toBe('3');
    expect(xpath(file, 'string(//testsuite[@name="power-loss"]/@failures)')).toBe('2');
    expect(xpath(file, 'string(//testsuite[@name="power-loss"]/@errors)')).toBe('0');
    expect(xpath(file, 'string(//testsuite[@name="revert"]/@skipped)')).toBe('1');
    expect(xpath(file, 'string(//testcase[1]/@classname)')).toBe('power-loss.nrf52840dk');
    expect(xpath(file, 'string(//testcase[1]/@time)')).toBe('0.002');
    expect(xpath(file, 'string(//skipped/@message)')).toBe('needs a scratch area');
    const message = xpath(file, 'string(//failure[1]/@message)');
    expect(message).toBe("convergence: after the cut at op 200 the device settled on 'old'; expected 'new'");
    const body = xpath(file, 'string(//failure[1])');
    expect(body).toContain('cut: torn at op 200 (program secondary+0x1800+1024, install)');
    expect(body).toContain('> #200 program secondary+0x1800');
    expect(body).toContain("boot 1 after the cut: hand-off to image 0 primary 'old'");
    expect(body).toContain('replay: npx bootproof run power-loss');
  });
});

if (xmllintMissing) it.skip(`JUnit schema tests: ${xmllintMissing}`, () => {});

describe('hostile names through every reporter', () => {
  const report = hostileReport();
  const failed = report.cases.filter((c) => c.status === 'fail').length;
  const skipped = report.cases.filter((c) => c.status === 'skip').length;

  it('TAP: one line per test point, no injected point, directive or bail-out', () => {
    const lines = toTap(report).trimEnd().split('\n');
    expect(lines.filter((l) => /^(not )?ok \d+ /.test(l))).toHaveLength(report.cases.length);
    expect(lines.filter((l) => l.startsWith('not ok '))).toHaveLength(failed);
    expect(lines.filter((l) => / # SKIP/.test(l))).toHaveLength(skipped);
    for (const line of lines) {
      expect(line).toMatch(/^(TAP version 13|1\.\.\d+|(not )?ok \d+ - .*| {2}.*)$/);
      expect(line).not.toMatch(/^Bail out!/);
      expect(controls(line)).toEqual([]);
    }
  });

  it.skipIf(xmllintMissing !== undefined)('JUnit: valid, the right counts, and the names read back as given (control characters shown escaped)', () => {
    const file = write('hostile.xml', toJUnit(report));
    const result = validateJUnit(file);
    expect(result.status, result.output).toBe(0);
    expect(xpath(file, 'count(//testcase)')).toBe(String(report.cases.length));
    expect(xpath(file, 'count(//failure)')).toBe(String(failed));
    expect(xpath(file, 'count(//skipped)')).toBe(String(skipped));
    expect(xpath(file, 'count(//injected)')).toBe('0');
    expect(xpath(file, 'string(//testcase[starts-with(@name, "evil") and not(failure)]/@name)')).toBe(HOSTILE[0]);
    expect(xpath(file, 'string(//testcase[starts-with(@name, "ctl") and not(failure)]/@name)')).toBe(
      'ctl\\u0000\\u0001\\u0007\\u001b[31m\u007f & "quotes" \'apos\' # hash',
    );
    expect(xpath(file, `string(//testsuite[@name=${JSON.stringify(HOSTILE[2])}]/@name)`)).toBe(HOSTILE[2]);
  });

  it('JSON: reads back equal', () => {
    expect(JSON.parse(toJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('HTML: no markup from the data, only the page script', () => {
    const html = toHtml(report);
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<injected');
  });

  it('console: no control character reaches the terminal', () => {
    let text = '';
    const reporter = new ConsoleReporter({ isTTY: false, write: (t: string) => (text += t) });
    reporter.onRunStart(report.info, report.cases.length);
    for (const c of report.cases) reporter.onCase(c);
    reporter.onRunEnd(report);
    expect(controls(text.replace(/\n/g, ''))).toEqual([]);
    expect(text.split('\n').filter((l) => l.startsWith('Bail out!'))).toHaveLength(0);
    expect(text).toContain('\\x1b[31m');
  });
});
