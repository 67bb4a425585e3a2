/**
 * The contract between a suite and the device it drives. An emulated device (flash model + bootloader model),
 * a real board over serial (SMP upload, console, power switch) and a CPU-level device running a real bootloader
 * binary all implement it, so suites, the runner, the oracle and the reports never know which one they have.
 *
 * Every method is async because a real board answers over a wire. Nothing here assumes flash operations can be
 * counted: a power cut is requested as a `PowerCutRequest`, which a real board serves by time offset or by
 * upload offset and an emulated one by operation index.
 */
import type { Board } from '../boards/types.ts';
import type { ImageConfig, SlotName } from '../emulator/boot/index.ts';
import type { NorFlash } from '../emulator/flash/index.ts';
import type { ContentSpan, CutOutcome, Flash, TornShape } from '../emulator/flash/types.ts';
import type { PendingOp } from './flash-budget.ts';

export type { SlotName } from '../emulator/boot/index.ts';

/** How an upgrade is requested (MCUboot `boot_set_pending`): a trial that must be confirmed, or permanent. */
export type UpgradeMode = 'test' | 'permanent';

/** What one boot ended in, as observed from outside the bootloader. */
export type BootObservation =
  | {
      readonly kind: 'handoff';
      /** Image 0's slot that runs, and every image in place (multi-image), in image order. */
      readonly images: readonly RunningImage[];
      /** Flash operations the bootloader performed during this boot (undefined where they cannot be counted). */
      readonly flashOps?: number;
      readonly log: readonly string[];
    }
  | { readonly kind: 'halt'; readonly reason: string; readonly flashOps?: number; readonly log: readonly string[] }
  /** The armed power cut landed during this boot: the device is off. */
  | { readonly kind: 'power-cut'; readonly atOp?: number }
  /**
   * The bootloader itself failed: it threw, broke a flash rule, ran past its per-boot budget, or swallowed a
   * power cut. `rule` is set for a flash-rule violation (invariant I-9).
   */
  | { readonly kind: 'crash'; readonly error: string; readonly rule?: string };

export interface RunningImage {
  readonly image: number;
  readonly slot: SlotName;
  /** Byte offset of the slot in the flash device. */
  readonly offset: number;
  readonly version: string;
}

/** Where a power cut lands. A device serves the kinds it can and refuses the others (see `capabilities`). */
export type PowerCutRequest =
  /** At flash operation `atOp` (emulated devices count operations from power-on of the scenario). */
  | { readonly kind: 'op'; readonly atOp: number; readonly outcome: CutOutcome; readonly seed: number; readonly tear?: TornShape }
  /** `afterUs` microseconds after the next action starts (a power controller on a real board). */
  | { readonly kind: 'time'; readonly afterUs: number }
  /** After `offset` bytes of the next image upload (real boards: cut the power mid-SMP upload). */
  | { readonly kind: 'upload'; readonly offset: number };

/** How an action that can be cut ended: done, cut by a power loss, or refused by the device (an error reply). */
export type ActionResult = 'done' | 'power-cut' | 'refused';

/**
 * What differs between devices is a capability, not a copy of the pipeline. The runner and the judge are the same
 * for every device; they ask a device's capabilities how to cut, how to see that it settled, and what to inspect.
 *
 * | capability        | ModelDevice / CpuDevice (in process)            | SerialDevice (a real board)                   |
 * | ----------------- | ----------------------------------------------- | --------------------------------------------- |
 * | cutting           | `fork`: restore the snapshot taken before op k, | `replay`: from factory, cut by time after an  |
 * |                   | issue op k under the cut                        | action starts or at an upload offset          |
 * | settling          | `flash-ops`: a boot and the app wrote nothing   | `image-list`: the image list and the banner   |
 * |                   |                                                 | did not change between two boots              |
 * | inspection        | raw flash and counters                          | the image list only                           |
 */
export interface DeviceCapabilities {
  /** Power cuts by flash-operation index (emulated devices). */
  readonly cutsByOperation: boolean;
  /** Cheap `snapshot()`/`restore()` of the whole non-volatile state, so a sweep forks instead of replaying. */
  readonly snapshots: boolean;
  /** The oracle may read raw flash and counters (`inspect()`); without it, only hand-off reports are checked. */
  readonly inspection: boolean;
}

/** A read-only view of the device's non-volatile state for the oracle. Reads never fault and never count. */
export interface NonVolatileView {
  read(offset: number, length: number): Uint8Array;
  counter(id: number): number;
  /** Whether the bytes at `offset` are `bytes`, compared in place (optional: without it they are read, then compared). */
  matches?(offset: number, bytes: Uint8Array): boolean;
  /** Handles that stay the same while the bytes of a range do not change (optional; see `Flash.contentKey`). */
  contentKey?(offset: number, length: number): readonly object[];
  /** `contentKey` with where each handle's bytes lie (optional; see `Flash.contentSpans`). */
  contentSpans?(offset: number, length: number): readonly ContentSpan[];
}

export interface Device {
  /** A name for reports (`emulated nrf52840dk / reference`, `serial /dev/ttyACM0`). */
  readonly description: string;
  readonly capabilities: DeviceCapabilities;
  /** Applies power: the bootloader runs until it hands off or halts (one boot). */
  powerOn(): Promise<BootObservation>;
  /** Removes power (volatile state such as an RTC without backup is lost). */
  powerOff(): Promise<void>;
  /** The application's download path: writes `bytes` into `slot` of `image`, chunk by chunk. */
  writeImage(image: number, slot: SlotName, bytes: Uint8Array): Promise<ActionResult>;
  /** The application requests an upgrade of `image` from its secondary slot. */
  requestUpgrade(image: number, mode: UpgradeMode): Promise<ActionResult>;
  /** The running application marks `image` good (MCUboot `boot_set_confirmed`). */
  confirm(image: number): Promise<ActionResult>;
  /** What runs now (after the last hand-off), or undefined when nothing does. */
  running(): Promise<readonly RunningImage[] | undefined>;
  /** Arms one power cut for what the device does next. */
  armPowerCut(cut: PowerCutRequest): Promise<void>;
  /** The non-volatile state, where the device allows reading it (`capabilities.inspection`). */
  inspect(): Promise<NonVolatileView>;
}

/**
 * The synchronous face of a device that runs in this process (the flash model with a TypeScript bootloader; the SoC
 * and CPU running a bootloader binary). The sweep's hot path drives it without awaiting anything: a case forks from a
 * snapshot, issues one operation under a cut, and boots until the device settles, thousands of times a second.
 *
 * Contract, for every in-process device:
 * - `boot()` is one power-on: a fresh bootloader (a new model instance; cleared RAM and reset peripherals on a CPU)
 *   boots from the non-volatile state alone. A cut armed with `armCut` that lands during the boot ends it with
 *   `{ kind: 'power-cut' }`; a bootloader that throws, breaks a flash rule, runs past its per-boot budget, returns
 *   something that is not a boot outcome, or keeps running after the power went is `{ kind: 'crash' }`.
 * - `flash` is the flash model every program and erase goes through (the bootloader's and the application's), so
 *   the runner can count operations (`opCount`, `journal`), snapshot them and cut at any of them. `beforeOp`, when
 *   set, sees each operation before it is issued (the recorder keeps a snapshot there).
 * - `appAction(body)` runs one application action (download, request upgrade, confirm: `body` writes through
 *   `appContext()`) and says whether it was done, cut, or refused by the flash state.
 * - `snapshot()`/`restore()` cover the whole non-volatile state (flash, counters, trust store, clock).
 * - `factoryLoad()` puts bytes on flash before the story starts (not an operation, not journaled).
 */
export interface InProcessDevice {
  readonly description: string;
  readonly capabilities: DeviceCapabilities;
  readonly flash: NorFlash;
  beforeOp: ((op: PendingOp) => void) | undefined;
  boot(): BootObservation;
  appAction(body: () => void): ActionResult;
  appContext(): { readonly flash: Flash; readonly board: Board; readonly config: ImageConfig };
  /** Issues `op` (recorded before a snapshot) under the armed cut; false when the cut did not land on it. */
  cutDuring(op: PendingOp): boolean;
  armCut(cut: PowerCutRequest): void;
  factoryLoad(offset: number, bytes: Uint8Array): void;
  view(): NonVolatileView;
}
