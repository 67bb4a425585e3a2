import { describe, expect, it } from 'vitest';
import { Prng } from './prng.ts';

describe('Prng', () => {
  it('replays the same sequence from the same seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    for (let i = 0; i < 100; i++) expect(a.nextU32()).toBe(b.nextU32());
  });

  it('gives different sequences for different seeds, numeric or textual', () => {
    const seqs = [new Prng(1), new Prng(2), new Prng('one'), new Prng('two')].map((p) =>
      Array.from({ length: 8 }, () => p.nextU32()).join(','),
    );
    expect(new Set(seqs).size).toBe(4);
  });

  it('keeps below() within its bound and covers it', () => {
    const p = new Prng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = p.below(10);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(10);
      seen.add(v);
    }
    expect(seen.size).toBe(10);
    expect(() => p.below(0)).toThrow(RangeError);
  });

  it('gives as bytes() the low byte of each nextU32(), and goes on from where bytes() stopped', () => {
    for (const seed of [1, 'image', 0xffff_ffff]) {
      const fast = new Prng(seed);
      const slow = new Prng(seed);
      const bytes = fast.bytes(4099);
      const expected = Uint8Array.from({ length: 4099 }, () => slow.nextU32() & 0xff);
      expect(Buffer.from(bytes).equals(Buffer.from(expected))).toBe(true);
      for (let i = 0; i < 8; i++) expect(fast.nextU32()).toBe(slow.nextU32());
    }
  });
});
