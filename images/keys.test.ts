import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  exportPrivateKeyPem,
  generateKeyPair,
  KeyFileError,
  keyTypeOf,
  loadPrivateKey,
  loadPublicKey,
  publicKeyBytes,
} from './index.ts';

describe('key files', () => {
  const ec = generateKeyPair('ecdsa-p256', { seed: 1 });
  const rsa = generateKeyPair('rsa-2048');

  it('reads private keys as PKCS#8, SEC1 and PKCS#1 PEM', () => {
    const sec1 = ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(sec1).toContain('BEGIN EC PRIVATE KEY');
    expect(keyTypeOf(loadPrivateKey(sec1))).toBe('ecdsa-p256');
    expect(keyTypeOf(loadPrivateKey(pkcs1))).toBe('rsa-2048');
    expect(keyTypeOf(loadPrivateKey(exportPrivateKeyPem(ec.privateKey)))).toBe('ecdsa-p256');
  });

  it('reads public keys as SPKI and PKCS#1 PEM, or takes the public half of a private key', () => {
    const spki = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const pkcs1 = rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(publicKeyBytes(loadPublicKey(spki))).toEqual(publicKeyBytes(ec.publicKey));
    expect(publicKeyBytes(loadPublicKey(pkcs1))).toEqual(publicKeyBytes(rsa.publicKey));
    expect(publicKeyBytes(loadPublicKey(exportPrivateKeyPem(ec.privateKey)))).toEqual(publicKeyBytes(ec.publicKey));
  });

  it('embeds RSA keys as PKCS#1 (270 bytes for 2048) and the others as SPKI (91 bytes for P-256)', () => {
    expect(publicKeyBytes(rsa.publicKey).length).toBe(270);
    expect(publicKeyBytes(ec.publicKey).length).toBe(91);
    expect(publicKeyBytes(generateKeyPair('ed25519', { seed: 1 }).publicKey).length).toBe(44);
  });

  it('decrypts an encrypted key with its password and says so clearly when the password is wrong or missing', () => {
    const pem = exportPrivateKeyPem(ec.privateKey, 'correct horse');
    expect(pem).toContain('ENCRYPTED PRIVATE KEY');
    expect(publicKeyBytes(loadPrivateKey(pem, { password: 'correct horse' }))).toEqual(publicKeyBytes(ec.publicKey));
    expect(() => loadPrivateKey(pem, { password: 'battery', source: 'k.pem' })).toThrow(
      new KeyFileError('k.pem: wrong password for the encrypted private key'),
    );
    expect(() => loadPrivateKey(pem, { source: 'k.pem' })).toThrow(/k\.pem: the private key is encrypted/);
  });

  it('refuses garbage, public keys for signing, and algorithms MCUboot cannot verify', () => {
    expect(() => loadPrivateKey('not a key', { source: 'x.pem' })).toThrow(/x\.pem: not a readable private key/);
    const spki = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => loadPrivateKey(spki)).toThrow(/public key; signing needs the private key/);
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    expect(() => keyTypeOf(k1.privateKey)).toThrow(/P-256 or P-384 only/);
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => loadPublicKey(rsa1024.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toThrow(KeyFileError);
  });

  it('derives ECDSA and Ed25519 keys from a seed, the same on every run', () => {
    for (const type of ['ecdsa-p256', 'ecdsa-p384', 'ed25519'] as const) {
      const a = generateKeyPair(type, { seed: 'suite-7' });
      const b = generateKeyPair(type, { seed: 'suite-7' });
      const c = generateKeyPair(type, { seed: 'suite-8' });
      expect(publicKeyBytes(a.publicKey)).toEqual(publicKeyBytes(b.publicKey));
      expect(publicKeyBytes(a.publicKey)).not.toEqual(publicKeyBytes(c.publicKey));
      expect(publicKeyBytes(createPublicKey(a.privateKey))).toEqual(publicKeyBytes(a.publicKey));
    }
    expect(() => generateKeyPair('rsa-2048', { seed: 1 })).toThrow(/ECDSA and Ed25519 only/);
  });
});
