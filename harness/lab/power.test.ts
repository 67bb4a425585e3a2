import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair, socatMissing } from '../serial/index.ts';
import { makePowerControl } from './power.ts';
import { uhubctlArgs } from './power-uhubctl.ts';

const dir = mkdtempSync(join(tmpdir(), 'bootproof-power-'));
const log = join(dir, 'log');

/** A fake executable that appends its arguments to the log and exits with `code`. */
function fakeCommand(name: string, code = 0): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho "$@" >> '${log}'\necho "relay says no" >&2\nexit ${code}\n`);
  chmodSync(path, 0o755);
  return path;
}

const deps = { port: '/dev/null', offMs: 0, boardLabel: 'board dk1' };

describe('command power driver', () => {
  it('runs the on, off and cycle commands through the shell', async () => {
    writeFileSync(log, '');
    const relay = fakeCommand('relay');
    const power = makePowerControl({ driver: 'command', on: `${relay} on 3`, off: `${relay} off 3`, timeoutMs: 5000 }, deps);
    await power.on();
    await power.off();
    await power.cycle(); // no cycle command: off, then on
    expect(readFileSync(log, 'utf8')).toBe('on 3\noff 3\noff 3\non 3\n');
  });

  it('says which command failed, with its exit code and what it printed', async () => {
    const power = makePowerControl({ driver: 'command', on: `${fakeCommand('broken', 3)} on`, off: 'true', timeoutMs: 5000 }, deps);
    await expect(power.on()).rejects.toThrow(/power \(command\): 'on' command `.*broken on` failed \(exit 3\): relay says no/);
  });

  it('gives up on a command that hangs, within its timeout', async () => {
    const power = makePowerControl({ driver: 'command', on: 'sleep 10', off: 'true', timeoutMs: 200 }, deps);
    const started = performance.now();
    await expect(power.on()).rejects.toThrow(/'on' command `sleep 10` did not finish within 200 ms/);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe('uhubctl power driver', () => {
  it('switches the hub port with uhubctl -l <hub> -p <port> -a <action>', async () => {
    expect(uhubctlArgs({ location: '1-1.4', port: 2 }, 'cycle')).toEqual(['-l', '1-1.4', '-p', '2', '-a', 'cycle']);
    writeFileSync(log, '');
    const power = makePowerControl({ driver: 'uhubctl', location: '2-1', port: 4, command: fakeCommand('uhubctl'), timeoutMs: 5000 }, deps);
    await power.off();
    await power.cycle();
    expect(readFileSync(log, 'utf8')).toBe('-l 2-1 -p 4 -a off\n-l 2-1 -p 4 -a cycle\n');
  });

  it('reports a hub that refuses', async () => {
    const power = makePowerControl({ driver: 'uhubctl', location: '2-1', port: 4, command: fakeCommand('nohub', 1), timeoutMs: 5000 }, deps);
    await expect(power.on()).rejects.toThrow(/power \(uhubctl hub 2-1 port 4\): `.*nohub -l 2-1 -p 4 -a on` failed \(exit 1\)/);
  });
});

describe('manual power driver', () => {
  it('refuses at once when there is no terminal to ask a person on', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: false });
    const power = makePowerControl({ driver: 'manual' }, { ...deps, prompter: { input, output: new PassThrough() } });
    await expect(power.off()).rejects.toThrow(/cannot ask a person to switch board dk1 OFF: standard input is not a terminal/);
  });

  it('asks on the terminal and waits for Enter', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new PassThrough();
    const power = makePowerControl({ driver: 'manual' }, { ...deps, prompter: { input, output } });
    let done = false;
    const switched = power.on().then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    expect(String(output.read())).toContain('switch board dk1 ON, then press Enter');
    input.write('\n');
    await switched;
    expect(done).toBe(true);
  });
});

describe('dtr-rts power driver', () => {
  it('holds the board in reset with the asserted line and releases it to power on', async () => {
    const calls: { dtr?: boolean; rts?: boolean }[] = [];
    const lines = { set: async (l: { dtr?: boolean; rts?: boolean }) => void calls.push(l), close: async () => undefined };
    const power = makePowerControl({ driver: 'dtr-rts', line: 'rts', assertedIsReset: true }, { ...deps, openLines: async () => lines });
    await power.off();
    await power.on();
    const inverted = makePowerControl({ driver: 'dtr-rts', line: 'dtr', assertedIsReset: false }, { ...deps, openLines: async () => lines });
    await inverted.off();
    expect(calls).toEqual([{ rts: true }, { rts: false }, { dtr: false }]);
  });

  describe('on a real pseudo-terminal', async () => {
    const missing = await socatMissing();
    let pty: PtyPair;
    beforeAll(async () => {
      if (!missing) pty = await openPtyPair();
    });
    afterAll(async () => {
      await pty?.close();
    });

    it.skipIf(missing !== undefined)(`sets the line through serialport, or says why the port has none${missing ? ` (skipped: ${missing})` : ''}`, async () => {
      const power = makePowerControl({ driver: 'dtr-rts', line: 'dtr', assertedIsReset: true }, { ...deps, port: pty.hostPath });
      // A pty has no modem lines on Linux: the driver must say so, naming the line and the port, not hang or crash.
      const outcome = await power.off().then(
        () => 'set',
        (error: Error) => error.message,
      );
      await power.close();
      const refusal = new RegExp(`^power \\(DTR of ${pty.hostPath}\\): cannot assert DTR: .*Inappropriate ioctl`);
      if (process.platform === 'linux') expect(outcome).toMatch(refusal);
      else expect(outcome === 'set' || refusal.test(outcome)).toBe(true);
    });
  });
});
