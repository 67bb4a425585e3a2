/**
 * The SMP codec's edges, past the byte vectors of smp.test.ts: what each request asks (group, command, body
 * fields and their order), which bodies are not a CBOR map, the v1 and v2 error forms, and the answer schemas
 * naming the field that does not fit (FORMATS.md §8).
 */
import { encode } from 'cbor2';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SmpDeviceError, SmpProtocolError } from './errors.ts';
import {
  decodeHeader,
  decodeMessage,
  encodeMessage,
  Group,
  ImageCommand,
  imageErase,
  imageSlotInfo,
  imageStateRead,
  imageStateWrite,
  imageUpload,
  mgmtErrName,
  Op,
  OsCommand,
  osEcho,
  osParams,
  osReset,
  parseResponse,
  type SmpBody,
  type SmpRequest,
  throwIfError,
} from './smp.ts';

const hex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

/** The error `action` throws. */
function caught(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

/** A v1 read answer (group 1, seq 1, command 0) around `cbor`. */
const answer = (cbor: string) => {
  const body = hex(cbor);
  return Uint8Array.of(0x01, 0, body.length >> 8, body.length & 0xff, 0, 1, 1, 0, ...body);
};

const upload = imageUpload({ off: 0, data: new Uint8Array(0) });

describe('SMP requests', () => {
  it('names each request and addresses its group and command, with no field it was not given', () => {
    // toStrictEqual: a field present as undefined would go on the wire as CBOR undefined (0xf7).
    const summary = (r: SmpRequest<unknown>) => [r.name, r.op, r.group, r.id, r.body];
    expect(summary(imageStateRead())).toStrictEqual(['image list', Op.read, Group.image, ImageCommand.state, {}]);
    expect(summary(imageStateWrite({ confirm: true }))).toStrictEqual(['image confirm', Op.write, Group.image, ImageCommand.state, { confirm: true }]);
    expect(summary(imageStateWrite({ confirm: false, hash: Uint8Array.of(7) }))).toStrictEqual([
      'image test',
      Op.write,
      Group.image,
      ImageCommand.state,
      { confirm: false, hash: Uint8Array.of(7) },
    ]);
    expect(Object.keys(imageStateWrite({ confirm: true }).body)).toStrictEqual(['confirm']);
    expect(summary(imageErase())).toStrictEqual(['image erase', Op.write, Group.image, ImageCommand.erase, {}]);
    expect(summary(imageErase(1))).toStrictEqual(['image erase', Op.write, Group.image, ImageCommand.erase, { slot: 1 }]);
    expect(summary(imageSlotInfo())).toStrictEqual(['image slot info', Op.read, Group.image, ImageCommand.slotInfo, {}]);
    expect(summary(osEcho('hi'))).toStrictEqual(['os echo', Op.write, Group.os, OsCommand.echo, { d: 'hi' }]);
    expect(summary(osReset())).toStrictEqual(['os reset', Op.write, Group.os, OsCommand.reset, {}]);
    expect(summary(osReset(true))).toStrictEqual(['os reset', Op.write, Group.os, OsCommand.reset, { force: true }]);
    expect(summary(osReset(false))).toStrictEqual(['os reset', Op.write, Group.os, OsCommand.reset, { force: false }]);
    expect(summary(osParams())).toStrictEqual(['os mcumgr params', Op.read, Group.os, OsCommand.params, {}]);
    expect([Group.os, Group.image, OsCommand.echo, OsCommand.reset, OsCommand.params]).toEqual([0, 1, 0, 5, 6]);
    expect([ImageCommand.state, ImageCommand.upload, ImageCommand.erase, ImageCommand.slotInfo]).toEqual([0, 1, 5, 6]);
  });

  it('sends the first upload chunk with image, len, sha and upgrade before off and data, the next ones with off and data', () => {
    const sha = new Uint8Array(32).fill(1);
    const first = imageUpload({ off: 0, data: Uint8Array.of(9), first: { len: 10, sha, image: 1, upgrade: true } });
    expect(Object.keys(first.body)).toEqual(['image', 'len', 'sha', 'upgrade', 'off', 'data']);
    expect(first.body).toEqual({ image: 1, len: 10, sha, upgrade: true, off: 0, data: Uint8Array.of(9) });
    expect(imageUpload({ off: 0, data: Uint8Array.of(9), first: { len: 10, sha, image: 0, upgrade: false } }).body).toMatchObject({ image: 0, upgrade: false });
    expect(Object.keys(imageUpload({ off: 0, data: Uint8Array.of(9), first: { len: 10, sha } }).body)).toEqual(['len', 'sha', 'off', 'data']);
    expect(Object.keys(imageUpload({ off: 512, data: Uint8Array.of(9) }).body)).toEqual(['off', 'data']);
    expect(first).toMatchObject({ name: 'image upload', op: Op.write, group: Group.image, id: ImageCommand.upload });
  });

  it('encodes the header fields at their bytes, the length from the CBOR body', () => {
    const bytes = encodeMessage({ op: Op.read, version: 2, flags: 0x5a, group: 0x1234, seq: 0x1ff, id: 0x42 }, { d: 'x' });
    const cborLength = encode({ d: 'x' }).length;
    expect([...bytes.subarray(0, 8)]).toEqual([0x08, 0x5a, 0, cborLength, 0x12, 0x34, 0xff, 0x42]);
    expect(decodeMessage(bytes).header).toEqual({ op: Op.read, version: 2, flags: 0x5a, length: cborLength, group: 0x1234, seq: 0xff, id: 0x42 });
  });
});

describe('SMP packets that are not a message', () => {
  it('names the reserved bits of header byte 0', () => {
    expect(caught(() => decodeHeader(hex('83 00 0000 0000 00 00'))).message).toBe('SMP header byte 0 is 0x83: reserved bits 7-5 are set');
  });

  it('refuses a body that is not CBOR, keeping the decoder error as the cause', () => {
    const error = caught(() => decodeMessage(hex('01 00 0002 0001 04 00 a1 ff')));
    expect(error).toBeInstanceOf(SmpProtocolError);
    expect(error.message).toMatch(/^SMP body \(group 1 command 0 seq 4\) is not valid CBOR: ./);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('refuses a body that is a number, a string, null, a byte string, an array or a map with other keys', () => {
    for (const cbor of ['01', '6161', 'f6', '4100', '80', 'a1 01 02']) {
      const error = caught(() => decodeMessage(answer(cbor)));
      expect(error, cbor).toBeInstanceOf(SmpProtocolError);
      expect(error.message, cbor).toBe('SMP body (group 1 command 0 seq 1) is not a CBOR map with text keys');
    }
    expect(decodeMessage(answer('a1 61 72 61 78')).body).toEqual({ r: 'x' });
  });
});

describe('SMP errors in answers', () => {
  it('passes answers without rc and with rc 0, v1 or v2', () => {
    expect(parseResponse(upload, { off: 7 })).toEqual({ off: 7 });
    expect(parseResponse(upload, { rc: 0, off: 7 })).toEqual({ off: 7 });
    expect(parseResponse(upload, { err: { group: 1, rc: 0 }, off: 7 })).toEqual({ off: 7 });
    expect(parseResponse(upload, { err: null, off: 7 })).toEqual({ off: 7 });
    expect(parseResponse(upload, { err: new Map([['rc', 3]]), off: 7 })).toEqual({ off: 7 });
  });

  it('names a v2 error of group 0 by its MGMT_ERR name, of another group by group and rc', () => {
    const os = caught(() => throwIfError('os reset', { err: { group: 0, rc: 10 } }));
    expect(os).toBeInstanceOf(SmpDeviceError);
    expect(os.message).toBe('os reset: the device answered EBUSY (rc 10, group 0)');
    expect(os).toMatchObject({ rc: 10, rcName: 'EBUSY', group: 0 });
    expect(caught(() => throwIfError('image upload', { err: { group: 1, rc: 5 } })).message).toBe(
      'image upload: the device answered group 1 rc 5 (rc 5, group 1)',
    );
  });

  it('refuses a v2 error without a numeric group and rc', () => {
    for (const err of [{ group: 1 }, { rc: 2 }, { group: '1', rc: 2 }, { group: 1, rc: '2' }]) {
      const error = caught(() => throwIfError('image list', { err } as SmpBody));
      expect(error).toBeInstanceOf(SmpProtocolError);
      expect(error.message).toBe(`image list: the device answered a malformed SMP v2 error ${JSON.stringify(err)}`);
    }
  });

  it('names MGMT_ERR codes, and a code past the table by its number', () => {
    expect(mgmtErrName(0)).toBe('EOK');
    expect(mgmtErrName(8)).toBe('ENOTSUP');
    expect(mgmtErrName(13)).toBe('UNSUPPORTED_TOO_NEW');
    expect(mgmtErrName(14)).toBe('MGMT_ERR 14');
    expect(caught(() => throwIfError('os echo', { rc: 99 })).message).toBe('os echo: the device answered MGMT_ERR 99 (rc 99)');
  });
});

describe('SMP answer schemas', () => {
  const hash = new Uint8Array(32).fill(0xab);

  it('reads image state, slot info and mcumgr parameters field by field', () => {
    const state = { images: [{ image: 0, slot: 1, version: '1.2.3', hash, bootable: true, pending: false, confirmed: true, active: false, permanent: false }], splitStatus: 0 };
    expect(parseResponse(imageStateRead(), { ...state, rc: 0 })).toEqual(state);
    const slots = { images: [{ image: 0, slots: [{ slot: 0, size: 4096, upload_image_id: 1 }], max_image_size: 2048 }] };
    expect(parseResponse(imageSlotInfo(), slots)).toEqual(slots);
    expect(parseResponse(osParams(), { buf_size: 2048, buf_count: 4 })).toEqual({ buf_size: 2048, buf_count: 4 });
    expect(parseResponse(osEcho('x'), { r: 'x' })).toEqual({ r: 'x' });
    expect(parseResponse(osReset(), {})).toEqual({});
    expect(parseResponse(imageErase(), { rc: 0 })).toEqual({});
  });

  it('names the field that does not fit, with its path', () => {
    const text = (request: SmpRequest<unknown>, body: SmpBody) => {
      const error = caught(() => parseResponse(request, body));
      expect(error).toBeInstanceOf(SmpProtocolError);
      return error.message;
    };
    expect(text(imageStateRead(), { images: [{ slot: 0, version: '1', hash: 'ab' }] })).toBe(
      'image list: unexpected answer at images.0.hash: expected a CBOR byte string',
    );
    expect(text(imageStateRead(), { images: [{ version: '1' }] })).toMatch(/^image list: unexpected answer at images\.0\.slot: /);
    expect(text(imageStateRead(), {})).toMatch(/^image list: unexpected answer at images: /);
    expect(text(imageSlotInfo(), { images: [{ image: 0, slots: [{ slot: 0 }] }] })).toMatch(/^image slot info: unexpected answer at images\.0\.slots\.0\.size: /);
    expect(text(imageSlotInfo(), { images: [{ slots: [] }] })).toMatch(/at images\.0\.image: /);
    expect(text(osParams(), { buf_size: 2048 })).toMatch(/^os mcumgr params: unexpected answer at buf_count: /);
    expect(text(osEcho('x'), {})).toMatch(/^os echo: unexpected answer at r: /);
    expect(text(upload, { off: -1 })).toMatch(/^image upload: unexpected answer at off: /);
  });

  it('says "the body" when the whole answer does not fit', () => {
    const request: SmpRequest<never> = { name: 'probe', op: Op.read, group: 64, id: 0, body: {}, response: z.never() };
    expect(caught(() => parseResponse(request, { a: 1 })).message).toMatch(/^probe: unexpected answer at the body: /);
  });
});
