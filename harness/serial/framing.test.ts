import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FramingError } from './errors.ts';
import { crc16, encodeFrames, FrameDecoder, type FrameEvent, MAX_FRAME_BYTES } from './framing.ts';

/*
 * Byte vectors worked out from ../shared/FORMATS.md §8, not from this code:
 *
 * Echo request "hi", SMP v1, sequence 42:
 *   header  02 00 00 06 00 00 2a 00   byte 0 = Ver 0 << 3 | OP 2 (write); flags 0; data length 6 (big-endian);
 *                                     group 0 (OS); seq 0x2a; command 0 (echo)
 *   CBOR    a1 61 64 62 68 69         map(1) { text(1) "d": text(2) "hi" } (RFC 8949 major types 5 and 3)
 *   CRC     e3 03                     CRC-16/CCITT, poly 0x1021, seed 0 over the 14 body bytes; cross-checked with
 *                                     CPython's binascii.crc_hqx(body, 0), which is that same CRC (XMODEM)
 *   length  00 10                     body 14 + CRC 2 = 16
 *   packet  00 10 02 00 00 06 00 00 2a 00 a1 61 64 62 68 69 e3 03  →  base64 "ABACAAAGAAAqAKFhZGJoaeMD"
 *   frame   06 09 "ABACAAAGAAAqAKFhZGJoaeMD" 0a  (one frame: 24 characters ≤ 124)
 *
 * A 100-byte body 00 01 … 63: CRC 0x029e; the packet is 104 bytes → 140 base64 characters, so two frames: the first
 * 124 characters behind 06 09, the last 16 behind 04 14 (124 is a multiple of 4, so each slice decodes alone).
 */
const ECHO_BODY = Uint8Array.from([0x02, 0, 0, 0x06, 0, 0, 0x2a, 0, 0xa1, 0x61, 0x64, 0x62, 0x68, 0x69]);
const ECHO_FRAME = frame([0x06, 0x09], 'ABACAAAGAAAqAKFhZGJoaeMD');
const LONG_BODY = Uint8Array.from({ length: 100 }, (_, i) => i);
const LONG_TEXT =
  'AGYAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFla' +
  'W1xdXl9gYWJjAp4=';

function frame(marker: readonly number[], text: string): Uint8Array {
  return Uint8Array.from([...marker, ...Buffer.from(text, 'latin1'), 0x0a]);
}

function join(...parts: (Uint8Array | string)[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
}

function faults(events: readonly FrameEvent[]): string[] {
  return events.flatMap((e) => (e.kind === 'error' ? [e.error.fault] : []));
}

function packets(events: readonly FrameEvent[]): Uint8Array[] {
  return events.flatMap((e) => (e.kind === 'packet' ? [e.body] : []));
}

describe('crc16 (CRC-16/CCITT, XMODEM parameters)', () => {
  it('gives the catalogue check value 0x31c3 for "123456789"', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
  });
  it('gives 0xe303 for the echo body and a zero residue over body + CRC', () => {
    expect(crc16(ECHO_BODY)).toBe(0xe303);
    expect(crc16(join(ECHO_BODY, Uint8Array.from([0xe3, 0x03])))).toBe(0);
  });
});

describe('encodeFrames', () => {
  it('encodes the echo request as the one frame worked out by hand', () => {
    expect(Buffer.from(encodeFrames(ECHO_BODY))).toEqual(Buffer.from(ECHO_FRAME));
  });
  it('cuts a 140-character packet into a 127-byte first frame and a continuation', () => {
    const out = encodeFrames(LONG_BODY);
    const expected = join(frame([0x06, 0x09], LONG_TEXT.slice(0, 124)), frame([0x04, 0x14], LONG_TEXT.slice(124)));
    expect(Buffer.from(out)).toEqual(Buffer.from(expected));
    expect(out.indexOf(0x0a)).toBe(MAX_FRAME_BYTES - 1);
  });
  it('never emits a frame longer than 127 bytes', () => {
    const out = encodeFrames(new Uint8Array(2000).fill(0xa5));
    const lines = Buffer.from(out).toString('latin1').split('\n').slice(0, -1);
    expect(lines.length).toBe(Math.ceil(Math.ceil(2004 / 3) * 4 / 124));
    for (const line of lines) expect(line.length + 1).toBeLessThanOrEqual(MAX_FRAME_BYTES);
  });
});

describe('FrameDecoder', () => {
  it('decodes the hand-made frames, even fed one byte at a time', () => {
    const decoder = new FrameDecoder();
    const events = [...join(ECHO_FRAME, encodeFrames(LONG_BODY))].flatMap((b) => decoder.push(Uint8Array.of(b)));
    expect(packets(events).map((p) => Buffer.from(p))).toEqual([Buffer.from(ECHO_BODY), Buffer.from(LONG_BODY)]);
    expect(faults(events)).toEqual([]);
  });

  it('passes console lines and garbage through and still finds frames after them', () => {
    const decoder = new FrameDecoder();
    const events = decoder.push(join('*** Booting Zephyr ***\r\n', '\xff\x00junk', ECHO_FRAME, 'app v1.2.3\n'));
    expect(events.map((e) => e.kind)).toEqual(['console', 'console', 'packet', 'console']);
    expect(events[0]).toEqual({ kind: 'console', line: '*** Booting Zephyr ***' });
    expect(events[3]).toEqual({ kind: 'console', line: 'app v1.2.3' });
  });

  it('accepts a frame ended by \\r\\n', () => {
    const crlf = join(ECHO_FRAME.subarray(0, -1), '\r\n');
    expect(packets(new FrameDecoder().push(crlf))).toHaveLength(1);
  });

  it('reports a flipped CRC bit as bad-crc naming both CRCs and the frame offset', () => {
    const packet = Buffer.from('ABACAAAGAAAqAKFhZGJoaeMD', 'base64');
    packet[packet.length - 1] ^= 0x01;
    const events = new FrameDecoder().push(join('boot\n', frame([0x06, 0x09], packet.toString('base64'))));
    const error = events.find((e) => e.kind === 'error');
    expect(error?.kind === 'error' && error.error).toBeInstanceOf(FramingError);
    expect(error?.kind === 'error' && error.error.message).toBe(
      'SMP frame at byte 5 of the serial stream: bad-crc: CRC over the 14-byte body is 0xe303, the packet says 0xe302',
    );
  });

  it('reports a packet cut short by the next packet as truncated, and decodes the next one', () => {
    const two = encodeFrames(LONG_BODY);
    const firstOnly = two.subarray(0, MAX_FRAME_BYTES);
    const events = new FrameDecoder().push(join(firstOnly, ECHO_FRAME));
    expect(faults(events)).toEqual(['truncated']);
    expect(packets(events)).toHaveLength(1);
  });

  it('reports a packet still open when the stream ends as truncated', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(encodeFrames(LONG_BODY).subarray(0, MAX_FRAME_BYTES))).toEqual([]);
    expect(faults(decoder.end())).toEqual(['truncated']);
  });

  it('reports frames over 127 bytes as oversized, with or without a newline, and recovers', () => {
    const long = frame([0x06, 0x09], 'A'.repeat(128));
    expect(faults(new FrameDecoder().push(join(long, ECHO_FRAME)))).toEqual(['oversized-frame']);
    const runaway = join(Uint8Array.of(0x06, 0x09), 'A'.repeat(5000), '\n', ECHO_FRAME);
    const events = new FrameDecoder().push(runaway);
    expect(events.map((e) => e.kind)).toEqual(['error', 'packet']); // the runaway's tail is not console output
    expect(faults(events)).toEqual(['oversized-frame']);
  });

  it('refuses a packet larger than the receive buffer', () => {
    const events = new FrameDecoder({ maxPacketBytes: 64 }).push(encodeFrames(LONG_BODY));
    expect(faults(events)).toEqual(['oversized-packet', 'orphan-continuation']);
  });

  it('reports bad base64, orphan continuations and a length prefix that disagrees with the frames', () => {
    const decoder = new FrameDecoder();
    expect(faults(decoder.push(frame([0x06, 0x09], 'AB!D')))).toEqual(['bad-base64']);
    expect(faults(decoder.push(frame([0x04, 0x14], 'AAAA')))).toEqual(['orphan-continuation']);
    // Length prefix 2 (CRC only) then 4 more bytes: the frame carries more than the prefix says.
    const longer = Buffer.from([0x00, 0x02, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04]).toString('base64');
    expect(faults(decoder.push(frame([0x06, 0x09], longer)))).toEqual(['length-mismatch']);
  });
});

describe('FrameDecoder fuzzing', () => {
  const valid = fc.uint8Array({ minLength: 0, maxLength: 600 }).map((body) => encodeFrames(body));

  it('never throws and decodes every valid packet among random bytes and chunkings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(valid, fc.uint8Array({ maxLength: 200 })), { maxLength: 6 }),
        fc.integer({ min: 1, max: 64 }),
        (parts, chunk) => {
          const stream = join(...parts.map((p) => join(p, '\n')));
          const decoder = new FrameDecoder();
          const events: FrameEvent[] = [];
          for (let at = 0; at < stream.length; at += chunk) events.push(...decoder.push(stream.subarray(at, at + chunk)));
          events.push(...decoder.end());
          for (const e of events) if (e.kind === 'error') expect(e.error).toBeInstanceOf(FramingError);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('delivers a valid packet intact, or reports a typed error, whatever single mutation hits its frames', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 8, maxLength: 400 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom('flip', 'drop', 'insert'),
        (body, where, value, how) => {
          const bytes = [...encodeFrames(body)];
          const at = where % bytes.length;
          if (how === 'flip') bytes[at] ^= value || 1;
          else if (how === 'drop') bytes.splice(at, 1);
          else bytes.splice(at, 0, value);
          const decoder = new FrameDecoder();
          const events = [...decoder.push(Uint8Array.from(bytes)), ...decoder.end(), ...decoder.push(encodeFrames(body))];
          const got = packets(events);
          // Whatever the mutation did, the clean copy sent after it decodes, and nothing else decodes wrongly
          // unless the CRC was fooled (a 1-in-65536 chance that the fixed seed does not hit).
          expect(Buffer.from(got[got.length - 1])).toEqual(Buffer.from(body));
          for (const p of got.slice(0, -1)) expect(Buffer.from(p)).toEqual(Buffer.from(body));
        },
      ),
      { seed: 11, numRuns: 400 },
    );
  });
});
