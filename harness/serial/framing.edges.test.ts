/**
 * NLIP framing at its edges, past the vectors and fuzzing of framing.test.ts: each fault's message and the stream
 * offset it names, the exact size limits (a 127-byte frame, the 16-bit length), a length prefix split across
 * frames, console lines longer than the line buffer, and what `end()` flushes (FORMATS.md §8).
 */
import { describe, expect, it } from 'vitest';
import { FramingError } from './errors.ts';
import { crc16, encodeFrames, FrameDecoder, type FrameEvent, MAX_BODY_BYTES, MAX_FRAME_BYTES } from './framing.ts';

const FIRST = [0x06, 0x09] as const;
const NEXT = [0x04, 0x14] as const;

function frame(marker: readonly number[], data: Uint8Array | string): Uint8Array {
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('base64');
  return Uint8Array.from([...marker, ...Buffer.from(text, 'latin1'), 0x0a]);
}

function join(...parts: (Uint8Array | string)[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p))));
}

/** A packet as it is base64-encoded: length prefix (body + CRC), body, CRC, all big-endian. */
function packet(body: Uint8Array, length = body.length + 2, crc = crc16(body)): Uint8Array {
  return Uint8Array.from([length >> 8, length & 0xff, ...body, crc >> 8, crc & 0xff]);
}

/** Each event as a line: `packet <hex>`, `console <text>`, or the error's message. */
function describeEvents(events: readonly FrameEvent[]): string[] {
  return events.map((e) => {
    if (e.kind === 'packet') return `packet ${Buffer.from(e.body).toString('hex')}`;
    if (e.kind === 'console') return `console ${e.line}`;
    expect(e.error).toBeInstanceOf(FramingError);
    return e.error.message;
  });
}

const at = (offset: number, fault: string, detail: string) => `SMP frame at byte ${offset} of the serial stream: ${fault}: ${detail}`;
const BODY = Uint8Array.of(1, 2, 3, 4, 5, 6);

describe('encodeFrames limits', () => {
  it('takes a body of MAX_BODY_BYTES and refuses one byte more', () => {
    expect(MAX_BODY_BYTES).toBe(0xfffd);
    const out = encodeFrames(new Uint8Array(MAX_BODY_BYTES));
    expect([...Buffer.from(Buffer.from(out.subarray(2, 6)).toString('latin1'), 'base64').subarray(0, 2)]).toEqual([0xff, 0xff]);
    expect(() => encodeFrames(new Uint8Array(MAX_BODY_BYTES + 1))).toThrow(new RangeError('an SMP packet body holds at most 65533 bytes, got 65534'));
  });

  it('chains the CRC from a seed', () => {
    const whole = Buffer.from('123456789');
    expect(crc16(whole.subarray(4), crc16(whole.subarray(0, 4)))).toBe(0x31c3);
  });
});

describe('FrameDecoder faults, with their offsets', () => {
  it('takes a frame of exactly 127 bytes and refuses 128, counting the newline', () => {
    // 124 base64 characters: 93 bytes, a packet with a 89-byte body.
    const body = new Uint8Array(89).fill(7);
    const full = frame(FIRST, packet(body));
    expect(full.length).toBe(MAX_FRAME_BYTES);
    expect(encodeFrames(body)).toEqual(full);
    expect(describeEvents(new FrameDecoder().push(full))).toEqual([`packet ${Buffer.from(body).toString('hex')}`]);
    const over = frame(FIRST, `${Buffer.from(packet(body)).toString('base64')}AAAA`);
    expect(describeEvents(new FrameDecoder().push(join('log\n', over)))).toEqual(['console log', at(4, 'oversized-frame', '131 bytes, at most 127 allowed')]);
  });

  it('names the text before an oversized frame as console output, and where the frame starts', () => {
    const line = join('boot: ', Uint8Array.from(FIRST), 'A'.repeat(200), '\n');
    expect(describeEvents(new FrameDecoder().push(line))).toEqual(['console boot: ', at(6, 'oversized-frame', '203 bytes, at most 127 allowed')]);
  });

  it('reports a runaway frame where it starts, with the console text before it, and drops the rest of its line', () => {
    const stream = join('x\n', 'pre ', Uint8Array.from(FIRST), 'A'.repeat(1100), '\n', 'after\n');
    expect(describeEvents(new FrameDecoder().push(stream))).toEqual([
      'console x',
      'console pre ',
      at(6, 'oversized-frame', `no newline within ${MAX_FRAME_BYTES} bytes`),
      'console after',
    ]);
  });

  it('reports bad base64 and orphan continuations at their frame', () => {
    const decoder = new FrameDecoder();
    expect(describeEvents(decoder.push(join('ab\n', frame(FIRST, 'AB!D'))))).toEqual([
      'console ab',
      at(3, 'bad-base64', 'frame text is not base64 in groups of 4 (4 characters)'),
    ]);
    expect(describeEvents(decoder.push(frame(NEXT, 'AAA')))).toEqual([at(10, 'bad-base64', 'frame text is not base64 in groups of 4 (3 characters)')]);
    expect(describeEvents(decoder.push(frame(NEXT, 'AAAA')))).toEqual([at(16, 'orphan-continuation', 'a continuation frame with no packet started')]);
  });

  it('reports a packet larger than the receive buffer, and takes one exactly as large', () => {
    const body = new Uint8Array(10);
    // Prefix 12 (body + CRC): 14 decoded bytes in all.
    expect(describeEvents(new FrameDecoder({ maxPacketBytes: 13 }).push(frame(FIRST, packet(body))))).toEqual([at(0, 'oversized-packet', '14 bytes, at most 13')]);
    expect(describeEvents(new FrameDecoder({ maxPacketBytes: 14 }).push(frame(FIRST, packet(body))))).toEqual([`packet ${'00'.repeat(10)}`]);
    // The default accepts the largest the 16-bit prefix allows.
    const largest = encodeFrames(new Uint8Array(MAX_BODY_BYTES));
    expect(new FrameDecoder().push(largest).map((e) => e.kind)).toEqual(['packet']);
  });

  it('checks the length prefix as soon as its two bytes are in', () => {
    const decoder = new FrameDecoder({ maxPacketBytes: 100 });
    expect(describeEvents(decoder.push(frame(FIRST, Uint8Array.of(0x01, 0x00))))).toEqual([at(0, 'oversized-packet', '258 bytes, at most 100')]);
  });

  it('reports a length prefix that leaves no room for the CRC, and one the frames overrun', () => {
    for (const length of [0, 1]) {
      const bytes = Uint8Array.of(0, length, 0xaa, 0xbb);
      expect(describeEvents(new FrameDecoder().push(frame(FIRST, bytes)))).toEqual([at(0, 'length-mismatch', `length prefix ${length} leaves no room for the CRC`)]);
    }
    const crcOnly = packet(new Uint8Array(0));
    expect(describeEvents(new FrameDecoder().push(frame(FIRST, crcOnly)))).toEqual(['packet ']);
    const overrun = packet(BODY, 4);
    expect(describeEvents(new FrameDecoder().push(frame(FIRST, overrun)))).toEqual([at(0, 'length-mismatch', 'length prefix says 6 bytes, frames carried 10')]);
  });

  it('names both CRCs of a corrupted packet', () => {
    const bad = packet(BODY, BODY.length + 2, 0x1234);
    expect(describeEvents(new FrameDecoder().push(frame(FIRST, bad)))).toEqual([
      at(0, 'bad-crc', `CRC over the 6-byte body is 0x${crc16(BODY).toString(16).padStart(4, '0')}, the packet says 0x1234`),
    ]);
    const small = packet(Uint8Array.of(0x31), 3, 0x0012);
    expect(describeEvents(new FrameDecoder().push(frame(FIRST, small)))[0]).toMatch(/the packet says 0x0012$/);
  });

  it('reports a packet cut by a new one, or by the end of the stream, with how much had come', () => {
    const whole = packet(new Uint8Array(200).fill(3));
    const firstPart = whole.subarray(0, 90);
    const decoder = new FrameDecoder();
    expect(describeEvents(decoder.push(join(frame(FIRST, firstPart), frame(FIRST, packet(BODY)))))).toEqual([
      at(0, 'truncated', 'a new packet started after 90 of 204 bytes'),
      `packet ${Buffer.from(BODY).toString('hex')}`,
    ]);
    const oneByte = new FrameDecoder();
    expect(oneByte.push(frame(FIRST, Uint8Array.of(0)))).toEqual([]);
    expect(describeEvents(oneByte.end())).toEqual([at(0, 'truncated', 'the stream ended after 1 of its length')]);
  });

  it('reports a frame the stream ends inside, where it starts', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(join('ok\n', 'log ', Uint8Array.from(FIRST), 'AAAA'))).toEqual([{ kind: 'console', line: 'ok' }]);
    expect(describeEvents(decoder.end())).toEqual([at(3, 'truncated', 'the stream ended inside a frame (no newline)')]);
    expect(decoder.end()).toEqual([]);
    const bare = new FrameDecoder();
    bare.push(join('\n', Uint8Array.from(FIRST), 'AA'));
    expect(describeEvents(bare.end())).toEqual([at(1, 'truncated', 'the stream ended inside a frame (no newline)')]);
  });
});

describe('FrameDecoder packets', () => {
  it('reads a length prefix split between the first frame and a continuation', () => {
    const whole = packet(BODY);
    const events = new FrameDecoder().push(join(frame(FIRST, whole.subarray(0, 1)), frame(NEXT, whole.subarray(1, 4)), frame(NEXT, whole.subarray(4))));
    expect(describeEvents(events)).toEqual([`packet ${Buffer.from(BODY).toString('hex')}`]);
  });

  it('waits for the frames a packet still needs', () => {
    const whole = packet(BODY);
    const decoder = new FrameDecoder();
    expect(decoder.push(frame(FIRST, whole.subarray(0, 6)))).toEqual([]);
    expect(describeEvents(decoder.push(frame(NEXT, whole.subarray(6))))).toEqual([`packet ${Buffer.from(BODY).toString('hex')}`]);
  });

  it('gives a packet body that later input does not change', () => {
    const decoder = new FrameDecoder();
    const [event] = decoder.push(frame(FIRST, packet(BODY)));
    decoder.push(frame(FIRST, packet(Uint8Array.of(9, 9, 9, 9, 9, 9))));
    expect(event).toEqual({ kind: 'packet', body: BODY });
  });
});

describe('FrameDecoder console output', () => {
  it('passes a console line longer than the line buffer on in pieces, none lost', () => {
    const text = `${'a'.repeat(1500)}${'b'.repeat(1500)}`;
    const events = new FrameDecoder().push(join(text, '\n'));
    expect(events.every((e) => e.kind === 'console')).toBe(true);
    expect(events.map((e) => (e.kind === 'console' ? e.line : '')).join('')).toBe(text);
    expect(events.map((e) => (e.kind === 'console' ? e.line.length : 0))).toEqual([1023, 1023, 954]);
  });

  it('counts the console bytes passed on before a frame on the same line into its offset', () => {
    const stream = join('c'.repeat(1500), Uint8Array.from(FIRST), 'AB!D', '\n');
    const events = describeEvents(new FrameDecoder().push(stream));
    expect(events.at(-1)).toBe(at(1500, 'bad-base64', 'frame text is not base64 in groups of 4 (4 characters)'));
    expect(events.slice(0, -1).map((e) => e.length - 'console '.length)).toEqual([1023, 477]);
  });

  it('finds a frame whose marker straddles the line buffer boundary', () => {
    const stream = join('c'.repeat(1023), Uint8Array.from(FIRST), Buffer.from(packet(BODY)).toString('base64'), '\n');
    expect(describeEvents(new FrameDecoder().push(stream))).toEqual([`console ${'c'.repeat(1023)}`, `packet ${Buffer.from(BODY).toString('hex')}`]);
  });

  it('reports nothing for empty lines', () => {
    expect(new FrameDecoder().push(join('\n\n\n'))).toEqual([]);
  });

  it('drops a carriage return at the end of a console line, and only there', () => {
    expect(describeEvents(new FrameDecoder().push(join('a\rb\r\n', '\r\n')))).toEqual(['console a\rb', 'console ']);
  });

  it('flushes a console line without newline at the end of the stream', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(join('prompt> '))).toEqual([]);
    expect(decoder.end()).toEqual([{ kind: 'console', line: 'prompt> ' }]);
    expect(decoder.push(join('x\n'))).toEqual([{ kind: 'console', line: 'x' }]);
  });

  it('takes a marker only as the two bytes together, either marker', () => {
    const stream = join(Uint8Array.of(0x06, 0x14, 0x04, 0x09, 0x41), '\n');
    expect(describeEvents(new FrameDecoder().push(stream))).toEqual([`console ${Buffer.from([0x06, 0x14, 0x04, 0x09, 0x41]).toString('utf8')}`]);
  });
});
