// Validation remembers digests and signature verdicts (verify-memo.ts): these tests pin that a remembered verdict
// never answers for other bytes, whether they changed in place or came back with a restored snapshot.
import { describe, expect, it } from 'vitest';
import { generateKeyPair, parseImage, signImage, TlvType } from '../../images/index.ts';
import { VerificationMemo } from '../../images/verify-memo.ts';
import { NorFlash, PowerCut } from '../flash/index.ts';
import { testGeometry } from '../flash/test/helpers.ts';
import type { Flash } from '../flash/types.ts';
import { type FlashArea, openArea } from './area.ts';
import { slotVerdictCounts, validateImageAt } from './validate.ts';

const signer = generateKeyPair('ed25519', { seed: 'validate-memo' });
const SLOT = 3 * 4096;
const image = signImage(
  Uint8Array.from({ length: 6000 }, (_, i) => (i * 13 + 5) & 0xff),
  { key: signer.privateKey, headerSize: 32, padHeader: true, version: '1.2.3', slotSize: SLOT },
);
const extent = parseImage(image).end;
const options = { keys: [{ name: 'signer', key: signer.publicKey }], slotSize: SLOT, maxImageSize: SLOT, minSecurityCounter: undefined };

function flashWithImage(): { flash: NorFlash; area: FlashArea } {
  const flash = new NorFlash(testGeometry());
  flash.load(0, padded(image));
  const area = openArea(flash, { offset: 0, size: SLOT }, 'primary 0');
  if (area === undefined) throw new Error('test slot is not on sector boundaries');
  return { flash, area };
}

function padded(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.length / 4) * 4).fill(0xff);
  out.set(bytes);
  return out;
}

/** The flash seen through an object that can read but cannot tell whether its contents changed. */
function readingOnly(flash: NorFlash): Flash {
  return {
    geometry: flash.geometry,
    size: flash.size,
    opCount: flash.opCount,
    nowUs: flash.nowUs,
    read: (offset, length) => flash.read(offset, length),
    program: (offset, data) => flash.program(offset, data),
    erase: (offset) => flash.erase(offset),
    sectorAt: (offset) => flash.sectorAt(offset),
    readCounter: (id) => flash.readCounter(id),
    advanceCounter: (id, value) => flash.advanceCounter(id, value),
  };
}

/** Clears one set bit of the byte at `offset` with a real program (rule `and`: the other bytes of the unit stay). */
function clearBit(flash: NorFlash, offset: number): void {
  const byte = flash.peek(offset, 1)[0];
  const bit = byte & -byte;
  if (bit === 0) throw new Error(`byte at 0x${offset.toString(16)} has no set bit to clear`);
  const unit = new Uint8Array(4).fill(0xff);
  unit[offset % 4] = byte & ~bit;
  flash.program(offset - (offset % 4), unit);
}

describe('validation with remembered digests and signatures', () => {
  it('validates an image again, and refuses it, once one byte of its payload changed after it was validated', () => {
    const { flash, area } = flashWithImage();
    expect(validateImageAt(flash, area, 0, options)).toMatchObject({ valid: true, reason: 'ok' });
    expect(validateImageAt(flash, area, 0, options)).toMatchObject({ valid: true, reason: 'ok' });
    clearBit(flash, 32 + 4000);
    expect(validateImageAt(flash, area, 0, options).reason).toMatch(/^hash-mismatch/);
  });

  it('refuses a changed byte after a restore, and accepts the restored image again', () => {
    const { flash, area } = flashWithImage();
    const factory = flash.snapshot();
    expect(validateImageAt(flash, area, 0, options).valid).toBe(true);
    clearBit(flash, 32 + 100);
    expect(validateImageAt(flash, area, 0, options).reason).toMatch(/^hash-mismatch/);
    flash.restore(factory);
    expect(validateImageAt(flash, area, 0, options).valid).toBe(true);
    // The restored sectors are shared with the snapshot until written: a write after the restore is seen too.
    clearBit(flash, 32 + 5000);
    expect(validateImageAt(flash, area, 0, options).reason).toMatch(/^hash-mismatch/);
    flash.restore(factory);
    expect(validateImageAt(flash, area, 0, options).valid).toBe(true);
  });

  it('checks a changed signature afresh even though the same digest verified before', () => {
    const { flash, area } = flashWithImage();
    expect(validateImageAt(flash, area, 0, options).valid).toBe(true);
    const signature = parseImage(image).tlvs.find((t) => t.type === TlvType.ED25519);
    if (signature === undefined) throw new Error('test image has no Ed25519 signature');
    clearBit(flash, signature.offset + 4 + 10);
    const changed = validateImageAt(flash, area, 0, options);
    expect(changed.reason).toMatch(/^signature-invalid/);
    expect(changed.end).toBe(extent);
  });

  it('answers for the key it was asked about: a verdict under one trusted key is not one under another', () => {
    const { flash, area } = flashWithImage();
    expect(validateImageAt(flash, area, 0, options).valid).toBe(true);
    const stranger = generateKeyPair('ed25519', { seed: 'validate-memo-stranger' });
    const untrusted = validateImageAt(flash, area, 0, { ...options, keys: [{ name: 'stranger', key: stranger.publicKey }] });
    expect(untrusted.valid).toBe(false);
  });
});

describe('validation verdicts remembered by content handles', () => {
  it('gives the same verdicts through a flash that cannot tell its contents (no contentKey), which always reads', () => {
    const { flash, area } = flashWithImage();
    const reading = readingOnly(flash);
    const viaHandles = validateImageAt(flash, area, 0, options);
    expect(validateImageAt(reading, area, 0, options)).toEqual(viaHandles);
    clearBit(flash, 32 + 2000);
    expect(validateImageAt(reading, area, 0, options).reason).toMatch(/^hash-mismatch/);
    expect(validateImageAt(flash, area, 0, options).reason).toMatch(/^hash-mismatch/);
  });

  it('answers with a copy: a caller that changes what it got does not change the next answer', () => {
    const { flash, area } = flashWithImage();
    const first = validateImageAt(flash, area, 0, options);
    const version = { ...first.version };
    (first.version as { major: number }).major = 99;
    (first as { valid: boolean }).valid = false;
    const again = validateImageAt(flash, area, 0, options);
    expect(again.valid).toBe(true);
    expect(again.version).toEqual(version);
  });

  it('gets other handles for a sector once it is written, and the same ones while it is not', () => {
    const { flash } = flashWithImage();
    const before = flash.contentKey(0, SLOT);
    expect(flash.contentKey(0, SLOT)).toEqual(before);
    expect(before.length).toBe(3);
    clearBit(flash, 4096 + 8);
    const after = flash.contentKey(0, SLOT);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[2]).toBe(before[2]);
  });
});

/** `flash`, counting the bytes read through it. */
function countingReads(flash: NorFlash): { flash: Flash; read: () => number } {
  let read = 0;
  const counting: Flash = {
    ...readingOnly(flash),
    read: (offset, length) => {
      read += length;
      return flash.read(offset, length);
    },
    contentSpans: (offset, length) => flash.contentSpans(offset, length),
    matches: (offset, bytes) => flash.matches(offset, bytes),
  };
  return { flash: counting, read: () => read };
}

/** Erases the sector at `offset` and programs back what it held: the same bytes under another handle. */
function rewriteSector(flash: NorFlash, offset: number): void {
  const bytes = flash.peek(offset, 4096);
  flash.erase(offset);
  flash.program(offset, bytes);
}

describe('validation verdicts for the same bytes written again', () => {
  it('compares a rewritten slot in place with the bytes it validated, and reads only the header and TLV info', () => {
    // An image no other test validates: the memo outlives a test.
    const fresh = signImage(image.subarray(32, 6032), { key: signer.privateKey, headerSize: 32, padHeader: true, version: '9.0.1', slotSize: SLOT });
    const nor = new NorFlash(testGeometry());
    nor.load(0, padded(fresh));
    const area = openArea(nor, { offset: 0, size: SLOT }, 'primary 0')!;
    const { flash, read } = countingReads(nor);
    const first = validateImageAt(flash, area, 0, options);
    expect(first.valid).toBe(true);
    expect(read()).toBeGreaterThan(parseImage(fresh).end);
    const counts = slotVerdictCounts();
    expect(validateImageAt(flash, area, 0, options)).toEqual(first);
    for (const sector of area.sectors) rewriteSector(nor, sector.offset);
    const before = read();
    expect(validateImageAt(flash, area, 0, options)).toEqual(first);
    expect(read() - before).toBeLessThan(64);
    // Counted as the bench prints them: the first answer compared nothing, the second the slot's two image sectors.
    const now = slotVerdictCounts();
    expect({ unchanged: now.unchanged - counts.unchanged, compared: now.compared - counts.compared }).toEqual({ unchanged: 1, compared: 1 });
    expect(now.sectorsCompared - counts.sectorsCompared).toBe(2);
  });

  it('refuses a rewritten sector that differs by one bit', () => {
    const { flash: nor, area } = flashWithImage();
    const { flash } = countingReads(nor);
    expect(validateImageAt(flash, area, 0, options).valid).toBe(true);
    rewriteSector(nor, 4096);
    clearBit(nor, 4096 + 1000);
    expect(validateImageAt(flash, area, 0, options).reason).toMatch(/^hash-mismatch/);
  });

  it('reads a sector that faults as ECC, even where its raw bits are the bytes validated', () => {
    // An ECC part, and an image whose payload has a run of erased bytes where a torn program can leave its unit.
    const geometry = testGeometry({ programRule: 'ecc', writeUnit: 8 });
    const payload = Uint8Array.from({ length: 6000 }, (_, i) => (i >= 4200 && i < 4264 ? 0xff : (i * 13 + 5) & 0xff));
    const eccImage = signImage(payload, { key: signer.privateKey, headerSize: 32, padHeader: true, version: '1.2.4', slotSize: SLOT });
    const nor = new NorFlash(geometry);
    const bytes = new Uint8Array(Math.ceil(eccImage.length / 8) * 8).fill(0xff);
    bytes.set(eccImage);
    nor.load(0, bytes);
    const area = openArea(nor, { offset: 0, size: SLOT }, 'primary 0');
    if (area === undefined) throw new Error('test slot is not on sector boundaries');
    const { flash } = countingReads(nor);
    expect(validateImageAt(flash, area, 0, options).valid).toBe(true);
    // Sector 1 written again with the same bytes, but the program of one erased unit (at 32 + 4200) torn.
    const torn = 32 + 4200;
    nor.erase(4096);
    nor.program(4096, bytes.subarray(4096, torn));
    nor.armPowerCut({ atOp: nor.opCount, outcome: 'torn', seed: 1, tear: { units: 0, unit: 'ones' } });
    expect(() => nor.program(torn, bytes.subarray(torn, torn + 8))).toThrow(PowerCut);
    nor.program(torn + 8, bytes.subarray(torn + 8, 8192));
    expect(nor.matches(0, bytes)).toBe(true);
    expect(validateImageAt(flash, area, 0, options).reason).toMatch(/^hash-mismatch/);
  });
});

describe('VerificationMemo', () => {
  it('computes a digest once per content, compares every byte, and keeps its own copy of them', () => {
    const memo = new VerificationMemo();
    let computed = 0;
    const digestOf = (bytes: Uint8Array) => () => {
      computed++;
      return Uint8Array.of(bytes[0], bytes[bytes.length - 1], computed);
    };
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => i & 0xff);
    const first = memo.digest('sha256', bytes, digestOf(bytes));
    expect(memo.digest('sha256', bytes.slice(), digestOf(bytes))).toEqual(first);
    expect(computed).toBe(1);
    // Another algorithm over the same bytes, and one byte changed in the middle, are new contents.
    memo.digest('sha512', bytes, digestOf(bytes));
    const changed = bytes.slice();
    changed[2048] ^= 1;
    memo.digest('sha256', changed, digestOf(changed));
    expect(computed).toBe(3);
    // The caller's buffer changing after the fact does not change what was remembered for the old content.
    bytes[0] ^= 0xff;
    memo.digest('sha256', bytes, digestOf(bytes));
    expect(computed).toBe(4);
    bytes[0] ^= 0xff;
    expect(memo.digest('sha256', bytes, digestOf(bytes))).toEqual(first);
    expect(computed).toBe(4);
  });

  it('stays bounded, dropping the least recently used contents first', () => {
    const memo = new VerificationMemo();
    let computed = 0;
    const compute = () => {
      computed++;
      return new Uint8Array(32);
    };
    const kept = Uint8Array.of(0xaa);
    memo.digest('sha256', kept, compute);
    for (let i = 0; i < 40; i++) {
      memo.digest('sha256', Uint8Array.of(i), compute);
      memo.digest('sha256', kept, compute);
    }
    expect(computed).toBe(41);
    expect(memo.size.digests).toBe(8);
    const signer = { type: 'ed25519' as const, publicBytes: new Uint8Array(32) };
    for (let i = 0; i < 100; i++) memo.signature(signer, { hash: 'sha256', digest: Uint8Array.of(i), pure: false }, new Uint8Array(64), () => true);
    expect(memo.size.signatures).toBe(64);
  });

  it('keys a signature verdict by the key, the digest, the mode and the signature bytes', () => {
    const memo = new VerificationMemo();
    const asked: string[] = [];
    const verdict = (name: string, ok: boolean) => () => {
      asked.push(name);
      return ok;
    };
    const key = { type: 'ed25519' as const, publicBytes: new Uint8Array(32).fill(1) };
    const signed = { hash: 'sha256' as const, digest: new Uint8Array(32).fill(2), pure: false };
    const signature = new Uint8Array(64).fill(3);
    expect(memo.signature(key, signed, signature, verdict('first', true))).toBe(true);
    expect(memo.signature(key, signed, signature.slice(), verdict('again', false))).toBe(true);
    const otherSignature = signature.slice();
    otherSignature[63] = 4;
    expect(memo.signature(key, signed, otherSignature, verdict('signature', false))).toBe(false);
    expect(memo.signature({ ...key, publicBytes: new Uint8Array(32).fill(9) }, signed, signature, verdict('key', false))).toBe(false);
    expect(memo.signature(key, { ...signed, digest: new Uint8Array(32).fill(7) }, signature, verdict('digest', false))).toBe(false);
    expect(memo.signature(key, { ...signed, pure: true }, signature, verdict('pure', false))).toBe(false);
    expect(asked).toEqual(['first', 'signature', 'key', 'digest', 'pure']);
  });
});
