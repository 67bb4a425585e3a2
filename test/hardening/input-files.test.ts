/** Input files are read bounded (regular files only) and parsed into messages, never stack traces. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../cli-helpers.ts';

const dir = tempDir();
const file = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bounded reads', () => {
  it.each([
    ['image', 'inspect', '/dev/zero'],
    ['image', 'verify', '/dev/zero'],
    ['image', 'verify', '.'],
  ])('%s %s %s is exit 2: not a regular file', async (...args) => {
    const result = await cli(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/: not a regular file \((a device|a directory)\)/);
  });
});

describe('merge files', () => {
  it.each([
    [{ format: 'bootproof-report/2' }, "field '"],
    [{ format: 'bootproof-report/2', info: {}, cases: [{ id: 'x' }] }, "field '"],
    [{ format: 'other' }, "field 'format'"],
    ['{\n  "format": ,\n}\n', 'is not JSON'],
  ])('a malformed report is exit 2 naming the file, not a stack trace: %j', async (content, message) => {
    writeFileSync(file('shard.json'), typeof content === 'string' ? content : JSON.stringify(content));
    const result = await cli('merge', file('shard.json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`merge: ${file('shard.json')}`);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/internal error|^\s+at /m);
  });

  it('a device is not read', async () => {
    const result = await cli('merge', '/dev/zero');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/dev/zero: not a regular file (a device)');
  });
});
