/**
 * Reports from the command line: `gate` writes the reports it was asked for on every exit path, `-` writes a
 * report to standard output, `suites --json`, `merge` refusing incomplete shard sets, and `--max-failures`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../harness/results.ts';
import { cli, tempDir } from './cli-helpers.ts';

const BOARD = ['--board', 'nrf52840dk'];
const INTEROP = fileURLToPath(new URL('../../shared/interop/', import.meta.url));
const OLD = `${INTEROP}s03-ed25519-basic.bin`;
const NEW = `${INTEROP}s15-ed25519-sigout.bin`;
const KEY = `${INTEROP}root-ed25519.pem`;
const interop = existsSync(OLD) && existsSync(NEW) && existsSync(KEY);

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunReport;

describe('gate reports on every exit path', () => {
  it.skipIf(!interop)('a downgrade (static check failed, exit 1) still writes JUnit and JSON with the reason', async () => {
    const dir = tempDir();
    const [xml, json] = [join(dir, 'g.xml'), join(dir, 'g.json')];
    const result = await cli('gate', ...BOARD, '--from', NEW, '--to', OLD, '--key', KEY, '--jobs', '0', '--junit', xml, '--json', json);
    expect(result.code).toBe(1);
    const report = readJson(json);
    const downgrade = report.cases.find((c) => c.suite === 'gate' && c.id === 'not-a-downgrade');
    expect(downgrade).toMatchObject({ status: 'fail', note: 'not a downgrade: 1.0.0+0 → 0.0.1+0 is a downgrade' });
    expect(report.cases.filter((c) => c.status === 'skip').map((c) => c.suite)).toEqual(['power-loss', 'revert']);
    expect(report.info.images.map((i) => i.version)).toEqual(['1.0.0+0', '0.0.1+0']);
    expect(report.info.command).toMatch(/^bootproof gate --board nrf52840dk --from \S+ --to \S+ --key \S+ --seed 1$/);
    const junit = readFileSync(xml, 'utf8');
    expect(junit).toContain('<testsuite name="gate" tests="3" failures="1"');
    expect(junit).toContain('message="not a downgrade: 1.0.0+0 → 0.0.1+0 is a downgrade"');
  });

  it('bad input (exit 2) writes the reports too, naming the problem', async () => {
    const dir = tempDir();
    const json = join(dir, 'g.json');
    const result = await cli('gate', ...BOARD, '--from', join(dir, 'none.bin'), '--to', join(dir, 'none.bin'), '--key', 'k.pem', '--json', json);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--from .*none\.bin: cannot be read/);
    const report = readJson(json);
    expect(report.cases).toEqual([expect.objectContaining({ suite: 'gate', id: 'input', status: 'fail', note: expect.stringMatching(/none\.bin: cannot be read/) })]);
  });

  it.skipIf(!interop)('a passing gate reports the static checks with the suites, JSON on standard output', async () => {
    const result = await cli('gate', ...BOARD, '--from', OLD, '--to', NEW, '--key', KEY, '--jobs', '0', '--points', 'random:1', '--json', '-');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(new Set(report.cases.map((c) => c.suite))).toEqual(new Set(['gate', 'power-loss', 'revert']));
    expect(report.cases.filter((c) => c.suite === 'gate').every((c) => c.status === 'pass')).toBe(true);
    expect(result.stderr).toContain('GATE PASSED');
  });
});

describe('report options', () => {
  it('--json - writes the JSON report to standard output and the console to standard error', async () => {
    const result = await cli('run', 'rollback', ...BOARD, '--jobs', '0', '--points', 'random:1', '--json', '-');
    expect(result.code).toBe(0);
    expect(readJsonText(result.stdout).cases.length).toBeGreaterThan(0);
    expect(result.stderr).toContain('PASS: every invariant held');
  });

  it('refuses two reports on standard output and an empty file name', async () => {
    expect((await cli('run', 'rollback', ...BOARD, '--json', '-', '--tap', '-')).stderr).toMatch(/--tap and --json both write to standard output/);
    const empty = await cli('run', 'rollback', ...BOARD, '--junit', '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--junit '': expected a file name/);
  });

  it('suites --json lists the suites', async () => {
    const result = await cli('suites', '--json');
    expect(result.code).toBe(0);
    const list = JSON.parse(result.stdout) as { name: string; title: string }[];
    expect(list.map((s) => s.name)).toContain('power-loss');
  });

  it('--max-failures stops the run early, says so, and fails', async () => {
    const dir = tempDir();
    const json = join(dir, 'r.json');
    const args = ['run', 'power-loss', ...BOARD, '--bootloader', 'test/mutants/no-status-records.ts', '--points', 'random:4', '--jobs', '0'];
    const result = await cli(...args, '--max-failures', '1', '--json', json);
    expect(result.code).toBe(1);
    const report = readJson(json);
    expect(report.cases.filter((c) => c.status === 'fail')).toHaveLength(1);
    expect(report.stoppedEarly).toMatch(/--max-failures 1: stopped after 1 failed case/);
    expect(result.stdout).toContain('STOPPED: --max-failures 1');
    expect((await cli(...args, '--max-failures', '0')).code).toBe(2);
  });
});

describe('merge on the command line', () => {
  it('exits 2 on a missing shard, a repeated shard, or a file missing its cases', async () => {
    const dir = tempDir();
    const common = ['run', 'rollback', ...BOARD, '--jobs', '0', '--points', 'random:2'];
    expect((await cli(...common, '--shard', '1/2', '--json', join(dir, 'a.json'))).code).toBe(0);
    const missing = await cli('merge', join(dir, 'a.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('merge: shard 2/2 missing (got 1 of 2)');
    const twice = await cli('merge', join(dir, 'a.json'), join(dir, 'a.json'));
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('given twice');
    const { cases: _, ...noCases } = readJson(join(dir, 'a.json'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(noCases));
    const bad = await cli('merge', join(dir, 'bad.json'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json: field 'cases'/);
  });
});

function readJsonText(text: string): RunReport {
  return JSON.parse(text) as RunReport;
}
