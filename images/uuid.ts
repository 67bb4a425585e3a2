import { createHash } from 'node:crypto';
import { ImageOptionError } from './errors.ts';

/** RFC 4122 DNS namespace, which imgtool uses to turn a `--vid` name into a UUID. */
const NAMESPACE_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseUuid(text: string): Uint8Array {
  if (!UUID_PATTERN.test(text)) throw new ImageOptionError(`UUID "${text}": expected 8-4-4-4-12 hex digits`);
  return Uint8Array.from(Buffer.from(text.replaceAll('-', ''), 'hex'));
}

/** RFC 4122 version-5 (SHA-1, name-based) UUID of `name` in `namespace`. */
export function uuid5(namespace: Uint8Array, name: string): Uint8Array {
  const digest = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  const uuid = Uint8Array.from(digest.subarray(0, 16));
  uuid[6] = (uuid[6] & 0x0f) | 0x50;
  uuid[8] = (uuid[8] & 0x3f) | 0x80;
  return uuid;
}

/** imgtool's `--vid`: a UUID as is, or a name turned into UUIDv5 in the DNS namespace. */
export function vendorUuid(text: string): Uint8Array {
  return UUID_PATTERN.test(text) ? parseUuid(text) : uuid5(parseUuid(NAMESPACE_DNS), text);
}

/** imgtool's `--cid`: a UUID as is, or a name turned into UUIDv5 in the vendor's namespace. */
export function classUuid(text: string, vendor: Uint8Array): Uint8Array {
  return UUID_PATTERN.test(text) ? parseUuid(text) : uuid5(vendor, text);
}
