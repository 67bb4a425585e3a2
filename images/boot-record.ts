/**
 * The BOOT_RECORD protected TLV (FORMATS.md §1.9): a CBOR map of PSA attestation software-component claims, in
 * imgtool's key order, with the measurement value last and zero-filled because the bootloader writes it at boot.
 * Encoded by hand because the order of the map matters and it has five fixed entries.
 */

enum Claim {
  SwType = 1,
  MeasurementValue = 2,
  SwVersion = 4,
  SignerId = 5,
  MeasurementDescription = 6,
}

export const MAX_SW_TYPE_LENGTH = 12;

export function encodeBootRecord(fields: {
  swType: string;
  version: string;
  signerId: Uint8Array;
  hashName: string;
  digestSize: number;
}): Uint8Array {
  const parts: number[] = [];
  head(parts, 5, 5);
  head(parts, 0, Claim.SwType);
  text(parts, fields.swType);
  head(parts, 0, Claim.SwVersion);
  text(parts, fields.version);
  head(parts, 0, Claim.SignerId);
  bytes(parts, fields.signerId);
  head(parts, 0, Claim.MeasurementDescription);
  text(parts, fields.hashName);
  head(parts, 0, Claim.MeasurementValue);
  bytes(parts, new Uint8Array(fields.digestSize));
  return Uint8Array.from(parts);
}

/** A CBOR initial byte plus argument (major type, value) in the shortest form. */
function head(out: number[], major: number, value: number): void {
  if (value < 24) out.push((major << 5) | value);
  else if (value < 0x100) out.push((major << 5) | 24, value);
  else out.push((major << 5) | 25, value >> 8, value & 0xff);
}

function text(out: number[], value: string): void {
  const encoded = new TextEncoder().encode(value);
  head(out, 3, encoded.length);
  out.push(...encoded);
}

function bytes(out: number[], value: Uint8Array): void {
  head(out, 2, value.length);
  out.push(...value);
}
