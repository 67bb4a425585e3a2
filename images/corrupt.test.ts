import { describe, expect, it } from 'vitest';
import { Prng } from '../emulator/common/prng.ts';
import {
  CorruptionError,
  corruptImage,
  generateKeyPair,
  MUTATIONS,
  parseImage,
  signImage,
  verifyImage,
} from './index.ts';

const key = generateKeyPair('ecdsa-p256', { seed: 'corrupt' });
const slotSize = 0x10000;
const sign = (seed: number) =>
  signImage(new Prng(seed).bytes(3000), {
    key: key.privateKey,
    headerSize: 0x200,
    padHeader: true,
    version: '1.0.0',
    slotSize,
    securityCounter: 1,
    pad: true,
  });
const image = sign(1);
const other = sign(2);
const options = { other, slotSize };

describe('corruptor', () => {
  it('starts from a valid image', () => {
    expect(verifyImage(image, { keys: [key.publicKey], slotSize }).valid).toBe(true);
  });

  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s: deterministic per seed, and the loader refuses it', (name, mutation) => {
    const a = corruptImage(image, name, { ...options, seed: 5 });
    const b = corruptImage(image, name, { ...options, seed: 5 });
    // ECDSA signatures are randomized: a re-sign is deterministic in its key, not in its bytes.
    if (name !== 'wrong-key-resign') expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(Buffer.from(a.bytes).equals(Buffer.from(image))).toBe(false);
    expect(a.description.length).toBeGreaterThan(0);
    const distinct = new Set([1, 2, 3, 4, 5, 6].map((seed) => Buffer.from(corruptImage(image, name, { ...options, seed }).bytes).toString('hex')));
    if (!['swap-hash', 'swap-signature'].includes(name)) expect(distinct.size).toBeGreaterThan(1);
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const corrupted = corruptImage(image, name, { ...options, seed });
      expect(verifyImage(corrupted.bytes, { keys: [key.publicKey], slotSize }).valid).toBe(!mutation.invalidates);
    }
  });

  it('fails the right check for each kind of damage', () => {
    const reason = (name: (typeof MUTATIONS)[number]['name']) =>
      verifyImage(corruptImage(image, name, { ...options, seed: 9 }).bytes, { keys: [key.publicKey], slotSize }).reason;
    expect(reason('flip-payload')).toBe('hash-mismatch');
    expect(reason('wrong-key-resign')).toBe('signature-invalid');
    expect(reason('swap-signature')).toBe('signature-invalid');
    expect(reason('swap-hash')).toBe('hash-mismatch');
    expect(reason('grow-past-slot')).toBe('too-large');
    expect(reason('bad-header-magic')).toBe('bad-header');
    expect(reason('tlv-length-past-area')).toBe('bad-tlv-area');
    expect(reason('header-size-past-image')).toBe('bad-tlv-area');
  });

  it('keeps the trailer at the slot end when a re-signed signature changes length', () => {
    const resigned = corruptImage(image, 'wrong-key-resign', { ...options, seed: 3 }).bytes;
    expect(resigned.length).toBe(image.length);
    expect(Buffer.from(resigned.subarray(-16)).equals(Buffer.from(image.subarray(-16)))).toBe(true);
    expect(parseImage(resigned).end).toBeLessThan(resigned.length);
  });

  it('says why a mutation cannot apply', () => {
    const unpadded = image.subarray(0, parseImage(image).end);
    expect(() => corruptImage(unpadded, 'flip-trailer', { seed: 1 })).toThrow(/no trailer/);
    expect(() => corruptImage(image, 'swap-hash', { seed: 1 })).toThrow(/second image/);
    expect(() => corruptImage(new Uint8Array(10), 'flip-header', { seed: 1 })).toThrow(CorruptionError);
  });
});
