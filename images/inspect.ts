import { hex } from './bytes.ts';
import { type Tlv, type TlvArea, walkImage } from './parse.ts';
import { digestOf } from './signature.ts';
import { flagNames, hashAlgorithmOfTlv } from './tlv-types.ts';
import {
  BOOT_MAGIC_SIZE,
  decodeMagic,
  MAX_ALIGNS,
  MagicState,
  type MaxAlign,
  readTrailer,
} from './trailer.ts';
import { formatVersion } from './version.ts';

/** `inspect --json`: the fields `imgtool dumpinfo` prints, machine-readable, plus the computed digest. */
export interface ImageDescription {
  fileSize: number;
  header:
    | {
        magic: string;
        loadAddr: number;
        hdrSize: number;
        protectedTlvSize: number;
        imgSize: number;
        flags: string;
        flagNames: string[];
        version: string;
      }
    | undefined;
  layout: {
    tlvAreaOffset: number | undefined;
    protectedTlvInfo: AreaInfo | undefined;
    tlvInfo: AreaInfo | undefined;
    imageEndOffset: number | undefined;
  };
  protectedTlvs: TlvDescription[];
  tlvs: TlvDescription[];
  /** The digest of the hashed range in the algorithm of the image's hash TLV, and whether the TLV matches it. */
  digest: { algorithm: string; hex: string; matches: boolean } | undefined;
  /** Read when the file is longer or shorter than the image (as dumpinfo does); fields need a known magic. */
  trailer: TrailerDescription | undefined;
  /** The first structural error, where the MCUboot loader would stop. */
  error: { message: string; field: string; offset: number } | undefined;
}

interface AreaInfo {
  offset: number;
  magic: string;
  tlvTot: number;
}

export interface TlvDescription {
  type: number;
  typeHex: string;
  name: string;
  len: number;
  offset: number;
  /** The value bytes present in the file (fewer than `len` when the file is truncated). */
  dataHex: string;
}

export interface TrailerDescription {
  magic: string;
  maxAlign: MaxAlign | undefined;
  imageOk?: number;
  copyDone?: number;
  swapInfo?: number;
  swapSize?: number;
}

/** Describes any bytes without throwing: what could be read, and the first error. */
export function inspectImage(bytes: Uint8Array, options?: { erasedValue?: number }): ImageDescription {
  const walk = walkImage(bytes);
  const header = walk.header;
  const unprotected = walk.unprotectedArea;
  const end = unprotected === undefined ? undefined : unprotected.offset + unprotected.total;
  return {
    fileSize: bytes.length,
    header:
      header === undefined
        ? undefined
        : {
            magic: hex(header.magic, 8),
            loadAddr: header.loadAddr,
            hdrSize: header.hdrSize,
            protectedTlvSize: header.protectTlvSize,
            imgSize: header.imgSize,
            flags: hex(header.flags, 8),
            flagNames: flagNames(header.flags),
            version: formatVersion(header.version),
          },
    layout: {
      tlvAreaOffset: walk.protectedArea?.offset ?? unprotected?.offset,
      protectedTlvInfo: areaInfo(walk.protectedArea),
      tlvInfo: areaInfo(unprotected),
      imageEndOffset: end,
    },
    protectedTlvs: (walk.protectedArea?.tlvs ?? []).map(describeTlv),
    tlvs: (unprotected?.tlvs ?? []).map(describeTlv),
    digest:
      walk.error === undefined && header !== undefined && unprotected !== undefined
        ? describeDigest(bytes, unprotected, header.hdrSize + header.imgSize + header.protectTlvSize)
        : undefined,
    trailer: end === undefined || end === bytes.length ? undefined : describeTrailer(bytes, options?.erasedValue ?? 0xff),
    error:
      walk.error === undefined
        ? undefined
        : { message: walk.error.message, field: walk.error.field, offset: walk.error.offset },
  };
}

function areaInfo(area: TlvArea | undefined): AreaInfo | undefined {
  return area === undefined ? undefined : { offset: area.offset, magic: hex(area.magic, 4), tlvTot: area.total };
}

function describeTlv(tlv: Tlv): TlvDescription {
  return {
    type: tlv.type,
    typeHex: hex(tlv.type, 2),
    name: tlv.name,
    len: tlv.length,
    offset: tlv.offset,
    dataHex: Buffer.from(tlv.value).toString('hex'),
  };
}

function describeDigest(bytes: Uint8Array, area: TlvArea, hashedLength: number): ImageDescription['digest'] {
  const hashTlv = area.tlvs.find((t) => hashAlgorithmOfTlv(t.type) !== undefined);
  if (hashTlv === undefined) return undefined;
  const algorithm = hashAlgorithmOfTlv(hashTlv.type)!;
  const digest = Buffer.from(digestOf(algorithm, bytes.subarray(0, hashedLength)));
  return { algorithm, hex: digest.toString('hex'), matches: digest.equals(hashTlv.value) };
}

/**
 * dumpinfo reads the trailer at fixed offsets from the end of the file, taking BOOT_MAX_ALIGN from the magic; with
 * an unknown magic only the magic is shown. Meaningful for `--pad` images, whose file ends at the slot end.
 */
function describeTrailer(bytes: Uint8Array, erasedValue: number): TrailerDescription | undefined {
  if (bytes.length < BOOT_MAGIC_SIZE) return undefined;
  const magic = bytes.subarray(bytes.length - BOOT_MAGIC_SIZE);
  const magicHex = Buffer.from(magic).toString('hex');
  const maxAlign = MAX_ALIGNS.find((a) => decodeMagic(magic, a, erasedValue) === MagicState.GOOD);
  if (maxAlign === undefined || bytes.length < 8 * maxAlign) return { magic: magicHex, maxAlign: undefined };
  const state = readTrailer((offset, length) => bytes.subarray(offset, offset + length), {
    slotSize: bytes.length,
    maxAlign,
    erasedValue,
  });
  return {
    magic: magicHex,
    maxAlign,
    imageOk: state.imageOkByte,
    copyDone: state.copyDoneByte,
    swapInfo: state.swapInfoByte,
    swapSize: state.swapSize,
  };
}
