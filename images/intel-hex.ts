import { ImageFormatError } from './errors.ts';

/** A run of bytes at an absolute address; Intel HEX output leaves the gaps between segments unwritten. */
export interface HexSegment {
  address: number;
  bytes: Uint8Array;
}

const BYTES_PER_RECORD = 16;

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
        lines.push(record(0, 0x04, Uint8Array.of(page >> 8, page & 0xff)));
        currentPage = page;
      }
      const rowRoom = BYTES_PER_RECORD - (address % BYTES_PER_RECORD);
      const length = Math.min(rowRoom, segment.bytes.length - offset);
      lines.push(record(address & 0xffff, 0x00, segment.bytes.subarray(offset, offset + length)));
      offset += length;
    }
  }
  lines.push(record(0, 0x01, new Uint8Array(0)));
  return `${lines.join('\n')}\n`;
}

function record(address: number, type: number, data: Uint8Array): string {
  const fields = [data.length, address >> 8, address & 0xff, type, ...data];
  const checksum = (0x100 - (fields.reduce((sum, b) => sum + b, 0) & 0xff)) & 0xff;
  return `:${[...fields, checksum].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('')}`;
}

/**
 * Reads Intel HEX into one contiguous image from its lowest address, gaps filled with `fill` (0xff, like intelhex's
 * `tobinarray`). Throws ImageFormatError naming the line on a malformed record.
 */
export function fromIntelHex(text: string, fill = 0xff): { baseAddress: number; bytes: Uint8Array } {
  const chunks: HexSegment[] = [];
  let upper = 0;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '') continue;
    const where = index + 1;
    if (!/^:([0-9a-fA-F]{2})+$/.test(line)) {
      throw new ImageFormatError(`Intel HEX line ${where}`, 0, "':' followed by hex byte pairs", JSON.stringify(line.slice(0, 20)));
    }
    const bytes = Uint8Array.from(Buffer.from(line.slice(1), 'hex'));
    const length = bytes[0];
    if (bytes.length !== length + 5) {
      throw new ImageFormatError(`Intel HEX line ${where}`, 0, `${length + 5} bytes`, `${bytes.length}`);
    }
    if ((bytes.reduce((sum, b) => sum + b, 0) & 0xff) !== 0) {
      throw new ImageFormatError(`Intel HEX line ${where}`, 0, 'a matching checksum', 'a mismatch');
    }
    const type = bytes[3];
    const data = bytes.subarray(4, 4 + length);
    if (type === 0x00) chunks.push({ address: upper + ((bytes[1] << 8) | bytes[2]), bytes: data });
    else if (type === 0x01) break;
    else if (type === 0x02) upper = ((data[0] << 8) | data[1]) * 16;
    else if (type === 0x04) upper = ((data[0] << 8) | data[1]) * 0x10000;
  }
  if (chunks.length === 0) return { baseAddress: 0, bytes: new Uint8Array(0) };
  // A loop, not Math.min(...): a multi-megabyte file has more records than a call may take arguments.
  let baseAddress = chunks[0].address;
  let end = 0;
  for (const chunk of chunks) {
    baseAddress = Math.min(baseAddress, chunk.address);
    end = Math.max(end, chunk.address + chunk.bytes.length);
  }
  const out = new Uint8Array(end - baseAddress).fill(fill);
  for (const chunk of chunks) out.set(chunk.bytes, chunk.address - baseAddress);
  return { baseAddress, bytes: out };
}
