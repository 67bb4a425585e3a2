/**
 * Runs one scenario on a real board, from its factory state every time: a board has no snapshots, so each fault
 * point replays the update from the start and cuts at a moment (time after an action starts) or at an upload offset.
 * The steps, the settling rule and the terminal states follow the emulated executor; where the emulated one counts
 * flash operations ("the boot wrote nothing"), this one compares what mcumgr lists before and after.
 */
import type { ActionResult, BootObservation, Device, PowerCutRequest } from '../device.ts';
import type { Phase } from '../fault-points.ts';
import type { Violation } from '../invariants.ts';
import { HALT, UNSETTLED } from '../judge.ts';
import type { Scenario, ScenarioStep } from '../scenario.ts';
import { type ImageSlotState, SmpProtocolError, SmpTimeoutError } from '../serial/index.ts';
import { LabOracle } from './lab-oracle.ts';

/** What the lab runner needs of a board beyond the Device interface (SerialDevice has both). */
export interface LabDevice extends Device {
  imageList(): Promise<readonly ImageSlotState[]>;
  factoryReset(primary: Uint8Array): Promise<void>;
  /** After a boot cut by time: whether the board had handed off before the power went (a slow switch). */
  readonly lastCutAfterHandoff: boolean;
  /** Where the last action did its flash work, in ms after it started, when the board let that be seen. */
  readonly lastWorkWindowMs?: LabWindow;
  /** After a boot cut by time: at most how long after the boot's first console line the power went. */
  readonly lastCutIntoBootMs?: number;
}

export interface LabWindow {
  readonly fromMs: number;
  readonly toMs: number;
}


/** One action of a run, in order, as the fault points of a sweep name them. */
export interface LabAction {
  readonly index: number;
  readonly kind: 'download' | 'request' | 'boot' | 'confirm';
  readonly phase: Phase;
  /** How long it took in the fault-free run (ms), which spreads the time cuts. */
  readonly durationMs: number;
  /** Bytes uploaded (downloads), which spreads the upload-offset cuts. */
  readonly bytes?: number;
  /**
   * Where the board did the action's flash work, in ms after the action started (a boot: first console line to
   * banner; a request or confirm: the SMP state write), which places its time cuts; undefined when not seen.
   */
  readonly window?: LabWindow;
  /** The settle (reboot step) it belongs to, and what had settled before it. */
  readonly settle: number;
  readonly lastSettled: string;
}

export interface LabOutcome {
  readonly violations: Violation[];
  readonly terminal: string;
  readonly boots: number;
  readonly bootLog: string[];
  readonly actions: readonly LabAction[];
  readonly settleResults: readonly string[];
  /** For a cut: whether the power went off before the action ended. */
  readonly cutLanded?: boolean;
  /** For a cut in a boot: the power went off only after the hand-off. */
  readonly cutAfterHandoff?: boolean;
  /** For a cut in a boot: at most how long after the boot's first console line the power went. */
  readonly cutIntoBootMs?: number;
}

/** A cut to make: before action `action` of the run, arm `cut`. */
export interface LabCut {
  readonly action: number;
  readonly cut: PowerCutRequest;
}

export class LabScenarioRun {
  private readonly oracle: LabOracle;
  private actions: LabAction[] = [];
  private violations: Violation[] = [];
  private bootLog: string[] = [];
  private settleResults: string[] = [];
  private boots = 0;
  private settleIndex = 0;
  private lastSettled: string;
  private pendingCut: LabCut | undefined;
  private cutLanded: boolean | undefined;
  private cutAfterHandoff = false;
  private cutIntoBootMs: number | undefined;
  private lastResult: ActionResult = 'done';

  constructor(
    private readonly scenario: Scenario,
    private readonly device: LabDevice,
  ) {
    this.oracle = new LabOracle(scenario);
    this.lastSettled = scenario.factory.primaries.join('+');
  }

  /** From the factory state, every step; with `cut`, the power goes at that point and the board must recover. */
  async run(cut?: LabCut): Promise<LabOutcome> {
    this.pendingCut = cut;
    await this.device.factoryReset(this.oracle.known(this.scenario.factory.primaries[0]).bytes);
    // The application downloads, so the factory image must be up and running first.
    const first = await this.device.powerOn();
    if (first.kind !== 'handoff') {
      const why = first.kind === 'halt' ? first.reason : first.kind;
      this.violations.push({ invariant: 'no-brick', message: `the board does not boot its factory image: ${why}` });
      return this.outcome(HALT, cut);
    }
    for (const step of this.scenario.steps) {
      if (!(await this.runStep(step))) break;
    }
    let terminal = this.settleResults.at(-1) ?? this.lastSettled;
    if (this.cutLanded) terminal = await this.settle('recovery');
    return this.outcome(terminal, cut);
  }

  private outcome(terminal: string, cut: LabCut | undefined): LabOutcome {
    return {
      violations: this.violations,
      terminal,
      boots: this.boots,
      bootLog: this.bootLog,
      actions: this.actions,
      settleResults: this.settleResults,
      cutLanded: cut ? this.cutLanded === true : undefined,
      cutAfterHandoff: this.cutAfterHandoff,
      cutIntoBootMs: this.cutIntoBootMs,
    };
  }

  /** False when the run stops here (a cut landed, or the board never settled). */
  private async runStep(step: ScenarioStep): Promise<boolean> {
    switch (step.kind) {
      case 'download': {
        const bytes = this.oracle.known(step.name).bytes;
        return this.act('download', 'download', () => this.device.writeImage(step.image, 'secondary', bytes), bytes.length);
      }
      case 'request':
        return this.act('request', 'request', () => this.device.requestUpgrade(step.image, step.mode));
      case 'reboot': {
        const terminal = await this.settle(undefined);
        this.settleResults.push(terminal);
        this.settleIndex++;
        return terminal !== UNSETTLED && !this.cutLanded;
      }
      default:
        throw new Error(`a '${step.kind}' step cannot be applied to a real board (the runner skips such scenarios)`);
    }
  }

  /** Runs one action, arming the planned cut when it is this one; false when the cut landed in it. */
  private async act(kind: LabAction['kind'], phase: Phase, body: () => Promise<ActionResult>, bytes?: number): Promise<boolean> {
    const index = this.actions.length;
    const cut = this.pendingCut?.action === index ? this.pendingCut.cut : undefined;
    if (cut) await this.device.armPowerCut(cut);
    const started = performance.now();
    const result = await body();
    this.actions.push({
      index,
      kind,
      phase,
      durationMs: performance.now() - started,
      bytes,
      window: kind === 'download' ? undefined : this.device.lastWorkWindowMs,
      settle: this.settleIndex,
      lastSettled: this.lastSettled,
    });
    if (cut) {
      this.cutLanded = result === 'power-cut';
      this.cutAfterHandoff = kind === 'boot' && this.cutLanded && this.device.lastCutAfterHandoff;
      if (kind === 'boot' && this.cutLanded) this.cutIntoBootMs = this.device.lastCutIntoBootMs;
    }
    this.lastResult = result;
    return result !== 'power-cut';
  }

  /**
   * Power-cycles until the board settles: the same image runs twice in a row with the same image list, and the
   * application wrote nothing. `label` is 'recovery' after a cut.
   */
  private async settle(label: 'recovery' | undefined): Promise<string> {
    const maxBoots = this.scenario.maxBoots ?? 8;
    const factoryNames = this.scenario.factory.primaries;
    let previous: string | undefined;
    let newImageRan = false;
    for (let n = 0; n < maxBoots; n++) {
      const phase: Phase = label ?? (newImageRan ? 'revert' : 'install');
      await this.device.powerOff();
      let observation: BootObservation = { kind: 'power-cut' };
      const booted = await this.act('boot', phase, async () => {
        observation = await this.device.powerOn();
        return observation.kind === 'power-cut' ? 'power-cut' : 'done';
      });
      this.boots++;
      const bootName = `boot ${this.boots}${label ? ' after the cut' : ''}`;
      if (!booted) {
        this.bootLog.push(`${bootName}: power cut`);
        return UNSETTLED; // the planned cut landed: the caller recovers
      }
      const obs = observation as BootObservation;
      if (obs.kind === 'halt') {
        this.bootLog.push(`${bootName}: halted: ${obs.reason}${tail(obs.log)}`);
        if (previous === HALT) return this.settled(HALT);
        previous = HALT;
        continue;
      }
      if (obs.kind !== 'handoff') continue;
      const list = await this.listOrUndefined(bootName);
      if (list === undefined) {
        previous = undefined;
        continue;
      }
      const verdict = this.oracle.checkHandoff(obs.images, list, bootName);
      this.violations.push(...verdict.violations);
      const terminal = verdict.names.map((name) => name ?? '?').join('+');
      this.bootLog.push(`${bootName}: runs '${terminal}' (${verdict.state})${tail(obs.log)}`);
      if (verdict.names.some((name, i) => name !== factoryNames[i])) newImageRan = true;
      const app = verdict.names[0] === undefined ? 'confirms' : (this.oracle.known(verdict.names[0]).app ?? 'confirms');
      const unconfirmed = list.some((s) => s.image === 0 && s.active && !s.confirmed);
      let wrote = false;
      if (app === 'confirms' && unconfirmed) {
        if (!(await this.act('confirm', label ?? 'confirm', () => this.device.confirm(0)))) return UNSETTLED;
        wrote = this.lastResult === 'done';
      }
      const seen = `${terminal}|${verdict.state}`;
      if (app !== 'crashes' && !wrote && previous === seen) return this.settled(terminal);
      previous = app === 'crashes' || wrote ? undefined : seen;
    }
    this.violations.push({
      invariant: 'no-brick',
      message: `the board did not settle within ${maxBoots} boots (boot loop or endless recovery)`,
    });
    return UNSETTLED;
  }

  /** The image list; undefined (and a violation) when the application that handed off does not answer mcumgr. */
  private async listOrUndefined(bootName: string): Promise<readonly ImageSlotState[] | undefined> {
    try {
      return await this.device.imageList();
    } catch (error) {
      if (!(error instanceof SmpTimeoutError || error instanceof SmpProtocolError)) throw error;
      this.violations.push({ invariant: 'no-brick', message: `${bootName}: the application does not answer mcumgr: ${error.message}` });
      return undefined;
    }
  }

  private settled(terminal: string): string {
    this.lastSettled = terminal;
    return terminal;
  }
}

function tail(log: readonly string[]): string {
  return log.length > 0 ? ` — ${log.slice(-3).join('; ')}` : '';
}
