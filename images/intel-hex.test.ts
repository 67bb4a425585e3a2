import { describe, expect, it } from 'vitest';
import { Prng } from '../emulator/common/prng.ts';
import { fromIntelHex, ImageFormatError, toIntelHex } from './index.ts';

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
  });

  it('names the line of a malformed record', () => {
    expect(() => fromIntelHex(':020000040800F2\n:0100000001FF\n')).toThrow(ImageFormatError);
    expect(() => fromIntelHex(':020000040800F2\n:0100000001FF\n')).toThrow(/line 2/);
    expect(() => fromIntelHex('hello')).toThrow(/line 1/);
  });
});
