/**
 * A whole emulated device built from a board: Cortex-M core, RAM, the flash behind its real flash controller,
 * and the peripherals firmware touches at boot. Runs with an instruction budget; a watchdog, a lockup (on parts
 * where it resets) or SYSRESETREQ reset it warmly (RAM kept); a power cut landing on a flash operation stops it
 * as a power loss, after which `powerCycle()` boots it again from what the flash holds.
 */
import type { Board } from '../../boards/index.ts';
import { BusError, type ConsoleStream, CortexM, type CpuSnapshot, type RunResult } from '../cpu/index.ts';
import { FlashRuleViolation, type FlashSnapshot, NorFlash, PowerCut } from '../flash/index.ts';
import { type SocFamily, socFamily } from './families.ts';
import { type FlashOperations, FlashPort, type FlashPortSnapshot, type FlashTraceListener } from './flash-port.ts';
import type { FlashWriteHandler, Peripheral, PeripheralContext, RegisterState, ResetCause, TimedPeripheral, Watchdog } from './peripheral.ts';
import { type RamBlock, ramBlock, SocBus } from './soc-bus.ts';

export interface MachineOptions {
  /** The flash to run on (kept across machines, snapshots and power cuts); a fresh erased one by default. */
  readonly flash?: NorFlash;
  /** Bytes the firmware writes to its UART. */
  readonly onUartOutput?: (bytes: Uint8Array) => void;
  /** Semihosting console output, with the stream the firmware wrote to. */
  readonly onSemihostOutput?: (text: string, stream: ConsoleStream) => void;
  /** Semihosting console input: the next byte, or -1 at the end (the default). */
  readonly onSemihostInput?: () => number;
  /** Things the hardware would silently ignore, and unknown registers, each reported once. */
  readonly onWarning?: (message: string) => void;
  /** Every program and erase the firmware caused, after it completed. */
  readonly onFlashOperation?: FlashTraceListener;
  /** Called on every reset after power-on, before the core restarts. */
  readonly onReset?: (cause: ResetCause) => void;
  /** Unknown registers become bus faults instead of reading 0. */
  readonly strictRegisters?: boolean;
  /** Where the core finds its vector table at reset; the board's flash base by default. */
  readonly resetVtor?: number;
  /** Translate basic blocks (default true); false runs the core's plain decoder. */
  readonly translate?: boolean;
}

/**
 * Why `Machine.run()` returned: the core's reasons that end a run, plus
 * - `power-cut`: a planned power cut landed on a flash operation (`error` holds the PowerCut);
 * - `flash-error`: the firmware broke a flash rule the controller does not report in a register (`error`);
 * - `stopped`: `stop()` was called (e.g. the expected text appeared);
 * - `watch`: execution reached a range given to `cpu.watchExecution` (a hand-off into an image slot).
 */
export type MachineStopReason = 'budget' | 'exit' | 'breakpoint' | 'lockup' | 'sleep' | 'power-cut' | 'flash-error' | 'stopped' | 'watch';

export interface MachineRunResult {
  readonly reason: MachineStopReason;
  /** Instructions retired by this call (not counting any cut short by a power cut). */
  readonly instructions: number;
  readonly pc: number;
  readonly exitCode?: number;
  readonly error?: PowerCut | FlashRuleViolation;
  readonly message: string;
}

export interface MachineSnapshot {
  readonly cpu: CpuSnapshot;
  readonly rams: readonly Uint8Array[];
  readonly peripherals: readonly RegisterState[];
  readonly flash: FlashSnapshot;
  readonly flashPort: FlashPortSnapshot;
  readonly idleUs: number;
}

/**
 * Instructions per slice between checks of the watchdogs and of stop requests; a slice ends at the first block
 * boundary after that many (the budget and the next timer deadline are exact).
 */
const SLICE = 100_000;
/** Console characters kept for `consoleText`: a long sweep on one machine must not grow without bound. */
const CONSOLE_KEPT = 1 << 20;
/** Timer events in a row that did not wake the core (its interrupt disabled in the NVIC): then it sleeps for good. */
const MAX_IDLE_WAKES = 64;

export class Machine {
  readonly board: Board;
  readonly flash: NorFlash;
  readonly cpu: CortexM;
  readonly family: SocFamily;
  /** Resets since power-on, in order. */
  readonly resets: { cause: ResetCause; atUs: number }[] = [];
  private readonly port: FlashPort;
  private readonly bus: SocBus;
  private readonly rams: RamBlock[];
  /** MPS2 only: the code SSRAM that stands in for flash, loaded from the flash at power-on. */
  private readonly codeRam: RamBlock | undefined;
  private readonly peripherals: Peripheral[];
  private readonly watchdogs: Watchdog[];
  private readonly timers: TimedPeripheral[];
  private readonly options: MachineOptions;
  private readonly warned = new Set<string>();
  private console = '';
  /** Instructions retired since the last reset: a lockup with none is a reset loop that cannot make progress. */
  private sinceReset = 0;
  private idleUs = 0;
  /** Consecutive core runs that retired nothing (see MAX_IDLE_WAKES). */
  private idleWakes = 0;
  private stopRequested = false;
  /** The PC of the lockup that caused the last reset, until any other reset or power-on. */
  private lockupResetPc: number | undefined;

  constructor(board: Board, options: MachineOptions = {}) {
    const family = socFamily(board);
    this.board = board;
    this.family = family;
    this.options = options;
    this.flash = options.flash ?? new NorFlash(board.flash);
    this.port = new FlashPort(this.flash, board.memory.flash.base);
    this.port.traceListener = options.onFlashOperation;
    this.rams = [ramBlock(board.memory.ram.base, board.memory.ram.size)];
    if (family.flashControllerName === undefined) {
      this.codeRam = ramBlock(board.memory.flash.base, this.flash.size);
      this.rams.unshift(this.codeRam);
    }
    const context = this.peripheralContext();
    this.peripherals = family.peripherals.flatMap((build) => build(context));
    this.watchdogs = this.peripherals.filter((p): p is Peripheral & Watchdog => 'expiresAtUs' in p);
    this.timers = this.peripherals.filter((p): p is Peripheral & TimedPeripheral => 'advanceTo' in p);
    const controller = this.peripherals.find((p) => p.name === family.flashControllerName) as (Peripheral & FlashWriteHandler) | undefined;
    this.bus = new SocBus({
      rams: this.rams,
      flash: this.codeRam === undefined ? this.port : undefined,
      flashController: controller,
      peripherals: this.peripherals,
      unknownAccess: (address, access) => this.unknownAccess(address, access),
    });
    this.cpu = new CortexM(this.bus, {
      core: family.core,
      resetVtor: options.resetVtor ?? board.memory.flash.base,
      onSemihostOutput: options.onSemihostOutput,
      onSemihostInput: options.onSemihostInput,
      clockHz: family.cpuMHz * 1_000_000,
      translate: options.translate,
    });
    this.powerCycle();
  }

  /**
   * Virtual time in microseconds: the core's cycles (one per instruction, plus the time it slept until its
   * SysTick), the flash's busy time, and the waits for a watchdog or timer with the core asleep or locked up.
   */
  get nowUs(): number {
    return this.cpu.cycles / this.family.cpuMHz + this.idleUs + this.flash.nowUs;
  }

  /** What the firmware wrote to its UART since this machine was created (the last MiB of it), as latin1 text. */
  get consoleText(): string {
    return this.console;
  }

  /** Power off and on: RAM is lost, every peripheral and the core start from their power-on state. */
  powerCycle(): void {
    // A sweep power-cycles one machine for every boot of every case: only this power-on's resets are kept.
    this.resets.length = 0;
    this.port.sync();
    for (const ram of this.rams) ram.bytes.fill(0);
    this.codeRam?.bytes.set(this.flash.peek(0, this.flash.size));
    this.restart('power-on');
  }

  /** A warm reset (watchdog, pin, SYSRESETREQ, lockup): RAM is kept. */
  reset(cause: Exclude<ResetCause, 'power-on'>): void {
    this.resets.push({ cause, atUs: this.nowUs });
    this.options.onReset?.(cause);
    this.restart(cause);
  }

  /**
   * Sends the flash controller's program and erase operations through `operations` (a view of this machine's
   * flash that counts or records them), or back to the flash itself with undefined.
   */
  routeFlashOperations(operations: FlashOperations | undefined): void {
    this.port.operations = operations ?? this.flash;
  }

  /** Ends the current `run()` at the next slice boundary (callable from output callbacks). */
  stop(): void {
    this.stopRequested = true;
  }

  run(maxInstructions: number): MachineRunResult {
    this.stopRequested = false;
    let done = 0;
    for (;;) {
      if (this.stopRequested) return this.result('stopped', done, 'stopped on request');
      const remaining = maxInstructions - done;
      if (remaining <= 0) return this.result('budget', done, `budget exhausted at PC=${hex(this.cpu.pc)} after ${done} instructions`);
      let outcome: RunResult;
      try {
        outcome = this.cpu.run(Math.min(remaining, this.instructionsToNextDeadline()), SLICE);
      } catch (error) {
        if (error instanceof PowerCut) return this.result('power-cut', done, error.message, error);
        if (error instanceof FlashRuleViolation) return this.result('flash-error', done, error.message, error);
        throw error;
      }
      done += outcome.instructions;
      this.sinceReset += outcome.instructions;
      this.idleWakes = outcome.instructions > 0 ? 0 : this.idleWakes + 1;
      for (const timer of this.timers) timer.advanceTo(this.nowUs);
      if (this.watchdogExpired()) {
        this.reset('watchdog');
        continue;
      }
      switch (outcome.reason) {
        case 'budget':
          continue;
        case 'reset-request':
          this.reset('software');
          continue;
        case 'lockup':
        case 'sleep':
          if (outcome.reason === 'lockup' && this.family.lockupResets && this.sinceReset > 0) {
            // The part resets on a lockup; locking up again at the same PC right after is a reset loop that
            // would spin until the budget ran out: it ends the run, naming the fault.
            if (this.lockupResetPc === outcome.pc) {
              return this.result('lockup', done, `${outcome.message}; the same lockup again after the lockup reset: a reset loop`);
            }
            this.reset('lockup');
            this.lockupResetPc = outcome.pc;
            continue;
          }
          if (this.waitForNextEvent(outcome.reason === 'sleep')) continue;
          return this.result(outcome.reason, done, outcome.message);
        case 'exit':
          return { ...this.result('exit', done, outcome.message), exitCode: outcome.exitCode };
        case 'breakpoint':
        case 'watch':
          return this.result(outcome.reason, done, outcome.message);
      }
    }
  }

  snapshot(): MachineSnapshot {
    return {
      cpu: this.cpu.snapshot(),
      rams: this.rams.map((ram) => ram.bytes.slice()),
      peripherals: this.peripherals.map((p) => p.snapshot()),
      flash: this.flash.snapshot(),
      flashPort: this.port.snapshot(),
      idleUs: this.idleUs,
    };
  }

  restore(snapshot: MachineSnapshot): void {
    this.flash.restore(snapshot.flash);
    this.port.restore(snapshot.flashPort);
    this.rams.forEach((ram, i) => {
      ram.bytes.set(snapshot.rams[i]!);
    });
    this.peripherals.forEach((p, i) => {
      p.restore(snapshot.peripherals[i]!);
    });
    this.idleUs = snapshot.idleUs;
    this.cpu.restore(snapshot.cpu);
  }

  private restart(cause: ResetCause): void {
    this.sinceReset = 0;
    this.lockupResetPc = undefined;
    for (const peripheral of this.peripherals) peripheral.reset(cause);
    this.cpu.reset();
  }

  /**
   * Slices end at the next watchdog deadline or timer event, so both land on the right instruction (infinite
   * when there is none).
   */
  private instructionsToNextDeadline(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const watchdog of this.watchdogs) next = Math.min(next, watchdog.expiresAtUs() ?? next);
    for (const timer of this.timers) next = Math.min(next, timer.nextEventAtUs() ?? next);
    if (next === Number.POSITIVE_INFINITY) return next;
    return Math.max(1, Math.ceil((next - this.nowUs) * this.family.cpuMHz));
  }

  private watchdogExpired(): boolean {
    const now = this.nowUs;
    return this.watchdogs.some((watchdog) => {
      const at = watchdog.expiresAtUs();
      return at !== undefined && at <= now;
    });
  }

  /**
   * A core that cannot run (asleep with nothing pending, or locked up) waits in virtual time: for the next timer
   * event that may wake it from sleep, or for its watchdog to run out. Returns false when nothing will come.
   */
  private waitForNextEvent(asleep: boolean): boolean {
    const earliest = (times: (number | undefined)[]): number | undefined => {
      const due = times.filter((at): at is number => at !== undefined);
      return due.length === 0 ? undefined : Math.min(...due);
    };
    const watchdogAt = earliest(this.watchdogs.map((w) => w.expiresAtUs(asleep)));
    const timerAt = asleep && this.idleWakes < MAX_IDLE_WAKES ? earliest(this.timers.map((t) => t.nextEventAtUs())) : undefined;
    const wakeAt = earliest([watchdogAt, timerAt]);
    if (wakeAt === undefined) return false;
    this.idleUs += Math.max(0, wakeAt - this.nowUs);
    for (const timer of this.timers) timer.advanceTo(this.nowUs);
    if (wakeAt === watchdogAt) this.reset('watchdog');
    return true;
  }

  private result(reason: MachineStopReason, instructions: number, message: string, error?: PowerCut | FlashRuleViolation): MachineRunResult {
    return { reason, instructions, pc: this.cpu.pc, message, ...(error === undefined ? {} : { error }) };
  }

  private peripheralContext(): PeripheralContext {
    return {
      nowUs: () => this.nowUs,
      uartOutput: (bytes) => {
        this.console += Buffer.from(bytes).toString('latin1');
        if (this.console.length > 2 * CONSOLE_KEPT) this.console = this.console.slice(-CONSOLE_KEPT);
        this.options.onUartOutput?.(bytes);
      },
      readRam: (address, length) => this.bus.ramBytes(address, length),
      flash: this.port,
      unknownRegister: (peripheral, offset, access) => this.unknownAccess(peripheral.base + offset, access, peripheral),
      warnOnce: (key, message) => this.warnOnce(key, message),
      raiseInterrupt: (irq) => this.cpu.raiseInterrupt(irq),
    };
  }

  private unknownAccess(address: number, access: 'read' | 'write', peripheral?: Peripheral): void {
    const where = peripheral === undefined ? 'no modelled peripheral' : `${peripheral.name}+0x${(address - peripheral.base).toString(16)}`;
    const message = `${access} of unknown register ${hex(address)} (${where})`;
    if (this.options.strictRegisters) throw new BusError(address, message);
    this.warnOnce(`unknown:${access}:${address}`, `${message}: ${access === 'read' ? 'reads 0' : 'ignored'}`);
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.onWarning?.(message);
  }
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
