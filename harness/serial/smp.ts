/**
 * The SMP (mcumgr) message codec: the 8-byte header, CBOR bodies (cbor2), the v1 and v2 error forms, and typed
 * requests and response schemas for the image and OS groups. Facts: ../shared/FORMATS.md §8, Zephyr's
 * smp_protocol, smp_group_0 and smp_group_1 pages, MCUboot boot_serial.c.
 */
import { decode, encode } from 'cbor2';
import { z } from 'zod';
import { SmpDeviceError, SmpProtocolError } from './errors.ts';

export const HEADER_BYTES = 8;

export const Op = { read: 0, readResponse: 1, write: 2, writeResponse: 3 } as const;
export type Op = (typeof Op)[keyof typeof Op];

export const Group = { os: 0, image: 1 } as const;

export const OsCommand = { echo: 0, reset: 5, params: 6 } as const;
export const ImageCommand = { state: 0, upload: 1, erase: 5, slotInfo: 6 } as const;

/** Zephyr's MGMT_ERR codes (mgmt_defines.h); FORMATS.md §8 lists the ones MCUboot uses. */
const MGMT_ERR_NAMES = [
  'EOK',
  'EUNKNOWN',
  'ENOMEM',
  'EINVAL',
  'ETIMEOUT',
  'ENOENT',
  'EBADSTATE',
  'EMSGSIZE',
  'ENOTSUP',
  'ECORRUPT',
  'EBUSY',
  'EACCESSDENIED',
  'UNSUPPORTED_TOO_OLD',
  'UNSUPPORTED_TOO_NEW',
] as const;
export type MgmtErrName = (typeof MGMT_ERR_NAMES)[number];
export const MgmtErr = Object.fromEntries(MGMT_ERR_NAMES.map((name, rc) => [name, rc])) as Record<MgmtErrName, number>;

export function mgmtErrName(rc: number): string {
  return MGMT_ERR_NAMES[rc] ?? `MGMT_ERR ${rc}`;
}

export interface SmpHeader {
  readonly op: Op;
  /** 1 = SMP v1 (Ver bits 0), 2 = SMP v2 (Ver bits 1). */
  readonly version: 1 | 2;
  readonly flags: number;
  /** Length of the CBOR body that follows the header. */
  readonly length: number;
  readonly group: number;
  readonly seq: number;
  readonly id: number;
}

export function encodeHeader(header: SmpHeader): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES);
  bytes[0] = ((header.version - 1) << 3) | header.op;
  bytes[1] = header.flags;
  bytes[2] = header.length >> 8;
  bytes[3] = header.length & 0xff;
  bytes[4] = header.group >> 8;
  bytes[5] = header.group & 0xff;
  bytes[6] = header.seq & 0xff;
  bytes[7] = header.id;
  return bytes;
}

export function decodeHeader(bytes: Uint8Array): SmpHeader {
  if (bytes.length < HEADER_BYTES) {
    throw new SmpProtocolError(`SMP packet of ${bytes.length} bytes is shorter than the 8-byte header`);
  }
  if (bytes[0] & 0xe0) {
    // A byte with bit 5 or above set has two hex digits: no padding needed.
    throw new SmpProtocolError(`SMP header byte 0 is 0x${bytes[0].toString(16)}: reserved bits 7-5 are set`);
  }
  const ver = (bytes[0] >> 3) & 0x3;
  if (ver > 1) throw new SmpProtocolError(`SMP header says version bits ${ver}; only 0 (v1) and 1 (v2) exist`);
  return {
    op: (bytes[0] & 0x7) as Op,
    version: ver === 0 ? 1 : 2,
    flags: bytes[1],
    length: (bytes[2] << 8) | bytes[3],
    group: (bytes[4] << 8) | bytes[5],
    seq: bytes[6],
    id: bytes[7],
  };
}

export type SmpBody = Record<string, unknown>;

export interface SmpMessage {
  readonly header: SmpHeader;
  readonly body: SmpBody;
}

/** Header + CBOR, ready for `encodeFrames`. The header's length is filled in from the body. */
export function encodeMessage(header: Omit<SmpHeader, 'length'>, body: SmpBody): Uint8Array {
  const cbor = encode(body);
  const out = new Uint8Array(HEADER_BYTES + cbor.length);
  out.set(encodeHeader({ ...header, length: cbor.length }));
  out.set(cbor, HEADER_BYTES);
  return out;
}

export function decodeMessage(bytes: Uint8Array): SmpMessage {
  const header = decodeHeader(bytes);
  const cbor = bytes.subarray(HEADER_BYTES);
  if (cbor.length !== header.length) {
    throw new SmpProtocolError(
      `SMP header (group ${header.group} command ${header.id} seq ${header.seq}) says a ${header.length}-byte body, ` +
        `the packet carries ${cbor.length}`,
    );
  }
  let body: unknown;
  try {
    body = decode(cbor);
  } catch (error) {
    throw new SmpProtocolError(
      `SMP body (group ${header.group} command ${header.id} seq ${header.seq}) is not valid CBOR: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || body instanceof Map || body instanceof Uint8Array) {
    throw new SmpProtocolError(
      `SMP body (group ${header.group} command ${header.id} seq ${header.seq}) is not a CBOR map with text keys`,
    );
  }
  return { header, body: body as SmpBody };
}

/** A request as the client sends it: what to ask, and the schema its successful answer must fit. */
export interface SmpRequest<T> {
  /** A human name for errors: `image upload`, `os echo`. */
  readonly name: string;
  readonly op: typeof Op.read | typeof Op.write;
  readonly group: number;
  readonly id: number;
  readonly body: SmpBody;
  readonly response: z.ZodType<T>;
}

/**
 * Throws SmpDeviceError when a response carries an error: v1 `{rc}` with rc ≠ 0, or v2 `{err: {group, rc}}`.
 * MCUboot adds `rc: 0` to successful answers, which is not an error.
 */
export function throwIfError(command: string, body: SmpBody): void {
  const err = body.err;
  if (typeof err === 'object' && err !== null && !(err instanceof Map)) {
    const { group, rc } = err as { group?: unknown; rc?: unknown };
    if (typeof group === 'number' && typeof rc === 'number') {
      if (rc !== 0) throw new SmpDeviceError(command, rc, group === 0 ? mgmtErrName(rc) : `group ${group} rc ${rc}`, group);
      return;
    }
    throw new SmpProtocolError(`${command}: the device answered a malformed SMP v2 error ${JSON.stringify(err)}`);
  }
  if (body.rc !== undefined) {
    if (typeof body.rc !== 'number') throw new SmpProtocolError(`${command}: the device answered rc = ${String(body.rc)}`);
    if (body.rc !== 0) throw new SmpDeviceError(command, body.rc, mgmtErrName(body.rc));
  }
}

/** Checks a successful body against the request's schema; a mismatch names the field. */
export function parseResponse<T>(request: SmpRequest<T>, body: SmpBody): T {
  throwIfError(request.name, body);
  const parsed = request.response.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length === 0 ? 'the body' : issue.path.join('.');
    throw new SmpProtocolError(`${request.name}: unexpected answer at ${where}: ${issue.message}`);
  }
  return parsed.data;
}

const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected a CBOR byte string');
const uint = z.number().int().nonnegative();

export const ImageSlotStateSchema = z.object({
  image: uint.optional(),
  slot: uint,
  version: z.string(),
  hash: bytes.optional(),
  bootable: z.boolean().optional(),
  pending: z.boolean().optional(),
  confirmed: z.boolean().optional(),
  active: z.boolean().optional(),
  permanent: z.boolean().optional(),
});
export type ImageSlotState = z.infer<typeof ImageSlotStateSchema>;

const ImageStateSchema = z.object({ images: z.array(ImageSlotStateSchema), splitStatus: uint.optional() });
export type ImageState = z.infer<typeof ImageStateSchema>;

const UploadResponseSchema = z.object({ off: uint, match: z.boolean().optional() });
export type UploadResponse = z.infer<typeof UploadResponseSchema>;

const SlotInfoSchema = z.object({
  images: z.array(
    z.object({
      image: uint,
      slots: z.array(z.object({ slot: uint, size: uint, upload_image_id: uint.optional() })),
      max_image_size: uint.optional(),
    }),
  ),
});
export type SlotInfo = z.infer<typeof SlotInfoSchema>;

const ParamsSchema = z.object({ buf_size: uint, buf_count: uint });
export type McumgrParams = z.infer<typeof ParamsSchema>;

const EmptySchema = z.object({});

export function imageStateRead(): SmpRequest<ImageState> {
  return { name: 'image list', op: Op.read, group: Group.image, id: ImageCommand.state, body: {}, response: ImageStateSchema };
}

/** `confirm: false` marks the image for a test boot; `confirm: true` without a hash confirms the running image. */
export function imageStateWrite(args: { hash?: Uint8Array; confirm: boolean }): SmpRequest<ImageState> {
  const body: SmpBody = { confirm: args.confirm };
  if (args.hash !== undefined) body.hash = args.hash;
  const name = args.confirm ? 'image confirm' : 'image test';
  return { name, op: Op.write, group: Group.image, id: ImageCommand.state, body, response: ImageStateSchema };
}

export interface UploadChunk {
  readonly off: number;
  readonly data: Uint8Array;
  /** First-chunk fields (off 0): they must be sent again when the device asks for a restart. */
  readonly first?: { readonly len: number; readonly sha: Uint8Array; readonly image?: number; readonly upgrade?: boolean };
}

export function imageUpload(chunk: UploadChunk): SmpRequest<UploadResponse> {
  const body: SmpBody = {};
  if (chunk.first !== undefined) {
    if (chunk.first.image !== undefined) body.image = chunk.first.image;
    body.len = chunk.first.len;
    body.sha = chunk.first.sha;
    if (chunk.first.upgrade !== undefined) body.upgrade = chunk.first.upgrade;
  }
  body.off = chunk.off;
  body.data = chunk.data;
  return { name: 'image upload', op: Op.write, group: Group.image, id: ImageCommand.upload, body, response: UploadResponseSchema };
}

export function imageErase(slot?: number): SmpRequest<Record<string, never>> {
  const body: SmpBody = slot === undefined ? {} : { slot };
  return { name: 'image erase', op: Op.write, group: Group.image, id: ImageCommand.erase, body, response: EmptySchema };
}

export function imageSlotInfo(): SmpRequest<SlotInfo> {
  return { name: 'image slot info', op: Op.read, group: Group.image, id: ImageCommand.slotInfo, body: {}, response: SlotInfoSchema };
}

export function osEcho(text: string): SmpRequest<{ r: string }> {
  return { name: 'os echo', op: Op.write, group: Group.os, id: OsCommand.echo, body: { d: text }, response: z.object({ r: z.string() }) };
}

export function osReset(force?: boolean): SmpRequest<Record<string, never>> {
  const body: SmpBody = force === undefined ? {} : { force };
  return { name: 'os reset', op: Op.write, group: Group.os, id: OsCommand.reset, body, response: EmptySchema };
}

export function osParams(): SmpRequest<McumgrParams> {
  return { name: 'os mcumgr params', op: Op.read, group: Group.os, id: OsCommand.params, body: {}, response: ParamsSchema };
}
