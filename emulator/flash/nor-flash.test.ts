import { describe, expect, it } from 'vitest';
import { EccFault, FlashGeometryError, FlashRuleViolation, NorFlash, PowerCut } from './index.ts';
import type { FlashGeometry } from './types.ts';

const nrf52Like: FlashGeometry = {
  sectors: Array(8).fill(4096),
  writeUnit: 4,
  erasedValue: 0xff,
  programRule: 'and',
  writeBudget: { wordSize: 4, count: 2 },
  eraseTimeUs: 85_000,
  programTimeUs: 41,
  endurance: 10_000,
};

const eccDoubleWord: FlashGeometry = {
  sectors: Array(8).fill(2048),
  writeUnit: 8,
  erasedValue: 0xff,
  programRule: 'ecc',
  eraseTimeUs: 22_000,
  programTimeUs: 82,
  endurance: 10_000,
};

const stm32f4Like: FlashGeometry = {
  sectors: [16384, 16384, 16384, 16384, 65536, 131072, 131072],
  writeUnit: 1,
  erasedValue: 0xff,
  programRule: 'and',
  eraseTimeUs: [250_000, 250_000, 250_000, 250_000, 550_000, 1_100_000, 1_100_000],
  programTimeUs: 16,
  endurance: 10_000,
};

const bytes = (...values: number[]) => Uint8Array.from(values);

function catchError(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('NorFlash geometry', () => {
  it('starts erased, with the sum of its sectors as size', () => {
    const flash = new NorFlash(stm32f4Like);
    expect(flash.size).toBe(4 * 16384 + 65536 + 2 * 131072);
    expect(flash.read(0, 16).every((b) => b === 0xff)).toBe(true);
    const zeroErased = new NorFlash({ ...nrf52Like, erasedValue: 0x00 });
    expect(zeroErased.read(100, 8).every((b) => b === 0)).toBe(true);
  });

  it('finds the sector of an offset in a non-uniform layout', () => {
    const flash = new NorFlash(stm32f4Like);
    expect(flash.sectorAt(0)).toEqual({ index: 0, offset: 0, size: 16384 });
    expect(flash.sectorAt(0x10000)).toEqual({ index: 4, offset: 0x10000, size: 65536 });
    expect(flash.sectorAt(0x20000 + 5)).toEqual({ index: 5, offset: 0x20000, size: 131072 });
    expect(flash.sectorAt(flash.size - 1).index).toBe(6);
  });

  it('refuses a geometry it cannot represent, naming what is wrong', () => {
    expect(() => new NorFlash({ ...nrf52Like, writeUnit: 3 })).toThrow(/write unit 3/);
    expect(() => new NorFlash({ ...nrf52Like, sectors: [4096, 4094] })).toThrow(FlashGeometryError);
    expect(() => new NorFlash({ ...nrf52Like, eraseTimeUs: [1, 2] })).toThrow(/2 erase times for 8 sectors/);
  });
});

describe('NorFlash program rules', () => {
  it('"and": programming only clears bits, so a second program ANDs into the first', () => {
    const flash = new NorFlash({ ...nrf52Like, writeBudget: undefined });
    flash.program(0, bytes(0xf0, 0x0f, 0xff, 0x00));
    flash.program(0, bytes(0x3c, 0xff, 0x0f, 0xff));
    expect([...flash.read(0, 4)]).toEqual([0x30, 0x0f, 0x0f, 0x00]);
  });

  it('"and" on a part that erases to 0x00: programming only sets bits', () => {
    const flash = new NorFlash({ ...nrf52Like, erasedValue: 0x00, writeBudget: undefined });
    flash.program(8, bytes(0x01, 0x10, 0, 0));
    flash.program(8, bytes(0x02, 0x10, 0, 0x80));
    expect([...flash.read(8, 4)]).toEqual([0x03, 0x10, 0, 0x80]);
  });

  it('refuses misaligned programs and erases, naming rule and address', () => {
    const flash = new NorFlash(nrf52Like);
    const misaligned = catchError(() => flash.program(2, bytes(0, 0, 0, 0)));
    expect(misaligned).toBeInstanceOf(FlashRuleViolation);
    expect((misaligned as FlashRuleViolation).rule).toBe('alignment');
    expect((misaligned as FlashRuleViolation).message).toMatch(/0x2/);
    expect(() => flash.program(4, bytes(1, 2))).toThrow(/whole 4-byte write units/);
    const eraseInside = catchError(() => flash.erase(0x1004));
    expect((eraseInside as FlashRuleViolation).rule).toBe('erase-alignment');
    expect(flash.opCount).toBe(0);
  });

  it('refuses reads, programs and erases out of range', () => {
    const flash = new NorFlash(nrf52Like);
    expect((catchError(() => flash.read(flash.size - 2, 4)) as FlashRuleViolation).rule).toBe('range');
    expect((catchError(() => flash.program(flash.size, bytes(0, 0, 0, 0))) as FlashRuleViolation).rule).toBe(
      'range',
    );
    expect((catchError(() => flash.erase(flash.size)) as FlashRuleViolation).rule).toBe('range');
    expect(() => flash.read(-1, 1)).toThrow(FlashRuleViolation);
  });

  it('nRF52 nWRITE: a word may be programmed twice between erases, not three times', () => {
    const flash = new NorFlash(nrf52Like);
    flash.program(0x100, bytes(0xfe, 0xff, 0xff, 0xff));
    flash.program(0x100, bytes(0xfc, 0xff, 0xff, 0xff));
    const third = catchError(() => flash.program(0x100, bytes(0xf8, 0xff, 0xff, 0xff)));
    expect((third as FlashRuleViolation).rule).toBe('write-budget');
    expect((third as FlashRuleViolation).offset).toBe(0x100);
    expect(flash.read(0x100, 1)[0]).toBe(0xfc);
    flash.erase(0);
    flash.program(0x100, bytes(0xf8, 0xff, 0xff, 0xff));
    expect(flash.read(0x100, 1)[0]).toBe(0xf8);
  });

  it('"once": a second program of a unit before erase is a violation, even of all-ones', () => {
    const flash = new NorFlash({ ...eccDoubleWord, programRule: 'once' });
    flash.program(0, new Uint8Array(8).fill(0xff));
    const again = catchError(() => flash.program(0, new Uint8Array(8).fill(0x00)));
    expect((again as FlashRuleViolation).rule).toBe('program-once');
    expect(flash.read(0, 8).every((b) => b === 0xff)).toBe(true);
    flash.program(8, new Uint8Array(16).fill(0x11));
    expect(() => flash.program(16, new Uint8Array(8))).toThrow(/already programmed/);
    flash.erase(0);
    flash.program(0, new Uint8Array(8).fill(0x22));
    expect(flash.read(0, 1)[0]).toBe(0x22);
  });

  it('checks the whole program before changing anything', () => {
    const flash = new NorFlash(eccDoubleWord);
    flash.program(16, new Uint8Array(8));
    expect(() => flash.program(0, new Uint8Array(24).fill(0x5a))).toThrow(FlashRuleViolation);
    expect(flash.read(0, 8).every((b) => b === 0xff)).toBe(true);
    expect(flash.opCount).toBe(1);
  });

  it('programs across a sector boundary in one operation', () => {
    const flash = new NorFlash(nrf52Like);
    flash.program(4092, bytes(1, 2, 3, 4, 5, 6, 7, 8));
    expect([...flash.read(4092, 8)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(flash.opCount).toBe(1);
  });
});

describe('NorFlash journal, time and wear', () => {
  it('journals every operation with index, kind, address, length and virtual start time', () => {
    const flash = new NorFlash(nrf52Like);
    flash.erase(0x1000);
    flash.program(0x1000, new Uint8Array(16));
    flash.advanceCounter(0, 3);
    expect(flash.journal).toEqual([
      { index: 0, kind: 'erase', offset: 0x1000, length: 4096, startUs: 0, result: 'done' },
      { index: 1, kind: 'program', offset: 0x1000, length: 16, startUs: 85_000, result: 'done' },
      { index: 2, kind: 'counter', offset: 0, length: 4, startUs: 85_000 + 4 * 41, result: 'done' },
    ]);
    expect(flash.nowUs).toBe(85_000 + 4 * 41 + 41);
  });

  it('uses per-sector erase times and counts erases against the endurance', () => {
    const flash = new NorFlash({ ...stm32f4Like, endurance: 2 });
    flash.erase(0x20000);
    expect(flash.nowUs).toBe(1_100_000);
    flash.erase(0x20000);
    expect(flash.wornSectors()).toEqual([]);
    flash.erase(0x20000);
    expect(flash.eraseCount(5)).toBe(3);
    expect(flash.wornSectors()).toEqual([5]);
  });

  it('keeps monotonic counters that never go down', () => {
    const flash = new NorFlash(nrf52Like);
    expect(flash.readCounter(1)).toBe(0);
    flash.advanceCounter(1, 5);
    flash.advanceCounter(1, 2);
    expect(flash.readCounter(1)).toBe(5);
    expect(() => flash.advanceCounter(1, -1)).toThrow(/counter 1/);
  });
});

describe('NorFlash power cuts', () => {
  it('not-started: the operation changes nothing and throws PowerCut', () => {
    const flash = new NorFlash(nrf52Like);
    flash.armPowerCut({ atOp: 0, outcome: 'not-started', seed: 1 });
    const cut = catchError(() => flash.program(0, bytes(0, 0, 0, 0)));
    expect(cut).toBeInstanceOf(PowerCut);
    expect((cut as PowerCut).op).toMatchObject({ index: 0, kind: 'program', result: 'not-started' });
    expect(flash.read(0, 4).every((b) => b === 0xff)).toBe(true);
    flash.program(0, bytes(0, 0, 0, 0));
    expect(flash.read(0, 4).every((b) => b === 0)).toBe(true);
  });

  it('completed: the operation finishes, then power goes', () => {
    const flash = new NorFlash(nrf52Like);
    flash.program(0, bytes(0, 0, 0, 0));
    flash.armPowerCut({ atOp: 1, outcome: 'completed', seed: 1 });
    expect(() => flash.erase(0)).toThrow(PowerCut);
    expect(flash.read(0, 4).every((b) => b === 0xff)).toBe(true);
  });

  it('lands on exactly the planned operation', () => {
    const flash = new NorFlash(nrf52Like);
    flash.armPowerCut({ atOp: 2, outcome: 'not-started', seed: 1 });
    flash.program(0, bytes(1, 1, 1, 1));
    flash.program(4, bytes(2, 2, 2, 2));
    expect(() => flash.program(8, bytes(3, 3, 3, 3))).toThrow(PowerCut);
    expect(() => flash.armPowerCut({ atOp: 1, outcome: 'torn', seed: 1 })).toThrow(/in the past/);
  });

  it('torn program: a prefix of units written, then one unit with only some of its bits moved', () => {
    const data = new Uint8Array(256).fill(0x00);
    let sawPartialUnit = false;
    for (let seed = 0; seed < 40; seed++) {
      const flash = new NorFlash({ ...nrf52Like, writeBudget: undefined });
      flash.armPowerCut({ atOp: 0, outcome: 'torn', seed });
      expect(() => flash.program(0x200, data)).toThrow(PowerCut);
      const after = flash.read(0x200, 256);
      const firstNotDone = after.findIndex((b) => b !== 0x00);
      const tornUnit = Math.floor((firstNotDone === -1 ? 252 : firstNotDone) / 4);
      for (let i = 0; i < tornUnit * 4; i++) expect(after[i]).toBe(0x00);
      for (let i = (tornUnit + 1) * 4; i < 256; i++) expect(after[i]).toBe(0xff);
      const partial = after.subarray(tornUnit * 4, tornUnit * 4 + 4);
      if (partial.some((b) => b !== 0x00 && b !== 0xff)) sawPartialUnit = true;
    }
    expect(sawPartialUnit).toBe(true);
  });

  it('torn program in a chosen shape: k whole units, then the torn unit as before, weakly programmed or half written', () => {
    const data = bytes(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc);
    const tear = (shape: { units: number; unit: 'ones' | 'weak' | 'half' }, geometry = nrf52Like) => {
      const flash = new NorFlash(geometry);
      flash.armPowerCut({ atOp: 0, outcome: 'torn', seed: 1, tear: shape });
      expect(() => flash.program(0x100, data)).toThrow(PowerCut);
      return [...flash.peek(0x100, 12)];
    };
    const rest = [0xff, 0xff, 0xff, 0xff];
    expect(tear({ units: 1, unit: 'ones' })).toEqual([0x11, 0x22, 0x33, 0x44, ...rest, ...rest]);
    // weak: only the bit changes of bits 0-3 landed (0x55 → 0xf5, 0x66 → 0xf6 …): never a bit the data leaves erased.
    expect(tear({ units: 1, unit: 'weak' })).toEqual([0x11, 0x22, 0x33, 0x44, 0xf5, 0xf6, 0xf7, 0xf8, ...rest])
    expect(tear({ units: 2, unit: 'half' })).toEqual([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xff, 0xff]);
    const beyond = new NorFlash(nrf52Like);
    beyond.armPowerCut({ atOp: 0, outcome: 'torn', seed: 1, tear: { units: 3, unit: 'half' } });
    expect(() => beyond.program(0x100, data)).toThrow(/3 whole units of a 3-unit program/);
    // On an ECC part the torn unit reads back as an ECC fault, whatever it holds.
    const flash = new NorFlash(eccDoubleWord);
    flash.armPowerCut({ atOp: 0, outcome: 'torn', seed: 1, tear: { units: 0, unit: 'ones' } });
    expect(() => flash.program(0x100, new Uint8Array(16).fill(0x5a))).toThrow(PowerCut);
    expect(() => flash.read(0x100, 8)).toThrow(EccFault);
    expect([...flash.read(0x108, 8)]).toEqual(new Array(8).fill(0xff));
  });

  it('torn outcomes replay exactly from the seed and differ across seeds', () => {
    const run = (seed: number) => {
      const flash = new NorFlash(nrf52Like);
      flash.program(0, new Uint8Array(4096).fill(0x00));
      flash.armPowerCut({ atOp: 1, outcome: 'torn', seed });
      expect(() => flash.erase(0)).toThrow(PowerCut);
      return Buffer.from(flash.read(0, 4096)).toString('hex');
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });

  it('torn erase: the sector reads neither old nor erased, and neighbours are untouched', () => {
    const flash = new NorFlash(nrf52Like);
    flash.program(0x1000, new Uint8Array(4096).fill(0x00));
    flash.program(0x2000, new Uint8Array(16).fill(0x00));
    flash.armPowerCut({ atOp: 2, outcome: 'torn', seed: 3 });
    expect(() => flash.erase(0x1000)).toThrow(PowerCut);
    const sector = flash.read(0x1000, 4096);
    expect(sector.some((b) => b !== 0x00)).toBe(true);
    expect(sector.some((b) => b !== 0xff)).toBe(true);
    expect(flash.read(0x2000, 16).every((b) => b === 0x00)).toBe(true);
    expect(flash.journal.at(-1)?.result).toBe('torn');
  });

  it('ecc: a torn program leaves a unit that reads as an ECC fault until the sector is erased', () => {
    const flash = new NorFlash(eccDoubleWord);
    flash.armPowerCut({ atOp: 0, outcome: 'torn', seed: 11 });
    expect(() => flash.program(0, new Uint8Array(64).fill(0x42))).toThrow(PowerCut);
    const fault = catchError(() => flash.read(0, 64));
    expect(fault).toBeInstanceOf(EccFault);
    expect((fault as EccFault).offset % 8).toBe(0);
    expect(flash.peek(0, 64)).toHaveLength(64);
    expect(() => flash.read(1024, 8)).not.toThrow();
    flash.erase(0);
    expect(flash.read(0, 64).every((b) => b === 0xff)).toBe(true);
  });

  it('ecc: a torn erase makes every unit of the sector fault and unprogrammable', () => {
    const flash = new NorFlash(eccDoubleWord);
    flash.program(2048, new Uint8Array(8));
    flash.armPowerCut({ atOp: 1, outcome: 'torn', seed: 5 });
    expect(() => flash.erase(2048)).toThrow(PowerCut);
    expect(() => flash.read(2048 + 1000, 1)).toThrow(EccFault);
    expect(() => flash.program(2048 + 1000, new Uint8Array(8))).toThrow(/already programmed/);
  });

  it('torn counter advance leaves a value between old and new', () => {
    const values = new Set<number>();
    for (let seed = 0; seed < 30; seed++) {
      const flash = new NorFlash(nrf52Like);
      flash.advanceCounter(0, 10);
      flash.armPowerCut({ atOp: 1, outcome: 'torn', seed });
      expect(() => flash.advanceCounter(0, 20)).toThrow(PowerCut);
      const value = flash.readCounter(0);
      expect(value).toBeGreaterThanOrEqual(10);
      expect(value).toBeLessThanOrEqual(20);
      values.add(value);
    }
    expect(values.size).toBeGreaterThan(3);
  });
});

describe('NorFlash snapshots', () => {
  it('restores data, counters, wear, journal, op count and clock', () => {
    const flash = new NorFlash(nrf52Like);
    flash.program(0, bytes(1, 2, 3, 4));
    flash.advanceCounter(0, 1);
    const snap = flash.snapshot();
    flash.erase(0);
    flash.program(0x1000, bytes(9, 9, 9, 9));
    flash.advanceCounter(0, 9);
    flash.restore(snap);
    expect([...flash.read(0, 4)]).toEqual([1, 2, 3, 4]);
    expect(flash.read(0x1000, 4).every((b) => b === 0xff)).toBe(true);
    expect(flash.readCounter(0)).toBe(1);
    expect(flash.eraseCount(0)).toBe(0);
    expect(flash.journal).toHaveLength(2);
    expect(flash.opCount).toBe(2);
    expect(flash.nowUs).toBe(snap.nowUs);
  });

  it('a snapshot stays intact while the flash changes and can be restored many times', () => {
    const flash = new NorFlash(eccDoubleWord);
    flash.program(0, new Uint8Array(8).fill(0x10));
    const snap = flash.snapshot();
    for (let round = 0; round < 3; round++) {
      flash.erase(0);
      flash.program(0, new Uint8Array(8).fill(round));
      flash.restore(snap);
      expect(flash.read(0, 1)[0]).toBe(0x10);
      // The per-unit once-rule state comes back too: the unit is programmed again.
      expect(() => flash.program(0, new Uint8Array(8))).toThrow(/already programmed/);
    }
  });

  it('a snapshot before every operation shares one journal: each fork and each handed-out journal sees only its own operations', () => {
    const flash = new NorFlash(nrf52Like);
    const snaps = [];
    for (let i = 0; i < 6; i++) {
      snaps.push(flash.snapshot());
      flash.program(i * 4, bytes(i, i, i, i));
    }
    // One array for all six snapshots (copying it at each made a recording quadratic in memory).
    expect(new Set(snaps.map((snap) => snap.journal)).size).toBe(1);
    const recorded = flash.journal;
    expect(recorded.map((op) => op.offset)).toEqual([0, 4, 8, 12, 16, 20]);
    flash.restore(snaps[2]!);
    flash.erase(0x1000);
    expect(flash.journal.map((op) => op.kind)).toEqual(['program', 'program', 'erase']);
    flash.restore(snaps[5]!);
    expect(flash.journal.map((op) => op.offset)).toEqual([0, 4, 8, 12, 16]);
    flash.program(0x100, bytes(7, 7, 7, 7));
    expect(flash.journal.map((op) => op.offset)).toEqual([0, 4, 8, 12, 16, 0x100]);
    flash.restore(snaps[2]!);
    expect(flash.journal.map((op) => op.offset)).toEqual([0, 4]);
    expect(recorded.map((op) => op.offset)).toEqual([0, 4, 8, 12, 16, 20]);
    expect(flash.opCount).toBe(2);
  });

  it('a journal once handed out never grows: the next operation appends to a copy', () => {
    const flash = new NorFlash(nrf52Like);
    flash.program(0, bytes(1, 1, 1, 1));
    const handed = flash.journal;
    flash.program(4, bytes(2, 2, 2, 2));
    expect(handed.map((op) => op.offset)).toEqual([0]);
    expect(flash.journal.map((op) => op.offset)).toEqual([0, 4]);
  });

  it('a torn erase of a chosen shape clears eighths/8 of the bits, the same bits whatever the seed', () => {
    const shapes = [1, 7].map((eighths) =>
      [3, 99].map((seed) => {
        const flash = new NorFlash(nrf52Like);
        flash.program(0, new Uint8Array(4096));
        flash.armPowerCut({ atOp: 1, outcome: 'torn', seed, tear: { eighths } });
        expect(() => flash.erase(0)).toThrow(PowerCut);
        const data = flash.peek(0, 4096);
        let ones = 0;
        for (const b of data) for (let bit = 0; bit < 8; bit++) ones += (b >> bit) & 1;
        return { fraction: ones / (4096 * 8), data: [...data] };
      }),
    );
    const [few, most] = shapes as [{ fraction: number; data: number[] }[], { fraction: number; data: number[] }[]];
    for (const run of few) expect(Math.abs(run.fraction - 1 / 8)).toBeLessThan(0.04);
    for (const run of most) expect(Math.abs(run.fraction - 7 / 8)).toBeLessThan(0.04);
    expect(few[0]!.data).toEqual(few[1]!.data);
    expect(most[0]!.data).toEqual(most[1]!.data);
    // The bits come from the operation's index: the same shape one operation later tears other bits.
    const later = new NorFlash(nrf52Like);
    later.program(0, new Uint8Array(4096));
    later.program(0x1000, bytes(0, 0, 0, 0));
    later.armPowerCut({ atOp: 2, outcome: 'torn', seed: 3, tear: { eighths: 1 } });
    expect(() => later.erase(0)).toThrow(PowerCut);
    expect([...later.peek(0, 4096)]).not.toEqual(few[0]!.data);
  });

  it('restore disarms a pending power cut', () => {
    const flash = new NorFlash(nrf52Like);
    const snap = flash.snapshot();
    flash.armPowerCut({ atOp: 0, outcome: 'not-started', seed: 0 });
    flash.restore(snap);
    expect(() => flash.program(0, bytes(0, 0, 0, 0))).not.toThrow();
  });
});

describe('NorFlash factory load', () => {
  it('writes without an operation and leaves all-erased units programmable', () => {
    const flash = new NorFlash(eccDoubleWord);
    const image = new Uint8Array(32).fill(0xff);
    image.fill(0x12, 0, 8);
    flash.load(0, image);
    expect(flash.opCount).toBe(0);
    expect(flash.read(0, 1)[0]).toBe(0x12);
    expect(() => flash.program(0, new Uint8Array(8))).toThrow(FlashRuleViolation);
    expect(() => flash.program(8, new Uint8Array(8))).not.toThrow();
  });
});
