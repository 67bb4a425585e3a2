/**
 * The public contract of a bootloader model. Anything that implements `Bootloader` can be plugged into the
 * harness: the reference model (emulator/boot/reference), a deliberately broken mutant, a user's own model.
 *
 * `boot` is SYNCHRONOUS: one call is one boot from the device's non-volatile state (flash and its monotonic
 * counters). Every flash access goes through `ctx.flash`, so a power cut (thrown as `PowerCut` by the flash)
 * can land on any operation; the caller catches it, and the next `boot` call resumes from what is on flash.
 * A bootloader never throws anything else: bad flash contents give a hand-off to a valid image or a halt.
 */
import type { KeyObject } from 'node:crypto';
import type { Board, UpdateStrategy } from '../../boards/types.ts';
import type { NorFlash } from '../flash/nor-flash.ts';
import type { Flash } from '../flash/types.ts';

export type { UpdateStrategy } from '../../boards/types.ts';

/** MCUboot downgrade prevention (FORMATS §3.15): off, by image version, or by the images' security counters. */
export type DowngradePrevention = 'none' | 'version' | 'security-counter';

/** The bootloader's build configuration for the images it manages (MCUboot's Kconfig, as data). */
export interface ImageConfig {
  readonly strategy: UpdateStrategy;
  /** Image header size the builds use (imgtool -H); used by the application side and for sanity checks. */
  readonly headerSize: number;
  /** BOOT_MAX_ALIGN: 8, 16 or 32. Fixes the trailer layout and the magic (FORMATS §2.1, §2.2). */
  readonly maxAlign: 8 | 16 | 32;
  /** BOOT_MAX_IMG_SECTORS: sizes the status area (FORMATS §2.4). */
  readonly maxImageSectors: number;
  /** Number of updatable images (1 or 2); image i uses `board.partitions.images[i]`. */
  readonly imageCount: number;
  /** MCUBOOT_VALIDATE_PRIMARY_SLOT: validate the primary at every boot (else only its header magic). */
  readonly validatePrimaryAtBoot: boolean;
  readonly downgradePrevention: DowngradePrevention;
  /**
   * MCUBOOT_HW_ROLLBACK_PROT: images must carry SEC_CNT ≥ the hardware counter `securityCounterId(image)`,
   * and the counter is raised once the new image is confirmed (never on a test boot). Implies validating the
   * primary at every boot, since the counter is read from its protected TLVs.
   */
  readonly hardwareRollback: boolean;
}

/** A public key the device trusts, with an optional validity window (seconds since the epoch) and revocation. */
export interface TrustedKey {
  /** A name for reports (`root-ec-p256`). */
  readonly name: string;
  readonly key: KeyObject;
  readonly notBefore?: number;
  readonly notAfter?: number;
  readonly revoked?: boolean;
}

/**
 * When key validity windows and revocation are enforced (FAULTS §3.2).
 * - `install` (the safe default): only when accepting an update into the primary, against the estimated time
 *   `max(time floor, trusted time)`. An installed image keeps booting whatever the clock says.
 * - `every-boot` (the naive policy, the time-bomb of F-25/F-40/F-41/F-43): at every boot, for the image about to
 *   run too, against the raw device clock (a device with no clock reads the epoch).
 */
export type ValidityEnforcement = 'install' | 'every-boot';

export interface TrustPolicy {
  /** The keys the bootloader embeds. None at all is a build without signatures: a matching hash TLV suffices. */
  readonly keys: readonly TrustedKey[];
  readonly enforce: ValidityEnforcement;
}

/**
 * The device's notion of time, in seconds since the epoch. Volatile: the harness calls `powerLoss()` when it
 * cuts power. `kind` says how far it may be trusted:
 * - `none`: no clock at all (`now()` is undefined);
 * - `rtc`: a settable real-time clock that anyone (an attacker, a flat battery) can move;
 * - `trusted`: authenticated time (a secure element, an authenticated time source).
 */
export interface DeviceClock {
  readonly kind: 'none' | 'rtc' | 'trusted';
  now(): number | undefined;
  /** Power went away: an RTC without backup goes back to the epoch; other clocks are unaffected. */
  powerLoss(): void;
}

/** Everything a boot needs. The flash (with its counters) is the whole non-volatile state of the device. */
export interface BootContext {
  readonly flash: Flash;
  /**
   * The flash model itself, behind `flash` (which may count or record operations). Only a bootloader that runs on
   * the SoC emulator needs it, to map the flash into the machine; it still issues every operation through `flash`.
   */
  readonly storage?: NorFlash;
  readonly board: Board;
  readonly config: ImageConfig;
  readonly trust: TrustPolicy;
  readonly clock: DeviceClock;
}

export type SlotName = 'primary' | 'secondary';

export interface ImageVersion {
  readonly major: number;
  readonly minor: number;
  readonly revision: number;
  readonly build: number;
}

/** One image as it was handed off (image 0 runs; the others were validated and are in place). */
export interface BootedImage {
  readonly image: number;
  readonly slot: SlotName;
  /** Byte offset of the slot from the start of the flash device. */
  readonly offset: number;
  /** Bus address of the slot (board flash base + offset); the vector table is at `address + headerSize`. */
  readonly address: number;
  readonly headerSize: number;
  readonly version: ImageVersion;
  /** Hex digest from the image's hash TLV (empty when the primary was not validated at this boot). */
  readonly digest: string;
  /** Index in `trust.keys` of the key whose signature verified (-1 when not validated at this boot). */
  readonly keyIndex: number;
}

export type BootOutcome =
  | {
      readonly kind: 'handoff';
      /** The image that runs (always 0: MCUboot boots image 0's chosen slot). */
      readonly image: number;
      readonly slot: SlotName;
      readonly address: number;
      readonly offset: number;
      readonly version: ImageVersion;
      readonly digest: string;
      /** Every image, in image order. */
      readonly images: readonly BootedImage[];
      /** What this boot did, one line per decision (resumed a swap, reverted, refused an update …). */
      readonly log: readonly string[];
    }
  | { readonly kind: 'halt'; readonly reason: string; readonly log: readonly string[] };

/** One call = one boot from the device's non-volatile state. Synchronous; throws only `PowerCut`. */
export interface Bootloader {
  readonly name: string;
  boot(ctx: BootContext): BootOutcome;
  /**
   * Flash operations one boot may perform before it counts as a runaway loop. Default: enough for a model that
   * copies by chunks; a binary programs one write unit per operation and needs more.
   */
  readonly flashOpsPerBoot?: number;
  /**
   * False when the bootloader cannot see the device clock (a binary on the SoC, which has no clock input the
   * harness sets): re-booting a state under other clock values (invariant I-7) would prove nothing. Default true.
   */
  readonly readsClock?: boolean;
  /** Bytes the factory programs for the bootloader itself, by flash offset (a binary's boot partition). */
  factoryContents?(): readonly { readonly offset: number; readonly bytes: Uint8Array }[];
  /**
   * Where the bootloader keeps its hardware security counters when they are not the flash model's counters (a
   * binary keeps its own log in flash): the oracle reads them, and the factory sets them, through this.
   */
  readonly hardwareCounters?: HardwareCounterStore;
}

/** Security counters kept in flash bytes the bootloader owns (FORMATS: none; each bootloader has its own layout). */
export interface HardwareCounterStore {
  /** The flash range the counters live in: the bootloader's to change, not collateral damage. */
  readonly region: { readonly offset: number; readonly size: number };
  /** The counter of `image`, read from flash without faulting (a torn entry does not count). */
  read(peek: (offset: number, length: number) => Uint8Array, image: number): number;
  /** What the factory programs for `image`'s counter at `value` (a fresh, erased region assumed). */
  factoryEntry(image: number, value: number): { readonly offset: number; readonly bytes: Uint8Array };
}

/** Swap types as MCUboot numbers them (FORMATS §2.3). */
export type SwapType = 'none' | 'test' | 'perm' | 'revert' | 'fail' | 'panic';

/** A trailer as read from flash and decoded (FORMATS §2.2, §2.3). */
export interface TrailerState {
  readonly magic: 'good' | 'bad' | 'unset';
  readonly imageOk: 'set' | 'bad' | 'unset';
  readonly copyDone: 'set' | 'bad' | 'unset';
  /** Decoded swap_info: erased or a type > 4 reads as none / image 0. */
  readonly swapType: SwapType;
  readonly swapImage: number;
  /** Raw swap_size; 0xffffffff when erased. */
  readonly swapSize: number;
}

/** What the application sees of the update state of one image (MCUboot's `boot_swap_type` and trailers). */
export interface SwapState {
  readonly primary: TrailerState;
  readonly secondary: TrailerState;
  /** What the next boot would decide from these trailers (the decision table, FORMATS §3.2). */
  readonly nextSwap: SwapType;
}

/** What the application-side operations (emulator/boot/app.ts) need: they run on the device, after hand-off. */
export type AppContext = Pick<BootContext, 'flash' | 'board' | 'config'>;
