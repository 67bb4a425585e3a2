/**
 * TLV type numbers and header constants of the MCUboot image format (FORMATS.md §1.2, §1.4, §1.5; MCUboot
 * boot/bootutil/include/bootutil/image.h). Names are imgtool's, so `inspect` prints what `dumpinfo` prints.
 */

export const IMAGE_MAGIC = 0x96f3b83d;
export const IMAGE_MAGIC_V1 = 0x96f3b83c;
export const IMAGE_HEADER_SIZE = 32;
export const TLV_INFO_MAGIC = 0x6907;
export const TLV_PROT_INFO_MAGIC = 0x6908;
export const TLV_INFO_SIZE = 4;
export const TLV_HEADER_SIZE = 4;

export const TlvType = {
  KEYHASH: 0x01,
  PUBKEY: 0x02,
  SHA256: 0x10,
  SHA384: 0x11,
  SHA512: 0x12,
  RSA2048_PSS: 0x20,
  ECDSA224: 0x21,
  ECDSA_SIG: 0x22,
  RSA3072_PSS: 0x23,
  ED25519: 0x24,
  SIG_PURE: 0x25,
  ENC_RSA2048: 0x30,
  ENC_KW: 0x31,
  ENC_EC256: 0x32,
  ENC_X25519: 0x33,
  ENC_X25519_SHA512: 0x34,
  DEPENDENCY: 0x40,
  SEC_CNT: 0x50,
  BOOT_RECORD: 0x60,
  DECOMP_SIZE: 0x70,
  DECOMP_SHA: 0x71,
  DECOMP_SIGNATURE: 0x72,
  COMP_DEC_SIZE: 0x73,
  UUID_VID: 0x74,
  UUID_CID: 0x75,
} as const;

/** imgtool's spelling of each type (dumpinfo output), where it differs from image.h. */
const TLV_NAMES: ReadonlyMap<number, string> = new Map([
  [0x01, 'KEYHASH'],
  [0x02, 'PUBKEY'],
  [0x10, 'SHA256'],
  [0x11, 'SHA384'],
  [0x12, 'SHA512'],
  [0x20, 'RSA2048'],
  [0x21, 'ECDSA224'],
  [0x22, 'ECDSASIG'],
  [0x23, 'RSA3072'],
  [0x24, 'ED25519'],
  [0x25, 'SIG_PURE'],
  [0x30, 'ENCRSA2048'],
  [0x31, 'ENCKW'],
  [0x32, 'ENCEC256'],
  [0x33, 'ENCX25519'],
  [0x34, 'ENCX25519_SHA512'],
  [0x40, 'DEPENDENCY'],
  [0x50, 'SEC_CNT'],
  [0x60, 'BOOT_RECORD'],
  [0x70, 'DECOMP_SIZE'],
  [0x71, 'DECOMP_SHA'],
  [0x72, 'DECOMP_SIGNATURE'],
  [0x73, 'COMP_DEC_SIZE'],
  [0x74, 'UUID_VID'],
  [0x75, 'UUID_CID'],
]);

/** The name imgtool prints for a TLV type; unknown and vendor types print as `UNKNOWN_0x…`. */
export function tlvName(type: number): string {
  return TLV_NAMES.get(type) ?? `UNKNOWN_0x${type.toString(16).padStart(2, '0')}`;
}

export const ImageFlag = {
  PIC: 0x1,
  ENCRYPTED_AES128: 0x4,
  ENCRYPTED_AES256: 0x8,
  NON_BOOTABLE: 0x10,
  RAM_LOAD: 0x20,
  ROM_FIXED: 0x100,
  COMPRESSED_LZMA1: 0x200,
  COMPRESSED_LZMA2: 0x400,
  COMPRESSED_ARM_THUMB_FLT: 0x800,
} as const;

export function flagNames(flags: number): string[] {
  return Object.entries(ImageFlag)
    .filter(([, bit]) => (flags & bit) !== 0)
    .map(([name]) => name);
}

export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512';

export const HASH_TLV: Readonly<Record<HashAlgorithm, number>> = {
  sha256: TlvType.SHA256,
  sha384: TlvType.SHA384,
  sha512: TlvType.SHA512,
};

export const HASH_SIZE: Readonly<Record<HashAlgorithm, number>> = { sha256: 32, sha384: 48, sha512: 64 };

export function hashAlgorithmOfTlv(type: number): HashAlgorithm | undefined {
  if (type === TlvType.SHA256) return 'sha256';
  if (type === TlvType.SHA384) return 'sha384';
  if (type === TlvType.SHA512) return 'sha512';
  return undefined;
}

/**
 * Unprotected TLVs the loader accepts with MCUBOOT_USE_TLV_ALLOW_LIST (FORMATS.md §1.8): everything an attacker
 * could append outside the signature is refused unless it is one of these.
 */
export const UNPROTECTED_ALLOW_LIST: ReadonlySet<number> = new Set([
  TlvType.KEYHASH,
  TlvType.PUBKEY,
  TlvType.SHA256,
  TlvType.SHA384,
  TlvType.SHA512,
  TlvType.RSA2048_PSS,
  TlvType.ECDSA224,
  TlvType.ECDSA_SIG,
  TlvType.RSA3072_PSS,
  TlvType.ED25519,
  TlvType.SIG_PURE,
  TlvType.ENC_RSA2048,
  TlvType.ENC_KW,
  TlvType.ENC_EC256,
  TlvType.ENC_X25519,
  TlvType.ENC_X25519_SHA512,
]);
