/**
 * An emulated board as a lab sees a real one: bytes in and out of a serial line, and a power switch. At power-on
 * the bootloader model boots from the flash model and prints MCUboot-style console lines; once it hands off, the
 * emulated application prints `bootproof-app <version> slot=<n>` and speaks SMP (uploads into the secondary,
 * test, confirm, reset). With the recovery button held, the bootloader stays in serial recovery instead (uploads
 * go into the primary).
 *
 * A boot takes the time its flash work takes on the board (the model's virtual time, sped up by `speedup`), so a
 * power cut can land in the middle of a swap: the boot runs at once on a copy, and when the power goes before it
 * would have finished, the flash is put back and the boot run again with a cut armed at the operation that was in
 * progress at that moment — the flash is left exactly as that cut leaves it.
 */
import type { Board, FlashRegion } from '../../boards/types.ts';
import type { Bootloader, BootOutcome, DeviceClock, ImageConfig, TrustPolicy } from '../../emulator/boot/index.ts';
import { NoClock } from '../../emulator/boot/index.ts';
import { BootproofError } from '../../emulator/common/errors.ts';
import { Prng } from '../../emulator/common/prng.ts';
import { type FlashSnapshot, NorFlash } from '../../emulator/flash/index.ts';
import type { CutOutcome, FlashOp } from '../../emulator/flash/types.ts';
import { formatVersion } from '../../images/index.ts';
import { badBootOutcome } from '../boot-outcome.ts';
import { type BootloaderSource, sourceOf } from '../bootloader-source.ts';
import { BootBudgetExceeded, budgetedFlash } from '../flash-budget.ts';
import { SmpServer } from '../serial/index.ts';

export type PowerState = 'off' | 'booting' | 'app' | 'recovery' | 'halted' | 'fault';

export interface ServedBoardOptions {
  readonly board: Board;
  readonly config: ImageConfig;
  /** A fresh bootloader at every power-on (an instance is copied as it is now). */
  readonly bootloader: Bootloader | BootloaderSource;
  readonly trust: TrustPolicy;
  /** Where the board's serial output goes. */
  readonly send: (bytes: Uint8Array) => void;
  /** Virtual flash time per wall-clock time (1: as slow as the real part; 10: ten times faster). Default 1. */
  readonly speedup?: number;
  /** Seeds the torn outcomes of cuts. */
  readonly seed?: number;
  /** Wall-clock milliseconds, injectable for tests. */
  readonly now?: () => number;
}

/** What the bootloader does besides flash work before it hands off (reading headers, hashing): 20 ms. */
const BOOT_OVERHEAD_US = 20_000;

interface BootInProgress {
  readonly startedAt: number;
  readonly before: FlashSnapshot;
  readonly startUs: number;
  readonly endUs: number;
  readonly ops: readonly FlashOp[];
  readonly timer: NodeJS.Timeout;
}

/** Where a power cut landed, for the control channel's answer and the console of `serve`. */
export interface CutReport {
  readonly state: PowerState;
  /** Set when the cut interrupted a boot: the operation it landed on and how. */
  readonly landed?: { readonly op: number; readonly outcome: CutOutcome; readonly seed: number; readonly afterUs: number };
}

export class ServedBoard {
  readonly flash: NorFlash;
  readonly board: Board;
  /** The recovery button (MCUboot's BOOT_SERIAL_DETECT pin): held at power-on, the bootloader serves recovery. */
  recoveryButton = false;
  private powerState: PowerState = 'off';
  private readonly options: ServedBoardOptions;
  private readonly clock: DeviceClock = new NoClock();
  private readonly speedup: number;
  private readonly now: () => number;
  private readonly seed: number;
  private boot: BootInProgress | undefined;
  private server: SmpServer | undefined;

  constructor(options: ServedBoardOptions) {
    this.options = options;
    this.board = options.board;
    this.flash = new NorFlash(options.board.flash);
    this.speedup = options.speedup ?? 1;
    this.now = options.now ?? (() => performance.now());
    this.seed = options.seed ?? 0;
  }

  get state(): PowerState {
    return this.powerState;
  }

  powerOn(): void {
    if (this.powerState !== 'off') return;
    if (this.recoveryButton) {
      this.powerState = 'recovery';
      this.server = this.smpServer((image) => this.board.partitions.images[image]?.primary);
      this.print(`bootproof-recovery: serial recovery (${this.options.bootloader.name})`);
      return;
    }
    this.powerState = 'booting';
    this.print(`*** Booting MCUboot (bootproof ${this.options.bootloader.name}) ***`);
    const before = this.flash.snapshot();
    const startUs = this.flash.nowUs;
    const outcome = this.runBootloader();
    const ops = this.flash.journal.filter((op) => op.index >= before.opCount);
    const endUs = this.flash.nowUs + BOOT_OVERHEAD_US;
    const wallMs = (endUs - startUs) / this.speedup / 1000;
    const timer = setTimeout(() => this.finishBoot(outcome), wallMs);
    this.boot = { startedAt: this.now(), before, startUs, endUs, ops, timer };
  }

  /** Removes power. During a boot, the flash is left as a cut at this moment leaves it. */
  powerOff(): CutReport {
    const boot = this.boot;
    this.boot = undefined;
    let landed: CutReport['landed'];
    if (boot) {
      clearTimeout(boot.timer);
      landed = this.cutBoot(boot);
    }
    this.server?.reset();
    this.server = undefined;
    this.clock.powerLoss();
    this.powerState = 'off';
    return { state: this.powerState, landed };
  }

  /** Bytes from the host. Only a running application or serial recovery listens. */
  receive(bytes: Uint8Array): void {
    if (!this.server) return;
    try {
      this.server.receive(bytes);
    } catch (error) {
      // A flash fault in the middle of a command (an ECC error on read): the device faults, as a CPU would.
      this.server = undefined;
      this.powerState = 'fault';
      this.print(`bootproof-app fault: ${(error as Error).message}`);
    }
  }

  /**
   * A debug probe's `--sectorerase` programming: every sector the bytes touch is erased, then the bytes are
   * written. Halts the board (it is left off).
   */
  program(offset: number, bytes: Uint8Array): void {
    this.powerOff();
    const end = offset + bytes.length;
    if (offset < 0 || end > this.flash.size) {
      throw new BootproofError(`program: 0x${offset.toString(16)}+${bytes.length} lies outside the ${this.flash.size}-byte flash`);
    }
    for (let at = offset; at < end; ) {
      const sector = this.flash.sectorAt(at);
      const contents = this.flash.peek(sector.offset, sector.size).fill(this.flash.geometry.erasedValue);
      const from = Math.max(offset, sector.offset);
      const to = Math.min(end, sector.offset + sector.size);
      contents.set(bytes.subarray(from - offset, to - offset), from - sector.offset);
      this.flash.load(sector.offset, contents);
      at = sector.offset + sector.size;
    }
  }

  private runBootloader(): BootOutcome | { kind: 'fault'; error: string } {
    const { board, config, trust } = this.options;
    // A bootloader looping on flash operations would freeze the board's whole process: stop it as a fault.
    const limit = board.flash.sectors.length * 16 + 1000;
    const budget = budgetedFlash(this.flash, limit);
    try {
      const outcome = sourceOf(this.options.bootloader).create().boot({ flash: budget.flash, board, config, trust, clock: this.clock });
      // It caught the overrun and carried on: still a runaway.
      if (budget.exceeded()) return { kind: 'fault', error: new BootBudgetExceeded(limit).message };
      const bad = badBootOutcome(outcome, config.imageCount);
      return bad ? { kind: 'fault', error: bad } : outcome;
    } catch (error) {
      return { kind: 'fault', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }

  private finishBoot(outcome: BootOutcome | { kind: 'fault'; error: string }): void {
    this.boot = undefined;
    if (outcome.kind === 'fault') {
      this.powerState = 'fault';
      this.print(`bootproof-boot fault: ${outcome.error}`);
      return;
    }
    for (const line of outcome.log) this.print(`I: ${line}`);
    if (outcome.kind === 'halt') {
      this.powerState = 'halted';
      this.print(`bootproof-boot halted: ${outcome.reason}`);
      return;
    }
    this.powerState = 'app';
    this.server = this.smpServer();
    this.print(`bootproof-app ${formatVersion(outcome.version)} slot=${outcome.slot === 'primary' ? 0 : 1}`);
  }

  /** The operation in progress `elapsed` after power-on, cut there; nothing when the flash work was already done. */
  private cutBoot(boot: BootInProgress): CutReport['landed'] {
    const afterUs = (this.now() - boot.startedAt) * 1000 * this.speedup;
    const at = boot.startUs + afterUs;
    const index = boot.ops.findIndex((op, i) => at < (boot.ops[i + 1]?.startUs ?? boot.endUs - BOOT_OVERHEAD_US) && at >= op.startUs);
    const next = boot.ops.find((op) => op.startUs > at);
    const target = index >= 0 ? boot.ops[index] : next;
    if (!target) return undefined;
    const outcome: CutOutcome = index >= 0 ? 'torn' : 'not-started';
    // From the board's seed and where the cut landed alone, not from how many cuts came before: a replay of one
    // case on a board that has served others tears the operation the same way.
    const seed = new Prng(`served|${this.seed}|${target.index}|${outcome}`).nextU32();
    this.flash.restore(boot.before);
    this.flash.armPowerCut({ atOp: target.index, outcome, seed });
    const again = this.runBootloader();
    if (this.flash.armedCut !== undefined) {
      // The bootloader did not repeat its own run: leave what it did and say so, rather than invent a state.
      this.flash.disarmPowerCut();
      this.print(`bootproof-serve: the bootloader did not repeat its boot (${again.kind}); the cut could not be placed`);
      return undefined;
    }
    return { op: target.index, outcome, seed, afterUs: Math.round(afterUs) };
  }

  /** The SMP server of the application (uploads into the slot not running) or of serial recovery (`uploadSlot`). */
  private smpServer(uploadSlot?: (image: number) => FlashRegion | undefined): SmpServer {
    return new SmpServer({
      app: { flash: this.flash, board: this.board, config: this.options.config },
      send: this.options.send,
      uploadSlot,
      onReset: () => {
        this.powerOff();
        this.powerOn();
      },
    });
  }

  private print(line: string): void {
    this.options.send(new Uint8Array(Buffer.from(`${line}\n`)));
  }
}

