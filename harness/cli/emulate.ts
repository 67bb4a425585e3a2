/**
 * `bootproof emulate --board B <firmware>...`: programs firmware files (ELF, Intel HEX, raw binary) into the
 * board's emulated flash, runs them on the Cortex-M core and streams the UART (and semihosting output) to
 * stdout. With --expect-text it works as a CI check, like wokwi-cli: exit 0 when the text appears, 1 when the
 * run ends without it (budget exhausted, fault, lockup, exit). Without it, firmware that ends through semihosting
 * (SYS_EXIT / SYS_EXIT_EXTENDED) gives its own exit status, as QEMU does, so a test firmware's verdict is the
 * process's.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { loadBoard } from '../../boards/index.ts';
import type { Board } from '../../boards/types.ts';
import { BootproofError } from '../../emulator/common/errors.ts';
import { type FirmwareImage, type Machine, type MachineRunResult, machineWithFirmware, readFirmware } from '../../emulator/soc/index.ts';
import { readHandoff, slotRanges } from '../cpu-device/handoff.ts';

const DEFAULT_MAX_INSTRUCTIONS = 100_000_000;

interface EmulateOptions {
  board: string;
  expectText?: string;
  maxInstructions: number;
  trace?: boolean;
  strictRegisters?: boolean;
}

/** The emulated run ended without what was asked of it. */
export class EmulationFailed extends BootproofError {
  constructor(message: string) {
    super(message, { exitCode: 1 });
  }
}

/** Exit statuses are 8 bits to the shell: a firmware status is passed on modulo 256, as QEMU's exit() does. */
const processStatus = (status: number): number => status & 0xff;

export function registerEmulateCommand(program: Command): void {
  program
    .command('emulate')
    .description(
      "Run firmware on an emulated board: flash it, boot it, and stream its UART and semihosting console to stdout (semihosting's stderr to stderr). Without a bootloader at the start of flash, the core boots from the first file's vector table. Exit status: 0 when the run ends well (budget spent, asleep, or the --expect-text seen), 1 on a fault, lockup or missing text, 2 on bad input; firmware that exits through semihosting (SYS_EXIT, SYS_EXIT_EXTENDED) gives its own status.",
    )
    .argument('<firmware...>', 'ELF, Intel HEX (.hex) or raw binary files; a raw binary may name its address: app.bin@0xc000')
    .requiredOption('--board <board>', 'a built-in board name (see `bootproof boards`) or a board file')
    .option('--expect-text <text>', 'exit 0 as soon as this text appears on the console, 1 if the run ends without it')
    .option('--max-instructions <n>', 'instruction budget', positiveInteger, DEFAULT_MAX_INSTRUCTIONS)
    .option('--trace', 'log every flash program and erase, and every reset, to stderr')
    .option('--strict-registers', 'make accesses to registers the model does not know bus faults instead of reading 0')
    .action((files: string[], options: EmulateOptions) => {
      emulate(files, options);
    });
}

function emulate(files: readonly string[], options: EmulateOptions): void {
  process.exitCode = 0;
  const board = loadBoard(options.board);
  const images = files.map((file) => readFirmware(file, board));
  const expected = options.expectText;
  let recent = '';
  let found = false;
  const console = (text: string): void => {
    process.stdout.write(text);
    if (expected === undefined || found) return;
    recent = (recent + text).slice(-(expected.length + text.length));
    if (recent.includes(expected)) {
      found = true;
      machine.stop();
    }
  };
  const trace = options.trace === true;
  const machine = machineWithFirmware(board, images, {
    onUartOutput: (bytes) => console(Buffer.from(bytes).toString('latin1')),
    onSemihostOutput: (text, stream) => (stream === 'stderr' ? process.stderr.write(text) : console(text)),
    onWarning: (message) => process.stderr.write(`bootproof: warning: ${message}\n`),
    onFlashOperation: trace ? (kind, offset, length) => traceLine(`flash ${kind} 0x${offset.toString(16)} +${length}`) : undefined,
    onReset: trace ? (cause) => traceLine(`reset (${cause}) at ${(machine.nowUs / 1000).toFixed(3)} ms`) : undefined,
    strictRegisters: options.strictRegisters,
  });
  const result = runReportingHandoff(machine, board, images, options.maxInstructions);
  if (expected !== undefined) {
    if (!found) throw new EmulationFailed(`'${expected}' did not appear on ${board.name}'s console: ${describe(result)}`);
    return;
  }
  if (result.reason === 'exit') {
    const status = processStatus(result.exitCode ?? 1);
    if (status !== 0) process.stderr.write(`bootproof: ${board.name}: the firmware exited with status ${result.exitCode}\n`);
    process.exitCode = status;
    return;
  }
  if (!endedWell(result)) throw new EmulationFailed(`${board.name}: ${describe(result)}`);
}

/**
 * With a bootloader in the boot partition and an image in a slot, the first instruction fetched from an image slot
 * is the hand-off:
 * reported (which slot, which image) on stderr, then the image runs on. A jump into garbage, or a bootloader that
 * ends the run without handing off, fails the run (exit 1).
 */
function runReportingHandoff(machine: Machine, board: Board, images: readonly FirmwareImage[], budget: number): MachineRunResult {
  const boot = board.partitions.bootloader;
  const start = board.memory.flash.base + boot.offset;
  const ranges = slotRanges(board, board.partitions.images.length);
  const loaded = (from: number, size: number) =>
    images.some((image) => image.segments.some((segment) => segment.address >= from && segment.address < from + size));
  // A bootloader and an image for it to start: anything else (an app alone, a self-test) just runs.
  const withImages = loaded(start, boot.size) && ranges.some((r) => loaded(r.address, r.size));
  if (!withImages || machine.cpu.scs.vtor !== start) return machine.run(budget);
  machine.cpu.watchExecution(ranges.map((r) => ({ start: r.address, end: r.address + r.size })));
  const first = machine.run(budget);
  if (first.reason === 'stopped') return first;
  if (first.reason !== 'watch') {
    const why = first.reason === 'budget' ? `no hand-off within ${budget} instructions` : `no hand-off: ${first.reason}: ${first.message}`;
    throw new EmulationFailed(`${board.name}: the bootloader ended without handing off to an image slot: ${why}`);
  }
  const range = ranges.find((r) => first.pc >= r.address && first.pc < r.address + r.size)!;
  const reading = readHandoff(range, first.pc, (offset, length) => machine.flash.peek(offset, length));
  if (reading.kind === 'garbage') throw new EmulationFailed(`${board.name}: ${reading.reason}`);
  process.stderr.write(`bootproof: ${reading.note}\n`);
  machine.cpu.watchExecution([]);
  const rest = machine.run(Math.max(1, budget - first.instructions));
  return { ...rest, instructions: first.instructions + rest.instructions };
}

/** Without an expected text, running out of budget is the normal end of a device that keeps running. */
function endedWell(result: MachineRunResult): boolean {
  return result.reason === 'budget' || result.reason === 'sleep';
}

function describe(result: MachineRunResult): string {
  return result.reason === 'budget' ? result.message : `${result.reason}: ${result.message}`;
}

function traceLine(text: string): void {
  process.stderr.write(`bootproof: ${text}\n`);
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return value;
}
