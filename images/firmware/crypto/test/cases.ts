/**
 * Cases for the C crypto, with the answer node:crypto (OpenSSL) or the published vectors give: random keys and
 * messages from a seed, each signature checked as signed and tampered in the ways verifiers have got wrong. The
 * host driver (host-driver.c) and the target firmware (check.c) run the same cases.
 */
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Prng } from '../../../../emulator/common/prng.ts';

export type CaseKind = 'sha256' | 'sha512' | 'p256' | 'ed25519';

export interface CryptoCase {
  kind: CaseKind;
  /** What the case is, for a failure message. */
  label: string;
  /** sha: the data; p256: pub(65) || hash(32) || der; ed25519: pub(32) || sig(64) || message. */
  payload: Uint8Array;
  /** The digest in hex, or '1' / '0' for a signature. */
  expected: string;
  /** Wycheproof's flags for the vector, if it is one. */
  flags?: string[];
}

export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
export const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

export function hashCases(prng: Prng, lengths: readonly number[]): CryptoCase[] {
  return lengths.flatMap((length) => {
    const data = prng.bytes(length);
    return (['sha256', 'sha512'] as const).map((kind) => ({
      kind,
      label: `${kind} of ${length} bytes ${hex(data).slice(0, 32)}…`,
      payload: data,
      expected: createHash(kind).update(data).digest('hex'),
    }));
  });
}

function bigintBytes(value: bigint): Uint8Array {
  let text = value.toString(16);
  if (text.length % 2 === 1) text = `0${text}`;
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** A DER INTEGER with the minimal encoding of a non-negative value. */
function derInteger(value: bigint): Uint8Array {
  let body = bigintBytes(value);
  if (body.length === 0 || body[0] & 0x80) body = concat(new Uint8Array([0]), body);
  return concat(new Uint8Array([0x02, body.length]), body);
}

export function derSignature(r: bigint, s: bigint): Uint8Array {
  const body = concat(derInteger(r), derInteger(s));
  return concat(new Uint8Array([0x30, body.length]), body);
}

/** r and s of a DER signature as node:crypto writes it (short lengths only, as P-256 needs). */
export function parseDer(der: Uint8Array): { r: bigint; s: bigint } {
  const rLength = der[3];
  const r = BigInt(`0x${hex(der.subarray(4, 4 + rLength))}`);
  const s = BigInt(`0x${hex(der.subarray(6 + rLength))}`);
  return { r, s };
}

/** A P-256 private key from 32 seeded bytes (below n, not zero), through PKCS #8 so node:crypto takes it. */
function p256Key(prng: Prng) {
  for (;;) {
    const d = prng.bytes(32);
    const value = BigInt(`0x${hex(d)}`);
    if (value === 0n || value >= P256_N) continue;
    const pkcs8 = Buffer.concat([Buffer.from('3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420', 'hex'), d]);
    const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    const pub = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-65));
    return { privateKey, pub };
  }
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
}

/** For each of `keys` random keys: a valid signature, its high-s twin (also valid) and eight tampered ones. */
export function p256Cases(prng: Prng, keys: number): CryptoCase[] {
  const cases: CryptoCase[] = [];
  let other = p256Key(prng);
  for (let i = 0; i < keys; i++) {
    const key = p256Key(prng);
    const message = prng.bytes(prng.between(0, 200));
    const hash = new Uint8Array(createHash('sha256').update(message).digest());
    const der = new Uint8Array(sign('sha256', message, key.privateKey));
    const { r, s } = parseDer(der);
    const add = (label: string, pub: Uint8Array, h: Uint8Array, sig: Uint8Array, valid: boolean): void => {
      cases.push({ kind: 'p256', label: `key ${i}: ${label}`, payload: concat(pub, h, sig), expected: valid ? '1' : '0' });
    };
    add('as signed', key.pub, hash, der, true);
    add('with s replaced by n - s (ECDSA has no low-s rule)', key.pub, hash, derSignature(r, P256_N - s), true);
    add('hash bit flipped', key.pub, flipBit(hash, prng.below(256)), der, false);
    add('signature bit flipped', key.pub, hash, flipBit(der, prng.below(der.length * 8)), false);
    if (r !== s) add('r and s swapped', key.pub, hash, derSignature(s, r), false);
    add('s + n', key.pub, hash, derSignature(s + P256_N, r), false);
    add('r + n', key.pub, hash, derSignature(r + P256_N, s), false);
    add('r = 0', key.pub, hash, derSignature(0n, s), false);
    add('s = 0', key.pub, hash, derSignature(r, 0n), false);
    add('another key', other.pub, hash, der, false);
    other = key;
  }
  return cases;
}

function ed25519Key(prng: Prng) {
  const seed = prng.bytes(32);
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const pub = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32));
  return { privateKey, pub };
}

const littleEndian = (bytes: Uint8Array): bigint => BigInt(`0x${hex(new Uint8Array(bytes).reverse()) || '0'}`);
function toLittleEndian(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** For each of `keys` random keys: a valid signature and five tampered ones. */
export function ed25519Cases(prng: Prng, keys: number): CryptoCase[] {
  const cases: CryptoCase[] = [];
  let other = ed25519Key(prng);
  for (let i = 0; i < keys; i++) {
    const key = ed25519Key(prng);
    const message = prng.bytes(prng.between(0, 200));
    const sig = new Uint8Array(sign(null, message, key.privateKey));
    const add = (label: string, pub: Uint8Array, s: Uint8Array, m: Uint8Array, valid: boolean): void => {
      cases.push({ kind: 'ed25519', label: `key ${i}: ${label}`, payload: concat(pub, s, m), expected: valid ? '1' : '0' });
    };
    add('as signed', key.pub, sig, message, true);
    add('signature bit flipped', key.pub, flipBit(sig, prng.below(512)), message, false);
    if (message.length > 0) add('message bit flipped', key.pub, sig, flipBit(message, prng.below(message.length * 8)), false);
    const sPlusL = littleEndian(sig.subarray(32)) + ED25519_L;
    add('S + L (malleability)', key.pub, concat(sig.subarray(0, 32), toLittleEndian(sPlusL, 32)), message, false);
    add('another key', other.pub, sig, message, false);
    add('public key bit flipped', flipBit(key.pub, prng.below(256)), sig, message, false);
    other = key;
  }
  return cases;
}

const VECTORS = new URL('../../../../../shared/vectors/', import.meta.url);

/** Why the Wycheproof vectors cannot be read here (they are read in place, outside the repository), or undefined. */
export const wycheproofMissing: string | undefined = existsSync(new URL('wycheproof-ecdsa_secp256r1_sha256_test.json', VECTORS))
  ? undefined
  : `no Wycheproof vectors at ${fileURLToPath(VECTORS)} (read in place, never copied into the repository)`;

interface WycheproofFile<Key> {
  testGroups: { publicKey: Key; tests: { tcId: number; comment: string; flags: string[]; msg: string; sig: string; result: string }[] }[];
}

/**
 * Every Wycheproof vector; "valid" must verify and "invalid" must not. Neither file has "acceptable" vectors (a
 * test checks that), so no policy choice hides in the mapping.
 */
export function wycheproofCases(): CryptoCase[] {
  const cases: CryptoCase[] = [];
  if (wycheproofMissing !== undefined) return cases;
  const ecdsa = JSON.parse(readFileSync(new URL('wycheproof-ecdsa_secp256r1_sha256_test.json', VECTORS), 'utf8')) as WycheproofFile<{
    uncompressed: string;
  }>;
  for (const group of ecdsa.testGroups) {
    const pub = Buffer.from(group.publicKey.uncompressed, 'hex');
    for (const test of group.tests) {
      const hash = createHash('sha256').update(Buffer.from(test.msg, 'hex')).digest();
      cases.push({
        kind: 'p256',
        label: `wycheproof ecdsa tcId ${test.tcId} (${test.comment}): ${test.result}`,
        payload: concat(pub, hash, Buffer.from(test.sig, 'hex')),
        expected: test.result === 'valid' ? '1' : test.result === 'invalid' ? '0' : test.result,
        flags: test.flags,
      });
    }
  }
  const eddsa = JSON.parse(readFileSync(new URL('wycheproof-ed25519_test.json', VECTORS), 'utf8')) as WycheproofFile<{ pk: string }>;
  for (const group of eddsa.testGroups) {
    const pub = Buffer.from(group.publicKey.pk, 'hex');
    for (const test of group.tests) {
      // The verifier takes a 64-byte signature; a TLV of any other length is rejected before it is called.
      if (test.sig.length !== 128) {
        cases.push({ kind: 'ed25519', label: `wycheproof ed25519 tcId ${test.tcId}`, payload: new Uint8Array(), expected: `length ${test.result}` });
        continue;
      }
      cases.push({
        kind: 'ed25519',
        label: `wycheproof ed25519 tcId ${test.tcId} (${test.comment}): ${test.result}`,
        payload: concat(pub, Buffer.from(test.sig, 'hex'), Buffer.from(test.msg, 'hex')),
        expected: test.result === 'valid' ? '1' : test.result === 'invalid' ? '0' : test.result,
        flags: test.flags,
      });
    }
  }
  return cases;
}

/**
 * Encodings at the edge, on the neutral element (x = 0, y = 1), where signatures can be written by hand: with
 * A = neutral, [S]B = R + [k]A holds for any message when R = [S]B, so S = 0 with R = neutral is valid. The
 * canonical forms verify (node:crypto agrees: OpenSSL does not reject small-order keys, and neither does RFC 8032).
 * The non-canonical ones must not (RFC 8032 §5.1.3 decoding): y = p + 1 for y = 1, and x = 0 with the sign bit
 * set. node:crypto rejects them as R but accepts them as A; this verifier rejects both, as issue 13 asks.
 */
export function ed25519EncodingCases(): CryptoCase[] {
  const neutral = new Uint8Array(32);
  neutral[0] = 1;
  const yAboveP = new Uint8Array(Buffer.from('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'hex'));
  const negativeZero = new Uint8Array(neutral);
  negativeZero[31] = 0x80;
  const message = new Uint8Array(Buffer.from('edge'));
  const zero = new Uint8Array(32);
  const item = (label: string, a: Uint8Array, r: Uint8Array, valid: boolean): CryptoCase => ({
    kind: 'ed25519',
    label,
    payload: concat(a, r, zero, message),
    expected: valid ? '1' : '0',
  });
  return [
    item('A and R the canonical neutral element, S = 0', neutral, neutral, true),
    item('R encoded with y = p + 1', neutral, yAboveP, false),
    item('R encoded as x = 0 with the sign bit set', neutral, negativeZero, false),
    item('A encoded with y = p + 1 (node:crypto accepts it)', yAboveP, neutral, false),
    item('A encoded as x = 0 with the sign bit set (node:crypto accepts it)', negativeZero, neutral, false),
  ];
}
