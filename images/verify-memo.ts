/**
 * A memo of the two costly steps of verifying an image: its digest and its signature check. A sweep validates the
 * same slot contents thousands of times (the primary at every hand-off of every case); both steps are pure
 * functions of their inputs, so a memo that compares the whole input can never answer for other bytes.
 *
 * - A digest is keyed by the hash algorithm and the hashed bytes themselves: a lookup compares every byte (memcmp,
 *   far cheaper than SHA-256), and the entry keeps its own copy, so a caller that changes its buffer later changes
 *   nothing here.
 * - A signature verdict is keyed by the key type, the public key bytes, the digest, the mode (pure or not) and the
 *   signature bytes. ECDSA and RSA-PSS sign the digest; pure Ed25519 signs the hashed bytes, which the key names
 *   by their SHA-512 digest (the image hash of a pure build). Collisions of the digest are what image signing
 *   itself rules out.
 *
 * Both are bounded: the oldest entries go first.
 */
import type { KeyType } from './keys.ts';
import type { HashAlgorithm } from './tlv-types.ts';

/** Digests kept: a sweep's slots hold a handful of distinct images (old, new, their mixes while swapping). */
const DIGESTS = 8;
/** Signature verdicts kept. */
const SIGNATURES = 64;

interface DigestEntry {
  readonly hash: HashAlgorithm;
  readonly bytes: Uint8Array;
  readonly digest: Uint8Array;
}

export class VerificationMemo {
  /** Most recently used first. */
  private readonly digests: DigestEntry[] = [];
  private readonly signatures = new Map<string, boolean>();

  /** The digest of `bytes` under `hash`, computed by `compute` only when these exact bytes are not remembered. */
  digest(hash: HashAlgorithm, bytes: Uint8Array, compute: () => Uint8Array): Uint8Array {
    const at = this.digests.findIndex((e) => e.hash === hash && e.bytes.length === bytes.length && Buffer.compare(e.bytes, bytes) === 0);
    if (at >= 0) {
      const [entry] = this.digests.splice(at, 1);
      this.digests.unshift(entry);
      return entry.digest.slice();
    }
    const digest = compute();
    this.digests.unshift({ hash, bytes: bytes.slice(), digest: digest.slice() });
    if (this.digests.length > DIGESTS) this.digests.pop();
    return digest;
  }

  /** Whether `signature` verifies, asking `check` only for a combination not seen before. */
  signature(
    signer: { readonly type: KeyType; readonly publicBytes: Uint8Array },
    signed: { readonly hash: HashAlgorithm; readonly digest: Uint8Array; readonly pure: boolean },
    signature: Uint8Array,
    check: () => boolean,
  ): boolean {
    const key = [signer.type, hexOf(signer.publicBytes), signed.hash, signed.pure ? 'pure' : 'digest', hexOf(signed.digest), hexOf(signature)].join('|');
    const known = this.signatures.get(key);
    if (known !== undefined) return known;
    const ok = check();
    this.signatures.set(key, ok);
    if (this.signatures.size > SIGNATURES) this.signatures.delete(this.signatures.keys().next().value as string);
    return ok;
  }

  /** Entries held, for tests of the bounds. */
  get size(): { readonly digests: number; readonly signatures: number } {
    return { digests: this.digests.length, signatures: this.signatures.size };
  }
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
