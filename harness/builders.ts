/**
 * Building blocks for suites: the standard update story (download, request, reboot until settled) with the
 * usual expectation, which most suites vary in one respect (the images, the app, the policy, the faults).
 */
import type { ImageConfig, TrustPolicy } from '../emulator/boot/index.ts';
import type { UpgradeMode } from './device.ts';
import type { ClockSpec } from './emulated-device.ts';
import type { AppBehaviour, KnownImage, PowerCutFaults, Scenario, ScenarioStep } from './scenario.ts';
import type { SuiteContext } from './suite.ts';

export interface UpdateScenarioOptions {
  readonly id: string;
  readonly title: string;
  /** Default `test`. */
  readonly mode?: UpgradeMode;
  /** What the new image's application does (default `confirms`). */
  readonly app?: AppBehaviour;
  /** Default: the context's update pair. */
  readonly from?: Uint8Array;
  readonly to?: Uint8Array;
  readonly trust?: TrustPolicy;
  readonly clock?: ClockSpec;
  readonly config?: Partial<ImageConfig>;
  /** Steps between the upgrade request and the reboot (a revocation, a clock jump, bit rot). */
  readonly beforeReboot?: readonly ScenarioStep[];
  /** Steps after the first settle (a second update, a clock jump and another reboot). */
  readonly after?: readonly ScenarioStep[];
  /** Extra images the `after` steps use. */
  readonly extraImages?: readonly KnownImage[];
  /** Overrides the derived expectation: the name of the image that runs at the end (`old`, `new` …), or `halt`. */
  readonly expect?: string;
  readonly cuts?: PowerCutFaults;
  readonly factoryCounters?: ReadonlyMap<number, number>;
  readonly demonstrates?: Scenario['demonstrates'];
  readonly alsoAcceptable?: Scenario['alsoAcceptable'];
  /** Overrides whether the new image counts as valid under the policy (e.g. signed by a key expired at install). */
  readonly newTrusted?: boolean;
}

export const OLD = 'old';
export const NEW = 'new';

/** A single-image update from the old image to the new one. */
export function updateScenario(ctx: SuiteContext, options: UpdateScenarioOptions): Scenario {
  const { fixtures } = ctx;
  const trust = options.trust ?? fixtures.trust();
  const config = { ...ctx.config, ...options.config };
  const old = fixtures.known(OLD, options.from ?? fixtures.pair.from, trust);
  const fresh = fixtures.known(NEW, options.to ?? fixtures.pair.to, trust, options.app);
  const next = options.newTrusted === undefined ? fresh : { ...fresh, trusted: options.newTrusted };
  const mode = options.mode ?? 'test';
  // Overwrite-only has no trial: whatever the app does, a valid update stays (FORMATS §3.8).
  const noTrial = config.strategy === 'overwrite-only';
  const installs = next.trusted && (noTrial || mode === 'permanent' || (options.app ?? 'confirms') === 'confirms');
  const expect = options.expect ?? (installs ? NEW : OLD);
  return {
    id: options.id,
    title: options.title,
    config,
    trust,
    clock: options.clock ?? { kind: 'rtc', seconds: 1_700_000_000 },
    images: [old, next, ...(options.extraImages ?? [])],
    factory: { primaries: [OLD], counters: options.factoryCounters },
    steps: [
      { kind: 'download', image: 0, name: NEW },
      { kind: 'request', image: 0, mode },
      ...(options.beforeReboot ?? []),
      { kind: 'reboot' },
      ...(options.after ?? []),
    ],
    expect: expect === 'halt' ? 'halt' : [expect],
    cuts: options.cuts,
    demonstrates: options.demonstrates,
    alsoAcceptable: options.alsoAcceptable,
  };
}
