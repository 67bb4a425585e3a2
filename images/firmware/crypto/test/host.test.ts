import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../../../emulator/common/prng.ts';
import { type CryptoCase, ed25519Cases, ed25519EncodingCases, hashCases, p256Cases, wycheproofCases, wycheproofMissing } from './cases.ts';
import { buildHostDriver, type HostDriver, hostCompilerMissing } from './host.ts';

const missing = hostCompilerMissing();
const SEED = 13;
/** Random keys per algorithm: 250 keep the suite fast; BOOTPROOF_CRYPTO_KEYS=5000 (say) runs a deeper check. */
const KEYS = Number(process.env.BOOTPROOF_CRYPTO_KEYS ?? 250);
const KEYS_TIMEOUT = 180_000 + KEYS * 200;
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Every case whose answer differs, as "label: got X, want Y" with the payload to replay it through the driver. */
function mismatches(cases: readonly CryptoCase[], answers: readonly string[]): string[] {
  expect(answers).toHaveLength(cases.length);
  return cases.flatMap((c, i) =>
    answers[i] === c.expected ? [] : [`${c.label}: got ${answers[i]}, want ${c.expected}\n  ${c.kind} ${Buffer.from(c.payload).toString('hex')}`],
  );
}

describe.skipIf(missing !== undefined)(`the C crypto on the host${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let driver: HostDriver;
  beforeAll(() => {
    driver = buildHostDriver();
    if (!driver.sanitized) console.log('crypto host driver: built without ASan/UBSan (the toolchain has no runtime for them)');
  });
  afterAll(() => driver?.dispose());

  it('hashes like node:crypto for SHA-256 and SHA-512 at every length around the block boundaries, and random ones', () => {
    const prng = new Prng(SEED);
    const lengths = [...Array.from({ length: 260 }, (_, i) => i), ...Array.from({ length: 40 }, () => prng.between(260, 5000)), 100_003];
    const cases = hashCases(prng, lengths);
    expect(mismatches(cases, driver.run(cases))).toEqual([]);
  });

  it(`verifies ECDSA P-256 signatures by ${KEYS} random keys as node:crypto signed them, and rejects every tampered one`, () => {
    const cases = p256Cases(new Prng(SEED), KEYS);
    expect(cases.filter((c) => c.expected === '1').length).toBe(2 * KEYS);
    expect(mismatches(cases, driver.run(cases))).toEqual([]);
  }, KEYS_TIMEOUT);

  it(`verifies Ed25519 signatures by ${KEYS} random keys as node:crypto signed them, and rejects every tampered one`, () => {
    const cases = ed25519Cases(new Prng(SEED), KEYS);
    expect(mismatches(cases, driver.run(cases))).toEqual([]);
  }, KEYS_TIMEOUT);

  it.skipIf(wycheproofMissing !== undefined)(`agrees with every Wycheproof vector for ECDSA P-256 with SHA-256 and for Ed25519 (none is "acceptable")${wycheproofMissing ? ` — skipped: ${wycheproofMissing}` : ''}`, () => {
    const all = wycheproofCases();
    const runnable = all.filter((c) => c.expected === '0' || c.expected === '1');
    // Only Ed25519 signatures of the wrong length are left out (the caller rejects them by the TLV length), and
    // those must all be invalid vectors.
    expect(all.filter((c) => !runnable.includes(c)).map((c) => c.expected)).toEqual(
      all.filter((c) => c.expected.startsWith('length')).map(() => 'length invalid'),
    );
    expect(runnable.length).toBeGreaterThan(600);
    expect(mismatches(runnable, driver.run(runnable))).toEqual([]);
  });

  it('rejects non-canonical Ed25519 encodings of A and R, and accepts the canonical ones', () => {
    const cases = ed25519EncodingCases();
    expect(mismatches(cases, driver.run(cases))).toEqual([]);
    // node:crypto, which the TypeScript verifier uses, differs on A alone: it decodes y mod p and ignores a sign
    // bit on x = 0. No key that a real signer produces has such an encoding.
    const byNode = cases.map(({ payload }) => {
      const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, payload.subarray(0, 32)]), format: 'der', type: 'spki' });
      return verify(null, payload.subarray(96), key, payload.subarray(32, 96)) ? '1' : '0';
    });
    expect(byNode).toEqual(['1', '0', '0', '1', '1']);
  });

  it('checks public keys: on the curve, coordinates below p, uncompressed form only', () => {
    const good = p256Cases(new Prng(SEED + 1), 1)[0].payload.subarray(0, 65);
    const p = Buffer.from('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff', 'hex');
    const keys: [string, Uint8Array, string][] = [
      ['a generated key', good, '1'],
      ['y flipped in one bit', Uint8Array.from(good, (b, i) => (i === 64 ? b ^ 1 : b)), '0'],
      ['compressed prefix 0x02', Uint8Array.from(good, (b, i) => (i === 0 ? 2 : b)), '0'],
      ['all zero coordinates', Uint8Array.from({ length: 65 }, (_, i) => (i === 0 ? 4 : 0)), '0'],
      ['x = p', new Uint8Array(Buffer.concat([Buffer.from([4]), p, Buffer.from(good.subarray(33))])), '0'],
    ];
    const cases: CryptoCase[] = keys.map(([label, key, expected]) => ({ kind: 'p256key' as CryptoCase['kind'], label, payload: key, expected }));
    expect(mismatches(cases, driver.run(cases))).toEqual([]);
  });
});
