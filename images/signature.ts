import { constants, createHash, type KeyObject, sign, verify } from 'node:crypto';
import type { KeyType } from './keys.ts';
import { verifyRsaPssDigest } from './rsa-pss.ts';
import { type HashAlgorithm, TlvType } from './tlv-types.ts';

/** The signature TLV each key type produces and the loader looks for. */
export const SIGNATURE_TLV: Readonly<Record<KeyType, number>> = {
  'ecdsa-p256': TlvType.ECDSA_SIG,
  'ecdsa-p384': TlvType.ECDSA_SIG,
  ed25519: TlvType.ED25519,
  'rsa-2048': TlvType.RSA2048_PSS,
  'rsa-3072': TlvType.RSA3072_PSS,
};

export const SIGNATURE_TLVS: ReadonlySet<number> = new Set(Object.values(SIGNATURE_TLV));

/** The image hash an MCUboot build for this key type uses: SHA-384 with P-384 (MCUBOOT_SIGN_EC384), else SHA-256. */
export function defaultHashFor(keyType: KeyType | undefined): HashAlgorithm {
  return keyType === 'ecdsa-p384' ? 'sha384' : 'sha256';
}

/** What is signed: the digest of the hashed range, or (pure Ed25519) the hashed bytes themselves. */
export interface SignedData {
  /** Bytes [0, hdr + img + protected TLVs) of the image. */
  hashed: Uint8Array;
  digest: Uint8Array;
  hash: HashAlgorithm;
  pure: boolean;
}

const RSA_PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };

/**
 * Signs as imgtool does (FORMATS.md §1.6): ECDSA over the digest (DER), RSA-PSS with SHA-256/MGF1 and a 32-byte
 * salt, Ed25519 with the digest as its message, or the hashed bytes in pure mode.
 */
export function signData(keyType: KeyType, key: KeyObject, data: SignedData): Uint8Array {
  switch (keyType) {
    case 'ed25519':
      return new Uint8Array(sign(null, data.pure ? data.hashed : data.digest, key));
    case 'rsa-2048':
    case 'rsa-3072':
      return new Uint8Array(sign(data.hash, data.hashed, { key, ...RSA_PSS }));
    default:
      return new Uint8Array(sign(data.hash, data.hashed, { key, dsaEncoding: 'der' }));
  }
}

/** Signature lengths the loader checks exactly; ECDSA's DER is variable and bounded by the loader's buffer. */
export function signatureLengthOk(keyType: KeyType, length: number): boolean {
  switch (keyType) {
    case 'ed25519':
      return length === 64;
    case 'rsa-2048':
      return length === 256;
    case 'rsa-3072':
      return length === 384;
    default:
      return length > 0 && length <= 128;
  }
}

/**
 * Verifies one signature TLV. Never throws: a malformed signature is a failed signature. node:crypto cannot
 * verify a precomputed digest for ECDSA, so ECDSA re-hashes the signed bytes; RSA-PSS checks the digest itself.
 */
export function verifyData(keyType: KeyType, key: KeyObject, data: SignedData, signature: Uint8Array): boolean {
  try {
    switch (keyType) {
      case 'ed25519':
        return verify(null, data.pure ? data.hashed : data.digest, key, signature);
      case 'rsa-2048':
      case 'rsa-3072':
        return data.hash === 'sha256'
          ? verifyRsaPssDigest(key, data.digest, signature)
          : verify(data.hash, data.hashed, { key, ...RSA_PSS }, signature);
      default:
        return verify(data.hash, data.hashed, { key, dsaEncoding: 'der' }, ecdsaDerOnly(signature));
    }
  } catch {
    return false;
  }
}

/**
 * The loader's ASN.1 reader stops at the end of the DER SEQUENCE, so legacy `--pad-sig` zero padding after it is
 * ignored; OpenSSL would refuse it, so cut it off first (as imgtool's verifier does).
 */
function ecdsaDerOnly(signature: Uint8Array): Uint8Array {
  if (signature.length >= 2 && signature[0] === 0x30 && signature[1] < 0x80) {
    return signature.subarray(0, Math.min(signature.length, signature[1] + 2));
  }
  return signature;
}

export function digestOf(hash: HashAlgorithm, bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(hash).update(bytes).digest());
}
