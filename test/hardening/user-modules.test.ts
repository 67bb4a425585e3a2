/**
 * User modules cannot end a run with exit 0 or hang it: a `--bootloader` or suite file that calls process.exit or
 * loops at import is exit 2 naming it, and a boot() that calls process.exit is reported as exactly that.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, REPO, spawnCli, tempDir } from '../cli-helpers.ts';

const dir = tempDir();
const file = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REFERENCE = join(REPO, 'emulator/boot/index.ts').replaceAll('\\', '/');
writeFileSync(file('exits.ts'), 'process.exit(0);\nexport default {};\n');
writeFileSync(file('loops.ts'), 'while (true) {}\nexport default {};\n');
writeFileSync(file('throws.ts'), "throw new Error('broken at import');\n");
writeFileSync(
  file('exit-in-boot.ts'),
  `import { ReferenceBootloader } from '${REFERENCE}';\n` +
    'const reference = new ReferenceBootloader();\nlet boots = 0;\n' +
    "export default { name: 'exits-on-boot', boot(ctx) { if (++boots > 2) process.exit(0); return reference.boot(ctx); } };\n",
);
writeFileSync(
  file('loops-in-boot.ts'),
  `import { ReferenceBootloader } from '${REFERENCE}';\n` +
    'const reference = new ReferenceBootloader();\n' +
    // Loops only when resuming a swap a cut interrupted: the fault-free runs pass, some cut cases hang.
    "export default { name: 'loops-in-boot', boot(ctx) { const run = reference.boot(ctx); while (run.log.some((line) => line.includes('resuming'))) {} return run; } };\n",
);
// Modules in a folder without a package.json would be loaded as CommonJS.
writeFileSync(file('package.json'), '{ "type": "module" }\n');

describe('user modules', () => {
  it('a --bootloader that calls process.exit(0) at import is exit 2, as a real process', async () => {
    const result = await spawnCli('run', 'power-loss', '--board', 'nrf52840dk', '--bootloader', file('exits.ts'), '--jobs', '0');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--bootloader ${file('exits.ts')}: importing it called process.exit(0)`);
  });

  it('a suite file that loops at import is exit 2 after the time limit, not a hang', async () => {
    const { trialImport } = await import('../../harness/user-code.ts');
    await expect(trialImport(file('loops.ts'), 'suite file', 3000)).rejects.toThrow(`suite file ${file('loops.ts')}: importing it did not finish within 3000 ms`);
  });

  it('a module that throws at import names its error, without a stack trace', async () => {
    const result = await cli('run', file('throws.ts'), '--board', 'nrf52840dk', '--jobs', '0');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`suite file ${file('throws.ts')}: cannot load the module: `);
    expect(result.stderr).toContain('broken at import');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('--jobs 0 with a boot() that loops forever fails those cases after --case-timeout instead of hanging', async () => {
    const result = await spawnCli('run', 'power-loss', '--board', 'nrf52840dk', '--bootloader', file('loops-in-boot.ts'), '--jobs', '0', '--case-timeout', '400', '--points', 'random:3');
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('did not finish within 400 ms: the bootloader hangs (it was interrupted in this thread)');
  });

  // The limit leaves a fault-free case room on a loaded machine (300 ms was not always enough there).
  it('--jobs 0: a hang inside a case, and one while planning, are each that case failing', { timeout: 150_000 }, async () => {
    const { runSuites } = await import('../../harness/runner.ts');
    const options = { suites: ['power-loss'], board: 'nrf52840dk', seed: 1, jobs: 0, caseTimeoutMs: 1000, points: 'random:3' };
    const looping = await runSuites({ ...options, bootloader: file('loops-in-boot.ts') });
    const hung = looping.cases.filter((c) => c.violations.some((v) => v.message.includes('interrupted in this thread')));
    expect(hung.length).toBeGreaterThan(0);
    expect(looping.cases.some((c) => c.status === 'pass')).toBe(true);
    const mutant = await runSuites({ ...options, bootloader: join(REPO, 'test/mutants/hangs.ts'), only: ['upgrade/clean'] });
    expect(mutant.cases.map((c) => [c.id, c.status])).toEqual([['upgrade/clean', 'fail']]);
  });

  // A worker sends its results a few at a time: when it hangs, the case that hangs is the one it says it is on (not
  // the first it was given), and the ones it finished but had not sent run again on the fresh worker.
  it('on a worker, the case that hangs is the one named, and the cases sent with it still pass', { timeout: 150_000 }, async () => {
    const { runSuites } = await import('../../harness/runner.ts');
    const only = ['upgrade/download/op0/not-started', 'upgrade/install/op205/not-started', ...['not-started', 'completed', 'torn-u0-weak'].map((o) => `upgrade/confirm/op222/${o}`)];
    const report = await runSuites({ suites: ['power-loss'], board: 'nrf52840dk', seed: 1, jobs: 1, caseTimeoutMs: 1500, points: 'systematic:8', only, bootloader: file('loops-in-boot.ts') });
    const hangs = (c: { violations: readonly { message: string }[] }) => c.violations.some((v) => v.message.includes('the bootloader hangs (the worker was stopped)'));
    expect(report.cases.map((c) => [c.id, c.status, hangs(c)])).toEqual(only.map((id) => [id, id.includes('install') ? 'fail' : 'pass', id.includes('install')]));
  });

  // On workers each failed case is run again alone in a fresh worker (tsx loads in each): slow on a loaded machine.
  it('a boot() that calls process.exit fails its cases saying so, inline and on workers', { timeout: 150_000 }, async () => {
    for (const jobs of ['0', '1']) {
      const result = await spawnCli('run', 'power-loss', '--board', 'nrf52840dk', '--bootloader', file('exit-in-boot.ts'), '--jobs', jobs, '--points', 'random:1');
      expect(result.code, `--jobs ${jobs}`).toBe(1);
      expect(result.stdout + result.stderr).toContain('process.exit(0) was called');
      expect(result.stdout + result.stderr).not.toContain('hangs');
    }
  });
});
