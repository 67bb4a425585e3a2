/**
 * Device clocks and the non-volatile numbers the trust policy keeps in the flash's monotonic counters.
 * Time is virtual: seconds since the epoch, set by the scenario, never read from the host.
 */
import type { DeviceClock } from './types.ts';

/** The hardware counter holding image `image`'s security counter (MCUboot's NV counter per image). */
export function securityCounterId(image: number): number {
  return image;
}

/**
 * The counter holding the time floor: the newest trusted time the device has seen, in seconds. A monotonic
 * counter can only move forward, and its advance is one cuttable operation, which is exactly the persistence
 * FAULTS §3.2 asks of the floor.
 */
export const TIME_FLOOR_COUNTER = 0x100;

/** A board without any clock. */
export class NoClock implements DeviceClock {
  readonly kind = 'none';
  now(): undefined {
    return undefined;
  }
  powerLoss(): void {}
}

/** A real-time clock without a backup battery: anyone may set it, and it restarts at the epoch on power loss. */
export class RtcClock implements DeviceClock {
  readonly kind = 'rtc';
  private seconds: number;

  constructor(seconds = 0) {
    this.seconds = seconds;
  }
  now(): number {
    return this.seconds;
  }
  set(seconds: number): void {
    this.seconds = seconds;
  }
  jump(deltaSeconds: number): void {
    this.seconds += deltaSeconds;
  }
  powerLoss(): void {
    this.seconds = 0;
  }
}

/** Authenticated time (a secure element, a verified time quote): survives power loss. */
export class TrustedClock implements DeviceClock {
  readonly kind = 'trusted';
  private seconds: number;

  constructor(seconds: number) {
    this.seconds = seconds;
  }
  now(): number {
    return this.seconds;
  }
  set(seconds: number): void {
    this.seconds = seconds;
  }
  powerLoss(): void {}
}
