import { BootproofError } from '../emulator/common/errors.ts';

/** A run of bytes at an absolute address; Intel HEX output leaves the gaps between segments unwritten. */
export interface HexSegment {
  address: number;
  bytes: Uint8Array;
}

/** A malformed Intel HEX file: names the file and, for a record, its line. Bad input, exit code 2. */
export class IntelHexError extends BootproofError {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, detail: string) {
    super(`${file}: ${line === undefined ? '' : `line ${line}: `}${detail}`);
    this.file = file;
    this.line = line;
  }
}

/**
 * The largest span (lowest to highest address) read into one image when the caller gives no slot: far above any
 * MCU image, far below what would exhaust memory (records at 0x0 and 0xfffffff0 would otherwise ask for 4 GiB).
 */
export const MAX_HEX_SPAN = 64 * 1024 * 1024;

const BYTES_PER_RECORD = 16;
const ADDRESS_SPACE = 0x1_0000_0000;

const DATA = 0x00;
const END_OF_FILE = 0x01;
const EXTENDED_SEGMENT_ADDRESS = 0x02;
const START_SEGMENT_ADDRESS = 0x03;
const EXTENDED_LINEAR_ADDRESS = 0x04;
const START_LINEAR_ADDRESS = 0x05;

/**
 * Intel HEX (data records of up to 16 bytes that never cross a 16-byte row or a 64 KiB page, extended linear
 * address records, end-of-file), as imgtool's intelhex writes: erased gaps are simply not written, so flash
 * programmers leave them untouched (a rule that matters on ECC flash, FORMATS.md §6 item 8).
 */
export function toIntelHex(segments: readonly HexSegment[]): string {
  const lines: string[] = [];
  let currentPage = -1;
  for (const segment of [...segments].sort((a, b) => a.address - b.address)) {
    let offset = 0;
    while (offset < segment.bytes.length) {
      const address = segment.address + offset;
      const page = Math.floor(address / 0x10000);
      if (page !== currentPage) {
        lines.push(record(0, EXTENDED_LINEAR_ADDRESS, Uint8Array.of(page >> 8, page & 0xff)));
        currentPage = page;
      }
      const rowRoom = BYTES_PER_RECORD - (address % BYTES_PER_RECORD);
      // Stryker disable next-line ArithmeticOperator: equivalent, a length past the segment's end is clamped by subarray and ends the loop
      const length = Math.min(rowRoom, segment.bytes.length - offset);
      lines.push(record(address & 0xffff, DATA, segment.bytes.subarray(offset, offset + length)));
      offset += length;
    }
  }
  lines.push(record(0, END_OF_FILE, new Uint8Array(0)));
  return `${lines.join('\n')}\n`;
}

function record(address: number, type: number, data: Uint8Array): string {
  const fields = [data.length, address >> 8, address & 0xff, type, ...data];
  const checksum = (0x100 - (fields.reduce((sum, b) => sum + b, 0) & 0xff)) & 0xff;
  return `:${[...fields, checksum].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('')}`;
}

/** What each non-data record type must hold (Intel HEX rev. A): its data length; its address field is 0000. */
const CONTROL_LENGTH: Record<number, number> = {
  [END_OF_FILE]: 0,
  [EXTENDED_SEGMENT_ADDRESS]: 2,
  [START_SEGMENT_ADDRESS]: 4,
  [EXTENDED_LINEAR_ADDRESS]: 2,
  [START_LINEAR_ADDRESS]: 4,
};

/**
 * The one Intel HEX reader (Intel Hexadecimal Object File Format Specification rev. A), strict because what a
 * probe programs must be exactly what was verified: every line is a well-formed record with a matching checksum;
 * only record types 00..05, each control record with its exact length; data placed with the extended linear (04)
 * or segment (02) address in force, never past the 32-bit address space; no byte written twice; an end-of-file
 * record, and nothing after it. Start-address records (03, 05) are accepted and ignored. Returns the data as
 * sorted runs of adjacent records; memory stays proportional to the file.
 */
export function parseIntelHex(text: string, file = 'Intel HEX'): HexSegment[] {
  const chunks: { address: number; bytes: Uint8Array; line: number }[] = [];
  let base = 0;
  let endLine: number | undefined;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    const where = index + 1;
    const fail = (detail: string): never => {
      throw new IntelHexError(file, where, detail);
    };
    if (endLine !== undefined) fail(`a record after the end-of-file record of line ${endLine}`);
    if (!/^:([0-9A-Fa-f]{2})+$/.test(line)) fail(`expected ':' followed by pairs of hex digits, found ${JSON.stringify(line.slice(0, 20))}`);
    const bytes = Buffer.from(line.slice(1), 'hex');
    const length = bytes[0]!;
    if (bytes.length !== length + 5) {
      fail(`byte count says ${length} data bytes, the line holds ${Math.max(bytes.length - 5, 0)}`);
    }
    const sum = bytes.reduce((total, byte) => (total + byte) & 0xff, 0);
    if (sum !== 0) fail(`checksum mismatch (record bytes sum to 0x${sum.toString(16)}, expected 0x00)`);
    const offset = (bytes[1]! << 8) | bytes[2]!;
    const type = bytes[3]!;
    const data = bytes.subarray(4, 4 + length);
    if (type === DATA) {
      const address = base + offset;
      if (address + length > ADDRESS_SPACE) {
        fail(`data at 0x${address.toString(16)}..0x${(address + length).toString(16)} runs past the 32-bit address space`);
      }
      if (length > 0) chunks.push({ address, bytes: Uint8Array.from(data), line: where });
      continue;
    }
    const expected = CONTROL_LENGTH[type];
    if (expected === undefined) fail(`unknown record type 0x${type.toString(16).padStart(2, '0')} (expected 00..05)`);
    if (length !== expected) fail(`a type-0${type} record must hold ${expected} data bytes, this one holds ${length}`);
    if (offset !== 0) fail(`a type-0${type} record must have address field 0000, found ${offset.toString(16).padStart(4, '0')}`);
    if (type === END_OF_FILE) endLine = where;
    else if (type === EXTENDED_SEGMENT_ADDRESS) base = ((data[0]! << 8) | data[1]!) * 16;
    else if (type === EXTENDED_LINEAR_ADDRESS) base = ((data[0]! << 8) | data[1]!) * 0x10000;
  }
  if (endLine === undefined) throw new IntelHexError(file, undefined, 'no end-of-file record (:00000001FF)');
  return mergeAdjacent(file, chunks);
}

/** Sorts the records and joins those that follow each other; two records that write one byte are an error. */
function mergeAdjacent(file: string, chunks: { address: number; bytes: Uint8Array; line: number }[]): HexSegment[] {
  // A stable sort: records at one address stay in file order.
  const sorted = [...chunks].sort((a, b) => a.address - b.address);
  const runs: { address: number; end: number; parts: Uint8Array[]; lastLine: number }[] = [];
  for (const chunk of sorted) {
    const last = runs.at(-1);
    if (last !== undefined && chunk.address < last.end) {
      const first = Math.min(chunk.line, last.lastLine);
      throw new IntelHexError(file, Math.max(chunk.line, last.lastLine), `data records overlap at 0x${chunk.address.toString(16)} (line ${first} writes it too)`);
    }
    if (last !== undefined && last.end === chunk.address) {
      last.parts.push(chunk.bytes);
      last.end += chunk.bytes.length;
      last.lastLine = chunk.line;
    } else {
      runs.push({ address: chunk.address, end: chunk.address + chunk.bytes.length, parts: [chunk.bytes], lastLine: chunk.line });
    }
  }
  return runs.map((run) => ({ address: run.address, bytes: concat(run.parts, run.end - run.address) }));
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export interface FlattenOptions {
  /** The file, for messages. */
  file?: string;
  /** What fills the gaps between segments (0xff, like intelhex's `tobinarray`). */
  fill?: number;
  /** The largest span accepted (default MAX_HEX_SPAN); a slot size when the image must fit one. */
  maxSpan?: number;
}

/** Segments as one contiguous image from the lowest address, refusing a span larger than `maxSpan`. */
export function flattenSegments(segments: readonly HexSegment[], options: FlattenOptions = {}): { baseAddress: number; bytes: Uint8Array } {
  if (segments.length === 0) return { baseAddress: 0, bytes: new Uint8Array(0) };
  // A loop, not Math.min(...): a multi-megabyte file has more records than a call may take arguments.
  let baseAddress = segments[0]!.address;
  let end = 0;
  for (const segment of segments) {
    baseAddress = Math.min(baseAddress, segment.address);
    end = Math.max(end, segment.address + segment.bytes.length);
  }
  const maxSpan = options.maxSpan ?? MAX_HEX_SPAN;
  if (end - baseAddress > maxSpan) {
    throw new IntelHexError(
      options.file ?? 'Intel HEX',
      undefined,
      `data spans 0x${baseAddress.toString(16)}..0x${end.toString(16)} (${end - baseAddress} bytes), more than the ${maxSpan} bytes an image may span`,
    );
  }
  const out = new Uint8Array(end - baseAddress).fill(options.fill ?? 0xff);
  for (const segment of segments) out.set(segment.bytes, segment.address - baseAddress);
  return { baseAddress, bytes: out };
}

/** Reads Intel HEX strictly (`parseIntelHex`) into one contiguous image (`flattenSegments`). */
export function fromIntelHex(text: string, options: FlattenOptions = {}): { baseAddress: number; bytes: Uint8Array; segments: HexSegment[] } {
  const segments = parseIntelHex(text, options.file);
  return { ...flattenSegments(segments, options), segments };
}

/** The first range of [start, end) that no segment writes, or undefined when the segments cover it all. */
export function firstGap(segments: readonly HexSegment[], start: number, end: number): { start: number; end: number } | undefined {
  let at = start;
  for (const segment of segments) {
    const segmentEnd = segment.address + segment.bytes.length;
    // Stryker disable next-line EqualityOperator: equivalent, a segment ending at `at` leaves `at` where it was
    if (segmentEnd <= at) continue;
    if (segment.address > at) return { start: at, end: Math.min(segment.address, end) };
    at = segmentEnd;
    if (at >= end) return undefined;
  }
  return at >= end ? undefined : { start: at, end };
}
