/**
 * Bad input, 100k+ cases, deterministic (fixed seeds) and fast: random and mutated images must never make
 * `verifyImage` or `inspectImage` throw, and a mutation of the signed bytes or TLVs must never verify.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../emulator/common/prng.ts';
import { generateKeyPair, inspectImage, type KeyType, parseImage, signImage, verifyImage } from './index.ts';

function smallImage(type: KeyType, seed: number): { bytes: Uint8Array; keys: ReturnType<typeof generateKeyPair> } {
  const keys = generateKeyPair(type, type.startsWith('rsa') ? undefined : { seed });
  // Large enough that few mutations land in the signature (whose check dominates the cost), small enough to hash fast.
  const payload = new Prng(seed).bytes(640);
  const bytes = signImage(payload, {
    key: keys.privateKey,
    headerSize: 32,
    padHeader: true,
    version: '1.2.3+4',
    slotSize: 0x10000,
    securityCounter: 7,
    dependencies: [{ imageId: 1, version: { major: 1, minor: 0, revision: 0, build: 0 } }],
  });
  return { bytes, keys };
}

/** verify and inspect must answer, whatever the bytes; an exception here is a bug. */
function checkNeverThrows(bytes: Uint8Array, keys: ReturnType<typeof generateKeyPair>): boolean {
  const result = verifyImage(bytes, { keys: [keys.publicKey] });
  inspectImage(bytes);
  return result.valid;
}

type Mutate = (image: Uint8Array, prng: Prng, end: number) => Uint8Array;

/** Cheap mutations of the signed region [0, end): each changes at least one byte there. */
const MUTATORS: Record<string, Mutate> = {
  'bit flip': (image, prng, end) => {
    const out = image.slice();
    out[prng.below(end)] ^= 1 << prng.below(8);
    return out;
  },
  'byte overwrite': (image, prng, end) => {
    const out = image.slice();
    const at = prng.below(end);
    out[at] = (out[at] + 1 + prng.below(255)) & 0xff;
    return out;
  },
  'burst of random bytes': (image, prng, end) => {
    const out = image.slice();
    const at = prng.below(end);
    const length = Math.min(end - at, 1 + prng.below(16));
    for (let i = 0; i < length; i++) out[at + i] = prng.below(256);
    if (out.subarray(at, at + length).every((b, i) => b === image[at + i])) out[at] ^= 0x80;
    return out;
  },
  'u16 field set to an edge value': (image, prng, end) => {
    const out = image.slice();
    const at = prng.below(end - 1);
    const edges = [0, 1, 3, 4, 0x7fff, 0x8000, 0xfffc, 0xffff];
    const view = new DataView(out.buffer);
    let value = edges[prng.below(edges.length)];
    if (value === view.getUint16(at, true)) value ^= 0x0101;
    view.setUint16(at, value, true);
    return out;
  },
  truncation: (image, prng, end) => image.slice(0, prng.below(end)),
  'insertion shifts the rest': (image, prng, end) => {
    const at = prng.below(end);
    const out = new Uint8Array(image.length + 1);
    out.set(image.subarray(0, at));
    out[at] = prng.below(256);
    out.set(image.subarray(at), at + 1);
    return out;
  },
  deletion: (image, prng, end) => {
    const at = prng.below(end);
    const out = new Uint8Array(image.length - 1);
    out.set(image.subarray(0, at));
    out.set(image.subarray(at + 1), at);
    return out;
  },
};

describe('fuzz: mutated images never verify and never throw', () => {
  const cases: [KeyType, number][] = [
    ['ed25519', 60_000],
    ['ecdsa-p256', 8_000],
    ['rsa-2048', 4_000],
  ];
  it.each(cases)('%s image, %i mutations', (type, count) => {
    const { bytes, keys } = smallImage(type, 3);
    const { end } = parseImage(bytes);
    expect(verifyImage(bytes, { keys: [keys.publicKey] }).valid).toBe(true);
    const names = Object.keys(MUTATORS);
    const prng = new Prng(`fuzz|${type}`);
    const accepted: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = names[i % names.length];
      const mutated = MUTATORS[name](bytes, prng, end);
      if (checkNeverThrows(mutated, keys)) accepted.push(`${name} #${i}`);
    }
    expect(accepted).toEqual([]);
  });
});

describe('fuzz: random images never verify and never throw', () => {
  it('20k images with a valid magic and random fields and TLV areas (fast-check, seed 20261126)', () => {
    const { keys } = smallImage('ed25519', 5);
    const randomImage = fc
      .record({
        hdrSize: fc.integer({ min: 0, max: 80 }),
        imgSize: fc.integer({ min: 0, max: 80 }),
        protectSize: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })),
        tail: fc.uint8Array({ maxLength: 160 }),
        tlvs: fc.array(fc.record({ type: fc.integer({ min: 0, max: 0xffff }), length: fc.integer({ min: 0, max: 0xffff }) }), { maxLength: 6 }),
        protectedFirst: fc.boolean(),
      })
      .map((r) => buildRandomImage(r));
    fc.assert(
      fc.property(randomImage, (bytes) => !checkNeverThrows(bytes, keys)),
      { numRuns: 20_000, seed: 20261126 },
    );
  });

  it('20k arbitrary byte strings (fast-check, seed 7)', () => {
    const { keys } = smallImage('ed25519', 5);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => !checkNeverThrows(bytes, keys)),
      { numRuns: 20_000, seed: 7 },
    );
  });
});

/** A header with the right magic, then random sizes and a TLV area whose info headers may or may not be right. */
function buildRandomImage(r: {
  hdrSize: number;
  imgSize: number;
  protectSize: number;
  tail: Uint8Array;
  tlvs: { type: number; length: number }[];
  protectedFirst: boolean;
}): Uint8Array {
  const tlvBytes = 4 + r.tlvs.length * 4 + r.tail.length;
  const out = new Uint8Array(Math.max(32, r.hdrSize + r.imgSize) + tlvBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x96f3b83d, true);
  view.setUint16(8, r.hdrSize, true);
  view.setUint16(10, r.protectSize, true);
  view.setUint32(12, r.imgSize, true);
  let at = r.hdrSize + r.imgSize;
  if (at + 4 > out.length) return out;
  view.setUint16(at, r.protectedFirst ? 0x6908 : 0x6907, true);
  view.setUint16(at + 2, r.protectedFirst ? r.protectSize : tlvBytes, true);
  at += 4;
  for (const tlv of r.tlvs) {
    view.setUint16(at, tlv.type, true);
    view.setUint16(at + 2, tlv.length, true);
    at += 4;
  }
  out.set(r.tail, at);
  return out;
}
