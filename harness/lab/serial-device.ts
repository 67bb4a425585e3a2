/**
 * A real board behind the Device interface: its console read through the lab file's patterns, images moved and
 * marked with SMP, its power switched by the lab's power driver. Flash operations cannot be counted on a real board,
 * so a power cut is a moment (microseconds after the next action starts) or an upload offset; and the oracle sees
 * what the board shows — the SMP image list and the console banner — instead of the raw flash.
 *
 * Nothing here waits without a bound: a boot waits at most the board's boot timeout, every SMP request has its
 * timeout and retries, and a port that goes away (an unplugged board) ends every wait at once with PortClosedError.
 */
import type { Board } from '../../boards/types.ts';
import { BootproofError } from '../../emulator/common/errors.ts';
import type {
  ActionResult,
  BootObservation,
  Device,
  NonVolatileView,
  PowerCutRequest,
  RunningImage,
  SlotName,
  UpgradeMode,
} from '../device.ts';
import {
  type ImageSlotState,
  PortClosedError,
  SerialTransport,
  SmpClient,
  SmpDeviceError,
  type Transport,
  uploadImage,
} from '../serial/index.ts';
import { ClientLease } from './client-lease.ts';
import { type ConsoleMatch, ConsoleWatch } from './console-watch.ts';
import { programByProbe, type RecoveryHooks, restoreByRecovery } from './factory.ts';
import type { LabBoard } from './lab-file.ts';
import { type PowerControl, pause } from './power-control.ts';

export interface SerialDeviceOptions {
  readonly id: string;
  readonly settings: LabBoard;
  /** The board's layout (slots), from the lab file's `board`. */
  readonly board: Board;
  readonly transport: Transport;
  readonly power: PowerControl;
  /** Attempts after the first for each SMP request (default 2). */
  readonly retries?: number;
}

/** A request the device cannot serve (a cut by operation index, reading raw flash), or a misuse of it. */
export class SerialDeviceError extends BootproofError {
  constructor(id: string, message: string) {
    super(`board ${id}: ${message}`, { exitCode: 2 });
  }
}

/** Off commands whose durations estimate the switch's latency. */
const OFF_LATENCY_SAMPLES = 5;

/** Thrown inside an upload's progress callback to stop sending: the power is about to be cut. */
class StopUpload extends Error {}

interface CutWatch {
  fired: boolean;
  readonly uploadOffset: number | undefined;
  fire(): void;
}

export class SerialDevice implements Device {
  readonly description: string;
  readonly capabilities = { cutsByOperation: false, snapshots: false, inspection: false } as const;
  readonly board: Board;
  readonly power: PowerControl;
  private readonly id: string;
  private readonly settings: LabBoard;
  private readonly port: Transport;
  private readonly console = new ConsoleWatch();
  private readonly retries: number;
  private lease!: ClientLease;
  private client!: SmpClient;
  private armed: PowerCutRequest | undefined;
  private switching: Promise<void> = Promise.resolve();
  private runningNow: readonly RunningImage[] | undefined;
  private portGone: PortClosedError | undefined;
  private readonly goneListeners = new Set<(error: PortClosedError) => void>();
  /** Whether the last armed cut switched the power off before its action ended. */
  lastCutLanded = false;
  /** Whether the last boot cut by time had already handed off (its banner came before the power went). */
  lastCutAfterHandoff = false;
  /**
   * After a boot cut by time: at most how long after the boot's first console line the power went (the off command
   * had returned by then); 0 when the board had printed nothing yet.
   */
  lastCutIntoBootMs: number | undefined;
  /**
   * Where the last action did its work, in ms after it started (when a time cut's clock starts): a boot from its
   * first console line to its banner, a request or confirm from sending the state write to its answer. Undefined
   * when it could not be seen (a board that prints nothing before its banner).
   */
  lastWorkWindowMs: { readonly fromMs: number; readonly toMs: number } | undefined;
  private actionStartedAt = 0;
  /** When the last off command returned (performance.now()). */
  private lastOffDoneAt = 0;
  /** How long the last few off commands took to act (ms): a time cut is sent that much early. */
  private readonly offLatenciesMs: number[] = [];

  constructor(options: SerialDeviceOptions) {
    this.id = options.id;
    this.settings = options.settings;
    this.board = options.board;
    this.port = options.transport;
    this.power = options.power;
    this.retries = options.retries ?? 2;
    this.description = `serial ${options.id} (${options.board.name}) on ${options.transport.description}`;
    this.port.onData((bytes) => this.lease.deliver(bytes));
    this.port.onClose((error) => {
      this.portGone = new PortClosedError(this.port.description, 'talking to the board (unplugged?)', error);
      this.lease.retire(this.portGone);
      for (const listener of this.goneListeners) listener(this.portGone);
    });
    this.renewClient();
  }

  /** Opens the board's port as the lab file describes it. */
  static async open(options: Omit<SerialDeviceOptions, 'transport'>): Promise<SerialDevice> {
    const { port, baud, flowControl } = options.settings;
    const transport = await SerialTransport.open({ path: port, baudRate: baud, flowControl });
    return new SerialDevice({ ...options, transport });
  }

  async powerOn(): Promise<BootObservation> {
    let observation: BootObservation = { kind: 'power-cut' };
    const result = await this.cuttable(async () => {
      observation = await this.boot(() => this.switchPower('on'));
      return 'done';
    });
    if (result === 'power-cut') {
      // The switch is slower than some boots: when the banner came first, the power went after the hand-off.
      this.lastCutAfterHandoff = (observation as BootObservation).kind === 'handoff';
      const firstLineAt = this.console.firstLineAt;
      this.lastCutIntoBootMs = firstLineAt === undefined ? 0 : Math.max(0, this.lastOffDoneAt - firstLineAt);
      this.runningNow = undefined;
      return { kind: 'power-cut' };
    }
    return observation;
  }

  /** Switches the power off and keeps it off for the board's `offMs`, so it really loses power. */
  async powerOff(): Promise<void> {
    await this.cutPower();
    await pause(this.settings.timeouts.offMs);
  }

  async writeImage(image: number, slot: SlotName, bytes: Uint8Array): Promise<ActionResult> {
    if (slot !== 'secondary') throw new SerialDeviceError(this.id, 'the application downloads into the secondary slot only');
    return this.cuttable(async (watch) => {
      await uploadImage(this.client, bytes, {
        image: image === 0 ? undefined : image,
        onProgress: ({ offset }) => {
          if (watch.uploadOffset !== undefined && offset >= watch.uploadOffset) watch.fire();
          if (watch.fired) throw new StopUpload();
        },
      });
      return 'done';
    });
  }

  async requestUpgrade(image: number, mode: UpgradeMode): Promise<ActionResult> {
    return this.cuttable(async () => {
      const secondary = (await this.imageList()).find((s) => s.image === image && s.slot === 1);
      // A slot the app cannot parse has no hash to name: its mcumgr refuses the request, as this does.
      if (secondary?.hash === undefined) return 'refused';
      const hash = secondary.hash;
      return this.stateWrite(() => (mode === 'permanent' ? this.client.imageConfirm(hash) : this.client.imageTest(hash)));
    });
  }

  async confirm(image: number): Promise<ActionResult> {
    return this.cuttable(async () => {
      const running = (await this.imageList()).find((s) => s.image === image && s.active);
      return this.stateWrite(() => (running?.hash ? this.client.imageConfirm(running.hash) : this.client.imageConfirm()));
    });
  }

  /** The SMP write that marks an image (the flash work of a request or a confirm), its window recorded. */
  private async stateWrite(write: () => Promise<unknown>): Promise<'done' | 'refused'> {
    const fromMs = performance.now() - this.actionStartedAt;
    const result = await this.refusable(write());
    this.lastWorkWindowMs = { fromMs, toMs: performance.now() - this.actionStartedAt };
    return result;
  }

  async running(): Promise<readonly RunningImage[] | undefined> {
    return this.runningNow;
  }

  async armPowerCut(cut: PowerCutRequest): Promise<void> {
    if (cut.kind === 'op') {
      throw new SerialDeviceError(this.id, 'a real board cannot count flash operations: cut by time or by upload offset');
    }
    this.armed = cut;
  }

  async inspect(): Promise<NonVolatileView> {
    throw new SerialDeviceError(this.id, 'the flash of a real board cannot be read (capabilities.inspection is false)');
  }

  /** What the board's mcumgr lists: per slot, version, hash, and the active/confirmed/pending flags. */
  async imageList(): Promise<readonly ImageSlotState[]> {
    this.throwIfGone();
    return (await this.client.imageList()).images;
  }

  /**
   * Puts the board back in its factory state: `primary` (the image bytes) in image 0's primary slot, the
   * secondary and scratch erased; the board is left off.
   */
  async factoryReset(primary: Uint8Array): Promise<void> {
    const factory = this.settings.factory;
    if (factory.method === 'probe') {
      // A probe needs the target powered; the power is cut afterwards so the next power-on is a clean boot.
      await this.switchPower('on');
      await programByProbe(this.id, factory, this.board, primary);
      await this.powerOff();
      return;
    }
    await restoreByRecovery(factory, this.board, primary, this.recoveryHooks());
  }

  async close(): Promise<void> {
    this.lease.retire(new Error('the device was closed'));
    await this.power.close();
    await this.port.close();
  }

  private recoveryHooks(): RecoveryHooks {
    return {
      id: this.id,
      cycle: async (banner, timeoutMs) => {
        await this.cutPower();
        this.console.mark();
        const seen = banner ? this.waitFor(new Map([['banner', banner]]), timeoutMs) : undefined;
        seen?.catch(() => undefined); // awaited below, once the switch is done
        await this.switchPower('on');
        return seen === undefined || (await seen) !== undefined;
      },
      off: () => this.cutPower(),
      client: () => this.client,
    };
  }

  /** Power on through `switchOn`, then wait for the banner, a halt, or the boot timeout. */
  private async boot(switchOn: () => Promise<void>): Promise<BootObservation> {
    this.console.mark();
    const patterns = new Map([['running', new RegExp(this.settings.console.running)]]);
    if (this.settings.console.halt) patterns.set('halt', new RegExp(this.settings.console.halt));
    const { bootMs } = this.settings.timeouts;
    // Listen before switching: a fast board prints its banner before a slow power command returns.
    const banner = this.waitFor(patterns, bootMs);
    banner.catch(() => undefined); // awaited below, once the switch is done
    try {
      await switchOn();
    } catch (error) {
      this.console.cancelAll();
      throw error;
    }
    const match = await banner;
    const firstLineAt = this.console.firstLineAt;
    if (match !== undefined && firstLineAt !== undefined) {
      const window = { fromMs: firstLineAt - this.actionStartedAt, toMs: performance.now() - this.actionStartedAt };
      this.lastWorkWindowMs = window.toMs > window.fromMs ? window : undefined;
    }
    const log = this.console.since();
    if (match === undefined) {
      this.runningNow = undefined;
      return { kind: 'halt', reason: `no banner within ${bootMs} ms (the board hangs or prints something unexpected)`, log };
    }
    if (match.pattern === 'halt') {
      this.runningNow = undefined;
      return { kind: 'halt', reason: match.groups.reason ?? match.line, log };
    }
    const slot: SlotName = match.groups.slot === '1' ? 'secondary' : 'primary';
    const slots = this.board.partitions.images[0];
    this.runningNow = [{ image: 0, slot, offset: slots[slot].offset, version: match.groups.version }];
    return { kind: 'handoff', images: this.runningNow, log };
  }

  /** The first console line matching `patterns`, undefined after `timeoutMs`; rejects when the port goes away. */
  private waitFor(patterns: ReadonlyMap<string, RegExp>, timeoutMs: number): Promise<ConsoleMatch | undefined> {
    this.throwIfGone();
    const wait = this.console.next(patterns);
    const timer = setTimeout(() => wait.cancel(), timeoutMs);
    let onGone: ((error: PortClosedError) => void) | undefined;
    const gone = new Promise<never>((_, reject) => {
      onGone = reject;
      this.goneListeners.add(onGone);
    });
    gone.catch(() => undefined); // a port that goes after the wait ended is the next wait's news
    return Promise.race([wait.promise, gone]).finally(() => {
      clearTimeout(timer);
      wait.cancel();
      if (onGone) this.goneListeners.delete(onGone);
    });
  }

  /**
   * Runs one action with the armed cut, if any: a time cut switches the power off `afterUs` after the action starts,
   * an upload cut once the board acknowledged that many bytes. Once the cut fires, the action ends promptly (its
   * console waits are cancelled, its SMP requests fail, its upload stops) and the result is 'power-cut'.
   */
  private async cuttable(action: (watch: CutWatch) => Promise<'done' | 'refused'>): Promise<ActionResult> {
    this.throwIfGone();
    const armed = this.armed;
    this.armed = undefined;
    let landed: Promise<void> | undefined;
    const watch: CutWatch = {
      fired: false,
      uploadOffset: armed?.kind === 'upload' ? armed.offset : undefined,
      fire: () => {
        if (watch.fired) return;
        watch.fired = true;
        landed = this.cutPower();
        landed.catch(() => undefined); // awaited below
      },
    };
    this.actionStartedAt = performance.now();
    this.lastWorkWindowMs = undefined;
    const timer = armed?.kind === 'time' ? setTimeout(() => watch.fire(), Math.max(0, armed.afterUs / 1000 - this.offLatencyMs())) : undefined;
    this.lastCutLanded = false;
    try {
      let result: 'done' | 'refused' = 'done';
      try {
        result = await action(watch);
      } catch (error) {
        if (!watch.fired) throw error; // otherwise it failed because its power went
      }
      if (!watch.fired) return result;
      await landed;
      this.lastCutLanded = true;
      return 'power-cut';
    } finally {
      clearTimeout(timer);
    }
  }

  /** Switches the power off; the SMP client of the powered board is retired with it. */
  private async cutPower(): Promise<void> {
    this.runningNow = undefined;
    this.renewClient();
    // Keep listening until the switch has acted: a banner printed while the off command runs means the switch was
    // slower than the boot, which only a listener still in place can tell.
    const started = performance.now();
    try {
      await this.switchPower('off');
      this.lastOffDoneAt = performance.now();
      this.offLatenciesMs.push(this.lastOffDoneAt - started);
      if (this.offLatenciesMs.length > OFF_LATENCY_SAMPLES) this.offLatenciesMs.shift();
    } finally {
      this.console.cancelAll();
    }
  }

  /**
   * The switch's latency: the median of the last off commands' durations. A time cut asks for the power to be gone
   * at a moment; a relay or hub driven by a command takes this long to act, so the command goes out this much early.
   */
  private offLatencyMs(): number {
    if (this.offLatenciesMs.length === 0) return 0;
    const sorted = [...this.offLatenciesMs].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  /**
   * Switches one at a time, in the order asked: a cut that fires while the power-on command is still running
   * must not overtake it and leave the board on.
   */
  private switchPower(to: 'on' | 'off'): Promise<void> {
    const next = this.switching.then(() => (to === 'on' ? this.power.on() : this.power.off()));
    this.switching = next.catch(() => undefined);
    return next;
  }

  private renewClient(): void {
    this.lease?.retire(new Error('the board lost power'));
    this.lease = new ClientLease(this.port);
    this.client = new SmpClient(this.lease, {
      timeoutMs: this.settings.timeouts.smpMs,
      retries: this.retries,
      onConsole: (line) => this.console.push(line),
    });
  }

  /** A state change the board's mcumgr refused (EBADSTATE, ENOENT): the app's request failed, nothing else. */
  private async refusable(request: Promise<unknown>): Promise<'done' | 'refused'> {
    try {
      await request;
      return 'done';
    } catch (error) {
      if (error instanceof SmpDeviceError) return 'refused';
      throw error;
    }
  }

  private throwIfGone(): void {
    if (this.portGone) throw this.portGone;
  }
}
