/**
 * Runs a scenario on an emulated device: once fault-free (the recording: every action with the flash operations
 * it performed and a snapshot taken before it), then once per fault point by forking from the snapshot of the
 * action the cut lands in — never replaying the update from the start. The oracle judges every boot.
 */

import type { Board } from '../boards/types.ts';
import type { Bootloader, TrustedKey } from '../emulator/boot/index.ts';
import {
  readSwapState,
  runningSlot,
  securityCounterId,
  setConfirmed,
  setPending,
  TIME_FLOOR_COUNTER,
  writeUpdate,
} from '../emulator/boot/index.ts';
import { UsageError } from '../emulator/common/errors.ts';
import { Prng } from '../emulator/common/prng.ts';
import type { FlashSnapshot } from '../emulator/flash/index.ts';
import type { CutOutcome, FlashOp, TornShape } from '../emulator/flash/types.ts';
import { encodeImgtoolTrailer } from '../images/index.ts';
import { type BootloaderSource, sourceOf } from './bootloader-source.ts';
import type { BootObservation, SlotName } from './device.ts';
import { EmulatedDevice, type EmulatedSnapshot } from './emulated-device.ts';
import type { Phase, PhasedOp } from './fault-points.ts';
import type { PendingOp } from './flash-budget.ts';
import type { Violation } from './invariants.ts';
import { CRASH, type CutAction, HALT, type Terminal, UNSETTLED } from './judge.ts';
import { factoryFiller, Oracle, untouchableRegions } from './oracle.ts';
import type { Scenario, ScenarioStep } from './scenario.ts';


interface HarnessState {
  confirmedCounters: number[];
  /** Per image index: the image last downloaded into its secondary. */
  downloaded: (string | undefined)[];
  /** Names running after the last settle (the factory images before the first). */
  lastSettled: Terminal;
  /** Per image name: how many times its application has run (one that confirms late counts its runs). */
  runs: Record<string, number>;
}

export interface RecordedAction extends CutAction {
  readonly index: number;
  readonly phase: Phase;
  readonly opStart: number;
  readonly opEnd: number;
  readonly before: EmulatedSnapshot;
  readonly state: HarnessState;
  readonly perform: () => void;
}

export interface CaseOutcome {
  readonly violations: Violation[];
  readonly terminal: Terminal;
  readonly boots: number;
  readonly bootLog: string[];
  /** Operations performed after the (first) cut, for sampling a second cut inside the recovery (listed on demand). */
  readonly recoveryOps: () => readonly FlashOp[];
  /** The last operation of each boot after the cut that performed any (where a cut equals a reset in a trial). */
  readonly bootEnds: readonly number[];
  /** Operations the application performed after the cut (its confirm: a cut there may leave it unconfirmed). */
  readonly appOps: readonly number[];
  readonly journal: readonly FlashOp[];
}

/** One boot as a watcher sees it: what the device did, the images it identified, and the executor to inspect. */
export interface WatchedBoot {
  readonly observation: BootObservation;
  /** The known image in place per image index (undefined for bytes matching no known image; empty unless a hand-off). */
  readonly names: readonly (string | undefined)[];
}

/** Where a case stands at one moment: the device's whole non-volatile state and what the harness knows of it. */
export interface CaseState {
  readonly device: EmulatedSnapshot;
  /** Each image's security counter, read where the bootloader keeps it (its own log on flash, or the flash model's). */
  readonly counters: readonly number[];
  readonly harness: HarnessState;
}

export interface ExecutorOptions {
  readonly board: Board;
  readonly bootloader: Bootloader | BootloaderSource;
  readonly seed: number;
  /** Re-boot each settled state under other clock values (I-7). Default true. */
  readonly clockChecks?: boolean;
}

const MAX_FORK_SECTOR = 16 * 1024;
const OTHER_CLOCKS = [0, 946_684_800, 4_102_444_800]; // epoch, 2000-01-01, 2100-01-01

export class ScenarioExecutor {
  readonly device: EmulatedDevice;
  readonly oracle: Oracle;
  private readonly scenario: Scenario;
  private readonly options: ExecutorOptions;
  private recording: RecordedAction[] | undefined;
  private state: HarnessState;
  private violations: Violation[] = [];
  private bootLog: string[] = [];
  private boots = 0;
  private bootEnds: number[] = [];
  private appOps: number[] = [];
  private settleIndex = 0;
  private settleResults: Terminal[] = [];
  /** Per settle of the recording: every end state a boot handed off to. */
  private settleSeen: Terminal[][] = [];
  /** What the last boot handed off to (an `expect` step compares it). */
  private lastHandoff: Terminal = HALT;
  private readonly factory: EmulatedSnapshot;
  /** Per operation of the recording: the flash just before it, and the operation (to issue again under a cut). */
  private readonly opForks = new Map<number, { op: PendingOp; flash: FlashSnapshot }>();
  /**
   * Whether to keep a flash snapshot before every operation. Snapshots are copy-on-write per sector, so each one
   * costs a sector copy at the next write: cheap for small sectors, too much memory for 128 KiB ones.
   */
  readonly forkEveryOp: boolean;
  /** Non-volatile states the recording settled in and checked under every other clock (I-7). */
  private readonly clockChecked: NonVolatileState[] = [];
  /** The current case's seed (undefined for the recording, which checks every other clock). */
  private clockSeed: number | undefined;
  private readonly factoryState: HarnessState;
  /** Sees every boot of a settle (recording, recovery), after the oracle named its images. */
  bootWatcher: ((boot: WatchedBoot) => void) | undefined;
  /** Sees a power cut land during a settle (a second cut inside a recovery), with the device off. */
  cutWatcher: (() => void) | undefined;

  constructor(scenario: Scenario, options: ExecutorOptions) {
    this.scenario = scenario;
    this.options = options;
    this.device = new EmulatedDevice({
      board: options.board,
      config: scenario.config,
      bootloader: options.bootloader,
      trust: scenario.trust,
      clock: scenario.clock,
    });
    this.oracle = new Oracle(scenario, options.board, this.device.bootloaderRegions);
    this.forkEveryOp = Math.max(...options.board.flash.sectors) <= MAX_FORK_SECTOR;
    this.programFactory();
    this.factory = this.device.snapshot();
    this.factoryState = {
      confirmedCounters: scenario.factory.primaries.map((name) => this.oracle.known(name).securityCounter),
      downloaded: [],
      lastSettled: scenario.factory.primaries.join('+'),
      runs: {},
    };
    this.state = cloneState(this.factoryState);
  }

  /**
   * The fault-free run. Its actions are what fault points fork from: a snapshot before every operation on small
   * sectors, else before the operations in `forkBefore` alone (the planned cut points, from an earlier recording).
   */
  record(forkBefore?: ReadonlySet<number>): {
    outcome: CaseOutcome;
    actions: readonly RecordedAction[];
    settleResults: readonly Terminal[];
    settleSeen: readonly (readonly Terminal[])[];
  } {
    this.reset();
    this.recording = [];
    this.opForks.clear();
    if (this.forkEveryOp || forkBefore) {
      this.device.beforeOp = (op) => {
        const index = this.device.flash.opCount;
        if (this.forkEveryOp || forkBefore?.has(index)) this.opForks.set(index, { op, flash: this.device.flash.snapshot() });
      };
    }
    try {
      this.runSteps();
    } finally {
      this.device.beforeOp = undefined;
    }
    const actions = this.recording;
    this.recording = undefined;
    return { outcome: this.outcome(() => []), actions, settleResults: [...this.settleResults], settleSeen: this.settleSeen };
  }

  /** Every operation of the recording with the phase it belongs to. */
  static phasedOps(actions: readonly RecordedAction[], journal: readonly FlashOp[]): PhasedOp[] {
    return actions.flatMap((action) => opsOf(journal, action).map((op) => ({ op, phase: action.phase })));
  }

  /** Forks from the action's snapshot, cuts power at `atOp`, lets the device recover, and judges it. */
  runCut(action: RecordedAction, atOp: number, outcome: CutOutcome, seed: number, tear?: TornShape): CaseOutcome {
    this.cut(action, atOp, outcome, seed, tear);
    return this.recover();
  }

  /** Forks from the action's snapshot and cuts power at `atOp`: the device is off, as the cut left it. */
  cut(action: RecordedAction, atOp: number, outcome: CutOutcome, seed: number, tear?: TornShape): void {
    this.forkAt(action, atOp, outcome, seed, tear);
    if (action.kind === 'confirm') this.noteConfirmedByCut();
    this.whileOff();
  }

  /** Powers the device on after a cut and boots until it settles, judging every boot. */
  recover(): CaseOutcome {
    return this.afterCut();
  }

  /** The case's state now (after a cut, say), for another executor of the same scenario and board to take over. */
  caseState(): CaseState {
    const ids = this.options.board.partitions.images.map((_, image) => securityCounterId(image));
    return { device: this.device.snapshot(), counters: ids.map((id) => this.device.readCounter(id)), harness: cloneState(this.state) };
  }

  /**
   * Takes over another executor's case where it stands (see `caseState`), so a second bootloader boots the very
   * state the first one left. Counters move to where this bootloader keeps them (a binary keeps its own log).
   */
  adopt(state: CaseState, seed: number): void {
    this.clockSeed = seed;
    this.device.restore(state.device);
    state.counters.forEach((value, image) => {
      const id = securityCounterId(image);
      if (this.device.readCounter(id) < value) this.device.factoryCounter(id, value);
    });
    this.state = cloneState(state.harness);
    this.clearRunLog();
  }

  /**
   * A second cut inside the recovery of a first one (I-8): forks from the recording again, cuts at `first`, then
   * cuts again at `second` (an operation of the recovery) and recovers.
   */
  runDoubleCut(
    action: RecordedAction,
    first: { atOp: number; outcome: CutOutcome; tear?: TornShape },
    second: { atOp: number; outcome: CutOutcome; tear?: TornShape },
    seed: number,
  ): CaseOutcome {
    this.forkAt(action, first.atOp, first.outcome, seed, first.tear);
    if (action.kind === 'confirm') this.noteConfirmedByCut();
    this.whileOff();
    this.device.armCut({ kind: 'op', ...second, seed: seed ^ 0x5bd1e995 });
    return this.afterCut();
  }

  /**
   * Puts the device where a cut at `atOp` leaves it. With a snapshot from just before that operation, only the
   * operation itself is issued again (under the cut); otherwise the action is replayed from its start.
   */
  private forkAt(action: RecordedAction, atOp: number, outcome: CutOutcome, seed: number, tear?: TornShape): void {
    const fork = this.opForks.get(atOp);
    this.startFork(action, seed, fork?.flash);
    this.device.armCut({ kind: 'op', atOp, outcome, seed, tear });
    if (!fork) {
      this.performExpectingCut(action, atOp);
      return;
    }
    if (!this.device.cutDuring(fork.op)) this.cutMissed(atOp);
  }

  private cutMissed(atOp: number): void {
    this.device.flash.disarmPowerCut();
    this.violations.push({
      invariant: 'convergence',
      message: `the cut at operation ${atOp} never landed: the bootloader did not repeat the recorded run (non-deterministic)`,
    });
  }

  private whileOff(): void {
    for (const step of this.scenario.cuts?.whileOff ?? []) this.runStep(step);
  }

  private performExpectingCut(action: RecordedAction, atOp: number): void {
    try {
      action.perform();
    } catch (error) {
      if (error instanceof CutSignal) return;
      throw error;
    }
    this.cutMissed(atOp);
  }

  /** Puts the device back as it was before `action`, with the flash of `flash` instead when given (an operation's fork). */
  private startFork(action: RecordedAction, seed: number, flash?: FlashSnapshot): void {
    this.clockSeed = seed;
    this.device.restore(flash ? { ...action.before, flash } : action.before);
    this.state = cloneState(action.state);
    this.clearRunLog();
  }

  /** A run from a restored state starts with no violations, boots or journal marks of its own. */
  private clearRunLog(): void {
    this.violations = [];
    this.bootLog = [];
    this.boots = 0;
    this.bootEnds = [];
    this.appOps = [];
  }

  private afterCut(): CaseOutcome {
    const cutAt = this.device.flash.opCount;
    const terminal = this.settle('recovery');
    // The recovery's operations are the journal's tail, listed only when asked for (a second cut's planning): a
    // binary's recovery on byte-wide flash is hundreds of thousands of them, and a single cut needs none.
    const journal = this.device.flash.journal;
    return this.outcome(() => opsOf(journal, { opStart: cutAt, opEnd: Number.POSITIVE_INFINITY }), terminal);
  }

  private reset(): void {
    this.clockSeed = undefined;
    this.device.restore(this.factory);
    this.state = cloneState(this.factoryState);
    this.clearRunLog();
    this.settleIndex = 0;
    this.settleResults = [];
    this.settleSeen = [];
    this.lastHandoff = HALT;
  }

  private outcome(recoveryOps: () => readonly FlashOp[], terminal?: Terminal): CaseOutcome {
    return {
      violations: this.violations,
      terminal: terminal ?? this.settleResults.at(-1) ?? this.state.lastSettled,
      boots: this.boots,
      bootLog: this.bootLog,
      recoveryOps,
      bootEnds: this.bootEnds,
      appOps: this.appOps,
      journal: this.device.flash.journal,
    };
  }

  private programFactory(): void {
    const { board, seed } = this.options;
    const { factory } = this.scenario;
    const load = (offset: number, bytes: Uint8Array) => this.device.factoryLoad(offset, this.padded(bytes));
    factory.primaries.forEach((name, image) => {
      load(board.partitions.images[image].primary.offset, this.oracle.known(name).bytes);
    });
    factory.secondaries?.forEach((name, image) => {
      if (name) load(board.partitions.images[image].secondary.offset, this.oracle.known(name).bytes);
    });
    for (const region of untouchableRegions(board, this.device.bootloaderRegions)) this.device.factoryLoad(region.offset, factoryFiller(region, seed));
    for (const part of sourceOf(this.options.bootloader).create().factoryContents?.() ?? []) this.device.factoryLoad(part.offset, part.bytes);
    for (const [id, value] of factory.counters ?? []) this.device.factoryCounter(id, value);
    if (this.scenario.config.strategy === 'direct-xip') this.confirmFactoryImages();
    this.oracle.captureFactory(this.device.view());
  }

  /**
   * direct-xip boots only a slot that was requested and confirmed (MCUboot erases one without a GOOD magic), and
   * the application finds the slot it runs by the mark the bootloader leaves: the factory image carries imgtool's
   * `--confirm` trailer, and the device has booted it once before the story starts.
   */
  private confirmFactoryImages(): void {
    const { board } = this.options;
    const { config } = this.scenario;
    const trailer = encodeImgtoolTrailer({
      maxAlign: config.maxAlign,
      align: board.flash.writeUnit,
      maxSectors: config.maxImageSectors,
      erasedValue: board.flash.erasedValue,
      confirm: true,
    });
    this.scenario.factory.primaries.forEach((name, image) => {
      const slot = board.partitions.images[image].primary;
      const length = this.oracle.known(name).bytes.length;
      if (length > slot.size - trailer.length) {
        throw new UsageError(
          `direct-xip: factory image '${name}' (${length} bytes) reaches into the ${trailer.length}-byte confirmed trailer imgtool --pad writes at the end of image ${image}'s ${slot.size}-byte primary slot`,
        );
      }
      this.device.factoryLoad(slot.offset + slot.size - trailer.length, trailer);
    });
    this.device.boot();
  }

  /** Factory programming writes whole write units: the image's tail is padded with the erased value. */
  private padded(bytes: Uint8Array): Uint8Array {
    const { writeUnit, erasedValue } = this.options.board.flash;
    const length = Math.ceil(bytes.length / writeUnit) * writeUnit;
    if (length === bytes.length) return bytes;
    const out = new Uint8Array(length).fill(erasedValue);
    out.set(bytes);
    return out;
  }

  /** Runs every step; stops early when the power goes (a cut) or the bootloader fails. */
  private runSteps(): void {
    for (const step of this.scenario.steps) {
      if (!this.runStep(step)) return;
    }
  }

  private runStep(step: ScenarioStep): boolean {
    const device = this.device;
    switch (step.kind) {
      case 'download': {
        const bytes = this.oracle.known(step.name).bytes;
        this.state.downloaded[step.image] = step.name;
        return this.act('download', 'download', () => writeUpdate(device.appContext(), step.image, bytes));
      }
      case 'request': {
        // A permanent request, or any request under overwrite-only (no trial, no revert), confirms the update.
        const final = step.mode === 'permanent' || this.scenario.config.strategy === 'overwrite-only';
        if (final) this.noteConfirmed(step.image, this.pendingCounter(step.image));
        return this.act('request', 'request', () => setPending(device.appContext(), step.image, step.mode === 'permanent'));
      }
      case 'reboot': {
        const terminal = this.settle(undefined, step.until);
        this.settleResults.push(terminal);
        this.settleIndex++;
        return terminal !== CRASH && terminal !== UNSETTLED;
      }
      case 'boot':
        return this.settle(undefined, 'once') !== CRASH;
      case 'expect':
        this.checkRunning(step.running);
        return true;
      case 'clock':
        if (step.source !== undefined) device.setClockSource(step.source, step.set);
        else device.setClockSeconds(step.set);
        return true;
      case 'trust':
        device.trust = { ...device.trust, keys: device.trust.keys.map((k) => (k.name === step.key ? updateKey(k, step) : k)) };
        return true;
      case 'bit-rot':
        this.rot(step);
        return true;
    }
  }

  /** An `expect` step: only the fault-free run reaches it (a cut ends a case with its recovery). */
  private checkRunning(expected: readonly string[]): void {
    const want = expected.join('+');
    if (this.lastHandoff === want) return;
    this.violations.push({
      invariant: 'convergence',
      message: `between the updates the device ran '${this.lastHandoff}'; expected '${want}'`,
    });
  }

  private pendingCounter(image: number): number {
    const name = this.state.downloaded[image];
    return name === undefined ? 0 : this.oracle.known(name).securityCounter;
  }

  private noteConfirmed(image: number, counter: number): void {
    this.state.confirmedCounters[image] = Math.max(this.state.confirmedCounters[image] ?? 0, counter);
  }

  /** One application action; false when the power was cut during it. */
  private act(kind: 'download' | 'request' | 'confirm', phase: Phase, body: () => void): boolean {
    const perform = () => {
      const result = this.device.appAction(body);
      if (result === 'power-cut') throw new CutSignal();
    };
    return this.recordAndRun(kind, phase, perform);
  }

  private recordAndRun(kind: RecordedAction['kind'], phase: Phase, perform: () => void): boolean {
    const before = this.recording ? this.device.snapshot() : undefined;
    const state = this.recording ? cloneState(this.state) : undefined;
    const opStart = this.device.flash.opCount;
    try {
      perform();
    } catch (error) {
      if (error instanceof CutSignal) return false;
      throw error;
    }
    if (this.recording && before && state) {
      this.recording.push({
        index: this.recording.length,
        kind,
        phase,
        opStart,
        opEnd: this.device.flash.opCount,
        settle: this.settleIndex,
        lastSettled: state.lastSettled,
        before,
        state,
        perform,
      });
    }
    return true;
  }

  /**
   * Power cycle, then boot until the device settles: the same images run twice in a row and neither the
   * bootloader nor the application wrote anything. `label` is 'recovery' after a cut. `until` 'trial' stops at the
   * first hand-off to a new image instead (a reboot step `until: 'trial'`); `until` 'once' boots once and returns
   * what ran, settled or not (a `boot` step).
   */
  private settle(label: 'recovery' | undefined, until?: 'trial' | 'once'): Terminal {
    const maxBoots = until === 'once' ? 1 : (this.scenario.maxBoots ?? 8);
    let ran: Terminal = UNSETTLED;
    const factoryNames = this.scenario.factory.primaries;
    let newImageRan = false;
    for (let n = 0; n < maxBoots; n++) {
      const phase: Phase = label ?? (newImageRan ? 'revert' : 'install');
      let observation: BootObservation = { kind: 'power-cut' };
      const booted = this.recordAndRun('boot', phase, () => {
        observation = this.device.boot();
        if (observation.kind === 'power-cut') throw new CutSignal();
      });
      this.boots++;
      if (!booted) {
        this.bootLog.push(`boot ${this.boots}${label ? ' after the cut' : ''}: power cut at operation ${this.device.flash.opCount - 1}`);
        this.cutWatcher?.();
        continue;
      }
      const obs = observation as BootObservation;
      if ((obs.kind === 'handoff' || obs.kind === 'halt') && (obs.flashOps ?? 0) > 0) {
        this.bootEnds.push(this.device.flash.opCount - 1);
      }
      const bootName = `boot ${this.boots}${label ? ' after the cut' : ''}`;
      const verdict = this.oracle.checkBoot(this.device.view(), obs, this.state, bootName);
      this.violations.push(...verdict.violations);
      this.bootLog.push(describeBoot(bootName, obs, verdict.names));
      this.bootWatcher?.({ observation: obs, names: verdict.names });
      if (obs.kind === 'crash') return CRASH;
      if (obs.kind === 'halt') {
        if (obs.flashOps === 0) return this.settled(HALT);
        continue;
      }
      if (obs.kind !== 'handoff') continue;
      const terminal = verdict.names.map((n) => n ?? '?').join('+');
      ran = terminal;
      this.lastHandoff = terminal;
      if (this.recording) this.noteSeen(terminal);
      if (verdict.names.some((name, i) => name !== factoryNames[i])) newImageRan = true;
      const appWrote = this.runApp(verdict.names, label);
      if (appWrote === undefined) continue;
      if (until === 'trial' && newImageRan) return this.settled(terminal);
      const crashed = this.appCrashed(verdict.names[0]);
      // Nothing was written by the boot or the application: the next boot starts from the same state, and a
      // bootloader is a function of that state (and of the clock, which I-7 varies): the device has settled.
      if (!crashed && !appWrote && obs.flashOps === 0) return this.settled(terminal);
    }
    if (until === 'once') return ran;
    this.violations.push({
      invariant: 'no-brick',
      message: `the device did not settle within ${maxBoots} boots (boot loop or endless recovery)`,
    });
    return UNSETTLED;
  }

  private noteSeen(terminal: Terminal): void {
    const seen = this.settleSeen[this.settleIndex] ?? [];
    seen.push(terminal);
    this.settleSeen[this.settleIndex] = seen;
  }

  private settled(terminal: Terminal): Terminal {
    this.state.lastSettled = terminal;
    if (this.options.clockChecks !== false) this.checkClockIndependence(terminal);
    return terminal;
  }

  /**
   * The application acts: it confirms each image whose app confirms itself. True if it wrote flash, undefined if
   * the power was cut meanwhile.
   */
  private runApp(names: readonly (string | undefined)[], label: 'recovery' | undefined): boolean | undefined {
    for (const name of names) if (name !== undefined) this.state.runs[name] = (this.state.runs[name] ?? 0) + 1;
    const confirming = names.flatMap((name, image) => (name !== undefined && this.confirmsNow(name) ? [image] : []));
    if (confirming.length === 0 || this.appCrashed(names[0])) return false;
    const before = this.device.flash.opCount;
    const ok = this.act('confirm', label ?? 'confirm', () => {
      for (const image of confirming) setConfirmed(this.device.appContext(), image);
    });
    for (let op = before; op < this.device.flash.opCount; op++) this.appOps.push(op);
    if (!ok) {
      this.noteConfirmedByCut();
      this.cutWatcher?.();
      return undefined;
    }
    const wrote = this.device.flash.opCount > before;
    if (wrote) {
      names.forEach((n, i) => {
        if (n) this.noteConfirmed(i, this.oracle.known(n).securityCounter);
      });
    }
    return wrote;
  }

  private confirmsNow(name: string): boolean {
    const app = this.oracle.known(name).app ?? 'confirms';
    return app === 'confirms' || (app === 'confirms-on-second-run' && (this.state.runs[name] ?? 0) >= 2);
  }

  /**
   * A cut confirm whose image_ok landed anyway (a torn unit that reads as set) confirmed the image all the same:
   * the bootloader may then raise the counter to it. The image is the one in the slot that runs.
   */
  private noteConfirmedByCut(): void {
    const view = this.device.view();
    this.options.board.partitions.images.forEach((slots, image) => {
      const running = this.confirmedSlot(image);
      const known = running && this.oracle.identify(view, slots[running].offset, slots[running].size);
      if (known) this.noteConfirmed(image, known.securityCounter);
    });
  }

  /** The running slot when its image_ok reads as set (an unreadable trailer, an ECC fault say, confirms nothing). */
  private confirmedSlot(image: number): SlotName | undefined {
    const app = this.device.appContext();
    try {
      const trailers = readSwapState(app, image);
      const slot = runningSlot(app, image);
      return trailers[slot].imageOk === 'set' ? slot : undefined;
    } catch {
      return undefined;
    }
  }

  /** A crash, or a hang the watchdog ends: either way the device resets before the application confirms. */
  private appCrashed(name: string | undefined): boolean {
    const app = name === undefined ? undefined : this.oracle.known(name).app;
    return app === 'crashes' || app === 'hangs';
  }

  /** I-7: the settled state boots the same way whatever the clock says. */
  private checkClockIndependence(terminal: Terminal): void {
    const device = this.device;
    if (device.clock.kind === 'none') return;
    // A state byte-identical to one the recording settled in was already booted under every other clock.
    const counters = this.counters();
    if (this.clockSeed !== undefined && this.clockChecked.some((known) => this.isState(known, counters))) return;
    const snapshot = device.snapshot();
    if (this.clockSeed === undefined) this.clockChecked.push({ flash: snapshot.flash, counters });
    // One other clock per case, picked by its seed: a sweep covers all of them at a third of the boots.
    const others = this.clockSeed === undefined ? OTHER_CLOCKS : [OTHER_CLOCKS[this.clockSeed % OTHER_CLOCKS.length]];
    for (const seconds of others) {
      device.setClockSeconds(seconds);
      const obs = device.boot();
      const verdict = obs.kind === 'handoff' ? this.oracle.checkBoot(device.view(), obs, this.state, 'clock check') : undefined;
      const got = obs.kind === 'handoff' ? verdict!.names.map((n) => n ?? '?').join('+') : obs.kind === 'halt' ? HALT : obs.kind;
      device.restore(snapshot);
      // A boot that installs something under another clock made an install decision, which trusted time may
      // legitimately govern (FAULTS §3.2); I-7 is about which installed image boots.
      const installed = (obs.kind === 'handoff' || obs.kind === 'halt') && (obs.flashOps ?? 0) > 0;
      if (got !== terminal && !installed) {
        this.violations.push({
          invariant: 'clock-independence',
          message: `the settled state booted '${terminal}', but with the clock at ${seconds} s it booted '${got}'`,
        });
        return;
      }
    }
  }

  /** The counters the bootloaders use, for comparing two states. */
  private counters(): number[] {
    const ids = [TIME_FLOOR_COUNTER, ...this.options.board.partitions.images.map((_, i) => securityCounterId(i))];
    return ids.map((id) => this.device.readCounter(id));
  }

  /** Whether the device's non-volatile state now is `known`: the same counters and every byte of the flash. */
  private isState(known: NonVolatileState, counters: readonly number[]): boolean {
    return known.counters.every((c, i) => c === counters[i]) && this.device.flash.sameBytes(known.flash);
  }

  private rot(step: Extract<ScenarioStep, { kind: 'bit-rot' }>): void {
    const slots = this.options.board.partitions.images[step.image];
    const slot = step.slot === 'primary' ? slots.primary : slots.secondary;
    // swap-offset downloads the update one sector into the secondary (its first sector is the spare one).
    const spare = step.slot === 'secondary' && this.scenario.config.strategy === 'swap-offset';
    const start = slot.offset + (spare ? this.device.flash.sectorAt(slot.offset).size : 0);
    const prng = new Prng(`bit-rot|${step.seed}`);
    const unit = this.options.board.flash.writeUnit;
    const bytes = this.device.flash.peek(start, Math.ceil(step.bytes / unit) * unit);
    for (let i = 0; i < step.flips; i++) {
      const at = prng.below(bytes.length);
      bytes[at] ^= 1 << prng.below(8);
    }
    this.device.flash.load(start, bytes);
  }
}

/** A settled state of the recording: the flash as a snapshot (its sectors shared, not copied) and the counters. */
interface NonVolatileState {
  readonly flash: FlashSnapshot;
  readonly counters: readonly number[];
}

/** Thrown through an action when the power was cut during it. */
class CutSignal extends Error {}

function cloneState(state: HarnessState): HarnessState {
  return {
    confirmedCounters: [...state.confirmedCounters],
    downloaded: [...state.downloaded],
    lastSettled: state.lastSettled,
    runs: { ...state.runs },
  };
}

function updateKey(key: TrustedKey, step: Extract<ScenarioStep, { kind: 'trust' }>): TrustedKey {
  return {
    ...key,
    revoked: step.revoked ?? key.revoked,
    notBefore: step.notBefore ?? key.notBefore,
    notAfter: step.notAfter ?? key.notAfter,
  };
}

function describeBoot(name: string, obs: BootObservation, names: readonly (string | undefined)[]): string {
  switch (obs.kind) {
    case 'handoff':
      return `${name}: hand-off to ${obs.images.map((img, i) => `image ${img.image} ${img.slot} '${names[i] ?? 'unknown bytes'}'`).join(', ')} (${obs.flashOps} flash ops)${logTail(obs.log)}`;
    case 'halt':
      return `${name}: halted: ${obs.reason} (${obs.flashOps} flash ops)${logTail(obs.log)}`;
    case 'power-cut':
      return `${name}: power cut at operation ${obs.atOp}`;
    case 'crash':
      return `${name}: bootloader failure: ${obs.error}`;
  }
}

function logTail(log: readonly string[]): string {
  return log.length > 0 ? ` — ${log.slice(-3).join('; ')}` : '';
}

/**
 * The operations of `journal` an action performed (`opStart` ≤ index < `opEnd`). The journal is in operation order,
 * so the first one is found by bisection, not by scanning the whole journal (a binary's update is hundreds of
 * thousands of operations).
 */
export function opsOf(journal: readonly FlashOp[], action: { readonly opStart: number; readonly opEnd: number }): FlashOp[] {
  let low = 0;
  let high = journal.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (journal[middle].index < action.opStart) low = middle + 1;
    else high = middle;
  }
  const ops: FlashOp[] = [];
  for (let i = low; i < journal.length && journal[i].index < action.opEnd; i++) ops.push(journal[i]);
  return ops;
}
