import { HASH_TLV, ImageFormatError, type ImageHeader, parseImage } from '../../images/index.ts';

const HASH_TLV_TYPES: ReadonlySet<number> = new Set(Object.values(HASH_TLV));

/**
 * The header and hash TLV digest of an MCUboot image, the hash mcumgr lists for a slot (img_mgmt reads the
 * image's SHA-256/384/512 TLV; it does not hash the slot). Undefined when the bytes are not a parseable image.
 */
export function imageIdentity(bytes: Uint8Array): { header: ImageHeader; hash: Uint8Array | undefined } | undefined {
  try {
    const parsed = parseImage(bytes);
    const hashTlv = parsed.tlvs.find((tlv) => HASH_TLV_TYPES.has(tlv.type));
    return { header: parsed.header, hash: hashTlv === undefined ? undefined : new Uint8Array(hashTlv.value) };
  } catch (error) {
    if (error instanceof ImageFormatError) return undefined;
    throw error;
  }
}
