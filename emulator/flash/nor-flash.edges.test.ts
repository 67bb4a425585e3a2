// Edges of the flash model that mutation testing showed no other test pinned: each geometry check with its
// message, the range checks of sectorAt/load/restore, a torn counter advance, the exact span of an ECC check.
import { describe, expect, it } from 'vitest';
import { EccFault, FlashGeometryError, FlashRuleViolation, NorFlash } from './index.ts';
import type { FlashGeometry } from './types.ts';

const base: FlashGeometry = {
  sectors: [4096, 4096],
  writeUnit: 8,
  erasedValue: 0xff,
  programRule: 'ecc',
  eraseTimeUs: 1000,
  programTimeUs: 10,
  endurance: 10_000,
};

describe('geometry checks, each with what it expected', () => {
  it.each([
    [{ writeUnit: 3 }, 'write unit 3 is not one of 1, 2, 4, 8, 16, 32'],
    [{ sectors: [] }, 'no sectors'],
    [{ sectors: [4096, 0] }, 'sector 1 size 0 is not a positive multiple of the write unit 8'],
    [{ sectors: [-8] }, 'sector 0 size -8 is not a positive multiple'],
    [{ sectors: [4095.5] }, 'sector 0 size 4095.5 is not a positive multiple'],
    [{ sectors: [4100] }, 'sector 0 size 4100 is not a positive multiple of the write unit 8'],
    [{ erasedValue: 0x0f }, 'erased value 15 is not 0xff or 0x00'],
    [{ programRule: 'xor' }, "program rule 'xor' is unknown"],
    [{ eraseTimeUs: [1000] }, '1 erase times for 2 sectors'],
    [{ writeBudget: { wordSize: 4, count: 0 } }, 'write budget count 0 must be at least 1'],
    [{ writeBudget: { wordSize: 4, count: 1.5 } }, 'write budget count 1.5 must be at least 1'],
    [{ writeBudget: { wordSize: 3, count: 2 } }, 'write budget word size 3 must be a power of two'],
    [{ sectors: [4096, 8], writeBudget: { wordSize: 16, count: 2 } }, 'write budget word size 16 must be a power of two dividing'],
  ] as [Partial<FlashGeometry>, string][])('%j: %s', (change, message) => {
    expect(() => new NorFlash({ ...base, ...change } as FlashGeometry)).toThrow(FlashGeometryError);
    expect(() => new NorFlash({ ...base, ...change } as FlashGeometry)).toThrow(message);
  });

  it('accepts the edges of what is allowed', () => {
    expect(() => new NorFlash({ ...base, eraseTimeUs: [1, 2] })).not.toThrow();
    expect(() => new NorFlash({ ...base, writeBudget: { wordSize: 4096, count: 1 } })).not.toThrow();
    expect(() => new NorFlash({ ...base, erasedValue: 0x00, programRule: 'and' })).not.toThrow();
  });
});

describe('ranges', () => {
  const flash = new NorFlash(base);

  it('finds the sector of every offset inside the flash, and only inside', () => {
    expect(flash.sectorAt(0)).toEqual({ index: 0, offset: 0, size: 4096 });
    expect(flash.sectorAt(4095).index).toBe(0);
    expect(flash.sectorAt(4096)).toEqual({ index: 1, offset: 4096, size: 4096 });
    expect(flash.sectorAt(8191).index).toBe(1);
    for (const bad of [-1, 8192, 1.5, Number.NaN]) {
      expect(() => flash.sectorAt(bad)).toThrow(FlashRuleViolation);
      expect(() => flash.sectorAt(bad)).toThrow('offset outside the flash (size 0x2000)');
    }
  });

  it('loads whole write units inside the flash only', () => {
    const f = new NorFlash(base);
    expect(() => f.load(8184, new Uint8Array(16))).toThrow('run past the end of the flash');
    expect(() => f.load(4, new Uint8Array(8))).toThrow('load must cover whole 8-byte write units');
    expect(() => f.load(8, new Uint8Array(4))).toThrow('load must cover whole 8-byte write units');
    f.load(4088, new Uint8Array(16).fill(0x5a));
    expect([...f.read(4086, 4)]).toEqual([0xff, 0xff, 0x5a, 0x5a]);
  });

  it('leaves a loaded unit that is all erased programmable, even when the next unit starts programmed', () => {
    const f = new NorFlash(base);
    const bytes = new Uint8Array(16).fill(0xff);
    bytes[8] = 0x00;
    f.load(0, bytes);
    f.program(0, new Uint8Array(8).fill(0x11));
    expect(() => f.program(8, new Uint8Array(8).fill(0x11))).toThrow(FlashRuleViolation);
    // A unit whose last byte alone is programmed is programmed.
    const last = new Uint8Array(8).fill(0xff);
    last[7] = 0x00;
    f.load(16, last);
    expect(() => f.program(16, new Uint8Array(8).fill(0x11))).toThrow(FlashRuleViolation);
  });

  it('restores only its own geometry, and a restore disarms a cut', () => {
    const a = new NorFlash(base);
    const b = new NorFlash({ ...base, sectors: [4096, 4096, 4096] });
    expect(() => b.restore(a.snapshot())).toThrow('snapshot belongs to a flash of another geometry');
    const snap = a.snapshot();
    a.armPowerCut({ atOp: 0, outcome: 'not-started', seed: 1 });
    a.restore(snap);
    expect(a.armedCut).toBeUndefined();
    a.program(0, new Uint8Array(8).fill(0));
    expect([...a.read(0, 2)]).toEqual([0, 0]);
  });
});

describe('monotonic counters', () => {
  it('never move down, not even when the advance to a lower value is torn', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const f = new NorFlash(base);
      f.advanceCounter(3, 10);
      f.armPowerCut({ atOp: f.opCount, outcome: 'torn', seed });
      expect(() => f.advanceCounter(3, 5)).toThrow();
      expect(f.readCounter(3)).toBe(10);
    }
    const f = new NorFlash(base);
    f.advanceCounter(3, 10);
    f.advanceCounter(3, 4);
    expect(f.readCounter(3)).toBe(10);
  });

  it('a torn advance ends between the old value and the new one', () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) {
      const f = new NorFlash(base);
      f.advanceCounter(0, 100);
      f.armPowerCut({ atOp: f.opCount, outcome: 'torn', seed });
      expect(() => f.advanceCounter(0, 110)).toThrow();
      const value = f.readCounter(0);
      expect(value).toBeGreaterThanOrEqual(100);
      expect(value).toBeLessThanOrEqual(110);
      seen.add(value);
    }
    expect(seen.size).toBeGreaterThan(2);
  });
});

describe('ECC faults cover exactly the torn unit', () => {
  function tornAt(offset: number): NorFlash {
    const f = new NorFlash(base);
    f.armPowerCut({ atOp: f.opCount, outcome: 'torn', seed: 7 });
    expect(() => f.program(offset, new Uint8Array(8).fill(0x00))).toThrow();
    return f;
  }

  it('reads the units around a torn one, and faults on any byte of it', () => {
    const f = tornAt(16);
    expect(() => f.read(0, 16)).not.toThrow();
    expect(() => f.read(8, 8)).not.toThrow();
    expect(() => f.read(24, 8)).not.toThrow();
    expect(() => f.read(24, 4064)).not.toThrow();
    for (const [offset, length] of [
      [16, 1],
      [23, 1],
      [15, 2],
      [20, 2],
      [0, 4096],
    ]) {
      expect(() => f.read(offset, length)).toThrow(EccFault);
    }
    expect(() => f.peek(16, 8)).not.toThrow();
  });

  it('names the torn unit in the fault, in the second sector too', () => {
    const f = tornAt(4096 + 8);
    expect(() => f.read(4096, 8)).not.toThrow();
    try {
      f.read(4096, 32);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EccFault);
      expect((error as EccFault).message).toContain('0x1008');
    }
  });
});
