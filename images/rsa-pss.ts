import { constants, createHash, type KeyObject, publicDecrypt } from 'node:crypto';

const HASH_LENGTH = 32;
const SALT_LENGTH = 32;

/**
 * RSASSA-PSS verification of a precomputed SHA-256 digest (RFC 8017 §8.1.2, EMSA-PSS-VERIFY §9.1.2) with MGF1-SHA-256
 * and a 32-byte salt — MCUboot's parameters (image_rsa.c checks the salt length exactly, as this does). node:crypto
 * only verifies PSS over the message, which would hash a whole image a second time; the RSA operation itself stays
 * node:crypto's.
 */
export function verifyRsaPssDigest(key: KeyObject, digest: Uint8Array, signature: Uint8Array): boolean {
  const modulusBits = key.asymmetricKeyDetails?.modulusLength;
  if (modulusBits === undefined || digest.length !== HASH_LENGTH || signature.length !== Math.ceil(modulusBits / 8)) {
    return false;
  }
  let em: Buffer;
  try {
    em = publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, signature);
  } catch {
    return false;
  }
  const emBits = modulusBits - 1;
  const emLength = Math.ceil(emBits / 8);
  // publicDecrypt returns the full modulus length; with emBits a multiple of 8 the encoded message is one shorter.
  if (em.length > emLength) {
    if (em[0] !== 0) return false;
    em = em.subarray(em.length - emLength);
  }
  if (emLength < HASH_LENGTH + SALT_LENGTH + 2 || em[emLength - 1] !== 0xbc) return false;
  const dbLength = emLength - HASH_LENGTH - 1;
  const h = em.subarray(dbLength, dbLength + HASH_LENGTH);
  const unusedBits = 8 * emLength - emBits;
  const topMask = (0xff << (8 - unusedBits)) & 0xff;
  if ((em[0] & topMask) !== 0) return false;
  const db = mgf1(h, dbLength);
  for (let i = 0; i < dbLength; i++) db[i] ^= em[i];
  db[0] &= ~topMask & 0xff;
  const padding = dbLength - SALT_LENGTH - 1;
  for (let i = 0; i < padding; i++) if (db[i] !== 0) return false;
  if (db[padding] !== 0x01) return false;
  const salt = db.subarray(dbLength - SALT_LENGTH);
  const expected = createHash('sha256').update(Buffer.alloc(8)).update(digest).update(salt).digest();
  return expected.equals(h);
}

function mgf1(seed: Uint8Array, length: number): Buffer {
  const out = Buffer.alloc(Math.ceil(length / HASH_LENGTH) * HASH_LENGTH);
  const counter = Buffer.alloc(4);
  for (let block = 0; block * HASH_LENGTH < length; block++) {
    counter.writeUInt32BE(block);
    createHash('sha256').update(seed).update(counter).digest().copy(out, block * HASH_LENGTH);
  }
  return out.subarray(0, length);
}
