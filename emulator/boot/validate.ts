/**
 * Reading an image out of a slot and validating it (MCUboot `bootutil_img_validate`, FORMATS §1.8, §3.11) with
 * the image library's verifier, plus the trust policy's key validity (FAULTS §3.2).
 */
import { decodeHeader } from '../../images/header.ts';
import type { Dependency } from '../../images/sign.ts';
import { IMAGE_HEADER_SIZE, IMAGE_MAGIC, TLV_INFO_SIZE, TLV_PROT_INFO_MAGIC } from '../../images/tlv-types.ts';
import { buildOfImage, type VerifyResult, verifyImage } from '../../images/verify.ts';
import { VerificationMemo } from '../../images/verify-memo.ts';
import type { ImageVersion } from '../../images/version.ts';
import type { Flash } from '../flash/types.ts';
import { type FlashArea, readArea } from './area.ts';
import { type SlotContent, SlotMemo, type SlotMemoCounts } from './slot-memo.ts';
import type { TrustedKey } from './types.ts';

export interface SlotImage {
  readonly valid: boolean;
  /** Why it is not valid ('ok' when it is). */
  readonly reason: string;
  readonly version: ImageVersion | undefined;
  readonly digest: string;
  /** Index into the trust policy's keys, or -1. */
  readonly keyIndex: number;
  readonly securityCounter: number | undefined;
  readonly dependencies: readonly Dependency[];
  /** Bytes from the image start to the end of its TLVs; 0 when the header or TLV info cannot be read. */
  readonly end: number;
  /** The verifier's full answer, for extension points that need TLVs (undefined if the bytes were not read). */
  readonly verify: VerifyResult | undefined;
}

export const NO_IMAGE: SlotImage = {
  valid: false,
  reason: 'no image',
  version: undefined,
  digest: '',
  keyIndex: -1,
  securityCounter: undefined,
  dependencies: [],
  end: 0,
  verify: undefined,
};

/** The header at `base` in `area`, if its magic is IMAGE_MAGIC; never reads outside the area. */
export function readHeader(flash: Flash, area: FlashArea, base: number) {
  if (base < 0 || base + IMAGE_HEADER_SIZE > area.size) return undefined;
  const header = decodeHeader(readArea(flash, area, base, IMAGE_HEADER_SIZE));
  return header.magic === IMAGE_MAGIC ? header : undefined;
}

/**
 * Where the image at `base` ends (TLV end, relative to `base`), reading only the header and the TLV info headers,
 * or a reason. Every offset is checked against `limit` before it is read.
 */
export function imageExtent(flash: Flash, area: FlashArea, base: number, limit: number): number | string {
  const header = readHeader(flash, area, base);
  if (header === undefined) return 'no image header';
  const u16 = (at: number): number | undefined => {
    if (at + TLV_INFO_SIZE > limit) return undefined;
    const bytes = readArea(flash, area, base + at, TLV_INFO_SIZE);
    return bytes[0] | (bytes[1] << 8) | ((bytes[2] | (bytes[3] << 8)) << 16);
  };
  let at = header.hdrSize + header.imgSize;
  const first = u16(at);
  if (first === undefined) return `TLV area at 0x${at.toString(16)} lies past the maximum image size`;
  if ((first & 0xffff) === TLV_PROT_INFO_MAGIC) {
    at += first >>> 16;
    const second = u16(at);
    if (second === undefined) return `TLV area at 0x${at.toString(16)} lies past the maximum image size`;
    at += second >>> 16;
  } else {
    at += first >>> 16;
  }
  return at > limit ? `image ends at 0x${at.toString(16)}, past the maximum image size 0x${limit.toString(16)}` : at;
}

export interface ValidateOptions {
  readonly keys: readonly TrustedKey[];
  readonly slotSize: number;
  readonly maxImageSize: number;
  readonly minSecurityCounter: number | undefined;
}

/**
 * The reference model's memo of digests and signature verdicts: a sweep validates the same primary at every
 * hand-off of every case. Keyed by the whole bytes validated (verify-memo.ts), so a changed byte is validated
 * afresh; the reference model's own, never handed to a bootloader under test.
 */
const memo = new VerificationMemo();
/** And of whole verdicts, with the bytes they were given for, compared in place where the flash changed (slot-memo.ts). */
const verdicts = new SlotMemo();

/** Validates the image at `base`: structure, bounds, hash, signature by a trusted key, security counter. */
export function validateImageAt(flash: Flash, area: FlashArea, base: number, options: ValidateOptions): SlotImage {
  const limit = Math.min(options.maxImageSize, area.size - base);
  const extent = imageExtent(flash, area, base, limit);
  if (typeof extent === 'string') return { ...NO_IMAGE, reason: extent };
  const keys = options.keys.map((k) => k.key);
  const question = { at: area.offset + base, extent, keys, slotSize: options.slotSize, maxImageSize: limit, minSecurityCounter: options.minSecurityCounter };
  const content = flash.contentSpans && flash.matches ? contentOf(flash, question.at, extent) : undefined;
  const known = content && verdicts.find(content, question);
  if (known) return known;
  const bytes = readArea(flash, area, base, extent);
  const result = verifyImage(bytes, {
    keys,
    slotSize: options.slotSize,
    maxImageSize: limit,
    minSecurityCounter: options.minSecurityCounter,
    memo,
    // The build the image was signed for (hash, pure Ed25519), as `image verify` reads it: one verification.
    ...buildOfImage(bytes),
  });
  const verdict = slotImageOf(result, extent);
  // The memo keeps its own copy: the verdict's `verify` may hand out views of `bytes`.
  if (content) verdicts.remember(content, question, bytes.slice(), verdict);
  return verdict;
}

/** How the reference model's slot verdicts were answered in this thread so far (for `npm run bench sweep`). */
export function slotVerdictCounts(): SlotMemoCounts {
  return verdicts.counts;
}

function contentOf(flash: Flash, at: number, extent: number): SlotContent {
  return { spans: flash.contentSpans!(at, extent), matches: (offset, bytes) => flash.matches!(offset, bytes) };
}

function slotImageOf(result: VerifyResult, extent: number): SlotImage {
  return {
    valid: result.valid,
    reason: result.valid ? 'ok' : `${result.reason}: ${result.message}`,
    version: result.version,
    digest: result.digest === undefined ? '' : Buffer.from(result.digest).toString('hex'),
    keyIndex: result.keyIndex ?? -1,
    securityCounter: result.securityCounter,
    dependencies: result.dependencies,
    end: extent,
    verify: result,
  };
}

/** `it_tlv_tot` of the unprotected TLV area of the image at `base`, 0 when it cannot be read (swap-offset's trailer). */
export function unprotectedTlvSize(flash: Flash, area: FlashArea, base: number): number {
  const header = readHeader(flash, area, base);
  if (header === undefined) return 0;
  const at = base + header.hdrSize + header.imgSize + header.protectTlvSize;
  if (at + TLV_INFO_SIZE > area.size) return 0;
  const info = readArea(flash, area, at, TLV_INFO_SIZE);
  return info[2] | (info[3] << 8);
}
