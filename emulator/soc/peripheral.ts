/**
 * The base every peripheral model shares: a block of 32-bit registers at a bus address, state kept as a flat
 * record of numbers (so a snapshot is a shallow copy), and the policy for registers the model does not know.
 */
import type { FlashPort } from './flash-port.ts';

/** What caused a reset, as the reset-reason registers distinguish them. */
export type ResetCause = 'power-on' | 'pin' | 'watchdog' | 'software' | 'lockup';

/** The machine as a peripheral sees it. */
export interface PeripheralContext {
  /** Virtual time in microseconds since power-on. */
  nowUs(): number;
  /** Bytes the firmware sent on a UART. */
  uartOutput(bytes: Uint8Array): void;
  /** Bytes of data RAM for a DMA transfer, or undefined when the range is not all in RAM. */
  readRam(address: number, length: number): Uint8Array | undefined;
  readonly flash: FlashPort;
  /** Called for an access to a register the model does not implement; throws a BusError when those are faults. */
  unknownRegister(peripheral: Peripheral, offset: number, access: 'read' | 'write'): void;
  /** Reports something the hardware would silently ignore (a flash write without write enable), once per key. */
  warnOnce(key: string, message: string): void;
  /** Pends external interrupt `irq` in the NVIC. */
  raiseInterrupt(irq: number): void;
}

export type RegisterState = Record<string, number>;

export abstract class Peripheral<S extends RegisterState = RegisterState> {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  protected readonly context: PeripheralContext;
  /** Set by `reset()`, which the machine calls for every peripheral at power-on before anything runs. */
  protected state!: S;

  constructor(name: string, base: number, size: number, context: PeripheralContext) {
    this.name = name;
    this.base = base;
    this.size = size;
    this.context = context;
  }

  /** Register values right after a reset of the given cause. */
  protected abstract initialState(cause: ResetCause): S;
  /** A 32-bit read of the register at `offset` (word-aligned). */
  abstract read(offset: number): number;
  /** A write of `value` to the register at `offset` (word-aligned). */
  abstract write(offset: number, value: number): void;

  reset(cause: ResetCause): void {
    this.state = this.initialState(cause);
  }

  snapshot(): S {
    return { ...this.state };
  }

  restore(snapshot: RegisterState): void {
    this.state = { ...(snapshot as S) };
  }

  protected unknownRead(offset: number): number {
    this.context.unknownRegister(this, offset, 'read');
    return 0;
  }

  protected unknownWrite(offset: number): void {
    this.context.unknownRegister(this, offset, 'write');
  }

  /** Registers that only hold what was written (configuration the model does not act on), keyed `@offset`. */
  protected readPlain(offset: number): number {
    return this.state[`@${offset}`] ?? 0;
  }

  protected writePlain(offset: number, value: number): void {
    (this.state as RegisterState)[`@${offset}`] = value >>> 0;
  }
}

/** A peripheral with events due at points of virtual time (a real-time counter), which the machine brings along. */
export interface TimedPeripheral {
  /** When its next interrupt-raising event is due (µs), or undefined when none is. */
  nextEventAtUs(): number | undefined;
  /** Brings it to `nowUs`: sets the events that fell due and raises their interrupts. */
  advanceTo(nowUs: number): void;
}

/**
 * A peripheral that a firmware write into the flash address range reaches: the flash controller decides whether
 * the write programs the flash (one operation) or is refused.
 */
export interface FlashWriteHandler {
  flashWrite(offset: number, value: number, size: 1 | 2 | 4): void;
}

/** A peripheral the machine polls for a deadline: a watchdog that resets the machine when it runs out. */
export interface Watchdog {
  /**
   * Virtual time (µs) at which it expires, or undefined while it is not running. `coreAsleep`: the core sleeps
   * for good (WFI with nothing to wake it), which pauses the watchdogs configured to pause in sleep.
   */
  expiresAtUs(coreAsleep?: boolean): number | undefined;
}

/** Bit helpers for register models. */
export const bit = (n: number): number => (1 << n) >>> 0;
