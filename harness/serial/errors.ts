/**
 * What can go wrong between bootproof and a device speaking SMP. Every error names what was expected and where
 * (the stream offset of a frame, the command and sequence number of a request, the port).
 */
import { BootproofError } from '../../emulator/common/errors.ts';

/** Why a frame or packet was dropped by the NLIP decoder. */
export type FramingFault =
  | 'bad-base64'
  | 'bad-crc'
  | 'oversized-frame'
  | 'oversized-packet'
  | 'truncated'
  | 'orphan-continuation'
  | 'length-mismatch';

/** A frame or packet on the serial stream that cannot be decoded. `at` is the byte offset in the stream. */
export class FramingError extends BootproofError {
  readonly fault: FramingFault;
  readonly at: number;

  constructor(fault: FramingFault, at: number, detail: string) {
    super(`SMP frame at byte ${at} of the serial stream: ${fault}: ${detail}`, { exitCode: 1 });
    this.fault = fault;
    this.at = at;
  }
}

/** The device did not answer a request within its timeout, after every retry. */
export class SmpTimeoutError extends BootproofError {
  readonly command: string;
  readonly attempts: number;

  constructor(command: string, attempts: number, timeoutMs: number, lastFault?: FramingError, hint?: string) {
    const why = lastFault === undefined ? '' : ` (the last frame it sent was unreadable: ${lastFault.message})`;
    super(`${command}: no answer from the device after ${attempts} attempt(s) of ${timeoutMs} ms each${why}${hint === undefined ? '' : `; ${hint}`}`, {
      exitCode: 1,
      cause: lastFault,
    });
    this.command = command;
    this.attempts = attempts;
  }
}

/** The device answered something that is not a valid SMP response to the request. */
export class SmpProtocolError extends BootproofError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { exitCode: 1, cause: options?.cause });
  }
}

/** The device answered with a non-zero return code (`rc` in SMP v1, `err: {group, rc}` in SMP v2). */
export class SmpDeviceError extends BootproofError {
  readonly rc: number;
  /** The MGMT_ERR name for v1 codes (`ENOTSUP`); `group G rc R` for v2 group codes. */
  readonly rcName: string;
  readonly group: number | undefined;

  constructor(command: string, rc: number, rcName: string, group?: number) {
    super(`${command}: the device answered ${rcName} (rc ${rc}${group === undefined ? '' : `, group ${group}`})`, {
      exitCode: 1,
    });
    this.rc = rc;
    this.rcName = rcName;
    this.group = group;
  }
}

/** A request the device cannot receive: larger than its receive buffer, it would be dropped without an answer. */
export class RequestTooLargeError extends BootproofError {
  constructor(command: string, bytes: number, bufSize: number, assumed: boolean) {
    const buffer = assumed ? `MCUboot's default receive buffer of ${bufSize} bytes (the device reports no buf_size)` : `the device's buf_size of ${bufSize} bytes`;
    super(`${command}: the request is ${bytes} bytes, more than ${buffer}: the device would drop it unanswered`, { exitCode: 2 });
  }
}

/** The serial port went away (unplugged board, closed pty) while a request was waiting for its answer. */
export class PortClosedError extends BootproofError {
  constructor(port: string, during: string, cause?: unknown) {
    super(`serial port ${port} closed while ${during}`, { exitCode: 1, cause });
  }
}

/** The serial port could not be opened: a bad path, no permission, busy. Bad input, so exit code 2. */
export class PortOpenError extends BootproofError {
  constructor(port: string, cause: unknown) {
    // serialport's messages start with "Error: " themselves.
    const why = (cause instanceof Error ? cause.message : String(cause)).replace(/^Error: /, '');
    super(`cannot open serial port ${port}: ${why}`, { exitCode: 2, cause });
  }
}

/** An image larger than the slot the device would receive it into. */
export class ImageTooLargeError extends BootproofError {
  constructor(bytes: number, slotBytes: number) {
    super(`image upload: the image is ${bytes} bytes and does not fit the device's ${slotBytes}-byte slot (${bytes - slotBytes} bytes too many)`, {
      exitCode: 2,
    });
  }
}

/** An upload that ended without the device confirming every byte and the image. */
export class UploadIncompleteError extends BootproofError {
  constructor(message: string) {
    super(`image upload: ${message}`, { exitCode: 1 });
  }
}
