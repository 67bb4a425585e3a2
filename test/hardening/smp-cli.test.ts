/** `smp` refuses what can never work before it opens the port. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../cli-helpers.ts';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('smp usage', () => {
  it('--timeout 0 is exit 2', async () => {
    const result = await cli('smp', '--port', '/nonexistent/ttyX', '--timeout', '0', 'echo', 'hi');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--timeout 0: expected at least 1');
  });

  it('an empty image is exit 2 before the port is opened', async () => {
    writeFileSync(join(dir, 'empty.bin'), new Uint8Array(0));
    const result = await cli('smp', '--port', '/nonexistent/ttyX', 'image', 'upload', join(dir, 'empty.bin'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('empty.bin: the image file is empty');
    expect(result.stderr).not.toContain('cannot open serial port');
  });
});
