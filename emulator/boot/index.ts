/**
 * The bootloader models. Public surface:
 * - types: `Bootloader`, `BootContext`, `BootOutcome`, `ImageConfig`, `TrustPolicy`, `TrustedKey`, `DeviceClock`,
 *   `SwapState`, `TrailerState` (types.ts);
 * - application-side operations, each a flash operation that can be cut (app.ts, MCUboot bootutil_public.c):
 *   `writeUpdate(app, image, bytes, { chunkSize? })`, `setPending(app, image, permanent)`,
 *   `setConfirmed(app, image)`, `readSwapState(app, image)`;
 * - clocks (clock.ts): `NoClock`, `RtcClock`, `TrustedClock`; counter ids `securityCounterId(image)`,
 *   `TIME_FLOOR_COUNTER`;
 * - `ReferenceBootloader` (reference.ts), whose extension points are listed there.
 */
export type {
  AppContext,
  BootContext,
  BootedImage,
  Bootloader,
  BootOutcome,
  DeviceClock,
  DowngradePrevention,
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
