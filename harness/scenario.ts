/**
 * A scenario: one update story told as data — the factory state, the images involved, the steps the application
 * and the user take, what the device must end up running, and which faults to inject. Suites produce scenarios;
 * the runner records each one fault-free once, then forks from that recording for every fault point.
 */
import type { ImageConfig, TrustPolicy } from '../emulator/boot/index.ts';
import type { CutOutcome } from '../emulator/flash/types.ts';
import type { SlotName, UpgradeMode } from './device.ts';
import type { ClockSpec } from './emulated-device.ts';
import type { Phase, PointSelection } from './fault-points.ts';

/** What the application in an image does once it runs. */
export type AppBehaviour =
  /** confirms itself at its first run (MCUboot `boot_set_confirmed`) */
  | 'confirms'
  /** runs but never confirms; the harness power-cycles it */
  | 'never-confirms'
  /** confirms itself at its second run only (after N = 2 boots: a slow self-test) */
  | 'confirms-on-second-run'
  /** crashes before confirming, at every run (a boot loop if nothing reverts it) */
  | 'crashes'
  /** hangs before confirming, at every run, until the watchdog resets the device */
  | 'hangs';

/** One image the scenario puts into the device. The oracle accepts only these, byte for byte. */
export interface KnownImage {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Valid under the trust policy at install time: the only images allowed to run (safety). */
  readonly trusted: boolean;
  /** The image's protected security counter (0 when it has none). */
  readonly securityCounter: number;
  /** Default `confirms`. */
  readonly app?: AppBehaviour;
}

export type ScenarioStep =
  /** The application downloads image `name` into the secondary slot of `image`. */
  | { readonly kind: 'download'; readonly image: number; readonly name: string }
  /** The application requests the upgrade of `image`. */
  | { readonly kind: 'request'; readonly image: number; readonly mode: UpgradeMode }
  /**
   * Power cycle, then boot until settled (the application in each image acting as its `app` says). `until: 'trial'`
   * stops at the first hand-off to an image other than the factory one: the new image on trial, at rest.
   */
  | { readonly kind: 'reboot'; readonly until?: 'trial' }
  /** Power cycle and boot once, without waiting to settle: a test image runs while its revert is still pending. */
  | { readonly kind: 'boot' }
  /** What must run at this point of the fault-free run (between two updates): one image name per image index. */
  | { readonly kind: 'expect'; readonly running: readonly string[] }
  /** The RTC is set, jumps, or loses its battery; `source` switches the clock (trusted time appears or goes). */
  | { readonly kind: 'clock'; readonly set: number; readonly source?: 'rtc' | 'trusted' }
  /** The trust store changes between boots: a key is revoked or gets a validity window. */
  | {
      readonly kind: 'trust';
      readonly key: string;
      readonly revoked?: boolean;
      readonly notBefore?: number;
      readonly notAfter?: number;
    }
  /** Bits flip at rest in a slot (retention loss): `flips` bits inside the first `bytes` of the slot. */
  | {
      readonly kind: 'bit-rot';
      readonly image: number;
      readonly slot: SlotName;
      readonly flips: number;
      readonly bytes: number;
      readonly seed: number;
    };

export interface PowerCutFaults {
  readonly points: PointSelection;
  readonly outcomes: readonly CutOutcome[];
  /** Only cut in these phases (default: all). */
  readonly phases?: readonly Phase[];
  /** Also run this many sampled second cuts inside the recovery of each first cut (invariant I-8). */
  readonly secondCuts?: number;
  /** Run the first cuts too (default true); false for a suite that only reports the double cuts. */
  readonly singleCuts?: boolean;
  /** What changes while the power is off after the cut, before recovery (a clock jump, a revocation). */
  readonly whileOff?: readonly ScenarioStep[];
}

export interface Scenario {
  /** Unique within the suite; part of every fault point's id. */
  readonly id: string;
  readonly title: string;
  readonly config: ImageConfig;
  readonly trust: TrustPolicy;
  readonly clock: ClockSpec;
  readonly images: readonly KnownImage[];
  /** Factory programming: the image name in each image's primary (confirmed), and optionally its secondary. */
  readonly factory: {
    readonly primaries: readonly string[];
    readonly secondaries?: readonly (string | undefined)[];
    /** Hardware counters already advanced at the factory (id → value). */
    readonly counters?: ReadonlyMap<number, number>;
  };
  readonly steps: readonly ScenarioStep[];
  /** What runs at the end of the fault-free run: an image name per image index, or a halt. */
  readonly expect: readonly string[] | 'halt';
  /** Power cuts to sweep; none = only the fault-free run is a case. */
  readonly cuts?: PowerCutFaults;
  /**
   * The scenario shows a known-bad configuration: the run passes when the oracle finds exactly this failure,
   * and reports it as a demonstration (the time-bomb policy bricks the device).
   */
  readonly demonstrates?: { readonly invariant: 'no-brick'; readonly what: string };
  /** Other end states that are as correct as `expect` (e.g. a still-valid corrupted image may or may not install). */
  readonly alsoAcceptable?: readonly (readonly string[] | 'halt')[];
  /** Boots allowed after a fault before the device must have settled (default 8). */
  readonly maxBoots?: number;
  /** Why this scenario cannot run here (reported as a skipped case). */
  readonly skip?: string;
}
