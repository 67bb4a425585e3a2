/**
 * CPU speed, side by side in one run.
 *
 * Whole process, on cpu-bench-m3 (newlib --specs=rdimon firmware: SHA-256 and P-256 bignum at -O2 for the
 * Cortex-M3, console over semihosting, 257 M instructions; images/firmware/rdimon): `bootproof emulate`
 * (the compiled CLI in dist/, as installed) on mps2_an385, unicorn (python3-unicorn, no hooks on the hot path)
 * and QEMU (mps2-an385, -icount off), each a fresh process from start to exit, the median of several runs,
 * instructions per second of CPU time (user + system, so the figure depends less on what else the machine runs)
 * and of wall time. The instruction count is bootproof's. bootproof's start-up alone: `--version`, and
 * `emulate` stopped after one instruction (its modules, the board, the firmware loaded). Then the same firmware
 * in this process, first and warm run, to split translation and JIT warm-up from the translated blocks' own time.
 *
 * In process, on the older benchmark firmware (SHA-256 over 64 KiB, then 4000 256-bit modular multiplications;
 * images/firmware/bench) —
 * - bench-m4 on an nrf52840dk machine (flash behind its NVMC, code-write hooks live) and on the bare core;
 * - bench-m0plus on bootproof's core and on rp2040js's Cortex-M0+ core, each with a minimal bus: the ratio;
 * - bench-m4 on unicorn (python3-unicorn), where installed.
 * Every run must print the known digest, so a fast wrong core cannot score.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RP2040 } from 'rp2040js';
import { loadBoard } from '../boards/index.ts';
import { findUnicornPython } from '../emulator/cpu/conformance/unicorn.ts';
import { BusError, type CoreModel, CortexM, type CpuBus } from '../emulator/cpu/index.ts';
import { machineWithFirmware, readFirmware } from '../emulator/soc/index.ts';

export const title = 'Cortex-M core: MIPS on the SHA-256 + modmul firmware (bootproof, rp2040js, unicorn)';

const BUILD = new URL('../images/firmware/build/', import.meta.url);
const RAM_BASE = 0x20000000;
const RAM_SIZE = 128 << 10;
const FLASH_SIZE = 1 << 20;
const RUNS = 5;
const BUDGET = 500_000_000;

/** The digest line the firmware must print (SHA-256 of its input pattern, computed here with node:crypto). */
function expectedDigest(): string {
  const input = Buffer.alloc(64 * 1024);
  for (let i = 0; i < input.length; i++) input[i] = (i * 7 + (i >> 8)) & 0xff;
  return `sha256=${createHash('sha256').update(input).digest('hex')}`;
}

const P25519 = 2n ** 255n - 19n;

/** x = 9, then 4000 times x = x * y mod 2^255 - 19, with y as bench.c builds it. */
function expectedProduct(): bigint {
  let y = 0n;
  for (let i = 7; i >= 0; i--) y = (y << 32n) | BigInt((Math.imul(0x01234567, i + 1) >>> 0) & (i === 7 ? 0x7fffffff : 0xffffffff));
  let x = 9n;
  for (let round = 0; round < 4000; round++) x = (x * y) % P25519;
  return x;
}

interface Measured {
  instructions: number;
  seconds: number;
}

const mips = (m: Measured): number => m.instructions / m.seconds / 1e6;
const fmt = (m: Measured): string => `${mips(m).toFixed(1)} MIPS (${m.instructions} instructions in ${m.seconds.toFixed(3)} s)`;

/** Best of RUNS on one already-warm engine (the first run pays translation and JIT warm-up). */
function best(run: () => Measured): Measured & { first: Measured } {
  const all = Array.from({ length: RUNS }, run);
  const fastest = all.reduce((a, b) => (mips(b) > mips(a) ? b : a));
  return { ...fastest, first: all[0] };
}

function plainMemory(name: string): { flash: Uint8Array; ram: Uint8Array } {
  const flash = new Uint8Array(FLASH_SIZE);
  flash.set(readFileSync(new URL(`${name}.bin`, BUILD)));
  return { flash, ram: new Uint8Array(RAM_SIZE) };
}

const PRODUCT = expectedProduct();

/** The firmware's product need not be fully reduced, so it is compared modulo p. */
function checkOutput(engine: string, output: string, digest: string): void {
  const product = /modmul=([0-9a-f]{64})/.exec(output)?.[1];
  const productOk = product !== undefined && BigInt(`0x${product}`) % P25519 === PRODUCT;
  if (!output.includes(digest) || !productOk) throw new Error(`${engine} printed ${JSON.stringify(output)}, not ${digest} and the product`);
}

/** bootproof's core on a bus of two plain regions: the core alone. */
function bootproofBare(name: string, core: CoreModel, digest: string): () => Measured {
  const { flash, ram } = plainMemory(name);
  const unmapped = (address: number): never => {
    throw new BusError(address, 'unmapped in the benchmark');
  };
  const bus: CpuBus = {
    memoryRegions: () => [
      { base: 0, bytes: flash, writable: false },
      { base: RAM_BASE, bytes: ram, writable: true },
    ],
    read8: unmapped,
    read16: unmapped,
    read32: unmapped,
    write8: unmapped,
    write16: unmapped,
    write32: unmapped,
  };
  let output = '';
  const cpu = new CortexM(bus, { core, onSemihostOutput: (text) => (output += text) });
  return () => {
    output = '';
    ram.fill(0);
    cpu.reset();
    const start = performance.now();
    const result = cpu.run(BUDGET);
    const seconds = (performance.now() - start) / 1000;
    if (result.reason !== 'exit') throw new Error(`bootproof (${name}): ${result.message}`);
    checkOutput(`bootproof (${name})`, output, digest);
    return { instructions: result.instructions, seconds };
  };
}

/** The whole nrf52840dk machine: the firmware programmed into the flash model, run behind the NVMC. */
function bootproofMachine(digest: string): () => Measured {
  const board = loadBoard('nrf52840dk');
  const image = readFirmware(fileURLToPath(new URL('bench-m4.bin', BUILD)), board);
  let output = '';
  const machine = machineWithFirmware(board, [image], { onSemihostOutput: (text) => (output += text) });
  return () => {
    output = '';
    // Every run starts from power-on, as a power-cut sweep does; the core keeps the code it translated from
    // flash when the flash still holds the same bytes.
    machine.powerCycle();
    const start = performance.now();
    const result = machine.run(BUDGET);
    const seconds = (performance.now() - start) / 1000;
    if (result.reason !== 'exit') throw new Error(`bootproof machine: ${result.message}`);
    checkOutput('bootproof machine', output, digest);
    return { instructions: result.instructions, seconds };
  };
}

/** rp2040js's Cortex-M0+ core driven through the small surface of `RP2040` it uses, with semihosting on BKPT. */
function rp2040js(digest: string): () => Measured {
  const { flash, ram } = plainMemory('bench-m0plus');
  const flashView = new DataView(flash.buffer);
  const ramView = new DataView(ram.buffer);
  let output = '';
  let exited = false;
  // Allocation-free accessors, so rp2040js is measured on as lean a bus as bootproof's plain regions.
  const chip = {
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    readUint32: (a: number) => (a >>> 0 >= RAM_BASE ? ramView.getUint32((a >>> 0) - RAM_BASE, true) : flashView.getUint32(a >>> 0, true)),
    readUint16: (a: number) => (a >>> 0 >= RAM_BASE ? ramView.getUint16((a >>> 0) - RAM_BASE, true) : flashView.getUint16(a >>> 0, true)),
    readUint8: (a: number) => (a >>> 0 >= RAM_BASE ? ramView.getUint8((a >>> 0) - RAM_BASE) : flashView.getUint8(a >>> 0)),
    writeUint32: (a: number, value: number) => ramView.setUint32((a >>> 0) - RAM_BASE, value, true),
    writeUint16: (a: number, value: number) => ramView.setUint16((a >>> 0) - RAM_BASE, value, true),
    writeUint8: (a: number, value: number) => ramView.setUint8((a >>> 0) - RAM_BASE, value),
    onBreak: (code: number) => {
      if (code !== 0xab) throw new Error(`rp2040js: BKPT ${code}`);
      const operation = core.registers[0];
      const parameter = core.registers[1];
      if (operation === 0x18 || operation === 0x20) exited = true;
      if (operation === 0x04) {
        for (let a = parameter; chip.readUint8(a) !== 0; a++) output += String.fromCharCode(chip.readUint8(a));
      }
      core.breakRewind = 0;
      core.registers[0] = 0;
    },
  };
  // The package exports the core only through RP2040; this takes its class and gives it the small surface above,
  // since a full RP2040 would add its peripherals to the measurement.
  type Core = RP2040['core'];
  const CoreClass = new RP2040().core.constructor as new (chip: unknown) => Core;
  const core = new CoreClass(chip);
  return () => {
    output = '';
    exited = false;
    ram.fill(0);
    core.reset();
    core.SP = flashView.getUint32(0, true);
    core.PC = flashView.getUint32(4, true) & ~1;
    let instructions = 0;
    const start = performance.now();
    while (!exited && instructions < BUDGET) {
      core.executeInstruction();
      instructions++;
    }
    const seconds = (performance.now() - start) / 1000;
    checkOutput('rp2040js', output, digest);
    return { instructions, seconds };
  };
}

function unicorn(python: string, instructions: number): Measured | undefined {
  const script = fileURLToPath(new URL('../emulator/cpu/conformance/unicorn_bench.py', import.meta.url));
  const binary = fileURLToPath(new URL('bench-m4.bin', BUILD));
  const { seconds, exited } = JSON.parse(execFileSync(python, [script, binary]).toString()) as { seconds: number; exited: boolean };
  return exited ? { instructions, seconds } : undefined;
}

const REPO = fileURLToPath(new URL('../', import.meta.url));
const CPU_BENCH = fileURLToPath(new URL('cpu-bench-m3.elf', BUILD));
/** The compiled CLI, as installed: no TypeScript loader at start-up (`node scripts/build.mjs` builds it). */
const CLI = 'dist/harness/cli/bin.js';
const WHOLE_RUNS = 5;

/** CPU seconds (user + system) of this process's reaped children, from /proc (Linux), or undefined. */
function childCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'latin1').replace(/^.*\) /, '').split(' ');
    // After the command name: state is field 3, cutime and cstime are fields 16 and 17 (in clock ticks of 1/100 s).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

interface WholeProcess {
  /** Medians over the runs (the machine is shared: single runs are noisy). */
  cpu: number;
  wall: number;
  /** Every run's CPU seconds, in order. */
  runs: number[];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Runs a command to its end WHOLE_RUNS times: the median CPU and wall times. Checks its status and output. */
function wholeProcess(name: string, command: string, args: string[], check: (status: number | null, stdout: string) => boolean): WholeProcess {
  const cpus: number[] = [];
  const walls: number[] = [];
  for (let i = 0; i < WHOLE_RUNS; i++) {
    const cpuBefore = childCpuSeconds() ?? 0;
    const start = performance.now();
    const run = spawnSync(command, args, { cwd: REPO, encoding: 'latin1', maxBuffer: 1 << 26 });
    walls.push((performance.now() - start) / 1000);
    cpus.push((childCpuSeconds() ?? Number.NaN) - cpuBefore);
    if (!check(run.status, run.stdout)) throw new Error(`${name}: exit ${run.status}, output ${JSON.stringify(run.stdout.slice(-300))} ${run.stderr.slice(-300)}`);
  }
  return { cpu: median(cpus), wall: median(walls), runs: cpus };
}

/**
 * Where a whole-process run's time goes, in this process: the first run on a fresh machine (translation and V8's
 * compilation of the translated blocks included; nothing was translated in this process before) against later
 * runs on the same machine (blocks translated and optimised already), with the number of blocks translated.
 * Returns the instructions cpu-bench-m3 retires to its exit on mps2_an385 (bootproof's count; deterministic).
 */
function inProcessSplit(): number {
  const board = loadBoard('mps2_an385');
  const machine = machineWithFirmware(board, [readFirmware(CPU_BENCH, board)]);
  const seconds: number[] = [];
  let instructions = 0;
  for (let i = 0; i < 3; i++) {
    if (i > 0) machine.powerCycle();
    const start = process.cpuUsage();
    const result = machine.run(2_000_000_000);
    const used = process.cpuUsage(start);
    if (result.reason !== 'exit' || (i > 0 && result.instructions !== instructions)) throw new Error(`cpu-bench-m3 in process: ${result.message}`);
    instructions = result.instructions;
    seconds.push((used.user + used.system) / 1e6);
  }
  const warm = median(seconds.slice(1));
  const rate = (s: number): string => `${(instructions / s / 1e6).toFixed(1)} M instr/s (${s.toFixed(2)} s CPU)`;
  console.log(`in process, first run (translating):       ${rate(seconds[0])}, ${machine.cpu.translations} blocks translated`);
  console.log(`in process, warm run (blocks kept):        ${rate(warm)}; translation and JIT warm-up ${(seconds[0] - warm).toFixed(2)} s`);
  return instructions;
}

function wholeProcessComparison(): void {
  // The CLI as users run it: compiled (the build is skipped when dist/ is up to date).
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, stdio: 'ignore' });
  const instructions = inProcessSplit();
  const per = (m: WholeProcess): string =>
    `${(instructions / m.cpu / 1e6).toFixed(1)} M instr/s of CPU time (${m.cpu.toFixed(2)} s), ${(instructions / m.wall / 1e6).toFixed(1)} M instr/s of wall time (${m.wall.toFixed(2)} s); runs ${m.runs.map((s) => s.toFixed(2)).join(' ')} s CPU`;
  const passed = (stdout: string): boolean => stdout.includes('failures: 0\n');
  console.log(`cpu-bench-m3: ${instructions} instructions (SHA-256 + P-256 bignum, -O2, cortex-m3, newlib over semihosting)`);
  console.log(`whole process: median of ${WHOLE_RUNS} runs each, CPU time = user + system`);
  const startup = wholeProcess('bootproof --version', process.execPath, [CLI, '--version'], (status) => status === 0);
  console.log(`bootproof start-up alone (--version):      ${startup.cpu.toFixed(2)} s CPU, ${startup.wall.toFixed(2)} s wall`);
  // Start-up of the command itself: its modules, the board file, the firmware programmed into the flash model.
  const empty = wholeProcess(
    'bootproof emulate, one instruction',
    process.execPath,
    [CLI, 'emulate', '--board', 'mps2_an385', CPU_BENCH, '--max-instructions', '1'],
    (status) => status === 0,
  );
  console.log(`bootproof emulate, one instruction:        ${empty.cpu.toFixed(2)} s CPU, ${empty.wall.toFixed(2)} s wall`);
  const ours = wholeProcess(
    'bootproof emulate',
    process.execPath,
    [CLI, 'emulate', '--board', 'mps2_an385', CPU_BENCH, '--max-instructions', '2000000000'],
    (status, stdout) => status === 3 && passed(stdout),
  );
  console.log(`bootproof emulate (whole process):         ${per(ours)}`);
  const python = findUnicornPython();
  let theirs: WholeProcess | undefined;
  if (python === undefined) {
    console.log('unicorn: skipped (no python3 with the unicorn module; apt-get install python3-unicorn)');
  } else {
    const script = fileURLToPath(new URL('../emulator/cpu/conformance/unicorn_run.py', import.meta.url));
    // newlib without the semihosting extensions (unicorn_run.py serves none) cannot pass the status on: the
    // output alone is checked.
    theirs = wholeProcess('unicorn', python, [script, CPU_BENCH, '0', '0x20000000'], (status, stdout) => status !== null && passed(stdout));
    console.log(`unicorn (whole process, no hooks):         ${per(theirs)}`);
  }
  const qemu = spawnSync('qemu-system-arm', ['--version']).status === 0;
  let q: WholeProcess | undefined;
  if (!qemu) {
    console.log('qemu: skipped (qemu-system-arm is not installed; scripts/setup-debian.sh installs it)');
  } else {
    const args = ['-M', 'mps2-an385', '-display', 'none', '-monitor', 'none', '-serial', 'null', '-chardev', 'stdio,id=semihosting'];
    args.push('-semihosting-config', 'enable=on,target=native,chardev=semihosting', '-kernel', CPU_BENCH);
    q = wholeProcess('qemu', 'qemu-system-arm', args, (status, stdout) => status === 3 && passed(stdout));
    console.log(`qemu-system-arm (whole process, TCG):      ${per(q)}`);
  }
  if (theirs !== undefined) console.log(`ratio bootproof / unicorn (CPU time):      ${(theirs.cpu / ours.cpu).toFixed(2)}x`);
  if (q !== undefined) console.log(`ratio bootproof / qemu (CPU time):         ${(q.cpu / ours.cpu).toFixed(2)}x`);
}

export function run(): void {
  if (!existsSync(CPU_BENCH)) {
    console.log('whole process: skipped (cpu-bench-m3.elf not in images/firmware/build; bash images/firmware/build.sh builds it)');
  } else {
    wholeProcessComparison();
  }
  const missing = ['bench-m4.bin', 'bench-m0plus.bin'].filter((name) => !existsSync(new URL(name, BUILD)));
  if (missing.length > 0) {
    console.log(`skipped: ${missing.join(', ')} not in images/firmware/build (bash images/firmware/build.sh builds them)`);
    return;
  }
  const digest = expectedDigest();
  const m4Machine = best(bootproofMachine(digest));
  const m4Bare = best(bootproofBare('bench-m4', 'cortex-m4', digest));
  const m0Ours = best(bootproofBare('bench-m0plus', 'cortex-m0plus', digest));
  const m0Theirs = best(rp2040js(digest));
  console.log(`bench-m4 on nrf52840dk (flash controller live): ${fmt(m4Machine)}; first run ${mips(m4Machine.first).toFixed(1)} MIPS`);
  console.log(`bench-m4 on the bare core:                      ${fmt(m4Bare)}; first run ${mips(m4Bare.first).toFixed(1)} MIPS`);
  console.log(`bench-m0plus on bootproof:                      ${fmt(m0Ours)}`);
  console.log(`bench-m0plus on rp2040js:                       ${fmt(m0Theirs)}`);
  console.log(`ratio bootproof / rp2040js on bench-m0plus:     ${(mips(m0Ours) / mips(m0Theirs)).toFixed(2)}x`);
  const python = findUnicornPython();
  if (python === undefined) {
    console.log('unicorn: skipped (no python3 with the unicorn module; apt-get install python3-unicorn)');
    return;
  }
  const uc = unicorn(python, m4Bare.instructions);
  if (uc === undefined) {
    console.log('unicorn: the firmware did not reach SYS_EXIT; no figure');
    return;
  }
  console.log(`bench-m4 on unicorn (no hooks on the hot path): ${fmt(uc)} (instruction count from bootproof's run)`);
  console.log(`ratio bootproof machine / unicorn on bench-m4:  ${(mips(m4Machine) / mips(uc)).toFixed(2)}x`);
}
