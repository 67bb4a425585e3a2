/**
 * Bad input on the command line is exit 2 with a message naming what and where, found before any run starts:
 * report paths, case ids, lab board ids, corrupt options, update pairs, keys. And one verification everywhere.
 */
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../emulator/common/prng.ts';
import { cli, tempDir } from '../cli-helpers.ts';

const dir = tempDir();
const file = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A suite whose whole plan is one skipped case: fast, and it never writes a report before the checks. */
const QUICK = ['run', 'revert', '--board', 'nucleo_l552ze_q', '--jobs', '0'];

beforeAll(async () => {
  writeFileSync(file('app.bin'), new Prng(5).bytes(4000));
  writeFileSync(file('big.bin'), new Prng(6).bytes(0x70000));
  expect((await cli('image', 'keygen', '-k', file('ed.pem'), '-t', 'ed25519', '--seed', '7')).code).toBe(0);
  const sign = async (input: string, version: string, out: string, ...extra: string[]) =>
    expect((await cli('image', 'sign', '-k', file('ed.pem'), '-H', '0x200', '--pad-header', '-S', '0x67000', '-v', version, ...extra, file(input), file(out))).code).toBe(0);
  await sign('app.bin', '1.0.0', 'v1.bin');
  await sign('app.bin', '2.0.0', 'v2.bin');
  await sign('app.bin', '1.0.0', 'pure-v1.bin', '--pure');
  await sign('app.bin', '2.0.0', 'pure-v2.bin', '--pure');
  await sign('big.bin', '3.0.0', 'big-v3.bin', '-S', '0x100000');
});

describe('report paths are checked before the run', () => {
  it.each([
    [['--junit', ''], "--junit '': expected a file name"],
    [['--json', '/nonexistent-dir/r.json'], '--json /nonexistent-dir/r.json: cannot be written (ENOENT)'],
    [['--tap', '/proc/bootproof-report.tap'], '--tap /proc/bootproof-report.tap: cannot be written'],
    [['--junit', '.'], '--junit .: not a file (a directory)'],
  ])('%j is exit 2', async (flags, message) => {
    const result = await cli(...QUICK, ...flags);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).not.toContain('revert');
  });

  it('gate checks them too, and a writable path is left as it was', async () => {
    const gate = await cli('gate', '--board', 'nrf52840dk', '--from', file('v1.bin'), '--to', file('v2.bin'), '--key', file('ed.pem'), '--junit', file('missing/j.xml'));
    expect(gate.code).toBe(2);
    expect(gate.stderr).toContain('cannot be written (ENOENT)');
    const ok = await cli(...QUICK, '--json', file('report.json'));
    expect(ok.code).toBe(1);
    expect(JSON.parse(readFileSync(file('report.json'), 'utf8')).cases).toHaveLength(1);
  });
});

describe('ids', () => {
  it('--only with an id that matches nothing is exit 2, even beside a real one', async () => {
    const result = await cli(...QUICK, '--only', 'skipped', '--only', 'typo');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--only typo: no case has this id');
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('--board-id %s is a board the lab file lacks', async (id) => {
    const lab = { boards: { dk1: { board: 'nrf52840dk', port: '/dev/null', console: { running: 'app (?<version>\\S+) slot=(?<slot>\\d)' }, power: { driver: 'manual' }, factory: { method: 'probe', command: 'flash {hex}' } } } };
    writeFileSync(file('lab.json'), JSON.stringify(lab));
    const result = await cli('run', 'power-loss', '--lab', file('lab.json'), '--board-id', id);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no board '${id}'; it has dk1`);
    expect(result.stderr).not.toMatch(/TypeError|internal error/);
  });
});

describe('image corrupt', () => {
  it('refuses a swap with an identical --other: the output would be unchanged', async () => {
    const result = await cli('image', 'corrupt', '-m', 'swap-hash', '--other', file('v1.bin'), file('v1.bin'), file('out.bin'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file('v1.bin')}: the other image's SHA256 is the same as this image's`);
  });

  it('names the file when the image has no protected TLV area to flip a bit in', async () => {
    const result = await cli('image', 'corrupt', '-m', 'flip-protected-tlv', file('v1.bin'), file('out.bin'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file('v1.bin')}: this image has no protected TLV area`);
  });

  it.each(['0', '0xffffffff'])('refuses grow-past-slot -S %s quickly, naming the slot size', async (size) => {
    const result = await cli('image', 'corrupt', '-m', 'grow-past-slot', '-S', size, file('v1.bin'), file('out.bin'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/grow-past-slot: slot size 0x[0-9a-f]+: expected at least the image end/);
  });
});

describe('update pairs given to run', () => {
  it('refuses an --image-to larger than the slot allows, as gate does (bad input, not a convergence failure)', async () => {
    const result = await cli('run', 'power-loss', '--board', 'nrf52840dk', '--image-from', file('v1.bin'), '--image-to', file('big-v3.bin'), '--key', file('ed.pem'), '--jobs', '0');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--image-to .*big-v3\.bin: the image is \d+ bytes, \d+ more than the \d+ bytes swap-scratch fits/);
  });

  it('refuses the same image as --image-from and --image-to', async () => {
    copyFileSync(file('v1.bin'), file('v1-copy.bin'));
    for (const to of [file('v1.bin'), file('v1-copy.bin')]) {
      const result = await cli('run', 'power-loss', '--board', 'nrf52840dk', '--image-from', file('v1.bin'), '--image-to', to, '--key', file('ed.pem'), '--jobs', '0');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('hold the same image: an update needs two');
    }
  });

  it('pure Ed25519 images verify alike in image verify, run and the bootloader', async () => {
    expect((await cli('image', 'verify', '-k', file('ed.pem'), file('pure-v2.bin'))).code).toBe(0);
    const run = await cli('run', 'power-loss', '--board', 'nrf52840dk', '--image-from', file('pure-v1.bin'), '--image-to', file('pure-v2.bin'), '--key', file('ed.pem'), '--jobs', '0', '--points', 'random:1');
    expect(run.stderr).not.toContain('KEYHASH');
    expect(run.code).toBe(0);
  });
});

describe('keys', () => {
  it('names the file of an unsupported key, and calls a certificate a certificate', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    writeFileSync(file('k1.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const k1 = await cli('image', 'verify', '-k', file('k1.pem'), file('v1.bin'));
    expect(k1.code).toBe(2);
    expect(k1.stderr).toContain(`${file('k1.pem')}: EC key on curve secp256k1: MCUboot signs with P-256 or P-384 only`);
    mkdirSync(file('certs'), { recursive: true });
    writeFileSync(file('certs/cert.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const cert = await cli('image', 'verify', '-k', file('certs/cert.pem'), file('v1.bin'));
    expect(cert.code).toBe(2);
    expect(cert.stderr).toContain('cert.pem: an X.509 certificate, not a key PEM');
  });
});
