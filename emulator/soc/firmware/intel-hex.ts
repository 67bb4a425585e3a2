/**
 * Intel HEX reader (Intel Hexadecimal Object File Format Specification rev. A): data records placed with the
 * extended linear (04) or segment (02) address in force; start-address records (03, 05) are accepted and
 * ignored (the core starts from the vector table). Every line is checked: syntax, length, checksum, and
 * nothing after the end-of-file record.
 */
import { FirmwareFormatError } from '../errors.ts';
import type { FirmwareImage, FirmwareSegment } from './segments.ts';

const DATA = 0x00;
const END_OF_FILE = 0x01;
const EXTENDED_SEGMENT_ADDRESS = 0x02;
const START_SEGMENT_ADDRESS = 0x03;
const EXTENDED_LINEAR_ADDRESS = 0x04;
const START_LINEAR_ADDRESS = 0x05;

export function parseIntelHex(file: string, text: string): FirmwareImage {
  const chunks: FirmwareSegment[] = [];
  let base = 0;
  let ended = false;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const fail = (detail: string): never => {
      throw new FirmwareFormatError(file, `line ${index + 1}: ${detail}`);
    };
    if (line === '') return;
    if (ended) fail('a record after the end-of-file record');
    if (!/^:([0-9A-Fa-f]{2})+$/.test(line)) fail('expected ":" followed by pairs of hex digits');
    const record = Uint8Array.from(line.slice(1).match(/../g)!, (pair) => Number.parseInt(pair, 16));
    const length = record[0]!;
    if (record.length !== length + 5) fail(`byte count says ${length} data bytes, the line holds ${record.length - 5}`);
    const sum = record.reduce((total, byte) => (total + byte) & 0xff, 0);
    if (sum !== 0) fail(`checksum mismatch (record bytes sum to 0x${sum.toString(16)}, expected 0x00)`);
    const offset = (record[1]! << 8) | record[2]!;
    const data = record.subarray(4, 4 + length);
    switch (record[3]) {
      case DATA:
        chunks.push({ address: (base + offset) >>> 0, bytes: data.slice() });
        return;
      case END_OF_FILE:
        ended = true;
        return;
      case EXTENDED_SEGMENT_ADDRESS:
        if (length !== 2) fail('an extended segment address record must hold 2 bytes');
        base = ((data[0]! << 8) | data[1]!) * 16;
        return;
      case EXTENDED_LINEAR_ADDRESS:
        if (length !== 2) fail('an extended linear address record must hold 2 bytes');
        base = (((data[0]! << 8) | data[1]!) << 16) >>> 0;
        return;
      case START_SEGMENT_ADDRESS:
      case START_LINEAR_ADDRESS:
        return;
      default:
        fail(`unknown record type 0x${record[3]!.toString(16).padStart(2, '0')}`);
    }
  });
  if (!ended) throw new FirmwareFormatError(file, 'no end-of-file record (:00000001FF)');
  if (chunks.length === 0) throw new FirmwareFormatError(file, 'no data records');
  return { file, segments: mergeAdjacent(file, chunks) };
}

/** Joins records that follow each other into one segment each. */
function mergeAdjacent(file: string, chunks: FirmwareSegment[]): FirmwareSegment[] {
  const sorted = [...chunks].sort((a, b) => a.address - b.address);
  const merged: { address: number; parts: Uint8Array[]; end: number }[] = [];
  for (const chunk of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && chunk.address < last.end) {
      throw new FirmwareFormatError(file, `data records overlap at 0x${chunk.address.toString(16)}`);
    }
    if (last !== undefined && last.end === chunk.address) {
      last.parts.push(chunk.bytes);
      last.end += chunk.bytes.length;
    } else {
      merged.push({ address: chunk.address, parts: [chunk.bytes], end: chunk.address + chunk.bytes.length });
    }
  }
  return merged.map((run) => ({ address: run.address, bytes: concat(run.parts) }));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
