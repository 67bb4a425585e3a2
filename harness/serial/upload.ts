/**
 * Image upload over SMP: chunks sized so each whole decoded request fits the device's receive buffer, resume at
 * whatever offset the device answers, and completion only when the device confirmed every byte (final
 * `off == len`, `match` when it sends one, and the image's hash in its image list when the list carries hashes).
 */
import { createHash } from 'node:crypto';
import { encode } from 'cbor2';
import { PACKET_OVERHEAD, type SmpClient } from './client.ts';
import { ImageTooLargeError, SmpDeviceError, SmpProtocolError, SmpTimeoutError, UploadIncompleteError } from './errors.ts';
import { imageIdentity } from './image-hash.ts';
import { HEADER_BYTES, imageUpload, MgmtErr, type SlotInfo, type UploadChunk } from './smp.ts';

/** Restarts from offset 0 the device may ask for before the upload gives up. */
const MAX_RESTARTS = 3;

export interface UploadProgress {
  /** Bytes the device has acknowledged. */
  readonly offset: number;
  readonly total: number;
}

export interface UploadOptions {
  /** Image number (multi-image devices); sent only when given. */
  readonly image?: number;
  /** Ask the device to refuse an image that is not newer. */
  readonly upgrade?: boolean;
  readonly onProgress?: (progress: UploadProgress) => void;
}

export interface UploadResult {
  readonly bytes: number;
  readonly requests: number;
  readonly restarts: number;
  /** The device's receive buffer the chunks were sized for. */
  readonly bufSize: number;
  /** The image's hash TLV digest (what mcumgr lists), when the file is an MCUboot image. */
  readonly imageHash: Uint8Array | undefined;
  /** True when the image list showed `imageHash`; undefined when it could not be checked (no hashes listed). */
  readonly listed: boolean | undefined;
}

export async function uploadImage(client: SmpClient, image: Uint8Array, options: UploadOptions = {}): Promise<UploadResult> {
  if (image.length === 0) throw new UploadIncompleteError('the image is empty');
  const bufSize = await client.bufSize();
  const sha = new Uint8Array(createHash('sha256').update(image).digest());
  const first = { len: image.length, sha, image: options.image, upgrade: options.upgrade };
  // The smallest chunk any request carries bounds the requests an honest upload needs; three times that, plus
  // room for restarts, is the budget, so a device that keeps sending us back cannot hold the upload forever.
  const minChunk = chunkLimit(bufSize, { off: image.length, data: new Uint8Array(0), first });
  if (minChunk <= 0) throw new UploadIncompleteError(`the device's buf_size ${bufSize} leaves no room for data`);
  const requestBudget = 3 * Math.ceil(image.length / minChunk) + 10;

  let off = 0;
  let requests = 0;
  let restarts = 0;
  let match: boolean | undefined;
  while (off < image.length) {
    if (requests >= requestBudget) {
      throw new UploadIncompleteError(`no progress after ${requests} requests (the device is at offset ${off} of ${image.length})`);
    }
    const shape: UploadChunk = { off, data: new Uint8Array(0), first: off === 0 ? first : undefined };
    const size = Math.min(image.length - off, chunkLimit(bufSize, shape));
    const answer = await client.request(imageUpload({ ...shape, data: image.subarray(off, off + size) })).catch(async (error: unknown) => {
      if (off === 0 && error instanceof SmpDeviceError && error.rc === MgmtErr.EINVAL) await refuseOversized(client, image, options.image ?? 0);
      throw error;
    });
    requests++;
    if (answer.off > image.length) {
      throw new SmpProtocolError(`image upload: the device answered offset ${answer.off}, past the image end ${image.length}`);
    }
    if (answer.off === 0 && off !== 0) {
      restarts++;
      if (restarts > MAX_RESTARTS) throw new UploadIncompleteError(`the device asked for a restart ${restarts} times`);
    }
    off = answer.off;
    match = answer.match;
    options.onProgress?.({ offset: off, total: image.length });
  }
  if (match === false) throw new UploadIncompleteError('the device reports that the SHA-256 of what it received does not match');

  const imageHash = imageIdentity(image)?.hash;
  const listed = imageHash === undefined ? undefined : await isListed(client, imageHash);
  if (listed === false) {
    throw new UploadIncompleteError(`the device took ${image.length} bytes but its image list does not show hash ${hex(imageHash!)}`);
  }
  return { bytes: image.length, requests, restarts, bufSize, imageHash, listed };
}

/**
 * The device refused the first chunk as invalid: when it reports its slot sizes (image slot info) and the image
 * is larger than the slot it uploads into, that is the reason, said with both sizes. A device without the command
 * (an error or no answer to a single try) leaves the device's own error standing.
 */
async function refuseOversized(client: SmpClient, image: Uint8Array, imageNumber: number): Promise<void> {
  let info: SlotInfo['images'][number] | undefined;
  try {
    info = (await client.slotInfo({ retries: 0 })).images.find((i) => i.image === imageNumber);
  } catch (error) {
    if (error instanceof SmpDeviceError || error instanceof SmpTimeoutError || error instanceof SmpProtocolError) return;
    throw error;
  }
  // Zephyr reports the largest image that fits (the slot less its trailer) as max_image_size when it knows it.
  const target = info?.slots.find((s) => s.upload_image_id !== undefined) ?? info?.slots.find((s) => s.slot === 1);
  const limit = info?.max_image_size ?? target?.size;
  if (limit !== undefined && image.length > limit) throw new ImageTooLargeError(image.length, limit);
}

/** The largest data field that keeps the whole decoded request (prefix, header, CBOR, CRC) within `bufSize`. */
function chunkLimit(bufSize: number, shape: UploadChunk): number {
  const emptyBody = encode(imageUpload(shape).body).length;
  // Bytes left for the data and for the growth of its CBOR byte-string header beyond the empty string's one
  // byte: none below 24 bytes, one below 256, two below 65536 (RFC 8949 §3).
  const room = bufSize - PACKET_OVERHEAD - HEADER_BYTES - emptyBody;
  return room - 2 >= 256 ? room - 2 : room - 1 >= 24 ? Math.min(room - 1, 255) : Math.min(room, 23);
}

async function isListed(client: SmpClient, hash: Uint8Array): Promise<boolean | undefined> {
  const { images } = await client.imageList();
  if (images.length === 0) throw new UploadIncompleteError(`the device took the image but lists no image afterwards`);
  const hashes = images.flatMap((slot) => (slot.hash === undefined ? [] : [slot.hash]));
  if (hashes.length === 0) return undefined;
  return hashes.some((h) => Buffer.from(h).equals(Buffer.from(hash)));
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
