/**
 * The bootloader models. Public surface:
 * - types: `Bootloader`, `BootContext`, `BootOutcome`, `ImageConfig`, `TrustPolicy`, `TrustedKey`, `DeviceClock`,
 *   `SwapState`, `TrailerState` (types.ts);
 * - application-side operations, each a flash operation that can be cut (app.ts, MCUboot bootutil_public.c):
 *   `writeUpdate(app, image, bytes, { chunkSize?, slot? })`, `setPending(app, image, permanent, slot?)`,
 *   `setConfirmed(app, image, slot?)`, `readSwapState(app, image)`, `runningSlot(app, image)` (direct-xip: the
 *   slot is the one not running for updates, the running one for confirms, unless given);
 *   all throw `UpdateRequestError` (a BootproofError) on a request the flash state does not allow;
 * - clocks (clock.ts): `NoClock`, `RtcClock`, `TrustedClock`; counter ids `securityCounterId(image)`,
 *   `TIME_FLOOR_COUNTER`;
 * - `ReferenceBootloader` (reference.ts) and its parts for mutants: `DECISION_TABLE`, the strategy classes
 *   (`SwapScratch`, `SwapMove`, `SwapOffset`, `OverwriteOnly`, `DirectXip`), `BootRun`, `FlashArea`, `SlotImage`.
 *
 * Writing a mutant: subclass `ReferenceBootloader` and override ONE method, e.g.
 *   class CounterOnTestBoot extends ReferenceBootloader {
 *     override readonly name = 'counter-on-test-boot';
 *     override counterMayAdvance(): boolean { return true; }
 *   }
 * Extension points of the loader: `readTrailer`, `decideSwapType`, `writeMagic`, `writeFlag`, `writeSwapInfo`,
 * `writeSwapSize`, `writeUnprotectedSizes`, `writeStatusRecord`, `isStatusWritten`, `eraseSector`, `copyRegion`,
 * `scrambleSlot`, `validateSlot`, `checkKeyValidity`, `readDependencies`, `downgradeAllowed`, `counterMayAdvance`,
 * `bumpSecurityCounter`, `prepareImage`, `validateSecondary`, `performUpdate`, `completeUpdate`, `refuseSecondary`,
 * `confirmPrimary`, `handOff`, `maxImageSize`. A trailer write on write-once/ECC flash that is not erased halts the
 * boot with `FlashWriteRefused` (what PROGERR does to MCUboot); any other illegal flash use throws the flash's
 * `FlashRuleViolation` out of `boot()`, for the harness to report.
 * A strategy's steps are protected methods of its class (`SwapScratch.toScratch`, `.primaryToSecondary`,
 * `.scratchToPrimary`, `.retireScratch`, `.eraseTrailerSectors`, `SwapMove.startSwap`, `.moveUp`, `OverwriteOnly.retireSecondary`, `DirectXip.select` …):
 * subclass the strategy, and return it from an overridden `strategyFor(run)` (or `directXip()`).
 */
export { readSwapState, runningSlot, setConfirmed, setPending, UpdateRequestError, writeUpdate } from './app.ts';
export type { FlashArea } from './area.ts';
export { NoClock, RtcClock, securityCounterId, TIME_FLOOR_COUNTER, TrustedClock } from './clock.ts';
export { DECISION_TABLE, decideSwapType } from './decision.ts';
export { ReferenceBootloader, type ValidationPurpose } from './reference.ts';
export type { BootRun, ImageAreas } from './run.ts';
export { DirectXip } from './strategies/direct-xip.ts';
export { OverwriteOnly } from './strategies/overwrite-only.ts';
export type { SwapProgress, UpdateStrategy as StrategyImplementation } from './strategies/strategy.ts';
export { SwapMove } from './strategies/swap-move.ts';
export { SwapOffset } from './strategies/swap-offset.ts';
export { SwapScratch } from './strategies/swap-scratch.ts';
export { FlashWriteRefused } from './trailer-io.ts';
export type {
  AppContext,
  BootContext,
  BootedImage,
  Bootloader,
  BootOutcome,
  DeviceClock,
  DowngradePrevention,
  HardwareCounterStore,
  ImageConfig,
  ImageVersion,
  SlotName,
  SwapState,
  SwapType,
  TrailerState,
  TrustedKey,
  TrustPolicy,
  UpdateStrategy,
  ValidityEnforcement,
} from './types.ts';
export type { SlotImage } from './validate.ts';
