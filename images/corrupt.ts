import type { KeyObject } from 'node:crypto';
import { Prng } from '../emulator/common/prng.ts';
import { concat, hex } from './bytes.ts';
import { CorruptionError } from './errors.ts';
import { generateKeyPair, type KeyType } from './keys.ts';
import { type ParsedImage, parseImage, type Tlv } from './parse.ts';
import { digestOf, SIGNATURE_TLVS, signData } from './signature.ts';
import { hashAlgorithmOfTlv, IMAGE_MAGIC, IMAGE_MAGIC_V1, TlvType } from './tlv-types.ts';
import { BOOT_MAGIC_SIZE, decodeMagic, MAX_ALIGNS, MagicState, trailerLayout } from './trailer.ts';

export interface CorruptOptions {
  seed: number | string;
  /** A second signed image, for the swap mutations. */
  other?: Uint8Array;
  /** The slot the image must fit, for `grow-past-slot` (default: the file size). */
  slotSize?: number;
  /** The attacker's key for `wrong-key-resign` (default: a key of the same type derived from the seed). */
  key?: KeyObject;
  /** The offset to cut at, for `truncate` (default: chosen from the seed inside the image). */
  offset?: number;
}

export interface Corruption {
  bytes: Uint8Array;
  mutation: MutationName;
  seed: number | string;
  /** What was changed, where: for the report and the replay command. */
  description: string;
  offset: number;
}

interface Mutation {
  name: string;
  summary: string;
  /** False for mutations that leave the signed bytes and TLVs intact (a valid image stays valid). */
  invalidates: boolean;
  needs: 'image' | 'image+other' | 'image+trailer';
}

/** Every mutation, in the order suites enumerate them. */
export const MUTATIONS = [
  { name: 'flip-header', summary: 'flip one bit of the 32-byte header', invalidates: true, needs: 'image' },
  { name: 'flip-protected-tlv', summary: 'flip one bit in the protected TLV area', invalidates: true, needs: 'image' },
  { name: 'flip-unprotected-tlv', summary: 'flip one bit in the unprotected TLV area', invalidates: true, needs: 'image' },
  { name: 'flip-payload', summary: 'flip one bit of the payload', invalidates: true, needs: 'image' },
  { name: 'flip-signature', summary: 'flip one bit of the signature TLV value', invalidates: true, needs: 'image' },
  { name: 'flip-trailer', summary: 'flip one bit of the trailer (magic and flags)', invalidates: false, needs: 'image+trailer' },
  { name: 'truncate', summary: 'cut the image short', invalidates: true, needs: 'image' },
  { name: 'grow-past-slot', summary: 'enlarge the payload so the image ends past the slot', invalidates: true, needs: 'image' },
  { name: 'bad-header-magic', summary: 'replace ih_magic (legacy V1 magic or random)', invalidates: true, needs: 'image' },
  { name: 'bad-tlv-magic', summary: 'replace the TLV info magic', invalidates: true, needs: 'image' },
  { name: 'tlv-length-past-area', summary: 'a TLV length that runs past its area', invalidates: true, needs: 'image' },
  { name: 'tlv-length-wrap', summary: 'a TLV length near 0xffff, wrapping 16-bit offsets', invalidates: true, needs: 'image' },
  {
    name: 'wrong-key-resign',
    summary: 're-sign with an untrusted key (derived from the seed), keeping the KEYHASH; ECDSA/RSA signature bytes vary per run',
    invalidates: true,
    needs: 'image',
  },
  { name: 'swap-hash', summary: "replace the hash TLV with another image's", invalidates: true, needs: 'image+other' },
  { name: 'swap-signature', summary: "replace the signature TLV with another image's", invalidates: true, needs: 'image+other' },
  { name: 'header-size-past-image', summary: 'ih_hdr_size larger than the image', invalidates: true, needs: 'image' },
  { name: 'load-address', summary: 'damage ih_load_addr', invalidates: true, needs: 'image' },
  { name: 'vector-table', summary: 'damage the initial SP or reset vector at the payload start', invalidates: true, needs: 'image' },
] as const satisfies readonly Mutation[];

export type MutationName = (typeof MUTATIONS)[number]['name'];
export const MUTATION_NAMES: readonly MutationName[] = MUTATIONS.map((m) => m.name);

export function isMutationName(name: string): name is MutationName {
  return (MUTATION_NAMES as readonly string[]).includes(name);
}

type Apply = (bytes: Uint8Array, image: ParsedImage, prng: Prng, options: CorruptOptions) => [Uint8Array, number, string];

/**
 * Applies one named mutation, deterministically from `options.seed`: the same image, name and seed always give
 * the same bytes. The input must parse (the mutations aim at its structure); throws CorruptionError otherwise.
 */
export function corruptImage(bytes: Uint8Array, mutation: MutationName, options: CorruptOptions): Corruption {
  let image: ParsedImage;
  try {
    image = parseImage(bytes);
  } catch (error) {
    throw new CorruptionError(`corrupt ${mutation}: the input is not a well-formed image`, { cause: error });
  }
  const prng = new Prng(`${mutation}|${options.seed}`);
  const [out, offset, description] = APPLY[mutation](bytes.slice(), image, prng, options);
  return { bytes: out, mutation, seed: options.seed, description, offset };
}

/** The largest slot `grow-past-slot` grows an image past: the grown image is held in memory. */
const MAX_GROWN_SLOT = 64 * 1024 * 1024;

function flipIn(bytes: Uint8Array, start: number, end: number, prng: Prng, what: string): [Uint8Array, number, string] {
  if (end <= start) throw new CorruptionError(`this image has no ${what}`);
  const offset = start + prng.below(end - start);
  const bit = prng.below(8);
  bytes[offset] ^= 1 << bit;
  return [bytes, offset, `flipped bit ${bit} of the ${what} at ${hex(offset)}`];
}

function signatureTlv(image: ParsedImage): Tlv {
  const tlv = image.unprotectedArea.tlvs.find((t) => SIGNATURE_TLVS.has(t.type));
  if (tlv === undefined) throw new CorruptionError('this image has no signature TLV');
  return tlv;
}

function hashTlv(image: ParsedImage): Tlv {
  const tlv = image.unprotectedArea.tlvs.find((t) => hashAlgorithmOfTlv(t.type) !== undefined);
  if (tlv === undefined) throw new CorruptionError('this image has no hash TLV');
  return tlv;
}

/**
 * Replaces one unprotected TLV value, fixing `it_tlv_tot`; when the file is padded to a slot the padding absorbs
 * the size change so the trailer stays at the slot end.
 */
function replaceTlvValue(bytes: Uint8Array, image: ParsedImage, tlv: Tlv, value: Uint8Array): Uint8Array {
  const delta = value.length - tlv.length;
  const entry = new Uint8Array(4 + value.length);
  const view = new DataView(entry.buffer);
  view.setUint16(0, tlv.type, true);
  view.setUint16(2, value.length, true);
  entry.set(value, 4);
  const tail = bytes.subarray(image.end);
  let keptTail = tail;
  if (tail.length > 0) {
    keptTail = delta >= 0 ? tail.subarray(Math.min(delta, tail.length)) : concat([new Uint8Array(-delta).fill(0xff), tail]);
  }
  const out = concat([bytes.subarray(0, tlv.offset), entry, bytes.subarray(tlv.valueOffset + tlv.length, image.end), keptTail]);
  const area = image.unprotectedArea;
  new DataView(out.buffer).setUint16(area.offset + 2, area.total + delta, true);
  return out;
}

function keyTypeOfSignature(tlv: Tlv): KeyType {
  if (tlv.type === TlvType.ED25519) return 'ed25519';
  if (tlv.type === TlvType.RSA2048_PSS) return 'rsa-2048';
  if (tlv.type === TlvType.RSA3072_PSS) return 'rsa-3072';
  return tlv.length > 80 ? 'ecdsa-p384' : 'ecdsa-p256';
}

const APPLY: Readonly<Record<MutationName, Apply>> = {
  'flip-header': (bytes, _image, prng) => flipIn(bytes, 0, 32, prng, 'header'),
  'flip-protected-tlv': (bytes, image, prng) => {
    const area = image.protectedArea;
    return flipIn(bytes, area?.offset ?? 0, area === undefined ? 0 : area.offset + area.total, prng, 'protected TLV area');
  },
  'flip-unprotected-tlv': (bytes, image, prng) =>
    flipIn(bytes, image.unprotectedArea.offset, image.end, prng, 'unprotected TLV area'),
  'flip-payload': (bytes, image, prng) =>
    flipIn(bytes, image.payload.offset, image.payload.offset + image.payload.length, prng, 'payload'),
  'flip-signature': (bytes, image, prng) => {
    const tlv = signatureTlv(image);
    return flipIn(bytes, tlv.valueOffset, tlv.valueOffset + tlv.length, prng, `${tlv.name} signature`);
  },
  'flip-trailer': (bytes, image, prng) => {
    const magic = bytes.subarray(bytes.length - BOOT_MAGIC_SIZE);
    const maxAlign = MAX_ALIGNS.find((a) => decodeMagic(magic, a, 0xff) === MagicState.GOOD);
    if (bytes.length === image.end || maxAlign === undefined) {
      throw new CorruptionError('this image has no trailer (sign it with --pad)');
    }
    const layout = trailerLayout({ slotSize: bytes.length, maxAlign });
    return flipIn(bytes, layout.swapSize, bytes.length, prng, 'trailer');
  },
  truncate: (bytes, image, prng, options) => {
    const at = options.offset ?? 1 + prng.below(image.end - 1);
    if (at < 0 || at >= bytes.length) throw new CorruptionError(`truncate at ${at}: expected 0..${bytes.length - 1}`);
    return [bytes.slice(0, at), at, `truncated to ${at} bytes (image end ${hex(image.end)})`];
  },
  'grow-past-slot': (bytes, image, prng, options) => {
    const slotSize = options.slotSize ?? bytes.length;
    const { header } = image;
    if (slotSize < image.end || slotSize > MAX_GROWN_SLOT) {
      throw new CorruptionError(
        `grow-past-slot: slot size ${hex(slotSize)}: expected at least the image end ${hex(image.end)} and at most ${hex(MAX_GROWN_SLOT)}`,
      );
    }
    const imgSize = slotSize - header.hdrSize - header.protectTlvSize + 1 + prng.below(64);
    const grown = prng.bytes(imgSize - header.imgSize);
    const out = concat([bytes.subarray(0, image.payload.offset + header.imgSize), grown, bytes.subarray(image.payload.offset + header.imgSize, image.end)]);
    new DataView(out.buffer).setUint32(12, imgSize, true);
    return [out, 12, `ih_img_size ${hex(header.imgSize)} → ${hex(imgSize)}: the image ends past the ${hex(slotSize)}-byte slot`];
  },
  'bad-header-magic': (bytes, _image, prng) => {
    let magic = prng.below(2) === 0 ? IMAGE_MAGIC_V1 : prng.nextU32();
    if (magic === IMAGE_MAGIC) magic ^= 1;
    new DataView(bytes.buffer).setUint32(0, magic, true);
    return [bytes, 0, `ih_magic → ${hex(magic)}`];
  },
  'bad-tlv-magic': (bytes, image, prng) => {
    const areas = [image.protectedArea, image.unprotectedArea].filter((a) => a !== undefined);
    const area = areas[prng.below(areas.length)];
    let magic = prng.below(0x10000);
    if (magic === area.magic) magic ^= 1;
    new DataView(bytes.buffer).setUint16(area.offset, magic, true);
    return [bytes, area.offset, `TLV info magic ${hex(area.magic)} → ${hex(magic)} at ${hex(area.offset)}`];
  },
  'tlv-length-past-area': (bytes, image, prng) => {
    const tlv = image.tlvs[prng.below(image.tlvs.length)];
    const areaEnd = tlv.protected ? image.protectedArea!.offset + image.protectedArea!.total : image.end;
    const length = Math.min(0xffff, areaEnd - tlv.valueOffset + 1 + prng.below(32));
    new DataView(bytes.buffer).setUint16(tlv.offset + 2, length, true);
    return [bytes, tlv.offset + 2, `${tlv.name} length ${tlv.length} → ${length}, past its area end ${hex(areaEnd)}`];
  },
  'tlv-length-wrap': (bytes, image, prng) => {
    const tlv = image.tlvs[prng.below(image.tlvs.length)];
    const length = 0xffff - prng.below(8);
    new DataView(bytes.buffer).setUint16(tlv.offset + 2, length, true);
    return [bytes, tlv.offset + 2, `${tlv.name} length ${tlv.length} → ${hex(length)}`];
  },
  'wrong-key-resign': (bytes, image, _prng, options) => {
    const tlv = signatureTlv(image);
    const type = keyTypeOfSignature(tlv);
    const hashTlvOf = hashTlv(image);
    const hash = hashAlgorithmOfTlv(hashTlvOf.type)!;
    const key = options.key ?? generateKeyPair(type, { seed: `wrong-key|${options.seed}` }).privateKey;
    const hashed = bytes.subarray(0, image.hashedLength);
    const pure = image.tlvs.some((t) => t.type === TlvType.SIG_PURE);
    const signature = signData(type, key, { hashed, digest: digestOf(hash, hashed), hash, pure });
    return [replaceTlvValue(bytes, image, tlv, signature), tlv.offset, `${tlv.name} replaced by a signature from an untrusted ${type} key`];
  },
  'swap-hash': (bytes, image, _prng, options) => {
    const tlv = hashTlv(image);
    const donor = differentDonor(tlv, hashTlv(parseOther(options)));
    return [replaceTlvValue(bytes, image, tlv, donor.value.slice()), tlv.offset, `${tlv.name} replaced by the other image's ${donor.name}`];
  },
  'swap-signature': (bytes, image, _prng, options) => {
    const tlv = signatureTlv(image);
    const donor = differentDonor(tlv, signatureTlv(parseOther(options)));
    return [replaceTlvValue(bytes, image, tlv, donor.value.slice()), tlv.offset, `${tlv.name} replaced by the other image's ${donor.name}`];
  },
  'header-size-past-image': (bytes, image, prng) => {
    // Past the image end when a u16 can say so; a huge header (≥ 0xff00) otherwise.
    const low = Math.min(image.end + 1, 0xff00);
    const size = low + prng.below(0x10000 - low);
    new DataView(bytes.buffer).setUint16(8, size, true);
    return [bytes, 8, `ih_hdr_size → ${hex(size)} (image end ${hex(image.end)})`];
  },
  'load-address': (bytes, image, prng) => {
    const address = (image.header.loadAddr ^ (prng.nextU32() | 1)) >>> 0;
    new DataView(bytes.buffer).setUint32(4, address, true);
    return [bytes, 4, `ih_load_addr ${hex(image.header.loadAddr)} → ${hex(address)}`];
  },
  'vector-table': (bytes, image, prng) => {
    if (image.payload.length < 8) throw new CorruptionError('the payload is too short for a vector table');
    const which = prng.below(2);
    const offset = image.payload.offset + 4 * which;
    const view = new DataView(bytes.buffer);
    const old = view.getUint32(offset, true);
    // Clearing the Thumb bit of the reset vector faults on Cortex-M; a random SP points anywhere.
    const value = which === 1 ? (old ^ 1) >>> 0 : (old ^ (prng.nextU32() | 4)) >>> 0;
    view.setUint32(offset, value, true);
    return [bytes, offset, `${which === 1 ? 'reset vector' : 'initial SP'} ${hex(old)} → ${hex(value)}`];
  },
};

/** A swap with an equal value would write the image unchanged: that is no corruption. */
function differentDonor(tlv: Tlv, donor: Tlv): Tlv {
  if (Buffer.from(tlv.value).equals(Buffer.from(donor.value))) {
    throw new CorruptionError(`the other image's ${donor.name} is the same as this image's: swapping it would change nothing (give a different --other)`);
  }
  return donor;
}

function parseOther(options: CorruptOptions): ParsedImage {
  if (options.other === undefined) throw new CorruptionError('this mutation needs a second image (--other)');
  try {
    return parseImage(options.other);
  } catch (error) {
    throw new CorruptionError('the second image is not a well-formed image', { cause: error });
  }
}
