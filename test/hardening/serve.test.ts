/** `serve`: its control socket never replaces anything but a stale socket, and its socat dies with it. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listenControl } from '../../harness/lab/control.ts';
import type { ServedBoard } from '../../harness/lab/served-board.ts';
import { socatMissing } from '../../harness/serial/index.ts';
import { REPO, tempDir } from '../cli-helpers.ts';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const noBoard = {} as ServedBoard;
const missing = await socatMissing();

describe('serve --control', () => {
  it('refuses to replace a regular file or a directory, and leaves them as they were', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    await expect(listenControl(join(dir, 'notes.txt'), noBoard)).rejects.toThrow(/notes\.txt: exists and is a regular file, not a socket/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    mkdirSync(join(dir, 'folder'));
    await expect(listenControl(join(dir, 'folder'), noBoard)).rejects.toThrow(/exists and is a directory/);
  });

  it('replaces a stale socket', async () => {
    const path = join(dir, 'stale.sock');
    // A process that bound the socket and died leaves it behind, with nobody answering.
    execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', path]);
    expect(existsSync(path)).toBe(true);
    const server = await listenControl(path, noBoard);
    await new Promise((resolve) => server.close(resolve));
  });
});

describe.skipIf(missing !== undefined)('socat of a pty pair', () => {
  it('dies when its bootproof process is killed with SIGKILL', async () => {
    const script = `const { openPtyPair } = await import(${JSON.stringify(join(REPO, 'harness/serial/index.ts'))});
const pair = await openPtyPair();
process.stdout.write(pair.devicePath + '\\n');
setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const devicePath = await new Promise<string>((resolve) => child.stdout.once('data', (chunk) => resolve(String(chunk).trim())));
    const socats = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((line) => line.startsWith('socat') && line.includes(devicePath));
    expect(socats()).toHaveLength(1);
    child.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while (socats().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(socats()).toEqual([]);
    rmSync(join(devicePath, '..'), { recursive: true, force: true });
  });
});

if (missing !== undefined) it.skip(`socat lifetime test: ${missing} (run scripts/setup-debian.sh)`, () => {});
