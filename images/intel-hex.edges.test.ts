/**
 * Intel HEX at its edges, past the round trips of intel-hex.test.ts: the first page record, segment order, the
 * exact line syntax, the last byte of the address space, records that write nothing, the span limit, and the
 * gaps `image verify` looks for (Intel Hexadecimal Object File Format Specification rev. A).
 */
import { describe, expect, it } from 'vitest';
import { firstGap, flattenSegments, fromIntelHex, IntelHexError, parseIntelHex, toIntelHex } from './intel-hex.ts';
import { EOF_RECORD, hex, rec } from './test/hex-records.ts';

function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(IntelHexError);
    return (error as Error).message;
  }
  throw new Error('expected an IntelHexError');
}
const parseError = (text: string) => refusal(() => parseIntelHex(text, 'a.hex'));

describe('Intel HEX writer', () => {
  it('starts with the page of the first segment, even page 1', () => {
    expect(toIntelHex([{ address: 0x10005, bytes: Uint8Array.of(0xaa) }]).trim().split('\n')).toEqual([
      ':020000040001F9',
      rec(0, 0x0005, [0xaa]),
      EOF_RECORD,
    ]);
  });

  it('writes segments in address order whatever order they come in', () => {
    const segments = [
      { address: 0x20010, bytes: Uint8Array.of(3) },
      { address: 0x00020, bytes: Uint8Array.of(1) },
      { address: 0x20000, bytes: Uint8Array.of(2) },
    ];
    expect(toIntelHex(segments).trim().split('\n')).toEqual([
      rec(4, 0, [0, 0]),
      rec(0, 0x20, [1]),
      rec(4, 0, [0, 2]),
      rec(0, 0x00, [2]),
      rec(0, 0x10, [3]),
      EOF_RECORD,
    ]);
  });
});

describe('Intel HEX reader, line by line', () => {
  it('takes records with spaces around them and CRLF line ends', () => {
    expect(parseIntelHex(`  ${rec(0, 0x10, [1, 2])} \r\n\t${EOF_RECORD}\r\n`)).toEqual([{ address: 0x10, bytes: Uint8Array.of(1, 2) }]);
  });

  it('refuses text before the colon, text after the digits and an odd digit, quoting the start of the line', () => {
    expect(parseError(hex(`x${EOF_RECORD}`))).toBe('a.hex: line 1: expected \':\' followed by pairs of hex digits, found "x:00000001FF"');
    expect(parseError(hex(`${EOF_RECORD}zz`))).toContain('line 1: expected \':\'');
    expect(parseError(hex(`${EOF_RECORD}0`))).toContain('line 1: expected \':\'');
    expect(parseError(hex(`:${'0'.repeat(30)}G`))).toBe('a.hex: line 1: expected \':\' followed by pairs of hex digits, found ":0000000000000000000"');
  });

  it('names itself "Intel HEX" when no file is given', () => {
    expect(refusal(() => parseIntelHex(hex(rec(0, 0, [1]))))).toBe('Intel HEX: no end-of-file record (:00000001FF)');
    expect(refusal(() => flattenSegments([{ address: 0, bytes: new Uint8Array(2) }], { maxSpan: 1 }))).toMatch(/^Intel HEX: data spans /);
  });

  it('reports the sum of a record whose checksum is wrong', () => {
    // 01 + 00 + 00 + 00 + 05 = 06; the right checksum is FA, FB makes the bytes sum to 0x01.
    expect(parseError(hex(':0100000005FB', EOF_RECORD))).toBe('a.hex: line 1: checksum mismatch (record bytes sum to 0x1, expected 0x00)');
  });

  it('names a control record address field with its four digits', () => {
    expect(parseError(hex(rec(1, 0x10, []), EOF_RECORD))).toBe('a.hex: line 1: a type-01 record must have address field 0000, found 0010');
  });
});

describe('Intel HEX reader, addresses', () => {
  it('accepts data that ends on the last byte of the 32-bit address space', () => {
    const segments = parseIntelHex(hex(rec(4, 0, [0xff, 0xff]), rec(0, 0xfff0, new Array(16).fill(7)), EOF_RECORD));
    expect(segments).toEqual([{ address: 0xfffffff0, bytes: new Uint8Array(16).fill(7) }]);
  });

  it('keeps the address base across start-address records (03, 05)', () => {
    const text = hex(rec(4, 0, [0, 1]), rec(5, 0, [0, 0, 0x12, 0x34]), rec(0, 0, [1]), rec(3, 0, [0, 0, 0x56, 0x78]), rec(0, 1, [2]), EOF_RECORD);
    expect(parseIntelHex(text)).toEqual([{ address: 0x10000, bytes: Uint8Array.of(1, 2) }]);
  });

  it('ignores data records that hold no byte, even where another record writes', () => {
    const text = hex(rec(0, 0, [1, 2, 3, 4]), rec(0, 2, []), rec(0, 0x40, []), EOF_RECORD);
    expect(parseIntelHex(text)).toEqual([{ address: 0, bytes: Uint8Array.of(1, 2, 3, 4) }]);
  });

  it('names the later line of two that write one byte, whichever comes first in the file', () => {
    expect(parseError(hex(rec(0, 0, [1, 2, 3, 4]), rec(0, 2, [5]), EOF_RECORD))).toBe('a.hex: line 2: data records overlap at 0x2 (line 1 writes it too)');
    expect(parseError(hex(rec(0, 2, [5]), rec(0, 0, [1, 2, 3, 4]), EOF_RECORD))).toBe('a.hex: line 2: data records overlap at 0x2 (line 1 writes it too)');
    expect(parseError(hex(rec(0, 8, [1]), rec(0, 8, [1]), EOF_RECORD))).toBe('a.hex: line 2: data records overlap at 0x8 (line 1 writes it too)');
  });

  it('joins adjacent records into one run and keeps separate ones apart', () => {
    const segments = parseIntelHex(hex(rec(0, 4, [3, 4]), rec(0, 0, [1, 2]), rec(0, 2, [9, 9]), rec(0, 0x10, [5]), EOF_RECORD));
    expect(segments).toEqual([
      { address: 0, bytes: Uint8Array.of(1, 2, 9, 9, 3, 4) },
      { address: 0x10, bytes: Uint8Array.of(5) },
    ]);
  });
});

describe('one image from segments', () => {
  it('is empty for no segments', () => {
    expect(flattenSegments([])).toEqual({ baseAddress: 0, bytes: new Uint8Array(0) });
  });

  it('accepts a span of exactly the limit and refuses one byte more, with the span in the message', () => {
    const segments = [
      { address: 0x1000, bytes: Uint8Array.of(1) },
      { address: 0x10ff, bytes: Uint8Array.of(2) },
    ];
    expect(flattenSegments(segments, { maxSpan: 0x100 }).bytes).toHaveLength(0x100);
    expect(refusal(() => flattenSegments(segments, { maxSpan: 0xff, file: 'b.hex' }))).toBe(
      'b.hex: data spans 0x1000..0x1100 (256 bytes), more than the 255 bytes an image may span',
    );
  });

  it('fills gaps with the fill value asked for', () => {
    const text = hex(rec(0, 0, [1]), rec(0, 3, [2]), EOF_RECORD);
    expect([...fromIntelHex(text, { fill: 0 }).bytes]).toEqual([1, 0, 0, 2]);
  });
});

describe('gaps in a range', () => {
  const segments = [
    { address: 0x100, bytes: new Uint8Array(8) },
    { address: 0x110, bytes: new Uint8Array(0x10) },
    { address: 0x120, bytes: new Uint8Array(0x10) },
    { address: 0x200, bytes: new Uint8Array(0x10) },
  ];

  it('finds none where segments cover the range, adjacent or not merged', () => {
    expect(firstGap(segments, 0x110, 0x130)).toBeUndefined();
    expect(firstGap(segments, 0x100, 0x108)).toBeUndefined();
    expect(firstGap(segments, 0x104, 0x106)).toBeUndefined();
    expect(firstGap(segments, 0x200, 0x210)).toBeUndefined();
    expect(firstGap([], 0x10, 0x10)).toBeUndefined();
  });

  it('finds the first gap: before, between and after the segments, clipped to the range', () => {
    expect(firstGap(segments, 0xf0, 0x140)).toEqual({ start: 0xf0, end: 0x100 });
    expect(firstGap(segments, 0xf0, 0xf8)).toEqual({ start: 0xf0, end: 0xf8 });
    expect(firstGap(segments, 0x100, 0x140)).toEqual({ start: 0x108, end: 0x110 });
    expect(firstGap(segments, 0x110, 0x140)).toEqual({ start: 0x130, end: 0x140 });
    expect(firstGap(segments, 0x128, 0x210)).toEqual({ start: 0x130, end: 0x200 });
    expect(firstGap(segments, 0x208, 0x220)).toEqual({ start: 0x210, end: 0x220 });
    expect(firstGap([], 0x10, 0x20)).toEqual({ start: 0x10, end: 0x20 });
  });
});
