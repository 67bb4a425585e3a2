/**
 * The scenario-space suite's images: a signed image of a given extent (header to the end of its TLVs), and the
 * signature and key variants of the new image, made by rewriting its unprotected TLV area.
 */
import type { KeyObject } from 'node:crypto';
import type { Fixtures } from '../../harness/fixtures.ts';
import { imageExtent } from '../../harness/oracle.ts';
import type { SuiteContext } from '../../harness/suite.ts';
import { ImageOptionError, parseImage, TLV_INFO_MAGIC, TlvType } from '../../images/index.ts';

export interface SpaceImage {
  readonly label: string;
  readonly version: string;
  readonly securityCounter: number;
  /** Header to the end of the TLVs. */
  readonly extent: number;
  readonly key?: KeyObject | null;
  readonly image?: number;
}

/** Images already made, per run's fixtures: rows share most of theirs, and a large one takes a while to sign. */
const made = new WeakMap<Fixtures, Map<string, Uint8Array>>();

function once(fixtures: Fixtures, key: string, make: () => Uint8Array): Uint8Array {
  let shop = made.get(fixtures);
  if (!shop) {
    shop = new Map();
    made.set(fixtures, shop);
  }
  let bytes = shop.get(key);
  if (!bytes) {
    bytes = make();
    shop.set(key, bytes);
  }
  return bytes;
}

/** A test image whose extent is exactly `extent` (the TLVs' size is measured on a probe of the same signing). */
export function imageOfExtent(ctx: SuiteContext, spec: SpaceImage): Uint8Array {
  const { fixtures } = ctx;
  const key = spec.key === null ? 'none' : spec.key === undefined ? 'root' : spec.key.export({ type: 'pkcs8', format: 'der' }).toString('hex');
  const id = [spec.label, spec.version, spec.securityCounter, spec.extent, spec.image ?? 0, key].join('|');
  return once(fixtures, id, () => makeImage(ctx, spec, key));
}

function makeImage(ctx: SuiteContext, spec: SpaceImage, keyId: string): Uint8Array {
  const { fixtures, config } = ctx;
  const options = { version: spec.version, securityCounter: spec.securityCounter, key: spec.key, image: spec.image, label: spec.label };
  const probePayload = 256;
  const probe = once(fixtures, `probe|${spec.version}|${spec.securityCounter}|${spec.image ?? 0}|${keyId}`, () =>
    fixtures.image({ ...options, payloadSize: probePayload }),
  );
  const overhead = imageExtent(probe) - probePayload;
  const payloadSize = spec.extent - overhead;
  if (payloadSize < 16 || spec.extent < config.headerSize) {
    throw new Error(`an image of ${spec.extent} bytes cannot hold a ${config.headerSize}-byte header and its TLVs`);
  }
  // An ECDSA signature's DER length varies by a byte or two with its value: sign again until the extent is hit,
  // keeping the closest image that does not pass it (the largest size a row asks for is the largest the slot takes).
  let size = payloadSize;
  let best: Uint8Array | undefined;
  for (let attempt = 0; attempt < 16 && size >= 16; attempt++) {
    const image = signedOrPastSlot(() => fixtures.image({ ...options, payloadSize: size }));
    if (image === undefined) {
      // This signature came out longer than the slot's last byte allows: a shorter payload.
      size -= 1;
      continue;
    }
    const extent = imageExtent(image);
    if (extent <= spec.extent && (best === undefined || extent > imageExtent(best))) best = image;
    if (extent === spec.extent) break;
    size += spec.extent - extent;
  }
  return best ?? fixtures.image({ ...options, payloadSize: payloadSize - SIGNATURE_SLACK });
}

/** The image, or undefined when it does not fit its slot with imgtool's trailer. */
function signedOrPastSlot(sign: () => Uint8Array): Uint8Array | undefined {
  try {
    return sign();
  } catch (error) {
    if (error instanceof ImageOptionError && /exceeds the slot size/.test(error.message)) return undefined;
    throw error;
  }
}

/** Bytes an ECDSA signature's DER encoding can be longer than the probe's. */
const SIGNATURE_SLACK = 4;

export type SignatureVariant =
  | 'valid'
  | 'signature-stripped'
  | 'signature-duplicated'
  | 'keyhash-unknown'
  | 'untrusted-key'
  | 'unsigned-hash-only';

/** The new image as the signature value says: built from the valid image, or signed otherwise. */
export function withSignature(ctx: SuiteContext, valid: Uint8Array, variant: string, spec: SpaceImage): Uint8Array {
  switch (variant as SignatureVariant) {
    case 'valid':
      return valid;
    case 'signature-stripped':
      return rewriteUnprotected(valid, (tlvs) => tlvs.filter((t) => !isSignature(t.type)));
    case 'signature-duplicated':
      return rewriteUnprotected(valid, (tlvs) => tlvs.flatMap((t) => (isSignature(t.type) ? [t, t] : [t])));
    case 'keyhash-unknown': {
      // The KEYHASH of a key the device lacks, over the signature of the key it trusts.
      const other = imageOfExtent(ctx, { ...spec, key: ctx.fixtures.key('attacker').privateKey });
      const foreign = parseImage(other).unprotectedArea.tlvs.find((t) => t.type === TlvType.KEYHASH);
      if (!foreign) throw new Error('the attacker-signed image has no KEYHASH TLV');
      return rewriteUnprotected(valid, (tlvs) => tlvs.map((t) => (t.type === TlvType.KEYHASH ? { type: t.type, value: foreign.value } : t)));
    }
    case 'untrusted-key':
      return imageOfExtent(ctx, { ...spec, key: ctx.fixtures.key('attacker').privateKey });
    case 'unsigned-hash-only':
      return imageOfExtent(ctx, { ...spec, key: null });
  }
  throw new Error(`unknown signature variant '${variant}'`);
}

const SIGNATURE_TYPES = new Set<number>([TlvType.RSA2048_PSS, TlvType.ECDSA_SIG, TlvType.RSA3072_PSS, TlvType.ED25519]);

function isSignature(type: number): boolean {
  return SIGNATURE_TYPES.has(type);
}

interface TlvEntry {
  readonly type: number;
  readonly value: Uint8Array;
}

/** The image with its unprotected TLV area rebuilt from `edit`'s entries (the hashed part is left as it is). */
function rewriteUnprotected(bytes: Uint8Array, edit: (tlvs: readonly TlvEntry[]) => readonly TlvEntry[]): Uint8Array {
  const parsed = parseImage(bytes);
  const area = parsed.unprotectedArea;
  const entries = edit(area.tlvs.map((t) => ({ type: t.type, value: t.value.slice() })));
  const total = 4 + entries.reduce((n, t) => n + 4 + t.value.length, 0);
  const out = new Uint8Array(area.offset + total);
  out.set(bytes.subarray(0, area.offset));
  const view = new DataView(out.buffer);
  view.setUint16(area.offset, TLV_INFO_MAGIC, true);
  view.setUint16(area.offset + 2, total, true);
  let at = area.offset + 4;
  for (const t of entries) {
    view.setUint16(at, t.type, true);
    view.setUint16(at + 2, t.value.length, true);
    out.set(t.value, at + 4);
    at += 4 + t.value.length;
  }
  return out;
}
