import type { KeyObject } from 'node:crypto';
import { encodeBootRecord, MAX_SW_TYPE_LENGTH } from './boot-record.ts';
import { concat } from './bytes.ts';
import { ImageOptionError } from './errors.ts';
import { encodeHeader } from './header.ts';
import { keyTypeOf, publicKeyBytes } from './keys.ts';
import { defaultHashFor, digestOf, SIGNATURE_TLV, signData } from './signature.ts';
import {
  HASH_SIZE,
  HASH_TLV,
  type HashAlgorithm,
  IMAGE_HEADER_SIZE,
  IMAGE_MAGIC,
  ImageFlag,
  TLV_INFO_MAGIC,
  TLV_PROT_INFO_MAGIC,
  TlvType,
} from './tlv-types.ts';
import { encodeImgtoolTrailer, encodeU32, imgtoolTrailerSize, type MaxAlign } from './trailer.ts';
import { type ImageVersion, parseVersion, securityCounterFromVersion } from './version.ts';

export interface Dependency {
  imageId: number;
  /** Minimum version of image `imageId` this image needs. */
  version: ImageVersion;
}

export interface SignOptions {
  /** Private signing key; omit for an unsigned, hash-only image. */
  key?: KeyObject;
  /** `-H`: bytes of header plus header padding, at least 32. */
  headerSize: number;
  /** `--pad-header`: prepend `headerSize` erased bytes; otherwise the payload must start with that many zeros. */
  padHeader?: boolean;
  version: ImageVersion | string;
  /** `-S`: the slot size imgtool checks the image (plus its trailer estimate) against, and pads to. */
  slotSize: number;
  /** `-s`: a number, or 'auto' for major<<24 | minor<<16 | revision. */
  securityCounter?: number | 'auto';
  dependencies?: readonly Dependency[];
  /** `--boot-record SW_TYPE`. */
  bootRecord?: string;
  /** `--custom-tlv`: vendor TLVs (type 0x00a0–0xfffe, not a predefined type), in the protected area. */
  customTlvs?: readonly { type: number; value: Uint8Array }[];
  /** UUID_VID / UUID_CID, 16 bytes each. */
  vid?: Uint8Array;
  cid?: Uint8Array;
  /** `--public-key-format`: KEYHASH (default) or the full PUBKEY. */
  publicKeyFormat?: 'hash' | 'full';
  /** `--sha`; default SHA-384 for P-384 keys, SHA-512 for pure, else SHA-256. */
  hash?: HashAlgorithm;
  /** `--pure`: Ed25519 over the image bytes rather than over the digest. */
  pure?: boolean;
  /** `--pad` (with `--test` = pad only), `--confirm` (pads, and sets image_ok). */
  pad?: boolean;
  confirm?: boolean;
  /** `--align`: device write size, 1–32. */
  align?: number;
  /** `--max-align`: default max(8, align). */
  maxAlign?: MaxAlign;
  maxSectors?: number;
  overwriteOnly?: boolean;
  erasedValue?: 0 | 0xff;
  /** `-L`: RAM load address (sets RAM_LOAD). */
  loadAddr?: number;
  /** `-F`: ROM_FIXED flash address. */
  romFixed?: number;
  nonBootable?: boolean;
  /** `--pad-sig`: legacy zero padding of ECDSA signatures to 72 (P-256) / 103 (P-384) bytes. */
  padSig?: boolean;
}

const VALID_ALIGNS = new Set([1, 2, 4, 8, 16, 32]);

/**
 * Builds a signed image exactly as `imgtool sign` v2.4.0 does (FORMATS.md §1, §1.11, §5): same header, same TLV
 * order, same padding and trailer. Only ECDSA and RSA-PSS signatures differ between runs (they are randomized).
 */
export function signImage(payload: Uint8Array, options: SignOptions): Uint8Array {
  const version = typeof options.version === 'string' ? parseVersion(options.version) : options.version;
  const erasedValue = options.erasedValue ?? 0xff;
  const align = options.align ?? 1;
  if (!VALID_ALIGNS.has(align)) throw new ImageOptionError(`--align ${align}: expected 1, 2, 4, 8, 16 or 32`);
  const maxAlign = options.maxAlign ?? (Math.max(8, align) as MaxAlign);
  const keyType = options.key === undefined ? undefined : keyTypeOf(options.key);
  const pure = options.pure === true;
  if (pure && keyType !== 'ed25519') throw new ImageOptionError('--pure needs an Ed25519 key');
  const hash = options.hash ?? (pure ? 'sha512' : defaultHashFor(keyType));
  if (keyType === 'ecdsa-p384' && hash === 'sha256') {
    throw new ImageOptionError('a P-384 key needs --sha 384 or 512: MCUboot builds for P-384 hash with SHA-384');
  }
  checkHeaderOptions(options);

  const image = withHeaderRoom(payload, options, erasedValue);
  const publicBytes = options.key === undefined ? undefined : publicKeyBytes(options.key);
  const keyHash = publicBytes === undefined ? new Uint8Array(HASH_SIZE[hash]) : digestOf(hash, publicBytes);
  const protectedTlvs = buildProtected(options, version, hash, keyHash);
  const protectedArea = tlvArea(TLV_PROT_INFO_MAGIC, protectedTlvs);
  if (protectedArea.length > 0xffff) throw new ImageOptionError('protected TLVs exceed 65535 bytes');

  let flags = 0;
  if ((options.loadAddr ?? 0) !== 0) flags |= ImageFlag.RAM_LOAD;
  if (options.romFixed !== undefined) flags |= ImageFlag.ROM_FIXED;
  if (options.nonBootable === true) flags |= ImageFlag.NON_BOOTABLE;
  image.set(
    encodeHeader({
      magic: IMAGE_MAGIC,
      loadAddr: options.romFixed ?? options.loadAddr ?? 0,
      hdrSize: options.headerSize,
      protectTlvSize: protectedArea.length,
      imgSize: image.length - options.headerSize,
      flags,
      version,
      pad1: 0,
    }),
  );

  const hashed = concat([image, protectedArea]);
  const digest = digestOf(hash, hashed);
  const unprotected: Tlv[] = [{ type: HASH_TLV[hash], value: digest }];
  if (options.key !== undefined && keyType !== undefined && publicBytes !== undefined) {
    if (pure) unprotected.push({ type: TlvType.SIG_PURE, value: Uint8Array.of(1) });
    unprotected.push(
      options.publicKeyFormat === 'full'
        ? { type: TlvType.PUBKEY, value: publicBytes }
        : { type: TlvType.KEYHASH, value: keyHash },
    );
    let signature = signData(keyType, options.key, { hashed, digest, hash, pure });
    if (options.padSig === true && keyType.startsWith('ecdsa')) {
      signature = zeroPad(signature, keyType === 'ecdsa-p256' ? 72 : 103);
    }
    unprotected.push({ type: SIGNATURE_TLV[keyType], value: signature });
  }
  const signed = concat([hashed, tlvArea(TLV_INFO_MAGIC, unprotected)]);

  const trailerOptions = {
    maxAlign,
    align,
    maxSectors: options.maxSectors,
    overwriteOnly: options.overwriteOnly,
  };
  const trailerSize = imgtoolTrailerSize(trailerOptions);
  if (signed.length + trailerSize > options.slotSize) {
    throw new ImageOptionError(
      `image size (0x${signed.length.toString(16)}) + trailer (0x${trailerSize.toString(16)}) exceeds the slot ` +
        `size 0x${options.slotSize.toString(16)}`,
    );
  }
  if (options.pad !== true && options.confirm !== true) return signed;
  const out = new Uint8Array(options.slotSize).fill(erasedValue);
  out.set(signed);
  const trailer = encodeImgtoolTrailer({ ...trailerOptions, erasedValue, confirm: options.confirm });
  out.set(trailer, options.slotSize - trailer.length);
  return out;
}

interface Tlv {
  type: number;
  value: Uint8Array;
}

function checkHeaderOptions(options: SignOptions): void {
  if (!Number.isInteger(options.headerSize) || options.headerSize < IMAGE_HEADER_SIZE || options.headerSize > 0xffff) {
    throw new ImageOptionError(`header size ${options.headerSize}: expected ${IMAGE_HEADER_SIZE}..65535`);
  }
  if (options.loadAddr !== undefined && options.loadAddr !== 0 && options.romFixed !== undefined) {
    throw new ImageOptionError('--load-addr and --rom-fixed cannot be used together');
  }
}

function withHeaderRoom(payload: Uint8Array, options: SignOptions, erasedValue: number): Uint8Array {
  if (options.padHeader === true) {
    const image = new Uint8Array(options.headerSize + payload.length).fill(erasedValue, 0, options.headerSize);
    image.set(payload, options.headerSize);
    return image;
  }
  if (payload.length < options.headerSize || payload.subarray(0, options.headerSize).some((b) => b !== 0)) {
    throw new ImageOptionError(
      `header padding was not requested and the input does not start with ${options.headerSize} zero bytes ` +
        '(use --pad-header)',
    );
  }
  return payload.slice();
}

/** Protected TLVs in imgtool's order: SEC_CNT, BOOT_RECORD, DEPENDENCY…, UUID_VID, UUID_CID, custom TLVs. */
function buildProtected(options: SignOptions, version: ImageVersion, hash: HashAlgorithm, keyHash: Uint8Array): Tlv[] {
  const tlvs: Tlv[] = [];
  if (options.securityCounter !== undefined) {
    const counter =
      options.securityCounter === 'auto' ? securityCounterFromVersion(version) : options.securityCounter;
    if (!Number.isInteger(counter) || counter < 0 || counter > 0xffffffff) {
      throw new ImageOptionError(`security counter ${counter}: expected 0..4294967295 or auto`);
    }
    tlvs.push({ type: TlvType.SEC_CNT, value: encodeU32(counter) });
  }
  if (options.bootRecord !== undefined) {
    if (options.bootRecord.length > MAX_SW_TYPE_LENGTH) {
      throw new ImageOptionError(`--boot-record "${options.bootRecord}": at most ${MAX_SW_TYPE_LENGTH} characters`);
    }
    const record = encodeBootRecord({
      swType: options.bootRecord,
      version: `${version.major}.${version.minor}.${version.revision}`,
      signerId: keyHash,
      hashName: hash.toUpperCase(),
      digestSize: HASH_SIZE[hash],
    });
    tlvs.push({ type: TlvType.BOOT_RECORD, value: record });
  }
  for (const dependency of options.dependencies ?? []) tlvs.push(encodeDependencyTlv(dependency));
  if (options.vid !== undefined) tlvs.push({ type: TlvType.UUID_VID, value: uuidValue(options.vid, '--vid') });
  if (options.cid !== undefined) tlvs.push({ type: TlvType.UUID_CID, value: uuidValue(options.cid, '--cid') });
  const predefined = new Set<number>(Object.values(TlvType));
  for (const custom of options.customTlvs ?? []) {
    if (custom.type < 0xa0 || custom.type > 0xfffe || predefined.has(custom.type)) {
      throw new ImageOptionError(`custom TLV 0x${custom.type.toString(16)}: expected 0x00a0..0xfffe, not a named type`);
    }
    tlvs.push(custom);
  }
  return tlvs;
}

function encodeDependencyTlv(dependency: Dependency): Tlv {
  const value = new Uint8Array(12);
  const view = new DataView(value.buffer);
  view.setUint8(0, dependency.imageId);
  view.setUint8(4, dependency.version.major);
  view.setUint8(5, dependency.version.minor);
  view.setUint16(6, dependency.version.revision, true);
  view.setUint32(8, dependency.version.build, true);
  return { type: TlvType.DEPENDENCY, value };
}

function uuidValue(uuid: Uint8Array, option: string): Uint8Array {
  if (uuid.length !== 16) throw new ImageOptionError(`${option}: a UUID is 16 bytes, got ${uuid.length}`);
  return uuid;
}

/** An info header plus entries; imgtool writes nothing at all for an empty list. */
function tlvArea(magic: number, tlvs: readonly Tlv[]): Uint8Array {
  if (tlvs.length === 0) return new Uint8Array(0);
  const total = 4 + tlvs.reduce((sum, tlv) => sum + 4 + tlv.value.length, 0);
  if (total > 0xffff) throw new ImageOptionError(`TLV area of ${total} bytes exceeds 65535`);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint16(0, magic, true);
  view.setUint16(2, total, true);
  let offset = 4;
  for (const tlv of tlvs) {
    if (tlv.value.length > 0xffff) throw new ImageOptionError(`TLV 0x${tlv.type.toString(16)} exceeds 65535 bytes`);
    view.setUint16(offset, tlv.type, true);
    view.setUint16(offset + 2, tlv.value.length, true);
    out.set(tlv.value, offset + 4);
    offset += 4 + tlv.value.length;
  }
  return out;
}

function zeroPad(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(Math.max(length, bytes.length));
  out.set(bytes);
  return out;
}
