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
  const report = { format: 'bootproof-report/1', info: { board: 'b', strategy: 's', bootloader: 'r', suites: ['power-loss'], seed: 1, points: 'all' }, cases: [], durationMs: 1 };
  it.each([
    [{ format: 'bootproof-report/1' }, 'info: '],
    [{ ...report, info: undefined }, 'info: '],
    [{ ...report, cases: undefined }, 'cases: '],
    [{ ...report, cases: [{ id: 'x' }] }, 'cases[0].suite: '],
    [{ ...report, info: { ...report.info, suites: 'power-loss' } }, 'info.suites: '],
    [{ format: 'other' }, 'format: expected "bootproof-report/1"'],
  ])('a report missing what reporters need is exit 2 naming the field: %j', async (content, field) => {
    writeFileSync(file('shard.json'), JSON.stringify(content));
    const result = await cli('merge', file('shard.json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`merge: ${file('shard.json')}: ${field}`);
    expect(result.stderr).not.toContain('internal error');
  });

  it('a JSON syntax error names its line', async () => {
    writeFileSync(file('broken.json'), '{\n  "format": "bootproof-report/1",\n  "info": ,\n}\n');
    const result = await cli('merge', file('broken.json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not valid JSON at line 3, column 11');
  });
});
