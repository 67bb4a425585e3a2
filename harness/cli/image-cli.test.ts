import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Prng } from '../../emulator/common/prng.ts';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'bootproof-image-cli-'));
const file = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const run = runCli;

writeFileSync(file('app.bin'), new Prng(4).bytes(5000));
const SIGN = ['-H', '0x200', '--pad-header', '-S', '0x20000', '-v', '1.4.0+2'];

describe('bootproof image', () => {
  it('keygen, sign, verify and inspect round-trip, with --json', async () => {
    expect((await run('image', 'keygen', '-k', file('p256.pem'), '-t', 'ecdsa-p256')).code).toBe(0);
    expect(readFileSync(file('p256.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect((await run('image', 'sign', '-k', file('p256.pem'), ...SIGN, '-s', 'auto', file('app.bin'), file('app.signed'))).code).toBe(0);
    const verified = await run('image', 'verify', '-k', file('p256.pem'), '--json', file('app.signed'));
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, reason: 'ok', version: '1.4.0+2', securityCounter: 0x01040000, key: file('p256.pem') });
    const inspected = JSON.parse((await run('image', 'inspect', '--json', file('app.signed'))).stdout);
    expect(inspected.header).toMatchObject({ hdrSize: 0x200, imgSize: 5000, version: '1.4.0+2' });
    expect(inspected.protectedTlvs.map((t: { name: string }) => t.name)).toEqual(['SEC_CNT']);
    expect(inspected.tlvs.map((t: { name: string }) => t.name)).toEqual(['SHA256', 'KEYHASH', 'ECDSASIG']);
    expect(inspected.digest.matches).toBe(true);
  });

  it('exits 1 for an invalid image and 2 for an unreadable one, saying what and where', async () => {
    await run('image', 'keygen', '-k', file('ed.pem'), '-t', 'ed25519', '--seed', '1');
    await run('image', 'sign', '-k', file('ed.pem'), ...SIGN, file('app.bin'), file('ed.signed'));
    const wrongKey = await run('image', 'verify', '-k', file('p256.pem'), file('ed.signed'));
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/invalid: key-not-trusted: .*\(offset 0x/);
    const missing = await run('image', 'verify', file('nope.bin'));
    expect([missing.code, missing.stderr]).toEqual([2, `bootproof: ${file('nope.bin')}: cannot be read (ENOENT)\n`]);
    const corrupt = await run('image', 'corrupt', file('ed.signed'), file('ed.bad'), '-m', 'flip-payload', '--seed', '3', '--json');
    expect(JSON.parse(corrupt.stdout)).toMatchObject({ mutation: 'flip-payload', seed: 3 });
    const flipped = await run('image', 'verify', '-k', file('ed.pem'), '--json', file('ed.bad'));
    expect(flipped.code).toBe(1);
    expect(JSON.parse(flipped.stdout)).toMatchObject({ valid: false, reason: 'hash-mismatch', tlvType: 0x10 });
    expect((await run('image', 'corrupt', file('ed.signed'), file('x'), '-m', 'no-such')).code).toBe(2);
  });

  it('signs with an encrypted key and explains a wrong password', async () => {
    writeFileSync(file('pw'), 'sesame\n');
    writeFileSync(file('bad-pw'), 'open\n');
    await run('image', 'keygen', '-k', file('enc.pem'), '-t', 'ecdsa-p384', '--password-file', file('pw'));
    expect((await run('image', 'sign', '-k', file('enc.pem'), '--password-file', file('pw'), ...SIGN, file('app.bin'), file('enc.signed'))).code).toBe(0);
    const wrong = await run('image', 'sign', '-k', file('enc.pem'), '--password-file', file('bad-pw'), ...SIGN, file('app.bin'), file('x'));
    expect([wrong.code, wrong.stderr]).toEqual([2, `bootproof: ${file('enc.pem')}: wrong password for the encrypted private key\n`]);
  });

  it('writes Intel HEX with only the image and the trailer bytes that are not erased', async () => {
    await run('image', 'sign', '-k', file('ed.pem'), ...SIGN, '--confirm', '-x', '0x08020000', file('app.bin'), file('app.hex'));
    const hex = readFileSync(file('app.hex'), 'utf8');
    expect(hex.startsWith(':020000040802F0')).toBe(true);
    expect(hex.split('\n').length).toBeLessThan(400);
    const verified = JSON.parse((await run('image', 'verify', '-k', file('ed.pem'), '--json', '-S', '0x20000', file('app.hex'))).stdout);
    expect(verified.valid).toBe(true);
    const inspected = JSON.parse((await run('image', 'inspect', '--json', file('app.hex'))).stdout);
    expect(inspected.trailer).toMatchObject({ maxAlign: 8, imageOk: 1, copyDone: 0xff });
  });

  it("takes imgtool's two-value --custom-tlv TAG VALUE anywhere on the line, and TAG=VALUE", async () => {
    writeFileSync(file('tlv.txt'), 'from a file');
    const args = ['image', 'sign', '--custom-tlv', '0xa0', 'hello', file('app.bin'), '--custom-tlv', '0xa1=0x0102'];
    const code = (await run(...args, ...SIGN, file('custom.bin'), '--custom-tlv-file', '0xa2', file('tlv.txt'))).code;
    expect(code).toBe(0);
    const inspected = JSON.parse((await run('image', 'inspect', '--json', file('custom.bin'))).stdout);
    expect(inspected.protectedTlvs.map((t: { typeHex: string; dataHex: string }) => [t.typeHex, t.dataHex])).toEqual([
      ['0xa0', Buffer.from('hello').toString('hex')],
      ['0xa1', '0102'],
      ['0xa2', Buffer.from('from a file').toString('hex')],
    ]);
    expect((await run('image', 'sign', ...SIGN, '--custom-tlv', '0xa0', file('app.bin'))).code).toBe(2);
  });

  it('prints public keys as imgtool getpub does', async () => {
    const c = await run('image', 'getpub', '-k', file('p256.pem'));
    expect(c.stdout).toMatch(/^const unsigned char bootproof_pub_key\[\] = \{\n {4}0x30, 0x59,/);
    expect(c.stdout).toContain('bootproof_pub_key_len = 91;');
    expect((await run('image', 'getpub', '-k', file('p256.pem'), '-e', 'pem')).stdout).toContain('BEGIN PUBLIC KEY');
    const json = JSON.parse((await run('image', 'getpub', '-k', file('p256.pem'), '--json')).stdout);
    expect(json.type).toBe('ecdsa-p256');
    expect(json.keyHash).toBe(createHash('sha256').update(Buffer.from(json.publicKey, 'hex')).digest('hex'));
  });

  it.each(['keygen', 'getpub', 'sign', 'verify', 'inspect', 'corrupt'])('%s --help exits 0', async (command) => {
    const help = await run('image', command, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`Usage: bootproof image ${command}`);
  });

  it('lists the mutations', async () => {
    const list = JSON.parse((await run('image', 'corrupt', '--list', '--json')).stdout);
    expect(list.map((m: { name: string }) => m.name)).toContain('tlv-length-wrap');
  });
});
