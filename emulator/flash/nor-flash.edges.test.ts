// Edges of the flash model that mutation testing showed no other test pinned: each geometry check with its
// message, the range checks of sectorAt/load/restore, a torn counter advance, the exact span of an ECC check.
import { describe, expect, it } from 'vitest';
import { EccFault, FlashGeometryError, FlashRuleViolation, NorFlash, PowerCut } from './index.ts';
import { thrown } from './test/helpers.ts';
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
    // Divides every sector but is no power of two; a fraction that divides them too.
    [{ sectors: [24576, 24576], writeBudget: { wordSize: 12, count: 2 } }, 'write budget word size 12 must be a power of two'],
    [{ writeBudget: { wordSize: 0.5, count: 2 } }, 'write budget word size 0.5 must be a power of two'],
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
    expect((thrown(() => f.load(4, new Uint8Array(8))) as FlashRuleViolation).rule).toBe('alignment');
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
      expect(() => f.advanceCounter(3, 5)).toThrow(PowerCut);
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

const andRule: FlashGeometry = { ...base, writeUnit: 4, programRule: 'and' };

describe('rule violations name the rule, the offset and the detail', () => {
  it('refuses a program that is empty or not on whole write units, whatever the program rule', () => {
    for (const geometry of [andRule, base]) {
      const unit = geometry.writeUnit;
      const f = new NorFlash(geometry);
      for (const [offset, length] of [
        [0, 0],
        [1, unit],
        [0, unit + 1],
      ]) {
        const error = thrown(() => f.program(offset, new Uint8Array(length))) as FlashRuleViolation;
        expect(error).toBeInstanceOf(FlashRuleViolation);
        expect(error.rule).toBe('alignment');
        expect(error.message).toContain(`program of ${length} bytes must start on and cover whole ${unit}-byte write units`);
      }
      expect(f.opCount).toBe(0);
    }
  });

  it('names the sector an erase fell inside', () => {
    const error = thrown(() => new NorFlash(base).erase(4100)) as FlashRuleViolation;
    expect(error.rule).toBe('erase-alignment');
    expect(error.message).toContain('erase must name a sector start; 0x1004 is inside sector 1 at 0x1000');
  });

  it('refuses counter ids and values a 32-bit counter cannot hold, and takes its edges', () => {
    const f = new NorFlash(base);
    for (const [id, value] of [
      [-1, 1],
      [1.5, 1],
      [0, -1],
      [0, 2.5],
      [0, 0x1_0000_0000],
      [0, Number.NaN],
    ]) {
      const error = thrown(() => f.advanceCounter(id, value)) as FlashRuleViolation;
      expect(error.rule).toBe('counter-range');
      expect(error.message).toContain(`counter ${id} cannot hold ${value} (unsigned 32-bit)`);
    }
    expect(f.opCount).toBe(0);
    f.advanceCounter(0, 0xffff_ffff);
    expect(f.readCounter(0)).toBe(0xffff_ffff);
  });

  it('checks every range it is given', () => {
    const f = new NorFlash(base);
    for (const [offset, length] of [
      [1.5, 1],
      [0, 1.5],
      [-1, 1],
      [0, -1],
    ]) {
      const error = thrown(() => f.read(offset, length)) as FlashRuleViolation;
      expect(error.rule).toBe('range');
      expect(error.message).toContain(`bad range (offset ${offset}, length ${length})`);
    }
    expect([...f.read(8192, 0)]).toEqual([]);
  });

  it('points a program-once violation at the unit, in any sector', () => {
    const f = new NorFlash(base);
    f.program(4096 + 24, new Uint8Array(8).fill(0));
    const error = thrown(() => f.program(4096 + 16, new Uint8Array(16).fill(0))) as FlashRuleViolation;
    expect(error.rule).toBe('program-once');
    expect(error.offset).toBe(4096 + 24);
    expect(error.message).toContain("the 8-byte write unit was already programmed since its last erase (rule 'ecc')");
  });

  it('counts a write budget per word and says how often the word was written', () => {
    const f = new NorFlash({ ...andRule, writeBudget: { wordSize: 8, count: 2 } });
    f.program(4096 + 8, new Uint8Array(4).fill(0xf0));
    f.program(4096 + 12, new Uint8Array(4).fill(0x0f));
    const error = thrown(() => f.program(4096 + 8, new Uint8Array(4).fill(0))) as FlashRuleViolation;
    expect(error.rule).toBe('write-budget');
    expect(error.offset).toBe(4096 + 8);
    expect(error.message).toContain('the 8-byte word was already programmed 2 times since its last erase (budget 2)');
  });
});

describe('rule and', () => {
  it('loads without tracking units, and programs over programmed bits', () => {
    const f = new NorFlash(andRule);
    f.load(0, new Uint8Array([0xf0, 0xff, 0x0f, 0xff]));
    f.program(0, new Uint8Array([0x3c, 0x00, 0xff, 0xff]));
    expect([...f.read(0, 4)]).toEqual([0x30, 0x00, 0x0f, 0xff]);
  });

  it('programs only the bytes it is given, from any alignment of source and destination, across a sector boundary', () => {
    // Source bytes that start on and off a word boundary of their buffer, written to destinations on and off one,
    // some across the boundary between the two sectors (each span then starts part-way into the source).
    const backing = Uint8Array.from({ length: 64 }, (_, i) => i);
    for (const [offset, srcStart, length] of [
      [4096 - 20, 2, 40],
      [2 * 4096 - 23, 1, 20],
      [1, 0, 20],
      [4096 - 1, 1, 20],
      [4096 - 2, 2, 20],
      [4, 0, 3],
    ]) {
      const f = new NorFlash({ ...andRule, writeUnit: 1 });
      const data = backing.subarray(srcStart, srcStart + length);
      f.program(offset, data);
      const from = Math.max(offset - 1, 0);
      const to = Math.min(offset + length + 1, f.size);
      const expected = [...f.peek(from, to - from)].map((_, i) => {
        const at = from + i - offset;
        return at >= 0 && at < length ? data[at] : 0xff;
      });
      expect([...f.read(from, to - from)], `${length} bytes at ${offset} from source offset ${srcStart}`).toEqual(expected);
    }
  });
});

describe('a loaded unit', () => {
  it('keeps the state of the unit after the loaded range', () => {
    const f = new NorFlash(base);
    f.program(8, new Uint8Array(8).fill(0xff)); // programmed, though it still reads erased
    f.load(0, new Uint8Array(8).fill(0x12));
    expect(thrown(() => f.program(8, new Uint8Array(8).fill(0))).message).toContain('already programmed');
  });
});

describe('power cuts', () => {
  it('a disarmed cut does not land', () => {
    const f = new NorFlash(base);
    f.armPowerCut({ atOp: 0, outcome: 'not-started', seed: 1 });
    f.disarmPowerCut();
    f.program(0, new Uint8Array(8).fill(0));
    expect([...f.read(0, 1)]).toEqual([0]);
  });

  it('takes no time for an operation that never started, and the full time for one that did', () => {
    for (const [outcome, time] of [
      ['not-started', 0],
      ['torn', 10],
      ['completed', 10],
    ] as const) {
      const f = new NorFlash(base);
      f.armPowerCut({ atOp: 0, outcome, seed: 1 });
      expect(() => f.program(0, new Uint8Array(8).fill(0))).toThrow(PowerCut);
      expect(f.nowUs).toBe(time);
    }
  });

  it('on a part without ECC, a torn unit reads back without a fault', () => {
    const f = new NorFlash({ ...base, programRule: 'once' });
    f.armPowerCut({ atOp: 0, outcome: 'torn', seed: 3 });
    expect(() => f.program(0, new Uint8Array(8).fill(0))).toThrow(PowerCut);
    expect(() => f.read(0, 8)).not.toThrow();
    expect(() => f.program(0, new Uint8Array(8).fill(0))).toThrow('already programmed');
  });

  it('without a journal, keeps none and still says where the cut landed', () => {
    const f = new NorFlash(base, { journal: false });
    f.program(0, new Uint8Array(8).fill(0));
    f.armPowerCut({ atOp: 1, outcome: 'torn', seed: 3 });
    const cut = thrown(() => f.erase(4096)) as PowerCut;
    expect(cut).toBeInstanceOf(PowerCut);
    expect(cut.op).toEqual({ index: 1, kind: 'erase', offset: 4096, length: 4096, startUs: 10, result: 'torn' });
    expect(f.journal).toEqual([]);
  });
});

describe('snapshots', () => {
  it('are not changed by what happens after them: data, counters, erase counts, journal, clock', () => {
    const f = new NorFlash(base);
    f.program(0, new Uint8Array(8).fill(0x11));
    f.advanceCounter(2, 5);
    f.erase(4096);
    const snap = f.snapshot();
    const before = { data: [...f.peek(0, 16)], counter: f.readCounter(2), erases: f.eraseCount(1), journal: f.journal.length, now: f.nowUs };
    f.program(8, new Uint8Array(8).fill(0x22));
    f.advanceCounter(2, 9);
    f.erase(4096);
    f.erase(0);
    f.restore(snap);
    const after = { data: [...f.peek(0, 16)], counter: f.readCounter(2), erases: f.eraseCount(1), journal: f.journal.length, now: f.nowUs };
    expect(after).toEqual(before);
    expect(f.eraseCount(0)).toBe(0);
    // A second restore of the same snapshot after more changes gives the same state again.
    f.advanceCounter(2, 7);
    f.erase(4096);
    f.restore(snap);
    expect(f.readCounter(2)).toBe(5);
    expect(f.eraseCount(1)).toBe(1);
    expect(f.journal.length).toBe(before.journal);
  });

  it('compare with the live flash byte for byte, shared sectors or not (sameBytes), and in place (matches)', () => {
    const f = new NorFlash(andRule);
    f.load(0, new Uint8Array(8192).fill(0x5a));
    const snap = f.snapshot();
    expect(f.sameBytes(snap)).toBe(true);
    f.program(4096 + 8, Uint8Array.of(0x5a, 0x5a, 0x5a, 0x58));
    expect(f.sameBytes(snap)).toBe(false);
    expect(f.matches(4090, new Uint8Array(14).fill(0x5a))).toBe(true);
    expect(f.matches(4090, new Uint8Array(18).fill(0x5a))).toBe(false);
    // Erased and programmed back to the same bytes: another sector object, the same contents.
    f.erase(4096);
    f.program(4096, new Uint8Array(4096).fill(0x5a));
    expect(f.sameBytes(snap)).toBe(true);
    expect(f.matches(0, new Uint8Array(8192).fill(0x5a))).toBe(true);
    expect(() => f.matches(8190, new Uint8Array(4))).toThrow(FlashRuleViolation);
  });

  it('are never changed by sectors a restore frees and a later erase reuses', () => {
    const f = new NorFlash(andRule);
    f.load(0, new Uint8Array(8192).fill(0x11));
    const factory = f.snapshot();
    f.erase(0);
    f.program(0, new Uint8Array(4096).fill(0x22));
    const second = f.snapshot();
    f.erase(4096);
    f.program(4096, new Uint8Array(4096).fill(0x33));
    // Back to the factory: the sector holding 0x33 was never shared and is free; the one holding 0x22 is the second snapshot's.
    f.restore(factory);
    f.erase(0);
    expect(f.peek(0, 4096)).toEqual(new Uint8Array(4096).fill(0xff));
    f.program(0, new Uint8Array(4096).fill(0x44));
    f.erase(4096);
    f.program(4096, new Uint8Array(4096).fill(0x55));
    f.restore(second);
    expect([f.peek(0, 1)[0], f.peek(4096, 1)[0]]).toEqual([0x22, 0x11]);
    f.restore(factory);
    expect([f.peek(0, 1)[0], f.peek(4096, 1)[0]]).toEqual([0x11, 0x11]);
  });

  it('keep the write budget spent: a word programmed to its budget before a snapshot refuses a program after a restore', () => {
    const f = new NorFlash({ ...andRule, writeBudget: { wordSize: 4, count: 2 } });
    f.program(4096, new Uint8Array(4).fill(0xf0));
    f.program(4096, new Uint8Array(4).fill(0x0f));
    const spent = f.snapshot();
    f.erase(4096);
    f.program(4096, new Uint8Array(4).fill(0));
    f.restore(spent);
    expect(f.peek(4096, 4)).toEqual(new Uint8Array(4).fill(0x00));
    expect((thrown(() => f.program(4096, new Uint8Array(4).fill(0))) as FlashRuleViolation).rule).toBe('write-budget');
    // The erase after the snapshot gave its sector a fresh budget, and the snapshot's sector kept its own.
    f.erase(4096);
    f.program(4096, new Uint8Array(4).fill(0x3c));
    f.program(4096, new Uint8Array(4).fill(0x0c));
    expect(f.peek(4096, 4)).toEqual(new Uint8Array(4).fill(0x0c));
  });
});
