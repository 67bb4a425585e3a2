/**
 * The MCUboot signed-image format, byte-compatible with imgtool v2.4.0 (FORMATS.md §1, §2, §5).
 *
 * Trailer (one layout for every reader and writer): `trailerLayout`, `bootMagic`, `decodeMagic`, `decodeFlag`,
 *   `decodeSwapInfo`, `encodeSwapInfo`, `readTrailer`, `encodeTrailerWrite`, `encodeMagicWrite`, `encodeU32`,
 *   `trailerInfoSize`, `statusAreaSize`, `bootTrailerSize`, `scratchTrailerSize`, `statusAreaStart`,
 *   `statusRecordOffset`, `bootWriteSize`, `maxImageSizeWithoutSwap`, `imgtoolTrailerSize`,
 *   `encodeImgtoolTrailer`, `MagicState`, `FlagState`, `SwapType`, `STATUS_STATES`.
 * Parsing: `parseImage(bytes)` (strict; throws `ImageFormatError`), `walkImage(bytes)` (never throws; keeps what
 *   it read), `decodeHeader`, `encodeHeader`, TLV constants `TlvType`, `ImageFlag`, `tlvName`.
 * Verifying: `verifyImage(bytes, { keys, slotSize?, maxImageSize?, hash?, pure?, minSecurityCounter?, … })` →
 *   `{ valid, reason, message, offset, tlvType, digest, keyIndex, version, securityCounter, dependencies }`.
 * Signing: `signImage(payload, { key, headerSize, padHeader, version, slotSize, securityCounter, dependencies,
 *   pad, confirm, align, maxAlign, … })` → bytes; `toIntelHex`, `fromIntelHex`.
 * Keys: `generateKeyPair(type, { seed? })`, `loadPrivateKey`, `loadPublicKey`, `publicKeyBytes`, `keyTypeOf`,
 *   `exportPrivateKeyPem`, `exportPublicKeyPem`, `KEY_TYPES`.
 * Versions: `parseVersion`, `formatVersion`, `compareVersions` (build number ignored, as MCUboot does).
 * Corruptor: `MUTATIONS`, `corruptImage(bytes, name, { seed, … })`.
 * Inspection: `inspectImage(bytes)` (dumpinfo's fields, machine-readable).
 * Errors (all BootproofError, exit code 2): `ImageFormatError` (field, offset, expected, tlvType), `KeyFileError`,
 *   `ImageOptionError`, `CorruptionError`.
 */

export {
  type Corruption,
  type CorruptOptions,
  corruptImage,
  isMutationName,
  MUTATION_NAMES,
  MUTATIONS,
  type MutationName,
} from './corrupt.ts';
export { CorruptionError, ImageFormatError, ImageOptionError, KeyFileError } from './errors.ts';
export { decodeHeader, encodeHeader, type ImageHeader } from './header.ts';
export { type ImageDescription, inspectImage, type TlvDescription } from './inspect.ts';
export {
  firstGap,
  flattenSegments,
  fromIntelHex,
  type HexSegment,
  IntelHexError,
  MAX_HEX_SPAN,
  parseIntelHex,
  toIntelHex,
} from './intel-hex.ts';
export {
  exportPrivateKeyPem,
  exportPublicKeyPem,
  generateKeyPair,
  KEY_TYPES,
  type KeyPair,
  type KeyType,
  keyTypeOf,
  loadPrivateKey,
  loadPublicKey,
  publicKeyBytes,
} from './keys.ts';
export { type ImageWalk, type ParsedImage, parseImage, type Tlv, type TlvArea, walkImage } from './parse.ts';
export { type Dependency, type SignOptions, signImage } from './sign.ts';
export { SIGNATURE_TLV } from './signature.ts';
export {
  flagNames,
  HASH_SIZE,
  HASH_TLV,
  type HashAlgorithm,
  hashAlgorithmOfTlv,
  IMAGE_HEADER_SIZE,
  IMAGE_MAGIC,
  ImageFlag,
  TLV_INFO_MAGIC,
  TLV_PROT_INFO_MAGIC,
  TlvType,
  tlvName,
} from './tlv-types.ts';
export * from './trailer.ts';
export { classUuid, parseUuid, vendorUuid } from './uuid.ts';
export { buildOfImage, decodeDependency, type VerifyOptions, type VerifyReason, type VerifyResult, verifyImage } from './verify.ts';
export { compareVersions, formatVersion, type ImageVersion, parseVersion, securityCounterFromVersion } from './version.ts';
