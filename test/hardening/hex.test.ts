/**
 * One strict Intel HEX reader everywhere: `image verify` never accepts bytes it did not verify (a byte written
 * twice, a gap inside the signed region), and huge spans are refused instead of allocated.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../emulator/common/prng.ts';
import { cli, tempDir } from '../cli-helpers.ts';

const dir = tempDir();
const file = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One record line with its checksum. */
function rec(type: number, address: number, data: number[]): string {
  const fields = [data.length, (address >> 8) & 0xff, address & 0xff, type, ...data];
  const sum = (0x100 - (fields.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  return `:${[...fields, sum].map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}

beforeAll(async () => {
  writeFileSync(file('app.bin'), new Prng(9).bytes(3000));
  expect((await cli('image', 'keygen', '-k', file('ed.pem'), '-t', 'ed25519', '--seed', '3')).code).toBe(0);
  const signed = await cli('image', 'sign', '-k', file('ed.pem'), '-H', '0x200', '--pad-header', '-S', '0x20000', '-v', '1.0.0', '-x', '0x10000', file('app.bin'), file('app.hex'));
  expect(signed.code).toBe(0);
});

describe('Intel HEX input to image verify', () => {
  it('verifies a well-formed signed HEX file', async () => {
    const result = await cli('image', 'verify', '-k', file('ed.pem'), file('app.hex'));
    expect(result.stdout).toContain('valid');
    expect(result.code).toBe(0);
  });

  it('refuses a HEX file whose signed region is written twice (zeros first, then the original records)', async () => {
    const original = readFileSync(file('app.hex'), 'utf8');
    const zeros = [rec(4, 0, [0x00, 0x01]), rec(0, 0x0200, new Array(16).fill(0))].join('\n');
    writeFileSync(file('twice.hex'), `${zeros}\n${original}`);
    const result = await cli('image', 'verify', '-k', file('ed.pem'), file('twice.hex'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/twice\.hex: line \d+: data records overlap at 0x10200 \(line 2 writes it too\)/);
    expect(result.stdout).not.toContain('valid');
    const emulated = await cli('emulate', '--board', 'nrf52840dk', file('twice.hex'));
    expect(emulated.code).toBe(2);
    expect(emulated.stderr).toContain('overlap at 0x10200');
  });

  it('refuses a gap inside the signed region: those bytes were never in the file', async () => {
    const lines = readFileSync(file('app.hex'), 'utf8').trim().split('\n');
    // Line 3 is the second data record (0x10010..0x1001f) of the header: all zeros, so 0xff fill would differ.
    writeFileSync(file('gap.hex'), `${lines.filter((_, i) => i !== 2).join('\n')}\n`);
    const result = await cli('image', 'verify', '-k', file('ed.pem'), file('gap.hex'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("gap.hex: the image's bytes 0x10010..0x10020 are not in the file");
  });

  it('refuses records at 0x0 and 0xfffffff0 without allocating 4 GiB, and anything outside the slot', async () => {
    writeFileSync(file('span.hex'), `${[rec(0, 0, [1]), rec(4, 0, [0xff, 0xff]), rec(0, 0xfff0, [2]), ':00000001FF'].join('\n')}\n`);
    const before = process.memoryUsage().rss;
    const result = await cli('image', 'verify', file('span.hex'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/span\.hex: data spans 0x0\.\.0xfffffff1/);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
    const slot = await cli('image', 'verify', '-S', '0x100', file('app.hex'));
    expect(slot.code).toBe(2);
    expect(slot.stderr).toContain('more than the 256 bytes an image may span');
  });

  it('names the file on a checksum error, an unknown record type and a missing end-of-file record', async () => {
    const original = readFileSync(file('app.hex'), 'utf8');
    writeFileSync(file('sum.hex'), original.replace(/^(:10000000.*)..$/m, '$100'));
    writeFileSync(file('type.hex'), `${rec(6, 0, [])}\n${original}`);
    writeFileSync(file('eof.hex'), original.replace(':00000001FF', ''));
    for (const [name, text] of [['sum.hex', 'checksum mismatch'], ['type.hex', 'line 1: unknown record type 0x06'], ['eof.hex', 'no end-of-file record']]) {
      const result = await cli('image', 'verify', file(name!));
      expect(result.code, name).toBe(2);
      expect(result.stderr).toContain(`${file(name!)}: `);
      expect(result.stderr).toContain(text);
    }
  });
});
