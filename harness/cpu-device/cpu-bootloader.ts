/**
 * A bootloader binary as a `Bootloader`: each `boot()` is a power-on of the board's SoC (RAM cleared, every
 * peripheral reset) running the binary from the boot partition until it hands off or halts. The harness needs no
 * help from the binary:
 * - the hand-off is the first instruction fetched from inside an image slot (the core stops before executing it);
 *   the image is then read from the slot as the oracle reads it;
 * - a halt is a sleep with no wake source, a branch to itself, a lockup, a console line matching the build's halt
 *   pattern, or the per-boot instruction budget running out ("no hand-off within N instructions").
 * The flash controller issues every program and erase through `ctx.flash`, so the harness counts, records and cuts
 * the binary's operations as it does a model's. Watchdog and lockup resets happen inside a boot, as on the part.
 */
import { basename } from 'node:path';
import type { Board } from '../../boards/types.ts';
import type { BootContext, Bootloader, BootOutcome, HardwareCounterStore } from '../../emulator/boot/index.ts';
import type { NorFlash } from '../../emulator/flash/index.ts';
import { Machine } from '../../emulator/soc/index.ts';
import type { BootloaderBinary } from './binary.ts';
import type { BuildConfig } from './build-config.ts';
import { counterLog } from './counter-log.ts';
import { readHandoff, type SlotRange, slotRanges } from './handoff.ts';

/** Instructions between checks for a branch to itself. */
const SLICE = 2_000_000;
/** Console lines kept per boot in the log. */
const MAX_LOG_LINES = 200;
/** `b .` (T1/T2) and `b.w .` (T4): a core spinning on itself will never hand off. */
const SELF_BRANCH_16 = 0xe7fe;
const SELF_BRANCH_32 = [0xf7ff, 0xbffe];

interface Session {
  readonly machine: Machine;
  line: string;
  lines: string[];
  haltLine: string | undefined;
}

export class CpuBootloader implements Bootloader {
  readonly name: string;
  /** A swap programs every write unit of both slots about twice, one operation each; three times the flash is ample. */
  readonly flashOpsPerBoot: number;
  /** The SoC gives the binary no clock the harness sets, so clock independence (I-7) holds by construction. */
  readonly readsClock = false;
  readonly hardwareCounters: HardwareCounterStore | undefined;
  /** Instructions retired by every boot so far (for benchmarks and reports). */
  instructions = 0;
  private readonly sessions = new WeakMap<NorFlash, Session>();
  private readonly ranges: SlotRange[];

  constructor(
    readonly board: Board,
    readonly binary: BootloaderBinary,
    readonly build: BuildConfig,
  ) {
    this.name = `${basename(binary.file)} (sha256 ${binary.sha256})`;
    this.ranges = slotRanges(board, build.imageCount);
    const size = board.flash.sectors.reduce((a, b) => a + b, 0);
    this.flashOpsPerBoot = Math.ceil((3 * size) / board.flash.writeUnit) + board.flash.sectors.length * 4;
    this.hardwareCounters = build.hardwareCounter === null ? undefined : counterLog(build.hardwareCounter, board, build.imageCount);
  }

  /** What the factory programs into the boot partition (the rest of the flash is the harness's). */
  factoryContents(): { readonly offset: number; readonly bytes: Uint8Array }[] {
    return [{ offset: this.board.partitions.bootloader.offset, bytes: this.binary.bootPartition }];
  }

  boot(ctx: BootContext): BootOutcome {
    if (ctx.storage === undefined) throw new Error('a bootloader binary needs the flash model itself (BootContext.storage)');
    const session = this.session(ctx.storage);
    const { machine } = session;
    session.line = '';
    session.lines = [];
    session.haltLine = undefined;
    machine.routeFlashOperations(ctx.flash);
    try {
      machine.powerCycle();
      return this.run(session, ctx.storage);
    } finally {
      machine.routeFlashOperations(undefined);
    }
  }

  private run(session: Session, flash: NorFlash): BootOutcome {
    const { machine } = session;
    const budget = this.build.instructionBudget;
    let executed = 0;
    const halt = (reason: string): BootOutcome => ({ kind: 'halt', reason, log: this.log(session) });
    for (;;) {
      const result = machine.run(Math.min(SLICE, budget - executed));
      executed += result.instructions;
      this.instructions += result.instructions;
      if (result.reason === 'power-cut' || result.reason === 'flash-error') throw result.error;
      // The halt line may come just before the core stops by itself (a sleep after the message): the line says more.
      if (session.haltLine !== undefined) return halt(`console: ${session.haltLine}`);
      switch (result.reason) {
        case 'watch':
          return this.handoff(session, flash, result.pc);
        case 'stopped':
          return halt(result.message);
        case 'sleep':
          return halt(`asleep with no wake source at PC=${hex(result.pc)}`);
        case 'lockup':
          return halt(result.message);
        case 'exit':
        case 'breakpoint':
          return halt(result.message);
        case 'budget':
          if (this.spinning(machine)) return halt(`a branch to itself at PC=${hex(machine.cpu.pc)}: no hand-off will come`);
          if (executed >= budget) return halt(`no hand-off within ${budget} instructions (PC=${hex(machine.cpu.pc)})`);
      }
    }
  }

  private handoff(session: Session, flash: NorFlash, pc: number): BootOutcome {
    const range = this.ranges.find((r) => pc >= r.address && pc < r.address + r.size)!;
    const reading = readHandoff(range, pc, (offset, length) => flash.peek(offset, length));
    if (reading.kind === 'garbage') return { kind: 'halt', reason: reading.reason, log: this.log(session) };
    const others = this.ranges
      .filter((r) => r.image !== range.image && r.slot === 'primary')
      .map((r) => readHandoff(r, pcOfResetHandler(r, flash), (offset, length) => flash.peek(offset, length)))
      .flatMap((other) => (other.kind === 'image' ? [other.booted] : []));
    const images = [reading.booted, ...others].sort((a, b) => a.image - b.image);
    const { booted } = reading;
    return {
      kind: 'handoff',
      image: booted.image,
      slot: booted.slot,
      address: booted.address,
      offset: booted.offset,
      version: booted.version,
      digest: booted.digest,
      images,
      log: this.log(session, reading.note),
    };
  }

  /** The boot's console lines, then what the device saw at the end (a hand-off's image). */
  private log(session: Session, last?: string): string[] {
    const lines = session.line === '' ? session.lines : [...session.lines, session.line];
    return [...lines.map((line) => `console: ${line}`), ...(last === undefined ? [] : [last])];
  }

  /** The core sits on a branch to its own address. */
  private spinning(machine: Machine): boolean {
    const pc = machine.cpu.pc;
    const word = machine.cpu.readWordQuietly(pc & ~3);
    if (word === undefined) return false;
    const first = (pc & 2) === 0 ? word & 0xffff : word >>> 16;
    if (first === SELF_BRANCH_16) return true;
    if ((pc & 2) !== 0) return false;
    return first === SELF_BRANCH_32[0] && word >>> 16 === SELF_BRANCH_32[1];
  }

  private session(flash: NorFlash): Session {
    let session = this.sessions.get(flash);
    if (session !== undefined) return session;
    const machine = new Machine(this.board, {
      flash,
      onUartOutput: (bytes) => this.console(session!, Buffer.from(bytes).toString('latin1')),
    });
    machine.cpu.watchExecution(this.ranges.map((r) => ({ start: r.address, end: r.address + r.size })));
    session = { machine, line: '', lines: [], haltLine: undefined };
    this.sessions.set(flash, session);
    return session;
  }

  private console(session: Session, text: string): void {
    const parts = (session.line + text).split(/\r?\n/);
    session.line = parts.pop()!;
    for (const line of parts) {
      if (session.lines.length < MAX_LOG_LINES) session.lines.push(line);
      if (session.haltLine === undefined && this.build.console.halt?.test(line)) {
        session.haltLine = line;
        session.machine.stop();
      }
    }
  }
}

/** Where a slot's image starts executing (its reset vector), for reading the images in place beside image 0. */
function pcOfResetHandler(range: SlotRange, flash: NorFlash): number {
  const header = new DataView(flash.peek(range.offset, 32).slice().buffer);
  const hdrSize = header.getUint16(8, true);
  if (hdrSize + 8 > range.size) return -1;
  return (new DataView(flash.peek(range.offset + hdrSize, 8).slice().buffer).getUint32(4, true) & ~1) >>> 0;
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
