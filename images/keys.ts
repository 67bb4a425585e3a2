import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { KeyFileError } from './errors.ts';

/** The signing algorithms MCUboot supports (FORMATS.md §1.5), named as `imgtool keygen -t` names them. */
export type KeyType = 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519' | 'rsa-2048' | 'rsa-3072';
export const KEY_TYPES: readonly KeyType[] = ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-2048', 'rsa-3072'];

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Which MCUboot algorithm a node:crypto key is for; throws KeyFileError for anything MCUboot cannot verify. */
export function keyTypeOf(key: KeyObject): KeyType {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec':
      if (details.namedCurve === 'prime256v1') return 'ecdsa-p256';
      if (details.namedCurve === 'secp384r1') return 'ecdsa-p384';
      throw new KeyFileError(`EC key on curve ${details.namedCurve}: MCUboot signs with P-256 or P-384 only`);
    case 'ed25519':
      return 'ed25519';
    case 'rsa':
      if (details.modulusLength === 2048) return 'rsa-2048';
      if (details.modulusLength === 3072) return 'rsa-3072';
      throw new KeyFileError(`RSA-${details.modulusLength} key: MCUboot verifies RSA-2048 and RSA-3072 only`);
    default:
      throw new KeyFileError(`${key.asymmetricKeyType ?? 'unknown'} key: not an MCUboot signing algorithm`);
  }
}

/**
 * The public key bytes the bootloader embeds and hashes for KEYHASH, and imgtool writes into PUBKEY: DER
 * SubjectPublicKeyInfo for ECDSA and Ed25519, DER PKCS#1 RSAPublicKey for RSA (FORMATS.md §1.7).
 */
export function publicKeyBytes(key: KeyObject): Uint8Array {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  const type = keyTypeOf(publicKey).startsWith('rsa') ? 'pkcs1' : 'spki';
  return new Uint8Array(publicKey.export({ type, format: 'der' }));
}

/**
 * Reads a private key PEM: PKCS#8 (plain or encrypted), SEC1 `EC PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY` (plain or
 * legacy-encrypted). `source` names the file in error messages.
 */
export function loadPrivateKey(pem: string | Uint8Array, options?: { password?: string; source?: string }): KeyObject {
  const source = options?.source ?? 'key';
  const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('latin1');
  refuseCertificate(text, source);
  const encrypted = text.includes('ENCRYPTED PRIVATE KEY') || text.includes('Proc-Type: 4,ENCRYPTED');
  if (encrypted && options?.password === undefined) {
    throw new KeyFileError(`${source}: the private key is encrypted; give its password`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(
      options?.password === undefined ? text : { key: text, format: 'pem', passphrase: options.password },
    );
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (encrypted && /DECRYPT|BAD_DECRYPT|INTERRUPTED/.test(code)) {
      throw new KeyFileError(`${source}: wrong password for the encrypted private key`, { cause: error });
    }
    if (text.includes('PUBLIC KEY')) {
      throw new KeyFileError(`${source}: this is a public key; signing needs the private key`);
    }
    throw new KeyFileError(`${source}: not a readable private key PEM (PKCS#8, SEC1 or PKCS#1)`, { cause: error });
  }
  supportedKey(key, source);
  return key;
}

/** A certificate holds a public key but is not one: say so, and how to get the key out. */
function refuseCertificate(text: string, source: string): void {
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new KeyFileError(`${source}: an X.509 certificate, not a key PEM (extract its key: openssl x509 -pubkey -noout -in ${source})`);
  }
}

function supportedKey(key: KeyObject, source: string): void {
  try {
    keyTypeOf(key);
  } catch (error) {
    if (error instanceof KeyFileError) throw new KeyFileError(`${source}: ${error.message}`);
    throw error;
  }
}

/**
 * Reads a public key for verification: a `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1) PEM, or a private key
 * PEM whose public half is taken (as imgtool accepts keypairs).
 */
export function loadPublicKey(pem: string | Uint8Array, options?: { password?: string; source?: string }): KeyObject {
  const source = options?.source ?? 'key';
  const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('latin1');
  refuseCertificate(text, source);
  if (!text.includes('PUBLIC KEY-----')) return createPublicKey(loadPrivateKey(text, options));
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch (error) {
    throw new KeyFileError(`${source}: not a readable public key PEM (SPKI or PKCS#1)`, { cause: error });
  }
  supportedKey(key, source);
  return key;
}

/** PKCS#8 PEM, as `imgtool keygen` writes; encrypted with AES-256-CBC when a password is given. */
export function exportPrivateKeyPem(key: KeyObject, password?: string): string {
  if (password === undefined) return key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password }).toString();
}

export function exportPublicKeyPem(key: KeyObject): string {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

const CURVE_OID: Readonly<Record<'ecdsa-p256' | 'ecdsa-p384', string>> = {
  'ecdsa-p256': '06082a8648ce3d030107',
  'ecdsa-p384': '06052b81040022',
};

/**
 * A key pair for tests and suites. With a seed, ECDSA and Ed25519 keys are derived from it (same seed, same key,
 * on every machine); RSA keys are always fresh because deriving RSA primes from a seed is not worth its cost here.
 */
export function generateKeyPair(type: KeyType, options?: { seed?: number | string }): KeyPair {
  const seed = options?.seed;
  if (seed === undefined || type === 'rsa-2048' || type === 'rsa-3072') {
    if (seed !== undefined) throw new KeyFileError(`${type}: seeded generation supports ECDSA and Ed25519 only`);
    const pair =
      type === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : type.startsWith('rsa')
          ? generateKeyPairSync('rsa', { modulusLength: type === 'rsa-2048' ? 2048 : 3072 })
          : generateKeyPairSync('ec', { namedCurve: type === 'ecdsa-p256' ? 'P-256' : 'P-384' });
    return { privateKey: pair.privateKey, publicKey: pair.publicKey };
  }
  const privateKey = type === 'ed25519' ? seededEd25519(seed) : seededEcdsa(type, seed);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function seedBytes(seed: number | string, label: string, size: number, attempt: number): Buffer {
  return createHash('sha512').update(`bootproof-key|${label}|${attempt}|${seed}`).digest().subarray(0, size);
}

function seededEd25519(seed: number | string): KeyObject {
  const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  const der = Buffer.concat([pkcs8Prefix, seedBytes(seed, 'ed25519', 32, 0)]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

function seededEcdsa(type: 'ecdsa-p256' | 'ecdsa-p384', seed: number | string): KeyObject {
  const size = type === 'ecdsa-p256' ? 32 : 48;
  const oid = Buffer.from(CURVE_OID[type], 'hex');
  // A scalar at or above the group order is refused by OpenSSL; that happens with probability ~2^-32, so retry.
  for (let attempt = 0; ; attempt++) {
    const scalar = seedBytes(seed, type, size, attempt);
    const params = Buffer.concat([Buffer.from([0xa0, oid.length]), oid]);
    const body = Buffer.concat([Buffer.from([0x02, 0x01, 0x01, 0x04, size]), scalar, params]);
    const der = Buffer.concat([Buffer.from([0x30, body.length]), body]);
    try {
      return createPrivateKey({ key: der, format: 'der', type: 'sec1' });
    } catch (error) {
      if (attempt > 8) throw error;
    }
  }
}
