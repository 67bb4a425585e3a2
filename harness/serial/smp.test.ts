import { describe, expect, it } from 'vitest';
import { SmpDeviceError, SmpProtocolError } from './errors.ts';
import {
  decodeHeader,
  decodeMessage,
  encodeMessage,
  imageStateRead,
  imageUpload,
  Op,
  osEcho,
  parseResponse,
  type SmpRequest,
} from './smp.ts';

/*
 * Byte vectors worked out from the header table of ../shared/FORMATS.md §8 and RFC 8949 (CBOR), not from this code.
 * Header byte 0 = Ver << 3 | OP (Ver 0 = v1, 1 = v2); bytes 2-3 the CBOR length, 4-5 the group, 6 seq, 7 command.
 */
const hex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const bytesOf = (request: SmpRequest<unknown>, version: 1 | 2, seq: number) =>
  Buffer.from(encodeMessage({ op: request.op, version, flags: 0, group: request.group, seq, id: request.id }, request.body)).toString('hex');

describe('SMP requests, byte for byte', () => {
  it('image state read, v1, seq 3: read of group 1 command 0 with an empty map', () => {
    // 00 (v1, OP 0 read) 00 (flags) 0001 (one CBOR byte) 0001 (image group) 03 (seq) 00 (state) | a0 = map(0)
    expect(bytesOf(imageStateRead(), 1, 3)).toBe('0000000100010300a0');
  });

  it('echo "hi", v2, seq 255: Ver bits 01 make byte 0 = 0x0a', () => {
    // 0a = 01 << 3 | 2 (write); 0006 = 6 CBOR bytes; group 0; seq ff; command 0 | a1 61 64 62 68 69 = {"d": "hi"}
    expect(bytesOf(osEcho('hi'), 2, 255)).toBe('0a00000600 00ff00 a16164626869'.replace(/ /g, ''));
  });

  it('first upload chunk: len, sha, off, data in that order, 60 CBOR bytes', () => {
    const request = imageUpload({ off: 0, data: Uint8Array.of(1, 2, 3), first: { len: 300, sha: new Uint8Array(32).fill(0xaa) } });
    // a4 map(4)
    // 63 6c656e "len"  19 012c 300 (uint16 follows)
    // 63 736861 "sha"  58 20 bstr(32, length in one byte) aa × 32
    // 63 6f6666 "off"  00
    // 64 64617461 "data"  43 010203 bstr(3)
    // = 1 + 4+3 + 4+2+32 + 4+1 + 5+4 = 60 = 0x3c; header 02 00 003c 0001 07 01 (write, image group, seq 7, upload)
    const expected = ['0200003c00010701', 'a4', '636c656e', '19012c', '63736861', '5820', 'aa'.repeat(32), '636f6666', '00', '6464617461', '43010203'].join('');
    expect(bytesOf(request, 1, 7)).toBe(expected);
  });
});

describe('SMP answers', () => {
  it('decodes a v1 header and a MCUboot-style upload answer {rc: 0, off: 512}', () => {
    // 03 write-rsp v1; length 0x0c (1 + 3+1 + 4+3); group 1; seq 7; command 1 | a2 62 7263 00 63 6f6666 19 0200
    const message = decodeMessage(hex('03 00 000c 0001 07 01 a2 62 7263 00 63 6f6666 19 0200'));
    expect(message.header).toEqual({ op: Op.writeResponse, version: 1, flags: 0, length: 12, group: 1, seq: 7, id: 1 });
    expect(parseResponse(imageUpload({ off: 0, data: new Uint8Array(0) }), message.body)).toEqual({ off: 512 });
  });

  it('turns a v1 {rc: 8} into SmpDeviceError ENOTSUP', () => {
    const { body } = decodeMessage(hex('03 00 0005 0001 07 01 a1 62 7263 08'));
    const error = (() => {
      try {
        parseResponse(imageUpload({ off: 0, data: new Uint8Array(0) }), body);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SmpDeviceError);
    expect(error).toMatchObject({ rc: 8, rcName: 'ENOTSUP', group: undefined });
  });

  it('turns a v2 {err: {group: 1, rc: 2}} into SmpDeviceError for that group', () => {
    // 0b = v2 write-rsp; a1 63 657272 {"err": a2 65 67726f7570 01 62 7263 02}
    const message = decodeMessage(hex('0b 00 0011 0001 07 01 a1 63657272 a2 6567726f757001 62726302'));
    expect(message.header.version).toBe(2);
    expect(() => parseResponse(imageUpload({ off: 0, data: new Uint8Array(0) }), message.body)).toThrow(
      'image upload: the device answered group 1 rc 2 (rc 2, group 1)',
    );
  });

  it('refuses malformed headers and bodies with SmpProtocolError saying what is wrong', () => {
    expect(() => decodeHeader(hex('03 00 0000 00'))).toThrow('SMP packet of 5 bytes is shorter than the 8-byte header');
    expect(() => decodeHeader(hex('23 00 0000 0000 00 00'))).toThrow('reserved bits 7-5 are set');
    expect(() => decodeHeader(hex('13 00 0000 0000 00 00'))).toThrow('version bits 2');
    expect(() => decodeMessage(hex('03 00 0005 0000 01 00 a0'))).toThrow('says a 5-byte body, the packet carries 1');
    expect(() => decodeMessage(hex('03 00 0001 0000 01 00 80'))).toThrow('is not a CBOR map with text keys');
    expect(() => decodeMessage(hex('03 00 0002 0000 01 00 a1 ff'))).toThrow(SmpProtocolError);
    expect(() => parseResponse(osEcho('x'), { rc: 'zero' })).toThrow('os echo: the device answered rc = zero');
  });
});
