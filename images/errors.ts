import { BootproofError } from '../emulator/common/errors.ts';

/**
 * Malformed image bytes: says which field was being read, at which offset of the image, and what the MCUboot
 * loader expects there. Bad input, so exit code 2 when it reaches the CLI.
 */
export class ImageFormatError extends BootproofError {
  readonly field: string;
  readonly offset: number;
  readonly expected: string;
  /** The TLV type whose entry was being read, when the failure is inside a TLV area. */
  readonly tlvType: number | undefined;

  constructor(field: string, offset: number, expected: string, found: string, tlvType?: number) {
    super(`image: ${field} at offset 0x${offset.toString(16)}: expected ${expected}, found ${found}`);
    this.field = field;
    this.offset = offset;
    this.expected = expected;
    this.tlvType = tlvType;
  }
}

/** A key file that cannot be used: unreadable PEM, wrong or missing password, an unsupported algorithm. */
export class KeyFileError extends BootproofError {}

/** Options that cannot produce an image imgtool would produce (size past the slot, bad version string…). */
export class ImageOptionError extends BootproofError {}

/** A corruption that cannot be applied to this image (no protected area, no trailer, a missing second image). */
export class CorruptionError extends BootproofError {}
