/**
 * NLIP serial framing, byte-exact with MCUboot serial recovery (boot_serial.c) and Zephyr's mcumgr (smp-console.md):
 * a packet `[2-byte big-endian length][SMP header + CBOR][CRC-16 big-endian]` is base64-encoded once and cut into
 * lines of at most 127 bytes: a 2-byte marker (0x06 0x09 first, 0x04 0x14 after), 124 base64 characters at most,
 * and `\n`. The length counts the body and the CRC. See ../shared/FORMATS.md §8.
 */
import { FramingError } from './errors.ts';

export const FIRST_FRAME_MARKER = [0x06, 0x09] as const;
export const CONTINUATION_MARKER = [0x04, 0x14] as const;
/** Bytes in one frame, marker and newline included (MCUboot BOOT_SERIAL_FRAME_MTU 124 + 3). */
export const MAX_FRAME_BYTES = 127;
const MAX_FRAME_TEXT = MAX_FRAME_BYTES - 3;
/** The length prefix is 16 bits and counts the CRC, so a body holds at most this many bytes: 0xffff - 2. */
export const MAX_BODY_BYTES = 0xfffd;
/** A console line longer than this is passed on in pieces, so a stream without newlines cannot grow memory. */
const MAX_LINE_BYTES = 1024;

const CRC_TABLE = buildCrcTable();

function buildCrcTable(): Uint16Array {
  const table = new Uint16Array(256);
  // Stryker disable next-line EqualityOperator: equivalent, a write past the end of a typed array is dropped
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
}

/** CRC-16/CCITT as SMP uses it (XMODEM: poly 0x1021, seed 0, no reflection, no final xor). */
export function crc16(bytes: Uint8Array, seed = 0): number {
  let crc = seed;
  for (const byte of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >> 8) ^ byte) & 0xff]) & 0xffff;
  return crc;
}

/** Encodes one SMP packet body (header + CBOR) as the NLIP frames that carry it. */
export function encodeFrames(body: Uint8Array): Uint8Array {
  if (body.length > MAX_BODY_BYTES) {
    throw new RangeError(`an SMP packet body holds at most ${MAX_BODY_BYTES} bytes, got ${body.length}`);
  }
  const packet = new Uint8Array(body.length + 4);
  const length = body.length + 2;
  packet[0] = length >> 8;
  packet[1] = length & 0xff;
  packet.set(body, 2);
  const crc = crc16(body);
  packet[packet.length - 2] = crc >> 8;
  packet[packet.length - 1] = crc & 0xff;

  const text = Buffer.from(packet).toString('base64');
  const frameCount = Math.ceil(text.length / MAX_FRAME_TEXT);
  const out = new Uint8Array(text.length + frameCount * 3);
  let at = 0;
  for (let start = 0; start < text.length; start += MAX_FRAME_TEXT) {
    const marker = start === 0 ? FIRST_FRAME_MARKER : CONTINUATION_MARKER;
    out[at++] = marker[0];
    out[at++] = marker[1];
    const slice = text.slice(start, start + MAX_FRAME_TEXT);
    out.set(Buffer.from(slice), at);
    at += slice.length;
    out[at++] = 0x0a;
  }
  return out;
}

/** What the decoder found in the stream, in stream order. */
export type FrameEvent =
  | { readonly kind: 'packet'; readonly body: Uint8Array }
  | { readonly kind: 'console'; readonly line: string }
  | { readonly kind: 'error'; readonly error: FramingError };

export interface FrameDecoderOptions {
  /**
   * Largest decoded packet accepted (length prefix, body and CRC). A device sets its receive buffer here
   * (MCUboot's MCUBOOT_SERIAL_MAX_RECEIVE_SIZE, 512); a client accepts anything the 16-bit length allows.
   */
  readonly maxPacketBytes?: number;
}

interface PendingPacket {
  readonly at: number;
  readonly parts: Uint8Array[];
  received: number;
  /** Decoded bytes the packet will have in all (prefix + length), once the prefix is in. */
  expected: number | undefined;
}

/**
 * Streaming NLIP decoder. Feed it bytes as they arrive; it never throws on bad input and holds at most one line
 * and one packet in memory. Text before a marker on a line, and lines with no marker, are console output.
 */
export class FrameDecoder {
  private readonly maxPacketBytes: number;
  private line = new Uint8Array(MAX_LINE_BYTES);
  private lineLength = 0;
  private lineStart = 0;
  private position = 0;
  private pending: PendingPacket | undefined;
  /** Inside a runaway frame already reported as oversized: skip to its newline. */
  private dropping = false;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxPacketBytes = options.maxPacketBytes ?? 0xffff + 2;
  }

  push(bytes: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    for (const byte of bytes) {
      this.position++;
      if (byte === 0x0a) {
        // A dropped runaway frame left the line empty: ending it adds nothing.
        this.endLine(events);
        this.dropping = false;
        this.lineLength = 0;
        this.lineStart = this.position;
        continue;
      }
      if (this.lineLength === this.line.length) this.overflowLine(events);
      if (!this.dropping) this.line[this.lineLength++] = byte;
    }
    return events;
  }

  /** The stream ended (port closed, device reset): a packet still waiting for frames is reported as truncated. */
  end(): FrameEvent[] {
    const events: FrameEvent[] = [];
    this.dropping = false;
    if (this.lineLength > 0 && markerIndex(this.line.subarray(0, this.lineLength)) < 0) {
      events.push({ kind: 'console', line: consoleText(this.line.subarray(0, this.lineLength)) });
    } else if (this.lineLength > 0) {
      this.fail(events, 'truncated', this.lineStart, 'the stream ended inside a frame (no newline)');
    }
    this.lineLength = 0;
    this.lineStart = this.position;
    if (this.pending !== undefined) this.truncatePending(events, 'the stream ended');
    return events;
  }

  /** A line longer than any frame and any console line we keep: pass console text on, or drop a runaway frame. */
  private overflowLine(events: FrameEvent[]): void {
    const marker = markerIndex(this.line);
    if (marker < 0) {
      // Keep the last byte: it may be the first half of a marker.
      events.push({ kind: 'console', line: consoleText(this.line.subarray(0, this.lineLength - 1)) });
      this.line[0] = this.line[this.lineLength - 1];
      this.lineStart += this.lineLength - 1;
      this.lineLength = 1;
      return;
    }
    if (marker > 0) events.push({ kind: 'console', line: consoleText(this.line.subarray(0, marker)) });
    this.fail(events, 'oversized-frame', this.lineStart + marker, `no newline within ${MAX_FRAME_BYTES} bytes`);
    // The rest of the runaway frame, up to its newline, is neither a frame nor console output.
    this.lineLength = 0;
    this.dropping = true;
  }

  private endLine(events: FrameEvent[]): void {
    const line = this.line.subarray(0, this.lineLength);
    const marker = markerIndex(line);
    if (marker < 0) {
      if (line.length > 0) events.push({ kind: 'console', line: consoleText(line) });
      return;
    }
    if (marker > 0) events.push({ kind: 'console', line: consoleText(line.subarray(0, marker)) });
    const frameAt = this.lineStart + marker;
    const frameBytes = line.length - marker + 1;
    if (frameBytes > MAX_FRAME_BYTES) {
      this.fail(events, 'oversized-frame', frameAt, `${frameBytes} bytes, at most ${MAX_FRAME_BYTES} allowed`);
      return;
    }
    let textEnd = line.length;
    if (line[textEnd - 1] === 0x0d) textEnd--; // a terminal may turn \n into \r\n
    const text = Buffer.from(line.subarray(marker + 2, textEnd)).toString('latin1');
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) {
      this.fail(events, 'bad-base64', frameAt, `frame text is not base64 in groups of 4 (${text.length} characters)`);
      return;
    }
    const data = new Uint8Array(Buffer.from(text, 'base64'));
    const isFirst = line[marker] === FIRST_FRAME_MARKER[0];
    if (isFirst) {
      if (this.pending !== undefined) this.truncatePending(events, 'a new packet started');
      this.pending = { at: frameAt, parts: [], received: 0, expected: undefined };
    } else if (this.pending === undefined) {
      events.push({
        kind: 'error',
        error: new FramingError('orphan-continuation', frameAt, 'a continuation frame with no packet started'),
      });
      return;
    }
    this.appendToPending(events, data);
  }

  private appendToPending(events: FrameEvent[], data: Uint8Array): void {
    const pending = this.pending!;
    pending.parts.push(data);
    pending.received += data.length;
    // Stryker disable next-line ConditionalExpression: equivalent, the prefix read again gives the length already checked
    if (pending.expected === undefined) {
      if (pending.received < 2) return;
      const head = concat(pending.parts);
      pending.expected = 2 + ((head[0] << 8) | head[1]);
      if (pending.expected > this.maxPacketBytes) {
        this.fail(events, 'oversized-packet', pending.at, `${pending.expected} bytes, at most ${this.maxPacketBytes}`);
        return;
      }
      if (pending.expected < 4) {
        this.fail(events, 'length-mismatch', pending.at, `length prefix ${pending.expected - 2} leaves no room for the CRC`);
        return;
      }
    }
    if (pending.received < pending.expected) return;
    this.pending = undefined;
    if (pending.received > pending.expected) {
      events.push({
        kind: 'error',
        error: new FramingError(
          'length-mismatch',
          pending.at,
          `length prefix says ${pending.expected} bytes, frames carried ${pending.received}`,
        ),
      });
      return;
    }
    const payload = concat(pending.parts).subarray(2);
    // The receiver's check, as MCUboot's: the CRC over body and CRC is 0.
    const residue = crc16(payload);
    if (residue !== 0) {
      const body = payload.subarray(0, payload.length - 2);
      const sent = (payload[payload.length - 2] << 8) | payload[payload.length - 1];
      events.push({
        kind: 'error',
        error: new FramingError(
          'bad-crc',
          pending.at,
          `CRC over the ${body.length}-byte body is 0x${hex16(crc16(body))}, the packet says 0x${hex16(sent)}`,
        ),
      });
      return;
    }
    events.push({ kind: 'packet', body: payload.slice(0, payload.length - 2) });
  }

  private truncatePending(events: FrameEvent[], why: string): void {
    const pending = this.pending!;
    this.pending = undefined;
    const of = pending.expected === undefined ? 'its length' : `${pending.expected} bytes`;
    events.push({
      kind: 'error',
      error: new FramingError('truncated', pending.at, `${why} after ${pending.received} of ${of}`),
    });
  }

  private fail(events: FrameEvent[], fault: FramingError['fault'], at: number, detail: string): void {
    // A lost frame breaks the packet it belonged to; its later frames will be reported as orphans.
    this.pending = undefined;
    events.push({ kind: 'error', error: new FramingError(fault, at, detail) });
  }
}

function markerIndex(line: Uint8Array): number {
  // Stryker disable next-line EqualityOperator,ArithmeticOperator: equivalent, a read past the end is undefined and matches no marker
  for (let i = 0; i + 1 < line.length; i++) {
    const a = line[i];
    const b = line[i + 1];
    if ((a === 0x06 && b === 0x09) || (a === 0x04 && b === 0x14)) return i;
  }
  return -1;
}

function consoleText(bytes: Uint8Array): string {
  let end = bytes.length;
  if (bytes[end - 1] === 0x0d) end--;
  return Buffer.from(bytes.subarray(0, end)).toString('utf8');
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function hex16(value: number): string {
  return value.toString(16).padStart(4, '0');
}
