/**
 * The trust policy (FAULTS §3.2): when a key's validity window and revocation count, and against which time.
 * - `install`: only when accepting an update, and only by trusted time, `max(time floor, trusted clock)`; an RTC
 *   is never trusted, and with no trusted time the window is not enforced ("freshness unknown", logged). An image
 *   already installed boots whatever the clock says (invariant I-7).
 * - `every-boot`: the naive policy, for demonstrating the time bomb: every validation, against the raw clock
 *   (a device without a clock reads the epoch).
 */
import { TIME_FLOOR_COUNTER } from './clock.ts';
import type { BootContext, TrustedKey } from './types.ts';

/** Why an image is being validated: to accept it (install) or to run what is already installed (boot). */
export type ValidationPurpose = 'install' | 'boot';

/** The reason `key` may not be used for `purpose` now, or undefined. `note` receives what the verdict rests on. */
export function keyValidityProblem(
  ctx: Pick<BootContext, 'trust' | 'clock' | 'flash'>,
  key: TrustedKey,
  purpose: ValidationPurpose,
  note: (line: string) => void,
): string | undefined {
  const { trust, clock } = ctx;
  if (trust.enforce === 'install' && purpose === 'boot') return undefined;
  if (key.revoked === true) return `key ${key.name} is revoked`;
  const now = trust.enforce === 'every-boot' ? (clock.now() ?? 0) : trustedTime(ctx);
  if (now === undefined) {
    if (key.notBefore !== undefined || key.notAfter !== undefined) {
      note(`key ${key.name}: no trusted time, validity window not enforced`);
    }
    return undefined;
  }
  if (key.notBefore !== undefined && now < key.notBefore) {
    return `key ${key.name} is not valid before ${key.notBefore} (time ${now})`;
  }
  if (key.notAfter !== undefined && now > key.notAfter) return `key ${key.name} expired at ${key.notAfter} (time ${now})`;
  return undefined;
}

/** max(time floor, trusted clock), or undefined when the device has no trusted time at all. */
export function trustedTime(ctx: Pick<BootContext, 'clock' | 'flash'>): number | undefined {
  if (ctx.clock.kind !== 'trusted') return undefined;
  return Math.max(ctx.flash.readCounter(TIME_FLOOR_COUNTER), ctx.clock.now() ?? 0);
}

/**
 * Raises the floor to the trusted clock: a monotonic counter, so it never goes back, and its advance is one
 * cuttable operation. Called once per accepted install, for wear (FAULTS §3.2.3).
 */
export function advanceTimeFloor(ctx: Pick<BootContext, 'clock' | 'flash'>): void {
  const now = ctx.clock.kind === 'trusted' ? ctx.clock.now() : undefined;
  if (now !== undefined && now > ctx.flash.readCounter(TIME_FLOOR_COUNTER)) {
    ctx.flash.advanceCounter(TIME_FLOOR_COUNTER, Math.floor(now));
  }
}
