import { hex } from './bytes.ts';
import { ImageFormatError } from './errors.ts';
import { decodeHeader, type ImageHeader } from './header.ts';
import {
  IMAGE_HEADER_SIZE,
  IMAGE_MAGIC,
  TLV_HEADER_SIZE,
  TLV_INFO_MAGIC,
  TLV_INFO_SIZE,
  TLV_PROT_INFO_MAGIC,
  tlvName,
} from './tlv-types.ts';

export interface Tlv {
  type: number;
  name: string;
  /** `it_len`: bytes of the value. */
  length: number;
  /** Offset of the 4-byte TLV entry header in the image. */
  offset: number;
  valueOffset: number;
  /** A view into the image bytes (not a copy). */
  value: Uint8Array;
  protected: boolean;
}

export interface TlvArea {
  /** Offset of the 4-byte info header. */
  offset: number;
  magic: number;
  /** `it_tlv_tot`: bytes of the area including its info header. */
  total: number;
  tlvs: Tlv[];
}

export interface ParsedImage {
  header: ImageHeader;
  payload: { offset: number; length: number };
  /** Bytes covered by the hash and the signature: [0, end of the protected TLV area). */
  hashedLength: number;
  protectedArea: TlvArea | undefined;
  unprotectedArea: TlvArea;
  /** Every TLV, protected first, in on-flash order. */
  tlvs: Tlv[];
  /** Offset just past the last TLV: the image end the loader compares with the slot's maximum image size. */
  end: number;
}

/** What `walkImage` could read of a possibly broken image, and the first structural error it met. */
export interface ImageWalk {
  header: ImageHeader | undefined;
  protectedArea: TlvArea | undefined;
  unprotectedArea: TlvArea | undefined;
  error: ImageFormatError | undefined;
}

/**
 * Parses an image with the bound checks of the MCUboot loader's TLV iterator (FORMATS.md §1.4, tlv.c): every info
 * header and entry must lie inside its area and the areas inside `bytes`. Throws `ImageFormatError`.
 */
export function parseImage(bytes: Uint8Array): ParsedImage {
  const walk = walkImage(bytes);
  if (walk.error !== undefined) throw walk.error;
  const header = walk.header!;
  const unprotectedArea = walk.unprotectedArea!;
  const protectedArea = walk.protectedArea;
  return {
    header,
    payload: { offset: header.hdrSize, length: header.imgSize },
    hashedLength: header.hdrSize + header.imgSize + header.protectTlvSize,
    protectedArea,
    unprotectedArea,
    tlvs: [...(protectedArea?.tlvs ?? []), ...unprotectedArea.tlvs],
    end: unprotectedArea.offset + unprotectedArea.total,
  };
}

/**
 * The parser itself, lenient in one way only: it keeps what it read before the first error, so `inspect` can
 * show a truncated or damaged image the way `imgtool dumpinfo` does. Never throws; never reads outside `bytes`.
 */
export function walkImage(bytes: Uint8Array): ImageWalk {
  const walk: ImageWalk = { header: undefined, protectedArea: undefined, unprotectedArea: undefined, error: undefined };
  try {
    walkInto(bytes, walk);
  } catch (error) {
    if (!(error instanceof ImageFormatError)) throw error;
    walk.error = error;
  }
  return walk;
}

function walkInto(bytes: Uint8Array, walk: ImageWalk): void {
  if (bytes.length < IMAGE_HEADER_SIZE) {
    throw new ImageFormatError('image header', 0, `${IMAGE_HEADER_SIZE} bytes`, `${bytes.length} bytes in the file`);
  }
  const header = decodeHeader(bytes);
  walk.header = header;
  if (header.magic !== IMAGE_MAGIC) {
    throw new ImageFormatError('ih_magic', 0, hex(IMAGE_MAGIC), hex(header.magic, 8));
  }
  if (header.hdrSize < IMAGE_HEADER_SIZE) {
    throw new ImageFormatError('ih_hdr_size', 8, `at least ${IMAGE_HEADER_SIZE}`, String(header.hdrSize));
  }
  const tlvStart = header.hdrSize + header.imgSize;
  if (tlvStart + TLV_INFO_SIZE > bytes.length) {
    throw new ImageFormatError(
      'TLV info header',
      tlvStart,
      `ih_hdr_size + ih_img_size + 4 = ${hex(tlvStart + TLV_INFO_SIZE)} to fit in the ${hex(bytes.length)}-byte image`,
      'it past the end',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let infoOffset = tlvStart;
  const firstMagic = view.getUint16(infoOffset, true);
  if (firstMagic === TLV_PROT_INFO_MAGIC) {
    const total = view.getUint16(infoOffset + 2, true);
    if (total !== header.protectTlvSize) {
      throw new ImageFormatError(
        'protected it_tlv_tot',
        infoOffset + 2,
        `ih_protect_tlv_size (${header.protectTlvSize})`,
        String(total),
      );
    }
    walk.protectedArea = { offset: infoOffset, magic: firstMagic, total, tlvs: [] };
    readEntries(bytes, view, walk.protectedArea, true);
    infoOffset += total;
  } else if (header.protectTlvSize !== 0) {
    throw new ImageFormatError(
      'protected TLV info magic',
      infoOffset,
      `${hex(TLV_PROT_INFO_MAGIC)} because ih_protect_tlv_size is ${header.protectTlvSize}`,
      hex(firstMagic, 4),
    );
  }
  if (infoOffset + TLV_INFO_SIZE > bytes.length) {
    throw new ImageFormatError('TLV info header', infoOffset, '4 bytes inside the image', 'the end of the file');
  }
  const magic = view.getUint16(infoOffset, true);
  if (magic !== TLV_INFO_MAGIC) {
    throw new ImageFormatError('TLV info magic', infoOffset, hex(TLV_INFO_MAGIC), hex(magic, 4));
  }
  walk.unprotectedArea = { offset: infoOffset, magic, total: view.getUint16(infoOffset + 2, true), tlvs: [] };
  readEntries(bytes, view, walk.unprotectedArea, false);
}

/** Reads an area's entries into `area.tlvs` as it goes, so the caller keeps the entries read before an error. */
function readEntries(bytes: Uint8Array, view: DataView, area: TlvArea, isProtected: boolean): void {
  const label = isProtected ? 'protected' : 'unprotected';
  const { offset, total } = area;
  if (total < TLV_INFO_SIZE) {
    throw new ImageFormatError(`${label} it_tlv_tot`, offset + 2, `at least ${TLV_INFO_SIZE}`, String(total));
  }
  const end = offset + total;
  let cursor = offset + TLV_INFO_SIZE;
  while (cursor < end) {
    if (cursor + TLV_HEADER_SIZE > end) {
      throw new ImageFormatError(`${label} TLV entry header`, cursor, `4 bytes before the area end ${hex(end)}`, 'less');
    }
    if (cursor + TLV_HEADER_SIZE > bytes.length) {
      throw new ImageFormatError(`${label} TLV entry header`, cursor, '4 bytes inside the image', 'the file end');
    }
    const type = view.getUint16(cursor, true);
    const length = view.getUint16(cursor + 2, true);
    const valueOffset = cursor + TLV_HEADER_SIZE;
    const valueEnd = valueOffset + length;
    area.tlvs.push({
      type,
      name: tlvName(type),
      length,
      offset: cursor,
      valueOffset,
      value: bytes.subarray(valueOffset, Math.min(valueEnd, bytes.length)),
      protected: isProtected,
    });
    if (valueEnd > end) {
      throw new ImageFormatError(
        `${label} TLV length (${tlvName(type)})`,
        cursor + 2,
        `at most ${end - valueOffset} (to the area end ${hex(end)})`,
        String(length),
        type,
      );
    }
    if (valueEnd > bytes.length) {
      throw new ImageFormatError(
        `${label} TLV value (${tlvName(type)})`,
        valueOffset,
        `${length} bytes inside the image`,
        `${bytes.length - valueOffset}`,
        type,
      );
    }
    cursor = valueEnd;
  }
}
