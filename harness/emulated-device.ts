/**
 * A device made of the flash model, a board, and a bootloader model. Every boot runs the bootloader
 * synchronously against the flash; the application side (download, upgrade request, confirm) uses the same flash,
 * so a power cut can land on any of their operations too. Its whole state forks cheaply (`snapshot`/`restore`).
 */
import type { Board } from '../boards/types.ts';
import type { Bootloader, BootOutcome, DeviceClock, HardwareCounterStore, ImageConfig, TrustPolicy } from '../emulator/boot/index.ts';
import {
  NoClock,
  RtcClock,
  securityCounterId,
  setConfirmed,
  setPending,
  TrustedClock,
  UpdateRequestError,
  writeUpdate,
} from '../emulator/boot/index.ts';
import { FlashRuleViolation, type FlashSnapshot, NorFlash, PowerCut } from '../emulator/flash/index.ts';
import type { Flash } from '../emulator/flash/types.ts';
import { badBootOutcome } from './boot-outcome.ts';
import { type BootloaderSource, sourceOf } from './bootloader-source.ts';
import type {
  ActionResult,
  BootObservation,
  Device,
  InProcessDevice,
  NonVolatileView,
  PowerCutRequest,
  RunningImage,
  SlotName,
  UpgradeMode,
} from './device.ts';
import { BootBudgetExceeded, budgetedFlash, issueOp, type PendingOp } from './flash-budget.ts';

/** The device's clock as data, so it can be snapshotted and set again. */
export interface ClockSpec {
  readonly kind: 'none' | 'rtc' | 'trusted';
  /** Seconds since the epoch at power-on (ignored for `none`). */
  readonly seconds?: number;
}

export interface EmulatedDeviceOptions {
  readonly board: Board;
  readonly config: ImageConfig;
  /** Every power-on boots a fresh bootloader from this source (an instance is copied as it is now). */
  readonly bootloader: Bootloader | BootloaderSource;
  readonly trust: TrustPolicy;
  readonly clock: ClockSpec;
  /** Flash operations one boot may perform before it counts as a runaway bootloader (default from the flash size). */
  readonly opsPerBoot?: number;
  /** Download chunk size in bytes (default: one sector's worth of the write path, 4 KiB). */
  readonly chunkSize?: number;
}

export interface EmulatedSnapshot {
  readonly flash: FlashSnapshot;
  readonly trust: TrustPolicy;
  readonly clockSeconds: number | undefined;
  readonly clockKind: DeviceClock['kind'];
  readonly running: readonly RunningImage[] | undefined;
}

export class EmulatedDevice implements Device, InProcessDevice {
  readonly flash: NorFlash;
  readonly board: Board;
  readonly config: ImageConfig;
  readonly capabilities = { cutsByOperation: true, snapshots: true, inspection: true } as const;
  readonly description: string;
  trust: TrustPolicy;
  clock: DeviceClock;
  /** Shown every flash operation (bootloader's and application's) before it is issued; the recorder sets it. */
  beforeOp: ((op: PendingOp) => void) | undefined;
  /** The bootloader's outcome of the last boot that ended (handoff or halt), with its log. */
  lastOutcome: BootOutcome | undefined;
  private readonly bootloader: BootloaderSource;
  private runningNow: readonly RunningImage[] | undefined;
  private readonly opsPerBoot: number;
  private readonly chunkSize: number;
  /** The bootloader's own security counters in flash, when it does not use the flash model's. */
  private readonly counterStore: HardwareCounterStore | undefined;
  private nonVolatileView: NonVolatileView | undefined;

  constructor(options: EmulatedDeviceOptions) {
    this.board = options.board;
    this.config = options.config;
    this.bootloader = sourceOf(options.bootloader);
    this.trust = options.trust;
    this.clock = makeClock(options.clock);
    this.flash = new NorFlash(options.board.flash);
    this.description = `emulated ${options.board.name} / ${options.bootloader.name}`;
    // A full swap touches each sector a few times (erase, copy, status records); 16 per sector is ample.
    this.opsPerBoot = options.opsPerBoot ?? this.bootloader.create().flashOpsPerBoot ?? options.board.flash.sectors.length * 16 + 1000;
    this.chunkSize = options.chunkSize ?? 4096;
    this.counterStore = this.bootloader.create().hardwareCounters;
  }

  /** Factory programming: puts bytes on flash directly (not an operation, not journaled). */
  factoryLoad(offset: number, bytes: Uint8Array): void {
    this.flash.load(offset, bytes);
  }

  /** Factory programming of a counter, where the bootloader keeps it. */
  factoryCounter(id: number, value: number): void {
    const image = this.counterImage(id);
    if (image === undefined) {
      this.flash.advanceCounter(id, value);
      return;
    }
    const entry = this.counterStore!.factoryEntry(image, value);
    this.flash.load(entry.offset, entry.bytes);
  }

  /** A counter's value, read where the bootloader keeps it. */
  readCounter(id: number): number {
    const image = this.counterImage(id);
    if (image === undefined) return this.flash.readCounter(id);
    return this.counterStore!.read((offset, length) => this.flash.peek(offset, length), image);
  }

  /** The flash the bootloader owns besides its slots and scratch (its counters), which it may change. */
  get bootloaderRegions(): readonly { readonly offset: number; readonly size: number }[] {
    return this.counterStore === undefined ? [] : [this.counterStore.region];
  }

  private counterImage(id: number): number | undefined {
    if (this.counterStore === undefined) return undefined;
    const image = this.board.partitions.images.findIndex((_, i) => securityCounterId(i) === id);
    return image < 0 || image >= this.config.imageCount ? undefined : image;
  }

  async powerOn(): Promise<BootObservation> {
    return this.boot();
  }

  /** One boot, synchronously (the runner's hot path). */
  boot(): BootObservation {
    const opsBefore = this.flash.opCount;
    const armed = this.flash.armedCut !== undefined;
    const budget = budgetedFlash(this.flash, this.opsPerBoot, this.beforeOp);
    let outcome: BootOutcome;
    try {
      outcome = this.bootloader.create().boot({
        flash: budget.flash,
        storage: this.flash,
        board: this.board,
        config: this.config,
        trust: this.trust,
        clock: this.clock,
      });
    } catch (error) {
      this.runningNow = undefined;
      if (error instanceof PowerCut) return this.cutHappened(error);
      return crashOf(error);
    }
    if (budget.exceeded()) {
      this.runningNow = undefined;
      return { kind: 'crash', error: new BootBudgetExceeded(this.opsPerBoot).message };
    }
    if (armed && this.flash.armedCut === undefined) {
      // The cut fired but the bootloader caught it and carried on, as if it had power after a brown-out.
      this.runningNow = undefined;
      this.clock.powerLoss();
      return { kind: 'crash', error: 'the bootloader caught a PowerCut and kept running without power' };
    }
    const bad = badBootOutcome(outcome, this.config.imageCount);
    if (bad) {
      this.runningNow = undefined;
      return { kind: 'crash', error: bad };
    }
    this.lastOutcome = outcome;
    const flashOps = this.flash.opCount - opsBefore;
    if (outcome.kind === 'halt') {
      this.runningNow = undefined;
      return { kind: 'halt', reason: outcome.reason, flashOps, log: outcome.log };
    }
    this.runningNow = outcome.images.map((img) => ({
      image: img.image,
      slot: img.slot,
      offset: img.offset,
      version: `${img.version.major}.${img.version.minor}.${img.version.revision}+${img.version.build}`,
    }));
    return { kind: 'handoff', images: this.runningNow, flashOps, log: outcome.log };
  }

  async powerOff(): Promise<void> {
    this.runningNow = undefined;
    this.clock.powerLoss();
  }

  async writeImage(image: number, slot: SlotName, bytes: Uint8Array): Promise<ActionResult> {
    if (slot !== 'secondary') throw new Error('the application downloads into the secondary slot only');
    return this.app(() => writeUpdate(this.appContext(), image, bytes, { chunkSize: this.chunkSize }));
  }

  async requestUpgrade(image: number, mode: UpgradeMode): Promise<ActionResult> {
    return this.app(() => setPending(this.appContext(), image, mode === 'permanent'));
  }

  async confirm(image: number): Promise<ActionResult> {
    return this.app(() => setConfirmed(this.appContext(), image));
  }

  /** Synchronous forms of the application actions, for the runner. */
  appAction(action: () => void): ActionResult {
    try {
      action();
      return 'done';
    } catch (error) {
      if (error instanceof PowerCut) {
        this.runningNow = undefined;
        this.clock.powerLoss();
        return 'power-cut';
      }
      // The application side refuses what the flash state does not allow (MCUboot's calls return an error).
      if (error instanceof UpdateRequestError) return 'refused';
      throw error;
    }
  }

  appContext() {
    const flash = this.beforeOp ? budgetedFlash(this.flash, Number.POSITIVE_INFINITY, this.beforeOp).flash : this.flash;
    return { flash: flash as Flash, board: this.board, config: this.config };
  }

  /**
   * Issues one recorded operation with a power cut armed on it, on a state restored from just before it: the
   * same end as running the whole action up to that operation. Returns false if the cut did not land.
   */
  cutDuring(op: PendingOp): boolean {
    try {
      issueOp(this.flash, op);
    } catch (error) {
      if (!(error instanceof PowerCut)) throw error;
      this.runningNow = undefined;
      this.clock.powerLoss();
      return true;
    }
    return false;
  }

  async running(): Promise<readonly RunningImage[] | undefined> {
    return this.runningNow;
  }

  async armPowerCut(cut: PowerCutRequest): Promise<void> {
    this.armCut(cut);
  }

  armCut(cut: PowerCutRequest): void {
    if (cut.kind !== 'op') throw new Error(`an emulated device cuts power by operation index, not by ${cut.kind}`);
    this.flash.armPowerCut({ atOp: cut.atOp, outcome: cut.outcome, seed: cut.seed, tear: cut.tear });
  }

  async inspect(): Promise<NonVolatileView> {
    return this.view();
  }

  /** The raw non-volatile state, compared in place. One view for the device's life: it reads the flash as it is now. */
  view(): NonVolatileView {
    const flash = this.flash;
    this.nonVolatileView ??= {
      read: (offset, length) => flash.peek(offset, length),
      counter: (id) => this.readCounter(id),
      matches: (offset, bytes) => flash.matches(offset, bytes),
      contentKey: (offset, length) => flash.contentKey(offset, length),
      contentSpans: (offset, length) => flash.contentSpans(offset, length),
    };
    return this.nonVolatileView;
  }

  /** Swaps the bootloader under test (the same flash), e.g. to boot a state with another clock value. */
  setClockSeconds(seconds: number | undefined): void {
    if (seconds === undefined) return;
    if (this.clock instanceof RtcClock || this.clock instanceof TrustedClock) this.clock.set(seconds);
  }

  /** Trusted time appears (an RTC becomes a trusted source) or goes (back to an RTC), at `seconds`. */
  setClockSource(kind: 'rtc' | 'trusted', seconds: number): void {
    this.clock = makeClock({ kind, seconds });
  }

  snapshot(): EmulatedSnapshot {
    return {
      flash: this.flash.snapshot(),
      trust: this.trust,
      clockSeconds: this.clock.now(),
      clockKind: this.clock.kind,
      running: this.runningNow,
    };
  }

  restore(snapshot: EmulatedSnapshot): void {
    this.flash.restore(snapshot.flash);
    this.trust = snapshot.trust;
    if (snapshot.clockKind !== this.clock.kind) this.clock = makeClock({ kind: snapshot.clockKind, seconds: snapshot.clockSeconds });
    this.setClockSeconds(snapshot.clockSeconds);
    this.runningNow = snapshot.running;
  }

  private async app(action: () => void): Promise<ActionResult> {
    return this.appAction(action);
  }

  private cutHappened(cut: PowerCut): BootObservation {
    this.clock.powerLoss();
    return { kind: 'power-cut', atOp: cut.op.index };
  }
}

function makeClock(spec: ClockSpec): DeviceClock {
  if (spec.kind === 'none') return new NoClock();
  if (spec.kind === 'trusted') return new TrustedClock(spec.seconds ?? 0);
  return new RtcClock(spec.seconds ?? 0);
}

function crashOf(error: unknown): BootObservation {
  if (error instanceof FlashRuleViolation) return { kind: 'crash', error: error.message, rule: error.rule };
  if (error instanceof BootBudgetExceeded) return { kind: 'crash', error: error.message };
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: 'crash', error: `the bootloader threw ${text}` };
}
