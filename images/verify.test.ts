import { createHash, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concat } from './bytes.ts';
import {
  decodeDependency,
  generateKeyPair,
  ImageFlag,
  parseImage,
  publicKeyBytes,
  signImage,
  TlvType,
  type VerifyOptions,
  verifyImage,
} from './index.ts';

// Images built by hand, TLV by TLV, so that each check of the verifier meets exactly the bytes it must refuse
// (or ignore). The signature is a real Ed25519 signature over the SHA-256 digest, as MCUboot's ed25519 build has it.

const root = generateKeyPair('ed25519', { seed: 'verify-root' });
const other = generateKeyPair('ed25519', { seed: 'verify-other' });
const HEADER = 0x20;
const payload = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);

interface RawTlv {
  type: number;
  value: Uint8Array;
}

const u16 = (v: number) => Uint8Array.of(v & 0xff, v >> 8);
const u32 = (v: number) => Uint8Array.of(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24);
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
const keyHash = (key = root.publicKey) => sha256(publicKeyBytes(key));

function area(magic: number, tlvs: readonly RawTlv[]): Uint8Array {
  const body = concat(tlvs.map((t) => concat([u16(t.type), u16(t.value.length), t.value])));
  return concat([u16(magic), u16(4 + body.length), body]);
}

interface Build {
  protectedTlvs?: RawTlv[];
  /** Unprotected TLVs placed before the generated hash, key hash and signature. */
  before?: RawTlv[];
  /** Replaces the generated unprotected TLVs; receives the digest and the signature. */
  unprotected?: (digest: Uint8Array, signature: Uint8Array) => RawTlv[];
  flags?: number;
  signer?: typeof root;
  /** A pure Ed25519 build: SHA-512, the signature over the hashed bytes, and this SIG_PURE value. */
  sigPure?: Uint8Array;
}

function build(options: Build = {}): Uint8Array {
  const protectedArea = options.protectedTlvs === undefined ? new Uint8Array(0) : area(0x6908, options.protectedTlvs);
  const header = new Uint8Array(HEADER);
  header.set(u32(0x96f3b83d), 0);
  header.set(u16(HEADER), 8);
  header.set(u16(protectedArea.length), 10);
  header.set(u32(payload.length), 12);
  header.set(u32(options.flags ?? 0), 16);
  header.set(Uint8Array.of(1, 2, 3, 0), 20);
  header.set(u32(4), 24);
  const hashed = concat([header, payload, protectedArea]);
  const signer = options.signer ?? root;
  if (options.sigPure !== undefined) {
    const digest512 = new Uint8Array(createHash('sha512').update(hashed).digest());
    const keyHash512 = new Uint8Array(createHash('sha512').update(publicKeyBytes(signer.publicKey)).digest());
    return concat([
      hashed,
      area(0x6907, [
        { type: TlvType.SHA512, value: digest512 },
        { type: TlvType.KEYHASH, value: keyHash512 },
        { type: TlvType.SIG_PURE, value: options.sigPure },
        { type: TlvType.ED25519, value: new Uint8Array(sign(null, hashed, signer.privateKey)) },
      ]),
    ]);
  }
  const digest = sha256(hashed);
  const signature = new Uint8Array(sign(null, digest, signer.privateKey));
  const unprotected = options.unprotected?.(digest, signature) ?? [
    ...(options.before ?? []),
    { type: TlvType.SHA256, value: digest },
    { type: TlvType.KEYHASH, value: keyHash(signer.publicKey) },
    { type: TlvType.ED25519, value: signature },
  ];
  return concat([hashed, area(0x6907, unprotected)]);
}

const trust: VerifyOptions = { keys: [root.publicKey] };
const counter = (value: number): RawTlv => ({ type: TlvType.SEC_CNT, value: u32(value) });
const dependency = (imageId: number): RawTlv => ({
  type: TlvType.DEPENDENCY,
  value: concat([Uint8Array.of(imageId, 0, 0, 0), Uint8Array.of(2, 1), u16(0x0304), u32(0x05060708)]),
});
const uuid = (type: number, fill: number): RawTlv => ({ type, value: new Uint8Array(16).fill(fill) });

function outcome(image: Uint8Array, options: VerifyOptions = trust) {
  const r = verifyImage(image, options);
  return { valid: r.valid, reason: r.reason, offset: r.offset, tlvType: r.tlvType };
}

/** Offset of the n-th TLV (its type field) of an area starting at `start`. */
function tlvOffset(image: Uint8Array, type: number): number {
  const tlv = parseImage(image).tlvs.find((t) => t.type === type);
  if (tlv === undefined) throw new Error(`no TLV ${type}`);
  return tlv.offset;
}

describe('the hand-built image', () => {
  it('is valid, signed by the root key, with nothing read from the protected area it does not have', () => {
    const r = verifyImage(build(), trust);
    expect(r).toMatchObject({ valid: true, reason: 'ok', message: 'image is valid', keyIndex: 0, dependencies: [] });
    expect(r.securityCounter).toBeUndefined();
    expect(r.version).toEqual({ major: 1, minor: 2, revision: 3, build: 4 });
  });
});

describe('what the verifier reads only from the protected area', () => {
  it('takes SEC_CNT, DEPENDENCY and UUIDs from the protected area', () => {
    const image = build({ protectedTlvs: [counter(7), dependency(1), uuid(TlvType.UUID_VID, 0xaa)] });
    const r = verifyImage(image, { ...trust, minSecurityCounter: 7, vid: new Uint8Array(16).fill(0xaa) });
    expect(r.valid).toBe(true);
    expect(r.securityCounter).toBe(7);
    expect(r.dependencies).toEqual([{ imageId: 1, version: { major: 2, minor: 1, revision: 0x0304, build: 0x05060708 } }]);
  });

  it('ignores a forged SEC_CNT, DEPENDENCY or UUID in the unprotected area', () => {
    const forged = build({
      protectedTlvs: [counter(1)],
      before: [counter(99), dependency(3), uuid(TlvType.UUID_VID, 0xbb), uuid(TlvType.UUID_CID, 0xcc)],
    });
    const r = verifyImage(forged, trust);
    expect(r.valid).toBe(true);
    expect(r.securityCounter).toBe(1);
    expect(r.dependencies).toEqual([]);
    expect(outcome(forged, { ...trust, minSecurityCounter: 2 })).toMatchObject({ valid: false, reason: 'security-counter' });
    // A malformed forged entry is ignored as well: the loader never looks at it.
    const malformed = build({ before: [{ type: TlvType.SEC_CNT, value: Uint8Array.of(1) }, { type: TlvType.DEPENDENCY, value: Uint8Array.of(1) }] });
    expect(outcome(malformed).valid).toBe(true);
    const wrongUuid = build({ before: [uuid(TlvType.UUID_VID, 0x11)] });
    expect(outcome(wrongUuid).valid).toBe(true);
  });

  it('requires the protected UUID the build checks, and refuses a different one', () => {
    const vid = new Uint8Array(16).fill(0xaa);
    const cid = new Uint8Array(16).fill(0xcc);
    const both = build({ protectedTlvs: [uuid(TlvType.UUID_VID, 0xaa), uuid(TlvType.UUID_CID, 0xcc)] });
    expect(outcome(both, { ...trust, vid, cid }).valid).toBe(true);
    expect(outcome(both, trust).valid).toBe(true);
    const wrongVid = verifyImage(both, { ...trust, vid: cid, cid });
    expect(wrongVid).toMatchObject({ valid: false, reason: 'uuid-mismatch', tlvType: TlvType.UUID_VID });
    expect(wrongVid.message).toBe('UUID_VID does not match');
    expect(wrongVid.offset).toBe(tlvOffset(both, TlvType.UUID_VID));
    const wrongCid = verifyImage(both, { ...trust, vid, cid: vid });
    expect(wrongCid).toMatchObject({ valid: false, reason: 'uuid-mismatch', tlvType: TlvType.UUID_CID });
    expect(wrongCid.offset).toBe(tlvOffset(both, TlvType.UUID_CID));

    const onlyUnprotected = build({ before: [uuid(TlvType.UUID_VID, 0xaa), uuid(TlvType.UUID_CID, 0xcc)] });
    for (const [opts, type, name] of [
      [{ vid }, TlvType.UUID_VID, 'UUID_VID'],
      [{ cid }, TlvType.UUID_CID, 'UUID_CID'],
    ] as const) {
      const r = verifyImage(onlyUnprotected, { ...trust, ...opts });
      expect(r).toMatchObject({ valid: false, reason: 'uuid-mismatch', tlvType: type, message: `no protected ${name} TLV` });
      expect(r.offset).toBe(parseImage(onlyUnprotected).unprotectedArea.offset);
    }
    const vidOnly = build({ protectedTlvs: [uuid(TlvType.UUID_VID, 0xaa)] });
    expect(outcome(vidOnly, { ...trust, vid }).valid).toBe(true);
    expect(outcome(vidOnly, { ...trust, vid, cid })).toMatchObject({ reason: 'uuid-mismatch', tlvType: TlvType.UUID_CID });
    // With both UUIDs checked: a forged unprotected UUID and an unrelated protected TLV are not compared.
    const forged = build({
      protectedTlvs: [uuid(TlvType.UUID_VID, 0xaa), uuid(TlvType.UUID_CID, 0xcc), { type: 0xa0, value: Uint8Array.of(5) }],
      before: [uuid(TlvType.UUID_VID, 0x01), uuid(TlvType.UUID_CID, 0x02)],
    });
    expect(outcome(forged, { ...trust, vid, cid }).valid).toBe(true);
  });

  it('refuses a protected SEC_CNT or DEPENDENCY of the wrong length, naming the TLV', () => {
    const shortCounter = build({ protectedTlvs: [{ type: TlvType.SEC_CNT, value: Uint8Array.of(1, 0) }] });
    const r = verifyImage(shortCounter, trust);
    expect(r).toMatchObject({ valid: false, reason: 'security-counter', tlvType: TlvType.SEC_CNT });
    expect(r.message).toBe('SEC_CNT TLV of 2 bytes, expected 4');
    expect(r.offset).toBe(tlvOffset(shortCounter, TlvType.SEC_CNT));
    const longDependency = build({ protectedTlvs: [{ type: TlvType.DEPENDENCY, value: new Uint8Array(13) }] });
    const d = verifyImage(longDependency, trust);
    expect(d).toMatchObject({ valid: false, reason: 'dependency-length', tlvType: TlvType.DEPENDENCY });
    expect(d.message).toBe('DEPENDENCY TLV of 13 bytes, expected 12');
    expect(d.offset).toBe(tlvOffset(longDependency, TlvType.DEPENDENCY));
  });

  it('reads the dependency version little-endian', () => {
    const value = concat([Uint8Array.of(2, 0, 0, 0, 9, 8), u16(0x0102), u32(0x01020304)]);
    expect(decodeDependency(value)).toEqual({ imageId: 2, version: { major: 9, minor: 8, revision: 0x0102, build: 0x01020304 } });
  });

  it('says "absent" when the device needs a counter and the image has none', () => {
    const r = verifyImage(build(), { ...trust, minSecurityCounter: 1 });
    expect(r).toMatchObject({ valid: false, reason: 'security-counter', tlvType: TlvType.SEC_CNT });
    expect(r.message).toBe("security counter absent is below the device's 1");
    expect(verifyImage(build({ protectedTlvs: [counter(0)] }), { ...trust, minSecurityCounter: 1 }).message).toBe(
      "security counter 0 is below the device's 1",
    );
    expect(outcome(build({ protectedTlvs: [counter(0)] }), { ...trust, minSecurityCounter: 0 }).valid).toBe(true);
  });
});

describe('the unprotected allow list (MCUBOOT_USE_TLV_ALLOW_LIST)', () => {
  it('refuses a TLV outside the list and passes the ones on it', () => {
    const custom = build({ before: [{ type: 0xa0, value: Uint8Array.of(1) }] });
    const r = verifyImage(custom, { ...trust, allowList: true });
    expect(r).toMatchObject({ valid: false, reason: 'not-allowed-tlv', tlvType: 0xa0, offset: tlvOffset(custom, 0xa0) });
    expect(r.message).toContain('not allowed in the unprotected area');
    expect(outcome(custom).valid).toBe(true);
    expect(outcome(build(), { ...trust, allowList: true }).valid).toBe(true);
    const protectedCustom = build({ protectedTlvs: [{ type: 0xa0, value: Uint8Array.of(1) }] });
    expect(outcome(protectedCustom, { ...trust, allowList: true }).valid).toBe(true);
  });
});

describe('hash, key and signature TLVs', () => {
  it('refuses a hash TLV of the wrong length or value, with its offset and a message', () => {
    const short = build({ unprotected: (d, s) => [{ type: TlvType.SHA256, value: d.subarray(0, 31) }, { type: TlvType.KEYHASH, value: keyHash() }, { type: TlvType.ED25519, value: s }] });
    const r = verifyImage(short, trust);
    expect(r).toMatchObject({ reason: 'hash-length', tlvType: TlvType.SHA256, offset: tlvOffset(short, TlvType.SHA256) });
    expect(r.message).toBe('SHA256 TLV is 31 bytes, expected 32');
    const wrong = build({ unprotected: (d, s) => [{ type: TlvType.SHA256, value: d.map((b) => b ^ 1) }, { type: TlvType.KEYHASH, value: keyHash() }, { type: TlvType.ED25519, value: s }] });
    const w = verifyImage(wrong, trust);
    expect(w).toMatchObject({ reason: 'hash-mismatch', tlvType: TlvType.SHA256, offset: tlvOffset(wrong, TlvType.SHA256) });
    expect(w.message).toBe('SHA256 TLV does not match the image digest');
  });

  it('refuses an image without its hash TLV, at the unprotected area', () => {
    const none = build({ unprotected: (_d, s) => [{ type: TlvType.KEYHASH, value: keyHash() }, { type: TlvType.ED25519, value: s }] });
    const r = verifyImage(none, trust);
    expect(r).toMatchObject({ valid: false, reason: 'hash-missing', offset: parseImage(none).unprotectedArea.offset });
    expect(r.message).toBe('no SHA256 TLV in the image');
    // Hash-only verification (no keys) still needs it.
    expect(outcome(none, { keys: [] }).reason).toBe('hash-missing');
    expect(outcome(build(), { keys: [] }).valid).toBe(true);
  });

  it('names the key TLV when no trusted key matches, and the signature when none is there', () => {
    const untrusted = build({ signer: other });
    const r = verifyImage(untrusted, trust);
    expect(r).toMatchObject({ valid: false, reason: 'key-not-trusted', offset: tlvOffset(untrusted, TlvType.KEYHASH) });
    expect(r.message).toBe('no trusted key matches the KEYHASH/PUBKEY TLV');
    const unsigned = build({ unprotected: (d) => [{ type: TlvType.SHA256, value: d }] });
    const u = verifyImage(unsigned, trust);
    expect(u).toMatchObject({ valid: false, reason: 'signature-missing', offset: parseImage(unsigned).unprotectedArea.offset });
    expect(u.message).toBe('no signature TLV by a trusted key');
    // A key TLV that matches but no signature after it: the signature is missing, not the key.
    const keyOnly = build({ unprotected: (d) => [{ type: TlvType.SHA256, value: d }, { type: TlvType.KEYHASH, value: keyHash() }] });
    expect(outcome(keyOnly).reason).toBe('signature-missing');
    // A full PUBKEY that is not trusted is an untrusted key too, pointed at.
    const pubkey = build({ unprotected: (d, s) => [{ type: TlvType.SHA256, value: d }, { type: TlvType.PUBKEY, value: publicKeyBytes(other.publicKey) }, { type: TlvType.ED25519, value: s }] });
    expect(outcome(pubkey)).toMatchObject({ reason: 'key-not-trusted', offset: tlvOffset(pubkey, TlvType.PUBKEY) });
  });

  it('accepts the right PUBKEY and refuses an empty or oversized one', () => {
    const good = build({ unprotected: (d, s) => [{ type: TlvType.SHA256, value: d }, { type: TlvType.PUBKEY, value: publicKeyBytes(root.publicKey) }, { type: TlvType.ED25519, value: s }] });
    expect(outcome(good)).toMatchObject({ valid: true });
    for (const length of [0, 1025]) {
      const bad = build({ unprotected: (d, s) => [{ type: TlvType.SHA256, value: d }, { type: TlvType.PUBKEY, value: new Uint8Array(length) }, { type: TlvType.ED25519, value: s }] });
      const r = verifyImage(bad, trust);
      expect(r).toMatchObject({ reason: 'key-tlv-length', tlvType: TlvType.PUBKEY, offset: tlvOffset(bad, TlvType.PUBKEY) });
      expect(r.message).toBe(`PUBKEY TLV of ${length} bytes`);
    }
    const justFits = build({ unprotected: (d, s) => [{ type: TlvType.SHA256, value: d }, { type: TlvType.PUBKEY, value: new Uint8Array(1024) }, { type: TlvType.ED25519, value: s }] });
    expect(outcome(justFits).reason).toBe('key-not-trusted');
  });

  it('matches nothing with a truncated KEYHASH, and refuses a longer one', () => {
    const short = build({ unprotected: (d, s) => [{ type: TlvType.SHA256, value: d }, { type: TlvType.KEYHASH, value: keyHash().subarray(0, 31) }, { type: TlvType.ED25519, value: s }] });
    expect(outcome(short).reason).toBe('key-not-trusted');
    const long = build({ unprotected: (d, s) => [{ type: TlvType.SHA256, value: d }, { type: TlvType.KEYHASH, value: concat([keyHash(), Uint8Array.of(0)]) }, { type: TlvType.ED25519, value: s }] });
    expect(outcome(long)).toMatchObject({ reason: 'key-tlv-length', tlvType: TlvType.KEYHASH });
  });

  it('refuses a signature of the wrong length for the key, and a signature that does not verify', () => {
    const short = build({ unprotected: (d, s) => [{ type: TlvType.SHA256, value: d }, { type: TlvType.KEYHASH, value: keyHash() }, { type: TlvType.ED25519, value: s.subarray(0, 63) }] });
    const r = verifyImage(short, trust);
    expect(r).toMatchObject({ reason: 'signature-length', tlvType: TlvType.ED25519, offset: tlvOffset(short, TlvType.ED25519) });
    expect(r.message).toBe('ED25519 TLV of 63 bytes for a ed25519 key');
    const flipped = build({ unprotected: (d, s) => [{ type: TlvType.SHA256, value: d }, { type: TlvType.KEYHASH, value: keyHash() }, { type: TlvType.ED25519, value: s.map((b, i) => (i === 5 ? b ^ 1 : b)) }] });
    const f = verifyImage(flipped, trust);
    expect(f).toMatchObject({ reason: 'signature-invalid', tlvType: TlvType.ED25519, offset: tlvOffset(flipped, TlvType.ED25519), keyIndex: undefined });
    expect(f.message).toBe('ED25519 signature does not verify');
  });

  it('checks only the signature type of the key the last KEYHASH named', () => {
    // An ECDSA-typed TLV next to an Ed25519 key is not the build's signature: skipped, so the image is unsigned.
    const wrongType = build({ unprotected: (d, s) => [{ type: TlvType.SHA256, value: d }, { type: TlvType.KEYHASH, value: keyHash() }, { type: TlvType.ECDSA_SIG, value: s }] });
    expect(outcome(wrongType).reason).toBe('signature-missing');
    // A signature before any key TLV is not checked either.
    const sigFirst = build({ unprotected: (d, s) => [{ type: TlvType.SHA256, value: d }, { type: TlvType.ED25519, value: s.subarray(0, 10) }, { type: TlvType.KEYHASH, value: keyHash() }, { type: TlvType.ED25519, value: s }] });
    expect(outcome(sigFirst).valid).toBe(true);
  });
});

describe('pure Ed25519 (SIG_PURE)', () => {
  it('needs a SIG_PURE TLV of exactly one byte', () => {
    expect(outcome(build({ sigPure: Uint8Array.of(1) }), { ...trust, pure: true }).valid).toBe(true);
    expect(outcome(build({ sigPure: Uint8Array.of(1, 0) }), { ...trust, pure: true }).reason).toBe('sig-pure-missing');
    expect(outcome(build({ sigPure: Uint8Array.of(1) }), trust).reason).toBe('key-tlv-length');
  });

  const pureKey = generateKeyPair('ed25519', { seed: 'verify-pure' });
  const pure = signImage(payload, { headerSize: 0x200, padHeader: true, version: '1.0.0', slotSize: 0x20000, key: pureKey.privateKey, pure: true });

  it('accepts the value 1 only', () => {
    expect(outcome(pure, { keys: [pureKey.publicKey], pure: true }).valid).toBe(true);
    const sigPure = tlvOffset(pure, TlvType.SIG_PURE);
    for (const [length, value] of [
      [1, 0],
      [1, 2],
    ]) {
      const bad = pure.slice();
      bad[sigPure + 2] = length;
      bad[sigPure + 4] = value;
      const r = verifyImage(bad, { keys: [pureKey.publicKey], pure: true });
      expect(r).toMatchObject({ valid: false, reason: 'sig-pure-missing' });
      expect(r.message).toBe('pure build: no SIG_PURE TLV with value 1');
    }
  });
});

describe('sizes and flags', () => {
  const image = build();
  const parsed = parseImage(image);

  it('needs hdr + img + protected TLVs strictly below the slot', () => {
    expect(outcome(image, { ...trust, slotSize: parsed.end }).valid).toBe(true);
    const r = verifyImage(image, { ...trust, slotSize: parsed.hashedLength });
    expect(r).toMatchObject({ valid: false, reason: 'too-large', offset: 12 });
    expect(r.message).toMatch(/^hdr \+ img \+ protected TLVs = 0x[0-9a-f]+ is not below the slot size 0x[0-9a-f]+$/);
    expect(outcome(image, { ...trust, slotSize: parsed.hashedLength + 1, maxImageSize: parsed.end }).valid).toBe(true);
  });

  it('needs the TLV end within the maximum image size', () => {
    const r = verifyImage(image, { ...trust, maxImageSize: parsed.end - 1 });
    expect(r).toMatchObject({ valid: false, reason: 'too-large', offset: parsed.end });
    expect(r.message).toContain('past the maximum image size');
    expect(outcome(image, { ...trust, maxImageSize: parsed.end }).valid).toBe(true);
    expect(outcome(image, { ...trust, slotSize: parsed.end - 1 }).reason).toBe('too-large');
  });

  it('refuses both AES flags, encryption without a key, compression and NON_BOOTABLE, each with its reason', () => {
    const cases: [number, string, boolean][] = [
      [ImageFlag.ENCRYPTED_AES128 | ImageFlag.ENCRYPTED_AES256, 'both AES-128 and AES-256 flags set', true],
      [ImageFlag.ENCRYPTED_AES128, 'encrypted image, and this build has no decryption key', false],
      [ImageFlag.COMPRESSED_LZMA2, 'compressed image: decompression is not emulated', true],
      [ImageFlag.NON_BOOTABLE, 'NON_BOOTABLE flag: the loader never boots this image', true],
    ];
    for (const [flags, message, evenWithKey] of cases) {
      const r = verifyImage(build({ flags }), trust);
      expect(r).toMatchObject({ valid: false, reason: 'unsupported-flags', offset: 16, message });
      expect(verifyImage(build({ flags }), { ...trust, acceptEncrypted: true }).valid).toBe(!evenWithKey);
    }
  });
});

describe('unparseable images', () => {
  it('calls a bad magic or header size bad-header, and a bad TLV area bad-tlv-area', () => {
    const image = build();
    const badMagic = image.slice();
    badMagic[0] ^= 0xff;
    expect(outcome(badMagic)).toMatchObject({ valid: false, reason: 'bad-header', offset: 0 });
    const badHeaderSize = image.slice();
    badHeaderSize[8] = 0x08;
    expect(outcome(badHeaderSize).reason).toBe('bad-header');
    const badTlvMagic = image.slice();
    badTlvMagic[parseImage(image).unprotectedArea.offset] ^= 0xff;
    const r = verifyImage(badTlvMagic, trust);
    expect(r.reason).toBe('bad-tlv-area');
    expect(r.message.length).toBeGreaterThan(0);
    expect(r.digest).toBeUndefined();
  });
});
