import { constants, createHash, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Prng } from '../emulator/common/prng.ts';
import { generateKeyPair } from './keys.ts';
import { verifyRsaPssDigest } from './rsa-pss.ts';

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };

describe('RSA-PSS over a precomputed digest agrees with node:crypto', () => {
  it.each(['rsa-2048', 'rsa-3072'] as const)('%s: valid, corrupted and wrong-salt signatures', (type) => {
    const { privateKey, publicKey } = generateKeyPair(type);
    const prng = new Prng(type);
    for (let i = 0; i < 20; i++) {
      const message = prng.bytes(1 + prng.below(300));
      const digest = createHash('sha256').update(message).digest();
      const signature = sign('sha256', message, { key: privateKey, ...PSS });
      expect(verifyRsaPssDigest(publicKey, digest, signature)).toBe(true);
      const broken = Buffer.from(signature);
      broken[prng.below(broken.length)] ^= 1 << prng.below(8);
      expect(verifyRsaPssDigest(publicKey, digest, broken)).toBe(verify('sha256', message, { key: publicKey, ...PSS }, broken));
      expect(verifyRsaPssDigest(publicKey, digest, broken)).toBe(false);
      const otherDigest = Buffer.from(digest);
      otherDigest[0] ^= 1;
      expect(verifyRsaPssDigest(publicKey, otherDigest, signature)).toBe(false);
    }
    // MCUboot checks the salt length exactly: a 20-byte salt does not verify.
    const message = Buffer.from('salt');
    const shortSalt = sign('sha256', message, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 20 });
    expect(verifyRsaPssDigest(publicKey, createHash('sha256').update(message).digest(), shortSalt)).toBe(false);
    expect(verifyRsaPssDigest(publicKey, createHash('sha256').update(message).digest(), shortSalt.subarray(1))).toBe(false);
  });
});
