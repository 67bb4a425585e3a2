import type { KeyObject } from 'node:crypto';
import { equalBytes, hex } from './bytes.ts';
import { ImageFormatError } from './errors.ts';
import { type KeyType, keyTypeOf, publicKeyBytes } from './keys.ts';
import { type ParsedImage, parseImage, type Tlv, walkImage } from './parse.ts';
import type { Dependency } from './sign.ts';
import { defaultHashFor, digestOf, SIGNATURE_TLV, SIGNATURE_TLVS, signatureLengthOk, verifyData } from './signature.ts';
import {
  HASH_SIZE,
  HASH_TLV,
  type HashAlgorithm,
  hashAlgorithmOfTlv,
  ImageFlag,
  TlvType,
  tlvName,
  UNPROTECTED_ALLOW_LIST,
} from './tlv-types.ts';
import type { VerificationMemo } from './verify-memo.ts';
import type { ImageVersion } from './version.ts';

export interface VerifyOptions {
  /** Trusted public (or private) keys, as the bootloader embeds them; `keyIndex` in the result points here. */
  keys: readonly KeyObject[];
  /** The flash-area size: the header check requires hdr + img + protected TLVs strictly below it. */
  slotSize?: number;
  /** Largest image end (TLV end) the strategy allows (`bootutil_max_image_size`); default `slotSize`. */
  maxImageSize?: number;
  /** The image hash of the emulated build; default SHA-384 when a trusted key is P-384, SHA-512 if pure, else SHA-256. */
  hash?: HashAlgorithm;
  /**
   * MCUBOOT_SIGN_PURE: Ed25519 over the image bytes; requires a SIG_PURE TLV. The loader then skips the hash;
   * bootproof still requires the SHA-512 TLV imgtool writes, and checks it (stricter).
   */
  pure?: boolean;
  /** Require a valid signature by a trusted key; default true when `keys` is not empty (else hash-only). */
  requireSignature?: boolean;
  /** MCUBOOT_USE_TLV_ALLOW_LIST: refuse unprotected TLVs outside the allow list. */
  allowList?: boolean;
  /** MCUBOOT_HW_ROLLBACK_PROT: the image's protected SEC_CNT must be at least this. */
  minSecurityCounter?: number;
  /** UUID checks (MCUBOOT_UUID_VID / _CID): the protected UUID TLV must be present and equal. */
  vid?: Uint8Array;
  cid?: Uint8Array;
  /** Flags the emulated build supports (MCUBOOT_ENC_IMAGES, MCUBOOT_DECOMPRESS_IMAGES); others make the image invalid. */
  acceptEncrypted?: boolean;
  /** Remembers digests and signature verdicts across calls (keyed by the whole input, see verify-memo.ts). */
  memo?: VerificationMemo;
}

/**
 * The MCUboot build an image was made for, read from the image itself as imgtool verify does: the hash of its
 * hash TLV, and MCUBOOT_SIGN_PURE when it carries SIG_PURE. Every command verifies with it, so an image valid for
 * `image verify` is valid for `run` and `gate` too. The signature still has to verify with a trusted key.
 */
export function buildOfImage(bytes: Uint8Array): { hash: HashAlgorithm | undefined; pure: boolean } {
  const tlvs = walkImage(bytes).unprotectedArea?.tlvs ?? [];
  return {
    hash: tlvs.map((t) => hashAlgorithmOfTlv(t.type)).find((h) => h !== undefined),
    pure: tlvs.some((t) => t.type === TlvType.SIG_PURE),
  };
}

/** Why an image was refused. 'ok' only when `valid`. */
export type VerifyReason =
  | 'ok'
  | 'bad-header'
  | 'bad-tlv-area'
  | 'too-large'
  | 'unsupported-flags'
  | 'not-allowed-tlv'
  | 'hash-missing'
  | 'hash-length'
  | 'hash-mismatch'
  | 'sig-pure-missing'
  | 'key-tlv-length'
  | 'key-not-trusted'
  | 'signature-missing'
  | 'signature-length'
  | 'signature-invalid'
  | 'security-counter'
  | 'dependency-length'
  | 'uuid-mismatch';

export interface VerifyResult {
  valid: boolean;
  reason: VerifyReason;
  /** One line saying what failed and where, for people. */
  message: string;
  /** Where the failure is: an offset in the image, and the TLV type when it is in a TLV. */
  offset: number | undefined;
  tlvType: number | undefined;
  /** The digest the verifier computed (undefined when the image could not be parsed). */
  digest: Uint8Array | undefined;
  hash: HashAlgorithm;
  /** Index into `options.keys` of the key whose signature decided, when one did. */
  keyIndex: number | undefined;
  version: ImageVersion | undefined;
  /** From the protected area only: an unprotected SEC_CNT is ignored, as the loader ignores it. */
  securityCounter: number | undefined;
  /** From the protected area only. */
  dependencies: Dependency[];
  image: ParsedImage | undefined;
}

interface TrustedKey {
  key: KeyObject;
  type: KeyType;
  publicBytes: Uint8Array;
  keyHash: Map<HashAlgorithm, Uint8Array>;
}

/**
 * Validates an image the way MCUboot's loader does (`bootutil_img_validate`, FORMATS.md §1.8), stricter where
 * noted. Never throws on bad bytes: every failure is a result with its reason, offset and TLV type.
 */
export function verifyImage(bytes: Uint8Array, options: VerifyOptions): VerifyResult {
  const trusted = options.keys.map(toTrusted);
  const pure = options.pure === true;
  const hash = options.hash ?? (pure ? 'sha512' : defaultHashFor(trusted.find((k) => k.type === 'ecdsa-p384')?.type));
  const requireSignature = options.requireSignature ?? trusted.length > 0;
  // Every return below goes through `fail` or the final assignment, which set valid, reason and message.
  // Stryker disable all: equivalent, the initial values are always overwritten
  const result: VerifyResult = {
    valid: false,
    reason: 'ok',
    message: '',
    offset: undefined,
    tlvType: undefined,
    digest: undefined,
    hash,
    keyIndex: undefined,
    version: undefined,
    securityCounter: undefined,
    dependencies: [],
    image: undefined,
  };
  // Stryker restore all
  const fail = (reason: VerifyReason, message: string, offset?: number, tlvType?: number): VerifyResult => {
    Object.assign(result, { valid: false, reason, message, offset, tlvType, keyIndex: undefined });
    return result;
  };

  let image: ParsedImage;
  try {
    image = parseImage(bytes);
  } catch (error) {
    // Stryker disable next-line ConditionalExpression: equivalent, parseImage throws nothing but ImageFormatError
    if (!(error instanceof ImageFormatError)) throw error;
    const reason = error.field === 'ih_magic' || error.field === 'ih_hdr_size' ? 'bad-header' : 'bad-tlv-area';
    return fail(reason, error.message, error.offset, error.tlvType);
  }
  result.image = image;
  const { header } = image;
  result.version = header.version;

  const sizeFailure = checkSizes(image, options);
  if (sizeFailure !== undefined) return fail('too-large', sizeFailure.message, sizeFailure.offset);
  const flagFailure = checkFlags(header.flags, options);
  if (flagFailure !== undefined) return fail('unsupported-flags', flagFailure, 16);

  const hashed = bytes.subarray(0, image.hashedLength);
  const memo = options.memo;
  const digest = memo ? memo.digest(hash, hashed, () => digestOf(hash, hashed)) : digestOf(hash, hashed);
  result.digest = digest;
  const signed = { hashed, digest, hash, pure };

  let hashMatched = false;
  let sigPureSeen = false;
  let selected: number | undefined;
  let verdict: { ok: boolean; keyIndex: number; tlv: Tlv } | undefined;
  for (const tlv of image.tlvs) {
    if (options.allowList === true && !tlv.protected && !UNPROTECTED_ALLOW_LIST.has(tlv.type)) {
      return fail('not-allowed-tlv', `TLV ${tlv.name} is not allowed in the unprotected area`, tlv.offset, tlv.type);
    }
    if (tlv.type === HASH_TLV[hash]) {
      if (tlv.length !== HASH_SIZE[hash]) {
        return fail('hash-length', `${tlv.name} TLV is ${tlv.length} bytes, expected ${HASH_SIZE[hash]}`, tlv.offset, tlv.type);
      }
      if (!equalBytes(tlv.value, digest)) {
        return fail('hash-mismatch', `${tlv.name} TLV does not match the image digest`, tlv.offset, tlv.type);
      }
      hashMatched = true;
    } else if (tlv.type === TlvType.SIG_PURE) {
      sigPureSeen = tlv.length === 1 && tlv.value[0] === 1;
    } else if (tlv.type === TlvType.KEYHASH || tlv.type === TlvType.PUBKEY) {
      const found = findKey(trusted, tlv, hash);
      if (found === 'bad-length') {
        return fail('key-tlv-length', `${tlv.name} TLV of ${tlv.length} bytes`, tlv.offset, tlv.type);
      }
      selected = found;
    } else if (SIGNATURE_TLVS.has(tlv.type)) {
      // The loader checks only its configured signature type, with the key the last KEYHASH/PUBKEY named.
      if (selected === undefined || SIGNATURE_TLV[trusted[selected].type] !== tlv.type) continue;
      const key = trusted[selected];
      if (!signatureLengthOk(key.type, tlv.length)) {
        return fail('signature-length', `${tlv.name} TLV of ${tlv.length} bytes for a ${key.type} key`, tlv.offset, tlv.type);
      }
      const check = () => verifyData(key.type, key.key, signed, tlv.value);
      verdict = { ok: memo ? memo.signature(key, signed, tlv.value, check) : check(), keyIndex: selected, tlv };
    } else if (tlv.protected && tlv.type === TlvType.SEC_CNT) {
      if (tlv.length !== 4) return fail('security-counter', `SEC_CNT TLV of ${tlv.length} bytes, expected 4`, tlv.offset, tlv.type);
      result.securityCounter = readU32(tlv.value);
    } else if (tlv.protected && tlv.type === TlvType.DEPENDENCY) {
      if (tlv.length !== 12) {
        return fail('dependency-length', `DEPENDENCY TLV of ${tlv.length} bytes, expected 12`, tlv.offset, tlv.type);
      }
      result.dependencies.push(decodeDependency(tlv.value));
    } else if (tlv.protected && (tlv.type === TlvType.UUID_VID || tlv.type === TlvType.UUID_CID)) {
      const expected = tlv.type === TlvType.UUID_VID ? options.vid : options.cid;
      if (expected !== undefined && !equalBytes(tlv.value, expected)) {
        return fail('uuid-mismatch', `${tlv.name} does not match`, tlv.offset, tlv.type);
      }
    }
  }

  if (!hashMatched) {
    return fail('hash-missing', `no ${tlvName(HASH_TLV[hash])} TLV in the image`, image.unprotectedArea.offset);
  }
  if (pure && !sigPureSeen) return fail('sig-pure-missing', 'pure build: no SIG_PURE TLV with value 1', image.unprotectedArea.offset);
  if (requireSignature) {
    if (verdict === undefined) {
      const named = image.tlvs.some((t) => t.type === TlvType.KEYHASH || t.type === TlvType.PUBKEY);
      return selected === undefined && named
        ? fail('key-not-trusted', 'no trusted key matches the KEYHASH/PUBKEY TLV', keyTlvOffset(image))
        : fail('signature-missing', 'no signature TLV by a trusted key', image.unprotectedArea.offset);
    }
    if (!verdict.ok) {
      return fail('signature-invalid', `${verdict.tlv.name} signature does not verify`, verdict.tlv.offset, verdict.tlv.type);
    }
    result.keyIndex = verdict.keyIndex;
  }
  if (options.minSecurityCounter !== undefined) {
    const counter = result.securityCounter;
    if (counter === undefined || counter < options.minSecurityCounter) {
      return fail(
        'security-counter',
        `security counter ${counter ?? 'absent'} is below the device's ${options.minSecurityCounter}`,
        image.protectedArea?.offset,
        TlvType.SEC_CNT,
      );
    }
  }
  for (const [uuid, type] of [
    [options.vid, TlvType.UUID_VID],
    [options.cid, TlvType.UUID_CID],
  ] as const) {
    if (uuid !== undefined && !image.tlvs.some((t) => t.protected && t.type === type)) {
      return fail('uuid-mismatch', `no protected ${tlvName(type)} TLV`, image.unprotectedArea.offset, type);
    }
  }
  Object.assign(result, { valid: true, reason: 'ok', message: 'image is valid' });
  return result;
}

/** Exporting a key's bytes costs more than validating a small image, so each key is prepared once. */
const trustedCache = new WeakMap<KeyObject, TrustedKey>();

function toTrusted(key: KeyObject): TrustedKey {
  let trusted = trustedCache.get(key);
  // Stryker disable next-line ConditionalExpression: equivalent, a cache miss forced every time only costs time
  if (trusted === undefined) {
    trusted = { key, type: keyTypeOf(key), publicBytes: publicKeyBytes(key), keyHash: new Map() };
    trustedCache.set(key, trusted);
  }
  return trusted;
}

/**
 * KEYHASH: the hash (in the image hash algorithm) of a trusted key. Longer than the digest is an error, as in the
 * loader; the loader compares only `it_len` bytes of a shorter one (so a truncated hash, even an empty one,
 * matches) where bootproof matches nothing: imgtool always writes the full length. PUBKEY (HW-key
 * builds): the embedded key itself must be trusted.
 */
function findKey(trusted: readonly TrustedKey[], tlv: Tlv, hash: HashAlgorithm): number | undefined | 'bad-length' {
  if (tlv.type === TlvType.PUBKEY) {
    if (tlv.length === 0 || tlv.length > 1024) return 'bad-length';
    const index = trusted.findIndex((k) => equalBytes(k.publicBytes, tlv.value));
    return index < 0 ? undefined : index;
  }
  if (tlv.length > HASH_SIZE[hash]) return 'bad-length';
  const index = trusted.findIndex((k) => {
    let keyHash = k.keyHash.get(hash);
    // Stryker disable next-line ConditionalExpression: equivalent, a cache miss forced every time only costs time
    if (keyHash === undefined) {
      keyHash = digestOf(hash, k.publicBytes);
      k.keyHash.set(hash, keyHash);
    }
    return equalBytes(keyHash, tlv.value);
  });
  return index < 0 ? undefined : index;
}

function checkSizes(image: ParsedImage, options: VerifyOptions): { message: string; offset: number } | undefined {
  // Stryker disable next-line ConditionalExpression: equivalent, a comparison with undefined is false
  if (options.slotSize !== undefined && image.hashedLength >= options.slotSize) {
    return {
      message: `hdr + img + protected TLVs = ${hex(image.hashedLength)} is not below the slot size ${hex(options.slotSize)}`,
      offset: 12,
    };
  }
  const limit = options.maxImageSize ?? options.slotSize;
  // Stryker disable next-line ConditionalExpression: equivalent, a comparison with undefined is false
  if (limit !== undefined && image.end > limit) {
    return { message: `image ends at ${hex(image.end)}, past the maximum image size ${hex(limit)}`, offset: image.end };
  }
  return undefined;
}

function checkFlags(flags: number, options: VerifyOptions): string | undefined {
  const encrypted = flags & (ImageFlag.ENCRYPTED_AES128 | ImageFlag.ENCRYPTED_AES256);
  if (encrypted === (ImageFlag.ENCRYPTED_AES128 | ImageFlag.ENCRYPTED_AES256)) return 'both AES-128 and AES-256 flags set';
  if (encrypted !== 0 && options.acceptEncrypted !== true) return 'encrypted image, and this build has no decryption key';
  const compressed = flags & (ImageFlag.COMPRESSED_LZMA1 | ImageFlag.COMPRESSED_LZMA2);
  if (compressed !== 0) return 'compressed image: decompression is not emulated';
  if ((flags & ImageFlag.NON_BOOTABLE) !== 0) return 'NON_BOOTABLE flag: the loader never boots this image';
  return undefined;
}

/** Called only when the image has a KEYHASH or PUBKEY TLV. */
function keyTlvOffset(image: ParsedImage): number | undefined {
  // Stryker disable next-line OptionalChaining: equivalent, see above
  return image.tlvs.find((t) => t.type === TlvType.KEYHASH || t.type === TlvType.PUBKEY)?.offset;
}

export function decodeDependency(value: Uint8Array): Dependency {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  return {
    imageId: view.getUint8(0),
    version: {
      major: view.getUint8(4),
      minor: view.getUint8(5),
      revision: view.getUint16(6, true),
      build: view.getUint32(8, true),
    },
  };
}

function readU32(value: Uint8Array): number {
  return new DataView(value.buffer, value.byteOffset, 4).getUint32(0, true);
}
