/**
 * End-to-end tests of `bootproof run`, `suites` and `merge`: exit codes, reports, shards, replays, user suites
 * and bootloaders, and a bootloader that hangs or throws.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateJUnit, xmllintMissing } from '../harness/reporters/test/xmllint.ts';
import type { RunReport } from '../harness/results.ts';
import { exportPublicKeyPem, generateKeyPair, signImage } from '../images/index.ts';
import { cli, spawnCli, tempDir } from './cli-helpers.ts';

const BOARD = ['--board', 'nrf52840dk'];

describe('bootproof run', () => {
  // The quick profile: the full one (the default) takes minutes here; `npm run bench profiles` runs it.
  it('run all --profile quick on nrf52840dk passes on the reference and writes valid JUnit (worker threads)', async () => {
    const dir = tempDir();
    const junit = join(dir, 'junit.xml');
    const result = await spawnCli('run', 'all', ...BOARD, '--profile', 'quick', '--junit', junit, '--json', join(dir, 'r.json'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('PASS: every invariant held');
    expect(result.stdout).not.toMatch(/\r/); // no progress line without a TTY
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunReport;
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain(`<testsuites name="bootproof" tests="${report.cases.length}" failures="0" errors="0"`);
    expect(xml.match(/<testcase /g)).toHaveLength(report.cases.length);
    expect(xml.match(/<testsuite /g)).toHaveLength(9);
    if (!xmllintMissing) expect(validateJUnit(junit).status).toBe(0);
    expect(new Set(report.cases.map((c) => c.suite)).size).toBe(9);
    // The time bomb is shown to brick, and reported as such.
    expect(report.cases.find((c) => c.id === 'time-bomb/clean')?.note).toMatch(/^demonstrated: .*bricks/);
    // Every suite that ran says what it covered; the one that could not run is named in the verdict line.
    expect(result.stdout).toMatch(/^coverage:\n( {2}[a-z-]+: (enumerated|sampled) \d+ [^\n]+\n){8}\n/m);
    // The scenario space's rows and what they cover: every pair, or excluded with the reason.
    expect(result.stdout).toMatch(/^dimensions of scenario-space \(quick profile: every pair; \d+ rows\):$/m);
    expect(result.stdout).toMatch(/combinations: \d+ of \d+ covered, \d+ excluded, 0 missing/);
    expect(result.stdout).toMatch(/; multi-image skipped: board nrf52840dk has one image slot pair/);
  }, 180_000);

  it('exits 1 on a bootloader that throws at every boot, naming the failure, without dying', async () => {
    const result = await cli('run', 'power-loss', ...BOARD, '--jobs', '0', '--bootloader', 'test/fixtures/throwing-bootloader.ts');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('no-brick: boot 1: the bootloader threw TypeError');
    expect(result.stdout).toMatch(/replay: npx bootproof run power-loss --board nrf52840dk --bootloader \S+ --only upgrade\/clean --seed 1/);
  });

  it('stops a bootloader that hangs after the per-case budget and reports it as that bootloader hanging', async () => {
    const result = await spawnCli('run', 'power-loss', ...BOARD, '--bootloader', 'test/mutants/hangs.ts', '--jobs', '1', '--case-timeout', '1500', '--only', 'upgrade/clean');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('the bootloader hangs (the worker was stopped)');
  });

  it('runs a suite file and a user bootloader module', async () => {
    const result = await cli('run', './test/fixtures/my-suite.ts', ...BOARD, '--jobs', '0', '--bootloader', 'test/fixtures/my-bootloader.ts');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('my-permanent-upgrade on nrf52840dk (swap-scratch, bootloader my-bootloader)');
  });

  it('replays one failing case exactly from its printed command', async () => {
    const dir = tempDir();
    const json = join(dir, 'r.json');
    const first = await cli('run', 'power-loss', ...BOARD, '--jobs', '0', '--points', 'interesting', '--bootloader', 'test/mutants/no-status-records.ts', '--json', json);
    expect(first.code).toBe(1);
    const failed = (JSON.parse(readFileSync(json, 'utf8')) as RunReport).cases.find((c) => c.status === 'fail')!;
    const args = failed.replay.replace(/^npx bootproof /, '').split(' ');
    const again = await cli(...args, '--jobs', '0', '--json', json);
    expect(again.code).toBe(1);
    const replayed = (JSON.parse(readFileSync(json, 'utf8')) as RunReport).cases;
    expect(replayed.map((c) => [c.id, c.seed, c.violations])).toEqual([[failed.id, failed.seed, failed.violations]]);
  });

  it('splits cases into disjoint shards whose files merge into the full report', async () => {
    const dir = tempDir();
    const common = ['run', 'bit-rot', 'rollback', ...BOARD, '--jobs', '0', '--points', 'random:5'];
    expect((await cli(...common, '--json', join(dir, 'full.json'))).code).toBe(0);
    expect((await cli(...common, '--shard', '1/2', '--json', join(dir, 'a.json'))).code).toBe(0);
    expect((await cli(...common, '--shard', '2/2', '--json', join(dir, 'b.json'), '--tap', join(dir, 'b.tap'))).code).toBe(0);
    const merged = await cli('merge', join(dir, 'a.json'), join(dir, 'b.json'), '--json', join(dir, 'm.json'), '--junit', join(dir, 'm.xml'));
    expect(merged.code).toBe(0);
    const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as RunReport;
    const ids = (r: RunReport) => r.cases.map((c) => `${c.suite}:${c.id}`).sort();
    const [a, b] = [read('a.json'), read('b.json')];
    expect(a.cases.length).toBeGreaterThan(0);
    expect(ids(a).filter((id) => ids(b).includes(id))).toEqual([]);
    expect(ids(read('m.json'))).toEqual(ids(read('full.json')));
    expect(readFileSync(join(dir, 'b.tap'), 'utf8')).toMatch(new RegExp(`^TAP version 13\\n1\\.\\.${b.cases.length}\\n`));
  });

  it.each([
    [['run', 'no-such-suite', ...BOARD], /unknown suite 'no-such-suite'/],
    [['run', 'power-loss', '--board', 'no-such-board'], /no-such-board/],
    [['run', 'power-loss', ...BOARD, '--points', 'some'], /--points 'some'/],
    [['run', 'power-loss', ...BOARD, '--seed', '-3'], /--seed '-3'/],
    [['run', 'power-loss', ...BOARD, '--shard', '3/2'], /--shard '3\/2'/],
    [['run', 'power-loss', ...BOARD, '--strategy', 'magic'], /--strategy 'magic'/],
    [['run', 'power-loss', ...BOARD, '--image-from', 'missing.bin'], /go together/],
    [['run', 'power-loss', ...BOARD, '--bootloader', 'test/fixtures/not-a-bootloader.ts'], /must implement Bootloader/],
    [['run', 'power-loss', ...BOARD, '--bootloader', 'test/fixtures/missing.ts'], /cannot load the module/],
    [['run', 'power-loss', ...BOARD, '--only', 'nothing/like/this'], /no case has this id/],
    [['run', 'power-loss', '--board', 'nucleo_l552ze_q', '--strategy', 'swap-scratch'], /has no scratch partition/],
    [['run', 'power-loss', '--board', 'stm32f429zi', '--strategy', 'swap-move'], /swap-move cannot update board stm32f429zi.*largest image it accepts is 0 bytes/],
  ])('exits 2 on bad input: %j', async (args, message) => {
    const result = await cli(...args, '--jobs', '0');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 on an unreadable image and on a key that does not match the images', async () => {
    const dir = tempDir();
    const signer = generateKeyPair('ed25519', { seed: 'cli-test-signer' });
    const other = generateKeyPair('ed25519', { seed: 'cli-test-other' });
    const sign = (version: string) => signImage(new Uint8Array(3000).fill(7), { key: signer.privateKey, headerSize: 0x200, padHeader: true, version, slotSize: 0x67000 });
    writeFileSync(join(dir, 'v1.bin'), sign('1.0.0'));
    writeFileSync(join(dir, 'v2.bin'), sign('2.0.0'));
    writeFileSync(join(dir, 'other.pem'), exportPublicKeyPem(other.publicKey));
    const images = ['--image-from', join(dir, 'v1.bin'), '--image-to', join(dir, 'v2.bin')];
    const mismatch = await cli('run', 'power-loss', ...BOARD, ...images, '--key', join(dir, 'other.pem'), '--jobs', '0');
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/does not verify with --key/);
    const unreadable = await cli('run', 'power-loss', ...BOARD, '--image-from', join(dir, 'nope.bin'), '--image-to', join(dir, 'v2.bin'), '--key', join(dir, 'other.pem'), '--jobs', '0');
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/nope\.bin: cannot be read/);
  });
});

describe('bootproof suites', () => {
  it('lists every built-in suite on one line each', async () => {
    const result = await cli('suites');
    expect(result.code).toBe(0);
    const names = result.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0]);
    expect(names).toEqual(['power-loss', 'power-loss-double', 'corrupt-image', 'bit-rot', 'keys', 'rollback', 'revert', 'multi-image', 'scenario-space']);
  });
});
