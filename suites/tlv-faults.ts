/**
 * Structural corruptions of a signed image, enumerated instead of drawn: every TLV of the image × every way its
 * entry can lie (FAULTS F-16, F-17; FORMATS §1.4), and every header field (FORMATS §1.1). Each fault is a pure
 * function of the image, so the same image gives the same faults at every seed.
 */
import { concat } from '../images/bytes.ts';
import { type ParsedImage, parseImage, type Tlv } from '../images/index.ts';

export interface ImageFault {
  /** Part of a scenario id: `tlv2-sha256-length-zero`, `header-img_size`. */
  readonly id: string;
  readonly summary: string;
  readonly bytes: Uint8Array;
}

/** The ways one TLV entry can lie, in the order they are enumerated. */
export const TLV_MUTATIONS = ['length-too-large', 'length-past-area', 'length-zero', 'type-unknown', 'duplicate'] as const;

/** The 32-byte header's fields (offset, size): each gets its low bit flipped. */
const HEADER_FIELDS: readonly (readonly [string, number, number])[] = [
  ['ih_magic', 0, 4],
  ['ih_load_addr', 4, 4],
  ['ih_hdr_size', 8, 2],
  ['ih_protect_tlv_size', 10, 2],
  ['ih_img_size', 12, 4],
  ['ih_flags', 16, 4],
  ['ih_ver', 20, 8],
];

/** A type no MCUboot build defines. */
const UNKNOWN_TLV_TYPE = 0x7e;

export function tlvFaults(image: Uint8Array): ImageFault[] {
  const parsed = parseImage(image);
  const faults: ImageFault[] = [];
  parsed.tlvs.forEach((tlv, i) => {
    const where = `tlv${i}-${tlv.name.toLowerCase().replace(/[^a-z0-9]+/g, '')}`;
    const area = tlv.protected ? 'protected' : 'unprotected';
    for (const mutation of TLV_MUTATIONS) {
      faults.push({ id: `${where}-${mutation}`, summary: `${tlv.name} (${area}): ${mutation}`, bytes: mutateTlv(image, parsed, tlv, mutation) });
    }
  });
  const lastProtected = parsed.tlvs.filter((t) => t.protected).at(-1);
  if (lastProtected) {
    // The last protected entry made to run on into the unprotected area's info header.
    faults.push({
      id: `tlv${parsed.tlvs.indexOf(lastProtected)}-straddles-boundary`,
      summary: `${lastProtected.name}: its entry straddles the protected/unprotected boundary`,
      bytes: withLength(image, lastProtected, lastProtected.length + 4),
    });
  }
  return faults;
}

export function headerFaults(image: Uint8Array): ImageFault[] {
  return HEADER_FIELDS.map(([field, offset]) => {
    const bytes = image.slice();
    bytes[offset] ^= 0x01;
    return { id: `header-${field}`, summary: `${field}: low bit flipped`, bytes };
  });
}

function mutateTlv(image: Uint8Array, parsed: ParsedImage, tlv: Tlv, mutation: (typeof TLV_MUTATIONS)[number]): Uint8Array {
  const areaEnd = tlv.protected ? parsed.protectedArea!.offset + parsed.protectedArea!.total : parsed.end;
  switch (mutation) {
    case 'length-too-large':
      return withLength(image, tlv, tlv.length + 4);
    case 'length-past-area':
      return withLength(image, tlv, Math.min(0xffff, areaEnd - tlv.valueOffset + 1));
    case 'length-zero':
      return withLength(image, tlv, 0);
    case 'type-unknown': {
      const bytes = image.slice();
      new DataView(bytes.buffer).setUint16(tlv.offset, UNKNOWN_TLV_TYPE, true);
      return bytes;
    }
    case 'duplicate':
      return duplicated(image, parsed, tlv);
  }
}

function withLength(image: Uint8Array, tlv: Tlv, length: number): Uint8Array {
  const bytes = image.slice();
  new DataView(bytes.buffer).setUint16(tlv.offset + 2, length, true);
  return bytes;
}

/** The entry repeated right after itself, its area's total (and for a protected entry ih_protect_tlv_size) grown to match. */
function duplicated(image: Uint8Array, parsed: ParsedImage, tlv: Tlv): Uint8Array {
  const entryEnd = tlv.valueOffset + tlv.length;
  const entry = image.subarray(tlv.offset, entryEnd);
  const out = concat([image.subarray(0, entryEnd), entry, image.subarray(entryEnd)]);
  const view = new DataView(out.buffer);
  const area = tlv.protected ? parsed.protectedArea! : parsed.unprotectedArea;
  view.setUint16(area.offset + 2, area.total + entry.length, true);
  if (tlv.protected) view.setUint16(10, parsed.header.protectTlvSize + entry.length, true);
  return out;
}

/**
 * Entries appended to the unprotected TLV area, which no signature covers: anyone can add them to a valid image,
 * which stays valid. A loader must take a security counter or a dependency from the protected area only.
 */
export function withUnprotectedTlvs(image: Uint8Array, entries: readonly { type: number; value: Uint8Array }[]): Uint8Array {
  const parsed = parseImage(image);
  const encoded = entries.map(({ type, value }) => {
    const entry = new Uint8Array(4 + value.length);
    const view = new DataView(entry.buffer);
    view.setUint16(0, type, true);
    view.setUint16(2, value.length, true);
    entry.set(value, 4);
    return entry;
  });
  const added = encoded.reduce((n, e) => n + e.length, 0);
  const out = concat([image.subarray(0, parsed.end), ...encoded, image.subarray(parsed.end)]);
  new DataView(out.buffer).setUint16(parsed.unprotectedArea.offset + 2, parsed.unprotectedArea.total + added, true);
  return out;
}

/** A SEC_CNT value and a DEPENDENCY value, as imgtool encodes them (FORMATS §1.5). */
export function securityCounterValue(counter: number): Uint8Array {
  const value = new Uint8Array(4);
  new DataView(value.buffer).setUint32(0, counter, true);
  return value;
}

export function dependencyValue(imageId: number, major: number, minor: number, revision: number): Uint8Array {
  const value = new Uint8Array(12);
  const view = new DataView(value.buffer);
  view.setUint8(0, imageId);
  view.setUint8(4, major);
  view.setUint8(5, minor);
  view.setUint16(6, revision, true);
  return value;
}
