/**
 * The differential check: the reference model and a bootloader binary are two implementations of one specification
 * (MCUboot's on-flash formats and boot flow), so from the same state both must end every boot in the same state.
 *
 * Each case of the binary's run (its scenarios, its cut points, the board and strategy it was built for) runs on the
 * binary up to its cut; the model then takes over the very state the cut left (the whole flash, torn units and
 * all, and the counters), and both recover from it. After every boot the two are compared: the outcome (the images
 * handed off to, or a halt), every byte of the trailer and status areas of both slots and of the scratch, and the
 * security counters. A fault-free case runs the whole story on each from the factory. A double cut compares the
 * recovery of its first cut, then what follows the second (cut on the cutting side, inside its own recovery).
 * With `cuts: 'model'` the roles turn: the cases are the model's cut points and the binary takes over.
 *
 * Not compared, by design: why a boot halted (each words it its own way), the bytes outside the trailer areas (the
 * oracle checks every image is whole), and the flash operations themselves (a binary programs one write unit per
 * operation, the model whole runs).
 */
import type { Board, FlashRegion } from '../boards/types.ts';
import { type Bootloader, type ImageConfig, ReferenceBootloader, securityCounterId } from '../emulator/boot/index.ts';
import { UsageError } from '../emulator/common/errors.ts';
import { bootWriteSize, type MaxAlign, STATUS_STATES, scratchTrailerSize, type TrailerStrategy, trailerLayout } from '../images/index.ts';
import type { BootloaderSource } from './bootloader-source.ts';
import { buildRunContext } from './context.ts';
import { isBootloaderBinary } from './cpu-device/spec.ts';
import type { BootObservation } from './device.ts';
import { type CaseState, ScenarioExecutor, type WatchedBoot } from './executor.ts';
import { quote, type RunOptions } from './run-options.ts';
import type { Scenario } from './scenario.ts';
import { type PlannedCase, Session } from './session.ts';
import { trailerAreas } from './trailer-regions.ts';

/** The state after one boot, as both implementations must agree on it. */
export interface BootState {
  /** `hand-off to image 0 primary 'new'`, `halt`, `bootloader failure`. */
  readonly outcome: string;
  /** Each trailer and status area's bytes, in `trailerAreas` order. */
  readonly areas: readonly Uint8Array[];
  /** Each image's security counter. */
  readonly counters: readonly number[];
  /** What the device said (a halt's reason, a failure's error), for the report only. */
  readonly detail: string;
}

export interface DifferentialCase {
  readonly suite: string;
  readonly id: string;
  readonly title: string;
  readonly status: 'same' | 'differs' | 'skip';
  /** One line per difference: the part of the case, the boot, and what differed. */
  readonly differences: readonly string[];
  /** Boots compared (both sides). */
  readonly boots: number;
  /** A skip's reason. */
  readonly note?: string;
  /** The command that repeats this case's comparison alone. */
  readonly replay: string;
  readonly durationMs: number;
}

export interface DifferentialOptions extends RunOptions {
  readonly bootloader: string;
  /**
   * Whose cut points the cases are: the binary's (default: its write-unit operations, the states a device running
   * it can be left in), or the model's (its whole-run programs: states the model's write order makes, which the
   * binary must then recover from as the model does).
   */
  readonly cuts?: Side;
}

/** One of the two implementations compared. */
export type Side = 'binary' | 'model';

/** Runs every selected case of `options`' run on the binary and on the model; `onCase` sees each as it ends. */
export async function runDifferential(
  options: DifferentialOptions,
  onCase: (result: DifferentialCase) => void = () => {},
): Promise<DifferentialCase[]> {
  if (!isBootloaderBinary(options.bootloader)) {
    throw new UsageError(`--bootloader ${options.bootloader}: the differential check compares a bootloader binary (ELF, HEX or bin@address) with the model`);
  }
  const binaryCtx = await buildRunContext(options);
  const model = modelBeside(binaryCtx.bootloader.create(), binaryCtx.board.flash.erasedValue);
  const cutter = options.cuts ?? 'binary';
  // The same scenarios, skips and points; the model's fault-free runs and cut points instead of the binary's.
  const ctx = cutter === 'binary' ? binaryCtx : { ...binaryCtx, bootloader: model };
  const other = cutter === 'binary' ? model : binaryCtx.bootloader;
  // The cutting side's fault-free run is the one the session records to plan its cases: its boots are kept as it goes.
  let fresh: { readonly key: string; readonly executor: ScenarioExecutor; readonly boots: BootState[] } | undefined;
  const session = new Session(ctx, (executor, s, n) => {
    const boots: BootState[] = [];
    fresh = { key: `${s}/${n}`, executor, boots };
    executor.bootWatcher = (boot) => boots.push(check.stateOf(boot, executor));
  });
  const check = new Check(session, options, ctx.board, cutter, other);
  const wanted = options.only && options.only.length > 0 ? new Set(options.only) : undefined;
  // `--shard i/n` keeps every n-th case of the run's order, as `run` does, so shards split a whole run between them.
  let index = 0;
  const inShard = () => {
    const at = index++;
    return options.shard === undefined || at % options.shard.count === options.shard.index - 1;
  };
  const selected = (cases: readonly PlannedCase[]) => cases.filter((c) => inShard() && (wanted === undefined || wanted.has(c.id)));
  const results: DifferentialCase[] = [];
  for (const unit of session.units()) {
    if (unit.kind === 'cases') {
      for (const planned of selected(unit.cases)) {
        results.push(check.skipped(planned));
        onCase(results.at(-1)!);
      }
      continue;
    }
    const scenario = session.scenario(unit.suite, unit.scenario);
    if (options.only && !options.only.some((id) => id.startsWith(`${scenario.id}/`))) continue;
    const cases = selected(session.planScenario(unit.suite, unit.scenario));
    if (cases.length === 0) {
      session.release(unit.suite, unit.scenario);
      continue;
    }
    const key = `${unit.suite}/${unit.scenario}`;
    // A scenario without cuts is recorded when its fault-free case runs, not when it is planned.
    if (fresh?.key !== key) session.cutRecording(unit.suite, unit.scenario);
    const recorded = fresh!;
    recorded.executor.bootWatcher = undefined;
    const cutterClean = [...recorded.boots];
    for (const planned of cases) {
      results.push(check.run(planned, scenario, cutterClean));
      onCase(results.at(-1)!);
    }
    session.release(unit.suite, unit.scenario);
    check.release();
  }
  const unknown = (options.only ?? []).filter((id) => !results.some((r) => r.id === id));
  if (unknown.length > 0) throw new UsageError(`--only ${unknown.join(', ')}: no case has this id (ids look like upgrade/install/op42/torn)`);
  return results;
}

/**
 * The reference model on a flash the binary's factory programmed: its boot partition holds the binary, and the
 * flash where the binary keeps its counters is left erased, so either side can boot a state the other one left.
 */
function modelBeside(binary: Bootloader, erasedValue: number): BootloaderSource {
  const counters = binary.hardwareCounters?.region;
  const parts = [
    ...(binary.factoryContents?.() ?? []),
    ...(counters ? [{ offset: counters.offset, bytes: new Uint8Array(counters.size).fill(erasedValue) }] : []),
  ];
  const name = new ReferenceBootloader().name;
  return { name, create: () => Object.assign(new ReferenceBootloader(), { factoryContents: () => parts }) };
}

/**
 * The comparison of one scenario's cases: the cutting side's recording (from the session) and an executor of the
 * other side, which takes over each state the cut left.
 */
class Check {
  private other: { readonly scenario: Scenario; readonly executor: ScenarioExecutor } | undefined;
  private readonly areas: (config: ImageConfig) => readonly NamedArea[];

  constructor(
    private readonly session: Session,
    private readonly options: DifferentialOptions,
    private readonly board: Board,
    private readonly cutter: Side,
    private readonly otherSource: BootloaderSource,
  ) {
    this.areas = (config) => namedAreas(board, config);
  }

  release(): void {
    this.other = undefined;
  }

  skipped(planned: PlannedCase): DifferentialCase {
    const base = this.session.caseBase(planned);
    const note = planned.spec.kind === 'skip' || planned.spec.kind === 'hung' ? planned.spec.note : undefined;
    return { suite: base.suite, id: base.id, title: base.title, status: 'skip', differences: [], boots: 0, note, replay: this.replay(planned), durationMs: 0 };
  }

  run(planned: PlannedCase, scenario: Scenario, cutterClean: readonly BootState[]): DifferentialCase {
    const { spec } = planned;
    if (spec.kind === 'skip' || spec.kind === 'hung') return this.skipped(planned);
    const started = performance.now();
    const base = this.session.caseBase(planned);
    const taker = this.otherOf(scenario);
    const areas = this.areas(scenario.config);
    const differences: string[] = [];
    let boots = 0;
    const compare = (part: string, cutter: readonly BootState[], other: readonly BootState[]) => {
      boots += Math.max(cutter.length, other.length);
      const [binary, model] = this.cutter === 'binary' ? [cutter, other] : [other, cutter];
      differences.push(...compareBoots(binary, model, areas).map((d) => `${part}: ${d}`));
    };
    if (spec.kind === 'clean') {
      compare('fault-free', cutterClean, this.watching(taker, () => taker.record()));
    } else {
      const { executor: cutting, actions } = this.session.cutRecording(planned.suite, planned.scenario);
      const action = actions[spec.action];
      cutting.cut(action, spec.atOp, spec.outcome, base.seed, spec.tear);
      const afterCut = cutting.caseState();
      let single: ReturnType<ScenarioExecutor['recover']> | undefined;
      const fromCutter = this.watching(cutting, () => {
        single = cutting.recover();
      });
      compare('after the cut', fromCutter, this.takeOver(taker, afterCut, base.seed));
      const second = spec.kind === 'double' && single ? this.session.secondCut(spec, scenario, single) : undefined;
      if (spec.kind === 'double' && second) {
        let atSecond: CaseState | undefined;
        const afterSecond: BootState[] = [];
        cutting.cutWatcher = () => {
          atSecond = cutting.caseState();
          afterSecond.length = 0;
        };
        cutting.bootWatcher = (boot) => afterSecond.push(this.stateOf(boot, cutting));
        try {
          cutting.runDoubleCut(action, { atOp: spec.atOp, outcome: spec.outcome, tear: spec.tear }, second, base.seed);
        } finally {
          cutting.cutWatcher = undefined;
          cutting.bootWatcher = undefined;
        }
        if (atSecond === undefined) differences.push(`second cut: it never landed at op ${second.atOp} of the ${this.cutter}'s recovery`);
        else compare(`after the second cut (op ${second.atOp})`, afterSecond, this.takeOver(taker, atSecond, base.seed));
      }
    }
    return {
      suite: base.suite,
      id: base.id,
      title: base.title,
      status: differences.length > 0 ? 'differs' : 'same',
      differences,
      boots,
      replay: this.replay(planned),
      durationMs: performance.now() - started,
    };
  }

  /** The other side boots the state the cutting side left until it settles; its boots' states. */
  private takeOver(taker: ScenarioExecutor, state: CaseState, seed: number): BootState[] {
    taker.adopt(state, seed);
    return this.watching(taker, () => taker.recover());
  }

  /** Runs `body` with every boot of `executor` recorded as a BootState. */
  private watching(executor: ScenarioExecutor, body: () => void): BootState[] {
    const states: BootState[] = [];
    executor.bootWatcher = (boot) => states.push(this.stateOf(boot, executor));
    try {
      body();
    } finally {
      executor.bootWatcher = undefined;
    }
    return states;
  }

  stateOf(boot: WatchedBoot, executor: ScenarioExecutor): BootState {
    const view = executor.device.view();
    const config = executor.device.config;
    const areas = this.areas(config).map((area) => view.read(area.region.offset, area.region.size).slice());
    const counters = this.board.partitions.images.slice(0, config.imageCount).map((_, image) => executor.device.readCounter(securityCounterId(image)));
    return { ...describeOutcome(boot), areas, counters };
  }

  private otherOf(scenario: Scenario): ScenarioExecutor {
    if (this.other?.scenario !== scenario) {
      const executor = new ScenarioExecutor(scenario, {
        board: this.board,
        bootloader: this.otherSource,
        seed: this.options.seed,
        clockChecks: false,
      });
      this.other = { scenario, executor };
    }
    return this.other.executor;
  }

  private replay(planned: PlannedCase): string {
    return differentialReplay(this.options, this.session.ctx.suites[planned.suite].arg, planned.id);
  }
}

/** `npx tsx scripts/differential.ts …` repeating one case's comparison. */
export function differentialReplay(options: DifferentialOptions, suite: string, id: string): string {
  const parts = ['npx tsx scripts/differential.ts', '--board', options.board, '--bootloader', options.bootloader];
  if (options.bootloaderConfig !== undefined) parts.push('--bootloader-config', options.bootloaderConfig);
  if (options.signingKey !== undefined) parts.push('--signing-key', options.signingKey);
  if (options.points !== undefined) parts.push('--points', options.points);
  if (options.cuts === 'model') parts.push('--cuts', 'model');
  parts.push('--suite', suite, '--only', quote(id), '--seed', String(options.seed));
  return parts.join(' ');
}

function describeOutcome(boot: WatchedBoot): Pick<BootState, 'outcome' | 'detail'> {
  const obs: BootObservation = boot.observation;
  switch (obs.kind) {
    case 'handoff':
      return {
        outcome: `hand-off to ${obs.images.map((img, i) => `image ${img.image} ${img.slot} '${boot.names[i] ?? 'unknown bytes'}'`).join(', ')}`,
        detail: '',
      };
    case 'halt':
      return { outcome: 'halt', detail: obs.reason };
    case 'crash':
      return { outcome: 'bootloader failure', detail: obs.error };
    case 'power-cut':
      return { outcome: 'power cut', detail: '' };
  }
}

/** A trailer or status area with the name of the partition it ends. */
export interface NamedArea {
  readonly name: string;
  readonly region: FlashRegion;
  /** The trailer field, status record or copied data at an offset from the area's start. */
  readonly field: (offsetInArea: number) => string;
}

export function namedAreas(board: Board, config: ImageConfig): NamedArea[] {
  const regions = trailerAreas(board, config);
  const states = STATUS_STATES[config.strategy as TrailerStrategy] ?? 3;
  const writeSize = bootWriteSize(board.flash.writeUnit);
  const maxAlign = config.maxAlign as MaxAlign;
  const names = board.partitions.images.flatMap((_, i) => {
    const suffix = board.partitions.images.length > 1 ? ` of image ${i}` : '';
    return [`primary trailer${suffix}`, `secondary trailer${suffix}`];
  });
  if (board.partitions.scratch) names.push('scratch trailer');
  return regions.map((region, i) => {
    const scratch = i === names.length - 1 && board.partitions.scratch !== undefined;
    const statusStart = scratch ? region.size - scratchTrailerSize({ states, writeSize, maxAlign }) : 0;
    return { name: names[i], region, field: fieldNamer(region.size, statusStart, maxAlign, writeSize, config.strategy === 'swap-offset') };
  });
}

/** Names the trailer field at an offset of an area of `size` bytes (FORMATS §2.2): magic, flags, swap info, status. */
function fieldNamer(size: number, statusStart: number, maxAlign: MaxAlign, writeSize: number, swapOffset: boolean) {
  const layout = trailerLayout({ slotSize: size, maxAlign, swapOffset });
  const fields: [string, number, number][] = [
    ['magic', layout.magicWrite.offset, layout.magicWrite.length],
    ['image_ok', layout.imageOk, maxAlign],
    ['copy_done', layout.copyDone, maxAlign],
    ['swap_info', layout.swapInfo, maxAlign],
    ['swap_size', layout.swapSize, maxAlign],
  ];
  if (layout.unprotectedTlvSizes !== undefined) fields.push(['unprotected TLV sizes', layout.unprotectedTlvSizes, maxAlign]);
  return (offset: number): string => {
    const field = fields.find(([, start, length]) => offset >= start && offset < start + length);
    if (field) return field[0];
    if (offset >= statusStart && offset < layout.infoStart) return `status record ${Math.floor((offset - statusStart) / writeSize)}`;
    return 'sector data';
  };
}

/** Each difference between the two sequences of boot states, one line each (the first differing field per area). */
export function compareBoots(binary: readonly BootState[], model: readonly BootState[], areas: readonly NamedArea[]): string[] {
  const lines: string[] = [];
  const count = Math.max(binary.length, model.length);
  for (let i = 0; i < count; i++) {
    const b = binary[i];
    const m = model[i];
    const boot = `boot ${i + 1}`;
    if (b === undefined || m === undefined) {
      const [side, other] = b === undefined ? ['binary', m!] : ['model', b];
      lines.push(`${boot}: the ${side} had settled; the other booted again (${describe(other)})`);
      break;
    }
    if (b.outcome !== m.outcome) lines.push(`${boot}: binary ${describe(b)}, model ${describe(m)}`);
    areas.forEach((area, k) => {
      const diff = firstDifference(b.areas[k], m.areas[k]);
      if (diff < 0) return;
      const at = area.region.offset + diff;
      const field = area.field(diff);
      const width = Math.min(16, b.areas[k].length - diff);
      lines.push(
        `${boot}: ${area.name} ${field} at 0x${at.toString(16)}: binary ${hex(b.areas[k], diff, width)}, model ${hex(m.areas[k], diff, width)}` +
          `${countDifferences(b.areas[k], m.areas[k], area)}`,
      );
    });
    b.counters.forEach((value, image) => {
      if (value !== m.counters[image]) lines.push(`${boot}: security counter of image ${image}: binary ${value}, model ${m.counters[image]}`);
    });
  }
  return lines;
}

function describe(state: BootState): string {
  return state.detail === '' ? state.outcome : `${state.outcome} (${state.detail})`;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** ` (and 3 more fields: swap_info, status record 4, …)` when the areas differ in more than the first field. */
function countDifferences(a: Uint8Array, b: Uint8Array, area: NamedArea): string {
  const fields: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const name = area.field(i);
    if (!fields.includes(name)) fields.push(name);
  }
  const more = fields.slice(1);
  if (more.length === 0) return '';
  const listed = more.slice(0, 4).join(', ');
  return ` (and ${more.length} more field${more.length > 1 ? 's' : ''}: ${listed}${more.length > 4 ? ', …' : ''})`;
}

function hex(bytes: Uint8Array, from: number, length: number): string {
  return Buffer.from(bytes.subarray(from, from + length)).toString('hex');
}
