import { describe, expect, it } from 'vitest';
import { Prng } from '../emulator/common/prng.ts';
import {
  compareVersions,
  generateKeyPair,
  ImageOptionError,
  KEY_TYPES,
  type KeyPair,
  type KeyType,
  parseImage,
  parseVersion,
  publicKeyBytes,
  type SignOptions,
  signImage,
  TlvType,
  trailerLayout,
  verifyImage,
} from './index.ts';

const payload = new Prng(11).bytes(2000);
const base: SignOptions = { headerSize: 0x200, padHeader: true, version: '1.2.3+4', slotSize: 0x20000 };

// RSA keys cannot be derived from a seed; generate each once for the file.
const pairs = new Map<KeyType, KeyPair>();
const pair = (type: KeyType): KeyPair => {
  if (!pairs.has(type)) pairs.set(type, generateKeyPair(type, type.startsWith('rsa') ? undefined : { seed: type }));
  return pairs.get(type)!;
};

describe('sign then verify, every algorithm', () => {
  it.each(KEY_TYPES)('%s: valid, and names which trusted key signed', (type) => {
    const other = generateKeyPair('ed25519', { seed: 'other' });
    const image = signImage(payload, { ...base, key: pair(type).privateKey });
    const result = verifyImage(image, { keys: [other.publicKey, pair(type).publicKey] });
    expect({ valid: result.valid, reason: result.reason, keyIndex: result.keyIndex }).toEqual({
      valid: true,
      reason: 'ok',
      keyIndex: 1,
    });
    expect(result.hash).toBe(type === 'ecdsa-p384' ? 'sha384' : 'sha256');
    // A build for the Ed25519 key hashes with SHA-256, and a 48-byte P-384 KEYHASH is longer than its digest.
    const untrusted = type === 'ecdsa-p384' ? 'key-tlv-length' : 'key-not-trusted';
    expect(verifyImage(image, { keys: [other.publicKey] }).reason).toBe(untrusted);
  });

  it.each(KEY_TYPES)('%s: --public-key-format full embeds the key the bootloader embeds', (type) => {
    const image = signImage(payload, { ...base, key: pair(type).privateKey, publicKeyFormat: 'full' });
    const pubkey = parseImage(image).tlvs.find((t) => t.type === TlvType.PUBKEY)!;
    expect(Buffer.from(pubkey.value).equals(Buffer.from(publicKeyBytes(pair(type).publicKey)))).toBe(true);
    expect(verifyImage(image, { keys: [pair(type).publicKey] }).valid).toBe(true);
  });

  it('pure Ed25519 signs the image bytes and needs SIG_PURE in a pure build', () => {
    const key = pair('ed25519');
    const image = signImage(payload, { ...base, key: key.privateKey, pure: true });
    expect(verifyImage(image, { keys: [key.publicKey], pure: true }).valid).toBe(true);
    // A digest-signing build reads the same signature as over the SHA-512 digest: it does not verify.
    expect(verifyImage(image, { keys: [key.publicKey], hash: 'sha512' }).reason).toBe('signature-invalid');
    const plain = signImage(payload, { ...base, key: key.privateKey, hash: 'sha512' });
    expect(verifyImage(plain, { keys: [key.publicKey], pure: true }).reason).toBe('sig-pure-missing');
  });

  it('an unsigned image is valid only when no signature is required', () => {
    const image = signImage(payload, base);
    expect(verifyImage(image, { keys: [] }).valid).toBe(true);
    expect(verifyImage(image, { keys: [pair('ed25519').publicKey] }).reason).toBe('signature-missing');
  });
});

describe('protected TLVs', () => {
  const key = pair('ed25519');
  const image = signImage(payload, {
    ...base,
    key: key.privateKey,
    version: '1.3.0+7',
    securityCounter: 'auto',
    dependencies: [{ imageId: 1, version: parseVersion('1.2.0') }],
  });

  it('reports the security counter and dependencies of the protected area', () => {
    const result = verifyImage(image, { keys: [key.publicKey] });
    expect(result.securityCounter).toBe(0x01030000);
    expect(result.dependencies).toEqual([{ imageId: 1, version: { major: 1, minor: 2, revision: 0, build: 0 } }]);
  });

  it('refuses an image below the device security counter, accepts an equal one', () => {
    expect(verifyImage(image, { keys: [key.publicKey], minSecurityCounter: 0x01030000 }).valid).toBe(true);
    const low = verifyImage(image, { keys: [key.publicKey], minSecurityCounter: 0x01030001 });
    expect([low.valid, low.reason, low.tlvType]).toEqual([false, 'security-counter', TlvType.SEC_CNT]);
  });

  it('ignores a SEC_CNT appended to the unprotected area (anyone can add one), or refuses it with the allow list', () => {
    const unsigned = signImage(payload, { ...base, key: key.privateKey });
    const forged = appendUnprotectedTlv(unsigned, TlvType.SEC_CNT, Uint8Array.of(0xff, 0xff, 0xff, 0x7f));
    const result = verifyImage(forged, { keys: [key.publicKey] });
    expect([result.valid, result.securityCounter]).toEqual([true, undefined]);
    expect(verifyImage(forged, { keys: [key.publicKey], minSecurityCounter: 1 }).reason).toBe('security-counter');
    expect(verifyImage(forged, { keys: [key.publicKey], allowList: true }).reason).toBe('not-allowed-tlv');
  });
});

describe('loader rules for signatures and flags (FORMATS.md §1.2, §1.6)', () => {
  const key = pair('ed25519');
  const image = signImage(payload, { ...base, key: key.privateKey });
  const signature = parseImage(image).tlvs.find((t) => t.type === TlvType.ED25519)!;

  it('lets the last checked signature decide when there are several', () => {
    const broken = signature.value.slice();
    broken[0] ^= 1;
    const badLast = appendUnprotectedTlv(image, TlvType.ED25519, broken);
    expect(verifyImage(badLast, { keys: [key.publicKey] }).reason).toBe('signature-invalid');
    const goodLast = appendUnprotectedTlv(image, TlvType.ED25519, signature.value.slice());
    expect(verifyImage(goodLast, { keys: [key.publicKey] }).valid).toBe(true);
  });

  it('refuses encrypted, compressed and non-bootable images it cannot boot', () => {
    for (const flag of [0x4, 0xc, 0x400, 0x10]) {
      const flagged = image.slice();
      new DataView(flagged.buffer).setUint32(16, flag, true);
      const result = verifyImage(flagged, { keys: [key.publicKey] });
      expect([result.reason, result.offset]).toEqual(['unsupported-flags', 16]);
    }
  });

  it('reports a hash TLV of the wrong length as such, with its offset', () => {
    const parsed = parseImage(image);
    const hashTlv = parsed.tlvs.find((t) => t.type === TlvType.SHA256)!;
    const forged = image.slice();
    new DataView(forged.buffer).setUint16(hashTlv.offset, TlvType.SHA384, true);
    const result = verifyImage(forged, { keys: [key.publicKey], hash: 'sha384' });
    expect([result.reason, result.offset, result.tlvType]).toEqual(['hash-length', hashTlv.offset, TlvType.SHA384]);
  });
});

describe('sizes against the slot', () => {
  const key = pair('ed25519');
  const image = signImage(payload, { ...base, key: key.privateKey });
  const { end, hashedLength } = parseImage(image);

  it('needs hdr + img + protected TLVs strictly below the slot size, and the TLV end within the maximum', () => {
    expect(verifyImage(image, { keys: [key.publicKey], slotSize: end }).valid).toBe(true);
    expect(verifyImage(image, { keys: [key.publicKey], slotSize: hashedLength }).reason).toBe('too-large');
    expect(verifyImage(image, { keys: [key.publicKey], slotSize: end - 1 }).reason).toBe('too-large');
    expect(verifyImage(image, { keys: [key.publicKey], maxImageSize: end - 1 }).offset).toBe(end);
  });

  it('refuses to sign an image that does not fit with its trailer, as imgtool does', () => {
    expect(() => signImage(payload, { ...base, key: key.privateKey, slotSize: end + 100 })).toThrow(ImageOptionError);
    expect(() => signImage(payload, { ...base, slotSize: end + 32, overwriteOnly: true })).not.toThrow();
  });
});

describe('imgtool sign details', () => {
  it('pads to the slot with the trailer of the chosen max align and erased value', () => {
    const key = pair('ecdsa-p256');
    const image = signImage(payload, { ...base, key: key.privateKey, confirm: true, maxAlign: 16, erasedValue: 0 });
    expect(image.length).toBe(base.slotSize);
    const layout = trailerLayout({ slotSize: base.slotSize, maxAlign: 16 });
    expect(image[layout.imageOk]).toBe(1);
    expect([...image.subarray(layout.magic, layout.magic + 2)]).toEqual([0x10, 0x00]);
    expect(image[0x100]).toBe(0); // --pad-header fills with the erased value (0 here)
    expect(verifyImage(image, { keys: [key.publicKey], slotSize: base.slotSize }).valid).toBe(true);
  });

  it('needs the header room to be zeros without --pad-header', () => {
    expect(() => signImage(payload, { ...base, padHeader: false })).toThrow(/does not start with 512 zero bytes/);
    const zeroed = new Uint8Array(0x200 + 10);
    expect(parseImage(signImage(zeroed, { ...base, padHeader: false })).header.imgSize).toBe(10);
  });

  it('refuses what imgtool refuses', () => {
    expect(() => signImage(payload, { ...base, headerSize: 16 })).toThrow(ImageOptionError);
    expect(() => signImage(payload, { ...base, key: pair('ecdsa-p256').privateKey, pure: true })).toThrow(/Ed25519/);
    expect(() => signImage(payload, { ...base, bootRecord: 'thirteen-char' })).toThrow(/12 characters/);
    expect(() => signImage(payload, { ...base, customTlvs: [{ type: 0x50, value: new Uint8Array(1) }] })).toThrow(/custom TLV/);
    expect(() => parseVersion('1.02.3')).toThrow(/maj\[\.min/);
    expect(() => parseVersion('256.0.0')).toThrow(/fit/);
  });

  it('writes the boot record and custom TLVs in the protected area, in order', () => {
    const image = signImage(payload, {
      ...base,
      key: pair('ed25519').privateKey,
      securityCounter: 3,
      bootRecord: 'SPE',
      customTlvs: [{ type: 0xa0, value: Uint8Array.of(1, 2) }],
    });
    const protectedTypes = parseImage(image).protectedArea!.tlvs.map((t) => t.type);
    expect(protectedTypes).toEqual([TlvType.SEC_CNT, TlvType.BOOT_RECORD, 0xa0]);
  });
});

describe('version comparison (boot_compare_version)', () => {
  it('compares major, minor, revision and ignores the build number unless asked', () => {
    expect(compareVersions(parseVersion('1.2.3+9'), parseVersion('1.2.3+1'))).toBe(0);
    expect(compareVersions(parseVersion('1.2.3+9'), parseVersion('1.2.3+1'), { useBuildNumber: true })).toBe(1);
    expect(compareVersions(parseVersion('1.2.3'), parseVersion('1.10.0'))).toBe(-1);
    expect(compareVersions(parseVersion('2'), parseVersion('1.255.65535'))).toBe(1);
  });
});

function appendUnprotectedTlv(image: Uint8Array, type: number, value: Uint8Array): Uint8Array {
  const parsed = parseImage(image);
  const out = new Uint8Array(parsed.end + 4 + value.length);
  out.set(image.subarray(0, parsed.end));
  const view = new DataView(out.buffer);
  view.setUint16(parsed.end, type, true);
  view.setUint16(parsed.end + 2, value.length, true);
  out.set(value, parsed.end + 4);
  view.setUint16(parsed.unprotectedArea.offset + 2, parsed.unprotectedArea.total + 4 + value.length, true);
  return out;
}
