/**
 * Switching a real board's power: a small interface with one driver per way labs do it (a user's shell commands,
 * a USB hub port through uhubctl, the reset line on DTR/RTS, a person). A power cut on a real board is one of these
 * switches made at a chosen moment.
 */
import { BootproofError } from '../../emulator/common/errors.ts';

export interface PowerControl {
  /** For messages: `command`, `uhubctl 1-1.4 port 2`, `DTR of /dev/ttyACM0`. */
  readonly description: string;
  on(): Promise<void>;
  off(): Promise<void>;
  /** Off, then on again after the pause the driver needs. */
  cycle(): Promise<void>;
  /** Lets go of whatever the driver holds (a port handle); the power stays as it is. */
  close(): Promise<void>;
}

/** A switch that did not happen: the command failed or timed out, the line could not be set, no one to ask. */
export class PowerControlError extends BootproofError {
  constructor(driver: string, message: string, cause?: unknown) {
    super(`power (${driver}): ${message}`, { exitCode: 2, cause });
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
