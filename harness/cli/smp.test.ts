import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { imageIdentity } from '../serial/image-hash.ts';
import { openPtyPair, type PtyPair, socatMissing } from '../serial/pty.ts';
import { SerialTransport } from '../serial/serial-transport.ts';
import { testDevice, testImage } from '../serial/testing.ts';
import { runCli } from './run-cli.ts';

const run = runCli;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('bootproof smp: usage errors', () => {
  it('exits 2 naming the port when it cannot be opened', async () => {
    const { code, stderr } = await run('smp', '--port', '/nonexistent/ttyX', 'echo', 'hi');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^bootproof: cannot open serial port \/nonexistent\/ttyX: /);
  });

  it('exits 2 when --port is missing, and has --help on every sub-command', async () => {
    const missing = await run('smp', 'echo', 'hi');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--port <path>' not specified");
    const help = await run('smp', 'image', 'upload', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: bootproof smp image upload \[options\] <file>[\s\S]*--upgrade/);
  });

  it('refuses a hash that is not hex before touching the port', async () => {
    const { code, stderr } = await run('smp', '--port', '/nonexistent/ttyX', 'image', 'test', 'zz');
    expect(code).toBe(2);
    expect(stderr).toContain('hash "zz": expected the image hash in hex');
  });
});

const missing = await socatMissing();

describe.skipIf(missing !== undefined)(`bootproof smp over a pty${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let pair: PtyPair;
  let deviceEnd: SerialTransport;
  let dir: string;
  beforeAll(async () => {
    pair = await openPtyPair();
    deviceEnd = await SerialTransport.open({ path: pair.devicePath });
    const device = testDevice((bytes) => void deviceEnd.write(bytes));
    deviceEnd.onData((bytes) => device.server.receive(bytes));
    dir = mkdtempSync(join(tmpdir(), 'bootproof-smp-cli-'));
  });
  afterAll(async () => {
    await deviceEnd?.close();
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads, lists, tests and echoes, in text and JSON', async () => {
    const image = testImage(5000, '1.4.0');
    const file = join(dir, 'app.signed.bin');
    writeFileSync(file, image);
    const hash = Buffer.from(imageIdentity(image)!.hash!).toString('hex');

    const upload = await run('smp', '--port', pair.hostPath, '--json', 'image', 'upload', file);
    expect(upload.code).toBe(0);
    expect(JSON.parse(upload.stdout)).toMatchObject({ bytes: image.length, hash, listed: true, restarts: 0 });

    const list = await run('smp', '--port', pair.hostPath, 'image', 'list');
    expect(list.stdout).toBe(`image 0 slot 1  version 1.4.0  -\n    hash ${hash}\n`);

    const test = await run('smp', '--port', pair.hostPath, '--json', 'image', 'test', hash);
    expect(JSON.parse(test.stdout).images[0]).toMatchObject({ hash, pending: true });

    const echo = await run('smp', '--port', pair.hostPath, 'echo', 'ping');
    expect(echo).toMatchObject({ code: 0, stdout: 'ping\n' });
  });

  it('exits 1 with the device error when the device refuses', async () => {
    const { code, stderr } = await run('smp', '--port', pair.hostPath, 'image', 'erase', '--slot', '0');
    expect(code).toBe(1);
    expect(stderr).toBe('bootproof: image erase: the device answered EBADSTATE (rc 6)\n');
  });
});
