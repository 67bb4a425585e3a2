/**
 * The pipeline's promises, end to end: a power cut is one signal no bootloader swallows by catching the project's
 * errors; every power-on starts a fresh bootloader; state kept outside it (a module variable) is reported as order
 * dependence (I-8), and each replay line reproduces, alone, the verdict it stands for; what a bootloader returns is
 * checked; the harness never imports the built-in suites.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../harness/results.ts';
import { runSuites } from '../harness/runner.ts';
import { REPO, spawnCli, tempDir } from './cli-helpers.ts';

const BOARD = 'nrf52840dk';

function inline(bootloader: string | 'reference', points: string, suites = ['power-loss']): Promise<RunReport> {
  return runSuites({ suites, board: BOARD, bootloader: bootloader === 'reference' ? undefined : bootloader, seed: 1, jobs: 0, points });
}

describe('a power cut is one signal from the flash to the judge', () => {
  it('reaches the runner through a bootloader that catches every BootproofError', async () => {
    const report = await inline('test/fixtures/catches-project-errors-bootloader.ts', 'random:6');
    expect(report.cases.length).toBeGreaterThan(20);
    expect(report.cases.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.violations[0]?.message}`)).toEqual([]);
  });
});

describe('every power-on starts a fresh bootloader', () => {
  it('copies a bootloader instance as loaded, so a counter in a field never survives a power cut', async () => {
    const report = await inline('test/fixtures/instance-counter-bootloader.ts', 'random:4');
    expect(report.cases.filter((c) => c.status === 'pass').length).toBeGreaterThan(10);
    expect(report.cases.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([]);
  });

  it.each(['1', '2'])(
    'reports a counter in a module variable as order-dependent with --jobs %s, and each replay reproduces its verdict alone',
    async (jobs) => {
      const json = join(tempDir(), 'r.json');
      const args = ['run', 'power-loss', '--board', BOARD, '--bootloader', 'test/fixtures/module-counter-bootloader.ts'];
      const result = await spawnCli(...args, '--points', 'random:6', '--jobs', jobs, '--json', json);
      expect(result.code, result.stderr).toBe(1);
      const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
      const failed = report.cases.filter((c) => c.status === 'fail');
      const orderDependent = failed.filter((c) =>
        c.violations[0]?.message.startsWith('order-dependent: the bootloader keeps state across power cycles'),
      );
      expect(orderDependent.length).toBeGreaterThan(0);
      expect(orderDependent[0].violations[0].invariant).toBe('idempotent-recovery');
      expect(result.stdout).toContain('order-dependent: the bootloader keeps state across power cycles');
      // The replay line runs the case alone: it shows the verdict the case has alone, as its note says.
      const replayed = orderDependent[0];
      expect(replayed.note).toContain('alone in a fresh worker it passes');
      const replay = replayed.replay.replace(/^npx bootproof /, '').split(' ');
      const alone = await spawnCli(...replay, '--jobs', '1');
      expect(alone.code, alone.stdout).toBe(0);
      expect(alone.stdout).toContain('1 passed, 0 failed');
    },
    240_000,
  );
});

describe('what a bootloader returns is checked', () => {
  const previous = process.env.BOOTPROOF_TEST_NONSENSE;
  let reference: RunReport | undefined;
  afterEach(() => {
    if (previous === undefined) delete process.env.BOOTPROOF_TEST_NONSENSE;
    else process.env.BOOTPROOF_TEST_NONSENSE = previous;
  });

  it.each([
    ['undefined', 'the bootloader returned undefined, not a boot outcome'],
    ['images-42', 'the bootloader returned a hand-off whose images are 42'],
    ['no-version', 'the bootloader returned a hand-off whose images[0] has version undefined'],
    ['halt-without-log', "the bootloader returned a 'halt' outcome whose log is undefined"],
  ])('%s: the cases that meet it fail, naming it, and the run goes on', async (kind, message) => {
    process.env.BOOTPROOF_TEST_NONSENSE = kind;
    const report = await inline('test/fixtures/returns-nonsense-bootloader.ts', 'random:2');
    const failed = report.cases.filter((c) => c.status === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].violations.map((v) => v.message).join('\n')).toContain(message);
    // The run went on: every scenario of the suite has its verdict, as on the reference (a scenario whose fault-free
    // run fails outright has nothing to sweep).
    reference ??= await inline('reference', 'random:2');
    const scenarios = (r: RunReport) => r.cases.filter((c) => c.id.endsWith('/clean')).map((c) => c.id);
    expect(scenarios(report)).toEqual(scenarios(reference));
    expect(failed.length).toBeGreaterThan(1);
  });
});

describe('the harness loads the built-in suites like any suite file', () => {
  it('no module under harness/ imports suites/', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && /from '(\.\.\/)+suites\//.test(readFileSync(join(REPO, path), 'utf8'))) offenders.push(path);
      }
    };
    walk('harness');
    expect(offenders).toEqual([]);
  });
});
