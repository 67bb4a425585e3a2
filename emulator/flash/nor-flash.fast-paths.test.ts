// The flash model's fast paths give what the slow way gives, and its content keys name bytes that did not change:
// a program over programmed bytes (bits combined a word at a time where both buffers allow it), a read inside one
// sector, the write-budget shortcut after a program of fresh words, and the handles of contentKey/sameContentKey.
import { describe, expect, it } from 'vitest';
import { BootproofError } from '../common/errors.ts';
import { EccFault, FlashRuleViolation, NorFlash, PowerCut, sameContentKey } from './index.ts';
import { testGeometry, thrown } from './test/helpers.ts';
import type { FlashGeometry } from './types.ts';

const andRule: FlashGeometry = testGeometry({ sectors: [4096, 4096] });

/** Bytes that differ from their neighbours and, unlike a pattern of period 256, from those a few KiB away. */
function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 37 + (i >> 8) * 13 + seed * 101 + 11) & 0xff);
}

describe('a program over programmed bytes', () => {
  // Destination, source start in its buffer, length: word-aligned on both sides or not, on one side only, short
  // and long, some across the sector boundary (the second span then starts part-way into the source).
  const cases = [
    [0, 0, 40],
    [8, 0, 16],
    [12, 4, 15],
    [4096 - 20, 2, 40],
    [1, 0, 20],
    [4096 - 1, 1, 20],
    [4096 - 2, 2, 20],
    [2 * 4096 - 23, 1, 20],
    [4, 0, 3],
  ];

  it.each([0xff, 0x00] as const)('combines bits (erased value %i) from any alignment of source and destination', (erasedValue) => {
    const old = pattern(8192, 1);
    const backing = pattern(64, 2);
    for (const [offset, srcStart, length] of cases) {
      const f = new NorFlash({ ...andRule, writeUnit: 1, erasedValue });
      f.load(0, old);
      const data = backing.subarray(srcStart, srcStart + length);
      f.program(offset, data);
      const expected = old.slice();
      for (let i = 0; i < length; i++) expected[offset + i] = erasedValue === 0xff ? old[offset + i] & data[i] : old[offset + i] | data[i];
      expect(Buffer.compare(f.peek(0, 8192), expected), `${length} bytes at ${offset} from source offset ${srcStart}`).toBe(0);
    }
  });

  it.each(['once', 'ecc'] as const)('marks only its own units (rule %s): the unit between two programs stays programmable', (programRule) => {
    const f = new NorFlash({ ...andRule, writeUnit: 8, programRule });
    f.program(16, new Uint8Array(8).fill(0x33));
    f.program(0, new Uint8Array(8).fill(0x11));
    f.program(8, new Uint8Array(8).fill(0x22));
    expect([...f.read(0, 24)]).toEqual([...new Uint8Array(8).fill(0x11), ...new Uint8Array(8).fill(0x22), ...new Uint8Array(8).fill(0x33)]);
    expect((thrown(() => f.program(8, new Uint8Array(8).fill(0x22))) as FlashRuleViolation).rule).toBe('program-once');
  });

  it('keeps the write budget of a word programmed up to it, after a program of fresh words in the same sector', () => {
    const f = new NorFlash({ ...andRule, writeBudget: { wordSize: 4, count: 2 } });
    f.program(0, new Uint8Array(4).fill(0xf0));
    f.program(0, new Uint8Array(4).fill(0x30));
    f.program(64, new Uint8Array(8).fill(0x00));
    const error = thrown(() => f.program(0, new Uint8Array(4).fill(0x00))) as FlashRuleViolation;
    expect(error).toBeInstanceOf(FlashRuleViolation);
    expect([error.rule, error.offset]).toEqual(['write-budget', 0]);
    expect(f.peek(0, 4)).toEqual(new Uint8Array(4).fill(0x30));
  });
});

describe('an erase of a sector written part-way', () => {
  // It clears only up to where the sector was written: past that it must already read erased, with no unit
  // programmed and no budget used. Each sector is written to a different depth, the last one up to its end.
  it.each([
    ['and', 0xff],
    ['once', 0xff],
    ['ecc', 0x00],
  ] as const)('leaves every byte erased and every unit and budget word free again (rule %s, erased %i)', (programRule, erasedValue) => {
    const f = new NorFlash({ ...andRule, sectors: [4096, 4096, 4096], writeUnit: 8, programRule, erasedValue, writeBudget: { wordSize: 8, count: 1 } });
    const written = [24, 4096 - 8, 4096];
    for (const [s, length] of written.entries()) f.program(s * 4096, pattern(length, s).map((b) => (b === erasedValue ? b ^ 1 : b)));
    f.armPowerCut({ atOp: 3, outcome: 'torn', seed: 3 });
    expect(() => f.program(4096 + 4096 - 8, new Uint8Array(8).fill(erasedValue ^ 0x5a))).toThrow(PowerCut);
    for (let s = 0; s < 3; s++) f.erase(s * 4096);
    expect(f.read(0, f.size)).toEqual(new Uint8Array(f.size).fill(erasedValue));
    const again = pattern(f.size, 9);
    // Last unit first: every later program then lands below what was written, where flags and budgets are checked.
    for (let at = f.size - 8; at >= 0; at -= 8) f.program(at, again.subarray(at, at + 8));
    expect(f.read(0, f.size)).toEqual(again);
  });
});

describe('reads', () => {
  it('inside one large sector after small ones give the bytes at the offset asked', () => {
    const f = new NorFlash({ ...andRule, sectors: [1024, 1024, 16384] });
    const bytes = pattern(f.size, 3);
    f.load(0, bytes);
    for (const [offset, length] of [
      [2048, 64],
      [2048 + 100, 300],
      [1024 + 1000, 24],
      [1000, 48],
      [2048 + 16384 - 8, 8],
    ]) {
      expect(f.read(offset, length), `${length} bytes at ${offset}`).toEqual(bytes.subarray(offset, offset + length));
      expect(f.peek(offset, length)).toEqual(bytes.subarray(offset, offset + length));
      expect(f.readView(offset, length)).toEqual(bytes.subarray(offset, offset + length));
    }
  });

  it('read and peek give copies: bytes read earlier stay as read after a program, an erase and a write to them', () => {
    const f = new NorFlash(andRule);
    f.load(0, pattern(f.size, 4));
    const read = f.read(16, 32);
    const peeked = f.peek(16, 32);
    const before = read.slice();
    f.program(16, new Uint8Array(32).fill(0x00));
    expect([read, peeked]).toEqual([before, before]);
    f.erase(0);
    expect([read, peeked]).toEqual([before, before]);
    read.fill(0x12);
    peeked.fill(0x34);
    expect(f.read(16, 32)).toEqual(new Uint8Array(32).fill(0xff));
  });

  it('readView gives the bytes in place, which a program elsewhere in the flash, even from the view, leaves as they were', () => {
    const f = new NorFlash(andRule);
    const bytes = pattern(f.size, 5);
    f.load(0, bytes.subarray(0, 4096));
    const snapshot = f.snapshot();
    const view = f.readView(1024, 1024);
    f.program(2048, view);
    f.program(4096, view);
    expect(view).toEqual(bytes.subarray(1024, 2048));
    expect(f.read(2048, 1024)).toEqual(new Uint8Array(1024).map((_, i) => bytes[1024 + i] & bytes[2048 + i]));
    expect(f.read(4096, 1024)).toEqual(bytes.subarray(1024, 2048));
    f.restore(snapshot);
    expect(f.readView(2048, 16)).toEqual(bytes.subarray(2048, 2064));
  });

  it('readView copies a range across sectors, and faults on a torn ECC unit as read does', () => {
    const f = new NorFlash({ ...andRule, writeUnit: 8, programRule: 'ecc' });
    const bytes = pattern(f.size, 6);
    f.load(0, bytes);
    expect(f.readView(4096 - 16, 32)).toEqual(bytes.subarray(4096 - 16, 4096 + 16));
    f.erase(0);
    f.armPowerCut({ atOp: 1, outcome: 'torn', seed: 7 });
    expect(() => f.program(64, new Uint8Array(8).fill(0x00))).toThrow(PowerCut);
    expect(() => f.readView(64, 8)).toThrow(EccFault);
    expect(() => f.readView(0, 4096)).toThrow(EccFault);
    expect(f.readView(4096, 16)).toEqual(bytes.subarray(4096, 4096 + 16));
    expect(thrown(() => f.readView(f.size - 8, 16))).toBeInstanceOf(FlashRuleViolation);
  });

  it('peek reads a torn ECC unit without a fault across sectors too, where read faults', () => {
    const f = new NorFlash({ ...andRule, writeUnit: 8, programRule: 'ecc' });
    f.armPowerCut({ atOp: 0, outcome: 'torn', seed: 7 });
    expect(() => f.program(4096 - 8, new Uint8Array(8).fill(0x00))).toThrow(PowerCut);
    expect(() => f.read(4096 - 16, 32)).toThrow(EccFault);
    const across = f.peek(4096 - 16, 32);
    expect(across.subarray(0, 16)).toEqual(f.peek(4096 - 16, 16));
    expect(across.subarray(16)).toEqual(new Uint8Array(16).fill(0xff));
  });
});

describe('contentSpans', () => {
  it('gives one span per sector of the range, with where it starts in the range, and flags a sector with a torn ECC unit', () => {
    const f = new NorFlash({ ...andRule, writeUnit: 8, programRule: 'ecc' });
    const clean = f.contentSpans(4096 - 16, 32);
    expect(clean.map(({ from, length, eccFaults }) => ({ from, length, eccFaults }))).toEqual([
      { from: 0, length: 16, eccFaults: false },
      { from: 16, length: 16, eccFaults: false },
    ]);
    f.armPowerCut({ atOp: 0, outcome: 'torn', seed: 7 });
    expect(() => f.program(4096 - 8, new Uint8Array(8).fill(0x00))).toThrow(PowerCut);
    const torn = f.contentSpans(4096 - 16, 32);
    expect(torn.map((s) => s.eccFaults)).toEqual([true, false]);
    expect(torn[0].handle).not.toBe(clean[0].handle);
    expect(torn[1].handle).toBe(clean[1].handle);
    f.erase(0);
    expect(f.contentSpans(4096 - 16, 32).map((s) => s.eccFaults)).toEqual([false, false]);
  });
});

describe('sameBytes', () => {
  it('refuses the snapshot of a flash of another geometry, with fewer sectors or more', () => {
    const f = new NorFlash(andRule);
    for (const sectors of [[4096], [4096, 4096, 4096]]) {
      const other = new NorFlash({ ...andRule, sectors }).snapshot();
      expect(() => f.sameBytes(other)).toThrow(BootproofError);
      expect(() => f.sameBytes(other)).toThrow('snapshot belongs to a flash of another geometry');
    }
  });

  it('takes two sectors erased since their last write for the same, and an erased one never for a written one', () => {
    const f = new NorFlash(andRule);
    f.load(0, pattern(8192, 7));
    f.erase(4096);
    const erased = f.snapshot();
    f.erase(4096);
    expect(f.sameBytes(erased)).toBe(true);
    // Written with the erased value only: it reads erased, though not erased since its last write.
    f.program(4096, new Uint8Array(4096).fill(0xff));
    expect(f.sameBytes(erased)).toBe(true);
    f.erase(4096);
    f.program(8192 - 4, Uint8Array.of(0xff, 0xff, 0xff, 0xfe));
    expect(f.sameBytes(erased)).toBe(false);
    const written = f.snapshot();
    f.erase(4096);
    expect(f.sameBytes(written)).toBe(false);
    f.restore(erased);
    f.erase(4096);
    expect(f.sameBytes(written)).toBe(false);
  });
});

describe('content keys', () => {
  it('hold one handle per sector a range touches, the same while its bytes do not change', () => {
    const f = new NorFlash(andRule);
    f.load(0, pattern(8192, 4));
    const key = f.contentKey(4000, 200);
    expect(key).toHaveLength(2);
    expect(key.every((handle) => typeof handle === 'object' && handle !== null)).toBe(true);
    expect(sameContentKey(f.contentKey(4000, 200), key)).toBe(true);
    expect(f.contentKey(0, 100)).toHaveLength(1);
    expect(f.contentKey(0, 100)[0]).toBe(key[0]);
    expect(f.contentKey(4096, 4096)[0]).toBe(key[1]);
    expect(f.contentKey(0, 0)).toEqual([]);
    expect(() => f.contentKey(8190, 4)).toThrow(FlashRuleViolation);
  });

  it('change with a program in a sector they name, not with one in another sector, and come back with a restore', () => {
    const f = new NorFlash(andRule);
    f.load(0, pattern(8192, 5));
    const key = f.contentKey(4000, 200);
    // No snapshot was taken: the key alone must keep the program from writing the sector it names in place.
    f.program(4096 + 8, new Uint8Array(4).fill(0x00));
    const programmed = f.contentKey(4000, 200);
    expect(sameContentKey(programmed, key)).toBe(false);
    expect(programmed[0]).toBe(key[0]);
    f.program(0, new Uint8Array(4).fill(0x00));
    expect(sameContentKey(f.contentKey(4000, 200), programmed)).toBe(false);
    const snap = f.snapshot();
    const before = f.contentKey(4000, 200);
    f.erase(4096);
    expect(sameContentKey(f.contentKey(4000, 200), before)).toBe(false);
    f.restore(snap);
    expect(sameContentKey(f.contentKey(4000, 200), before)).toBe(true);
  });

  it('are the same only with the same handles in the same order', () => {
    const [a, b, c] = [{}, {}, {}];
    expect(sameContentKey([a, b], [a, b])).toBe(true);
    expect(sameContentKey([], [])).toBe(true);
    expect(sameContentKey([a], [a, b])).toBe(false);
    expect(sameContentKey([a, b], [a])).toBe(false);
    expect(sameContentKey([a, b], [a, c])).toBe(false);
    expect(sameContentKey([a, b], [b, a])).toBe(false);
    expect(sameContentKey([a], [c])).toBe(false);
  });
});
