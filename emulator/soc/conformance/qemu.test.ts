/**
 * Conformance with QEMU: the self-test firmware prints the same lines under bootproof as under QEMU's MPS2
 * machines (Cortex-M3, M4, M33). Compared with the committed recording always, and with a live QEMU run when
 * qemu-system-arm is installed. The benchmark binaries are checked against node:crypto as well.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type Board, type CpuCore, loadBoard } from '../../../boards/index.ts';
import { machineWithFirmware } from '../boot.ts';
import { readFirmware } from '../firmware/load.ts';
import { firmwareFile } from '../test/firmware-files.ts';

const an385 = loadBoard('mps2_an385');

/** The MPS2 images QEMU models, and the bootproof board of each. */
const TARGETS: readonly { machine: string; board: Board }[] = [
  { machine: 'mps2-an385', board: an385 },
  { machine: 'mps2-an386', board: loadBoard('mps2_an386') },
  { machine: 'mps2-an505', board: loadBoard('mps2_an505') },
];

function runOnBootproof(board: Board, file: string): { output: string; errors: string; exitCode: number | undefined } {
  let output = '';
  let errors = '';
  const machine = machineWithFirmware(board, [readFirmware(firmwareFile(file), board)], {
    onSemihostOutput: (text, stream) => {
      if (stream === 'stderr') errors += text;
      else output += text;
    },
  });
  const result = machine.run(100_000_000);
  expect(result.reason, result.message).toBe('exit');
  return { output, errors, exitCode: result.exitCode };
}

const recordingOf = (name: string): string => readFileSync(fileURLToPath(new URL(`${name}.qemu.txt`, import.meta.url)), 'latin1');
const recording = (machine: string): string => recordingOf(`selftest-${machine}`);

const qemuInstalled = spawnSync('qemu-system-arm', ['--version']).status === 0;
const live = mkdtempSync(join(tmpdir(), 'bootproof-qemu-'));
let liveRecorded = false;

afterAll(() => {
  rmSync(live, { recursive: true, force: true });
});

describe.each(TARGETS)('self-test on $machine', ({ machine, board }) => {
  it('prints under bootproof exactly what QEMU printed (committed recording)', () => {
    const { output, exitCode } = runOnBootproof(board, `selftest-${machine}.elf`);
    expect(exitCode).toBe(0);
    expect(output).toContain('selftest: done\n');
    expect(output).toBe(recording(machine));
  });

  it.skipIf(!qemuInstalled)(
    `matches a live QEMU run${qemuInstalled ? '' : ' (skipped: qemu-system-arm is not installed; enable: sudo scripts/setup-debian.sh)'}`,
    () => {
      recordLive();
      const fromQemu = readFileSync(join(live, `selftest-${machine}.qemu.txt`), 'latin1');
      expect(fromQemu).toBe(recording(machine));
      expect(runOnBootproof(board, `selftest-${machine}.elf`).output).toBe(fromQemu);
    },
  );
});

/** Runs record-qemu.sh once into the live folder (every live test reads from there). */
function recordLive(): void {
  if (liveRecorded) return;
  const script = fileURLToPath(new URL('record-qemu.sh', import.meta.url));
  const run = spawnSync('bash', [script, live], { encoding: 'utf8', timeout: 180_000 });
  expect(run.status, run.stderr).toBe(0);
  liveRecorded = true;
}

/**
 * newlib firmware (printf over --specs=rdimon, SHA-256, P-256 bignum, backward and forward b<cond>.w, CMSIS-style
 * NVIC priorities) at -O2 and -Os on each core. QEMU has no Cortex-M0+ MPS2 machine: the M0+ build runs on
 * mps2-an385, whose M3 executes ARMv6-M code as an M0+ does, and on bootproof's mps2_an385 with an M0+ core.
 */
const CPU_CHECKS: readonly { core: string; board: Board }[] = [
  { core: 'm0plus', board: { ...an385, cpu: 'cortex-m0plus' } },
  { core: 'm3', board: an385 },
  { core: 'm4', board: loadBoard('mps2_an386') },
  { core: 'm33', board: loadBoard('mps2_an505') },
];

describe.each(CPU_CHECKS.flatMap((check) => ['O2', 'Os'].map((opt) => ({ ...check, opt }))))('cpu-check-$core-$opt', ({ core, opt, board }) => {
  const name = `cpu-check-${core}-${opt}`;

  it('prints line for line what QEMU printed, passes every check, and exits with its status 3', () => {
    const { output, errors, exitCode } = runOnBootproof(board, `${name}.elf`);
    expect(output.split('\n')).toEqual(recordingOf(name).split('\n'));
    expect(output).toContain('failures: 0\n');
    expect(output).not.toContain('FAILED');
    expect(errors).toBe('stderr: separate stream\n');
    expect(exitCode).toBe(3);
  });

  it.skipIf(!qemuInstalled)(
    `matches a live QEMU run${qemuInstalled ? '' : ' (skipped: qemu-system-arm is not installed; scripts/setup-debian.sh installs it)'}`,
    () => {
      recordLive();
      const fromQemu = readFileSync(join(live, `${name}.qemu.txt`), 'latin1');
      expect(fromQemu).toBe(recordingOf(name));
      expect(runOnBootproof(board, `${name}.elf`).output.split('\n')).toEqual(fromQemu.split('\n'));
    },
  );
});

describe('benchmark firmware', () => {
  const input = Buffer.alloc(64 * 1024);
  for (let i = 0; i < input.length; i++) input[i] = (i * 7 + (i >> 8)) & 0xff;
  const digest = createHash('sha256').update(input).digest('hex');

  it.each<[string, CpuCore]>([
    ['bench-m4.elf', 'cortex-m4'],
    ['bench-m0plus.elf', 'cortex-m0plus'],
  ])('%s computes the SHA-256 node:crypto computes, and the same modmul on every core', (file, cpu) => {
    const { output } = runOnBootproof({ ...an385, cpu }, file);
    expect(output).toBe(`sha256=${digest}\nmodmul=34d6d45390b7eee9528de7c76698ef5d301fe1587c28fa12cf598e36f4814ac5\n`);
  });
});
