import { describe, expect, it } from 'vitest';
import { Prng } from '../emulator/common/prng.ts';
import { fromIntelHex, IntelHexError, parseIntelHex, toIntelHex } from './index.ts';
import { EOF_RECORD, hex, rec } from './test/hex-records.ts';

function message(text: string): string {
  try {
    fromIntelHex(text, { file: 'a.hex' });
  } catch (error) {
    expect(error).toBeInstanceOf(IntelHexError);
    expect((error as IntelHexError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('expected an IntelHexError');
}

describe('Intel HEX', () => {
  it('writes 16-byte records with checksums and extended linear addresses, and reads them back', () => {
    const bytes = new Prng(1).bytes(100);
    const text = toIntelHex([{ address: 0x0800fff8, bytes }]);
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe(':020000040800F2');
    expect(lines[1]).toBe(`:08FFF800${Buffer.from(bytes.subarray(0, 8)).toString('hex').toUpperCase()}${lines[1].slice(-2)}`);
    expect(lines).toContain(':020000040801F1');
    expect(lines.at(-1)).toBe(':00000001FF');
    const back = fromIntelHex(text);
    expect(back.baseAddress).toBe(0x0800fff8);
    expect(back.bytes).toEqual(bytes);
  });

  it('leaves gaps unwritten, and fills them with 0xff when read into one image', () => {
    const text = toIntelHex([
      { address: 0x1000, bytes: Uint8Array.of(1, 2) },
      { address: 0x1010, bytes: Uint8Array.of(3) },
    ]);
    expect(text.trim().split('\n')).toHaveLength(4);
    const back = fromIntelHex(text);
    expect([...back.bytes]).toEqual([1, 2, ...Array(14).fill(0xff), 3]);
    expect(back.segments.map((s) => s.address)).toEqual([0x1000, 0x1010]);
  });

  it('applies segment (02) and linear (04) addresses, joins adjacent records, ignores start addresses', () => {
    const segments = parseIntelHex(
      hex(rec(2, 0, [0x10, 0x00]), rec(0, 0x10, [1, 2]), rec(4, 0, [0x08, 0x00]), rec(0, 0, [3]), rec(0, 1, [4]), rec(5, 0, [8, 0, 0, 1]), rec(3, 0, [0, 0, 0, 0]), EOF_RECORD),
    );
    expect(segments).toEqual([
      { address: 0x10010, bytes: Uint8Array.of(1, 2) },
      { address: 0x08000000, bytes: Uint8Array.of(3, 4) },
    ]);
  });

  it('refuses a byte written twice, naming both lines: a probe would program bytes that were never verified', () => {
    const text = hex(rec(0, 0x200, [0, 0, 0, 0]), rec(0, 0x1fe, [1, 2, 3, 4]), EOF_RECORD);
    expect(message(text)).toBe('a.hex: line 2: data records overlap at 0x200 (line 1 writes it too)');
    // The same bytes written twice are refused too.
    expect(message(hex(rec(0, 0, [1]), rec(0, 0, [1]), EOF_RECORD))).toContain('overlap at 0x0');
  });

  it('refuses what a strict reader must, naming the file and the line', () => {
    expect(message(hex(rec(0, 0, [1, 2, 3, 4]).replace(/..$/, '00'), EOF_RECORD))).toMatch(/^a\.hex: line 1: checksum mismatch/);
    expect(message(hex(rec(0, 0, [1]), rec(6, 0, [1]), EOF_RECORD))).toBe('a.hex: line 2: unknown record type 0x06 (expected 00..05)');
    expect(message(hex(rec(4, 0, []), rec(0, 0, [1]), EOF_RECORD))).toBe('a.hex: line 1: a type-04 record must hold 2 data bytes, this one holds 0');
    expect(message(hex(rec(2, 0, [1, 2, 3]), EOF_RECORD))).toContain('line 1: a type-02 record must hold 2 data bytes');
    expect(message(hex(rec(4, 0x10, [0, 1]), EOF_RECORD))).toContain('line 1: a type-04 record must have address field 0000');
    expect(message(hex(rec(1, 0, [1])))).toContain('line 1: a type-01 record must hold 0 data bytes');
    expect(message(hex(rec(0, 0, [1])))).toBe('a.hex: no end-of-file record (:00000001FF)');
    expect(message(hex(rec(0, 0, [1]), EOF_RECORD, rec(0, 1, [2])))).toBe('a.hex: line 3: a record after the end-of-file record of line 2');
    expect(message(hex(':05000000010203F3', EOF_RECORD))).toContain('line 1: byte count says 5 data bytes, the line holds 3');
    expect(message(hex(':00', EOF_RECORD))).toContain('line 1: byte count');
    expect(message(hex('', 'hello', EOF_RECORD))).toContain('line 2: expected \':\'');
  });

  it('refuses data past the 32-bit address space', () => {
    expect(message(hex(rec(4, 0, [0xff, 0xff]), rec(0, 0xfff8, new Array(16).fill(0)), EOF_RECORD))).toBe(
      'a.hex: line 2: data at 0xfffffff8..0x100000008 runs past the 32-bit address space',
    );
  });

  it('keeps memory bounded: records at 0x0 and 0xfffffff0 are refused, not read into 4 GiB', () => {
    const text = hex(rec(0, 0, [1]), rec(4, 0, [0xff, 0xff]), rec(0, 0xfff0, [2]), EOF_RECORD);
    expect(parseIntelHex(text)).toHaveLength(2);
    expect(message(text)).toMatch(/^a\.hex: data spans 0x0\.\.0xfffffff1 \(4294967281 bytes\), more than the \d+ bytes/);
    expect(() => fromIntelHex(hex(rec(0, 0, [1]), rec(0, 0x100, [2]), EOF_RECORD), { maxSpan: 0x100 })).toThrow(/more than the 256 bytes/);
  });
});
