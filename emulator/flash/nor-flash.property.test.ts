/**
 * Random operation sequences against a plain reference model of NOR semantics, with random power cuts and seeds.
 * The reference is deliberately naive (whole-array copies, per-unit counters) so it is easy to believe.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EccFault, FlashRuleViolation, NorFlash, PowerCut } from './index.ts';
import type { CutOutcome, FlashGeometry, ProgramRule } from './types.ts';

class ReferenceNor {
  data: Uint8Array;
  units: Uint8Array;
  words: Uint8Array;
  counters = new Map<number, number>();
  readonly starts: number[] = [];

  constructor(readonly g: FlashGeometry) {
    let at = 0;
    for (const size of g.sectors) {
      this.starts.push(at);
      at += size;
    }
    this.data = new Uint8Array(at).fill(g.erasedValue);
    this.units = new Uint8Array(at / g.writeUnit);
    this.words = new Uint8Array(g.writeBudget ? at / g.writeBudget.wordSize : 0);
  }

  /** Returns the rule the program would break, or undefined. */
  ruleBroken(offset: number, data: Uint8Array): string | undefined {
    const u = this.g.writeUnit;
    if (this.g.programRule !== 'and') {
      for (let i = offset / u; i < (offset + data.length) / u; i++) if (this.units[i]) return 'program-once';
    }
    const budget = this.g.writeBudget;
    if (budget) {
      for (let w = Math.floor(offset / budget.wordSize); w <= Math.floor((offset + data.length - 1) / budget.wordSize); w++) {
        if (this.words[w] >= budget.count) return 'write-budget';
      }
    }
    return undefined;
  }

  program(offset: number, data: Uint8Array): void {
    const u = this.g.writeUnit;
    data.forEach((b, i) => {
      this.data[offset + i] = this.g.erasedValue === 0xff ? this.data[offset + i] & b : this.data[offset + i] | b;
    });
    for (let i = offset / u; i < (offset + data.length) / u; i++) this.units[i] = 1;
    const budget = this.g.writeBudget;
    if (budget) {
      for (let w = Math.floor(offset / budget.wordSize); w <= Math.floor((offset + data.length - 1) / budget.wordSize); w++) {
        this.words[w]++;
      }
    }
  }

  erase(sector: number): void {
    const start = this.starts[sector];
    const size = this.g.sectors[sector];
    this.data.fill(this.g.erasedValue, start, start + size);
    this.units.fill(0, start / this.g.writeUnit, (start + size) / this.g.writeUnit);
    if (this.g.writeBudget) {
      const w = this.g.writeBudget.wordSize;
      this.words.fill(0, start / w, (start + size) / w);
    }
  }

  clone(): ReferenceNor {
    const copy = new ReferenceNor(this.g);
    copy.data = this.data.slice();
    copy.units = this.units.slice();
    copy.words = this.words.slice();
    copy.counters = new Map(this.counters);
    return copy;
  }
}

type Op =
  | { kind: 'program'; unit: number; units: number; fill: number; seedByte: number }
  | { kind: 'erase'; sector: number }
  | { kind: 'counter'; id: number; value: number }
  | { kind: 'snapshot' }
  | { kind: 'restore'; which: number }
  | { kind: 'cut'; ahead: number; outcome: CutOutcome; seed: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('program' as const), unit: fc.oneof(fc.nat(7), fc.nat()), units: fc.integer({ min: 1, max: 6 }), fill: fc.nat(255), seedByte: fc.nat(255) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('erase' as const), sector: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('counter' as const), id: fc.nat(2), value: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('snapshot' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restore' as const), which: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('cut' as const),
      ahead: fc.nat(3),
      outcome: fc.constantFrom<CutOutcome>('not-started', 'completed', 'torn'),
      seed: fc.nat(),
    }),
  },
);

function geometry(rule: ProgramRule, writeUnit: number, erasedValue: 0 | 0xff, uniform: boolean): FlashGeometry {
  return {
    sectors: uniform ? [512, 512, 512, 512] : [256, 256, 512, 1024],
    writeUnit,
    erasedValue,
    programRule: rule,
    writeBudget: rule === 'and' && writeUnit <= 4 ? { wordSize: 4, count: 2 } : undefined,
    eraseTimeUs: 100,
    programTimeUs: 1,
    endurance: 1000,
  };
}

const geometryArb = fc
  .record({
    rule: fc.constantFrom<ProgramRule>('and', 'once', 'ecc'),
    writeUnit: fc.constantFrom(1, 2, 4, 8, 16, 32),
    erased: fc.constantFrom<0 | 0xff>(0xff, 0x00),
    uniform: fc.boolean(),
  })
  .map(({ rule, writeUnit, erased, uniform }) => geometry(rule, writeUnit, erased, uniform));

/** Checks a torn range: every byte lies between where it started and where the operation was taking it. */
function expectBetween(before: Uint8Array, target: Uint8Array, after: Uint8Array, erased: number): void {
  for (let i = 0; i < after.length; i++) {
    const [lo, hi] = erased === 0xff ? [before[i] & target[i], before[i]] : [before[i], before[i] | target[i]];
    // lo ⊆ after ⊆ hi as bit sets.
    expect(lo & ~after[i] & 0xff).toBe(0);
    expect(after[i] & ~hi & 0xff).toBe(0);
  }
}

describe('NorFlash against a reference NOR model', () => {
  it('agrees on every read, rule violation and cut outcome over random sequences', () => {
    fc.assert(
      fc.property(geometryArb, fc.array(opArb, { maxLength: 40 }), (g, ops) => {
        const flash = new NorFlash(g);
        let model = new ReferenceNor(g);
        const snapshots: { flash: ReturnType<NorFlash['snapshot']>; model: ReferenceNor }[] = [];
        for (const op of ops) {
          if (op.kind === 'snapshot') {
            snapshots.push({ flash: flash.snapshot(), model: model.clone() });
          } else if (op.kind === 'restore') {
            if (snapshots.length === 0) continue;
            const snap = snapshots[op.which % snapshots.length];
            flash.restore(snap.flash);
            model = snap.model.clone();
          } else if (op.kind === 'cut') {
            flash.armPowerCut({ atOp: flash.opCount + op.ahead, outcome: op.outcome, seed: op.seed });
          } else if (op.kind === 'counter') {
            const planned = flash.armedCut;
            const landing = planned?.atOp === flash.opCount ? planned.outcome : undefined;
            const old = model.counters.get(op.id) ?? 0;
            try {
              flash.advanceCounter(op.id, op.value);
              expect(landing).toBeUndefined();
            } catch (error) {
              expect(error).toBeInstanceOf(PowerCut);
            }
            const now = flash.readCounter(op.id);
            if (landing === 'not-started' || op.value <= old) expect(now).toBe(old);
            else if (landing === 'torn') expect(now >= old && now <= op.value).toBe(true);
            else expect(now).toBe(op.value);
            model.counters.set(op.id, now);
          } else if (op.kind === 'erase') {
            const sector = op.sector % g.sectors.length;
            const start = model.starts[sector];
            const landing = flash.armedCut?.atOp === flash.opCount ? flash.armedCut.outcome : undefined;
            const before = model.data.slice(start, start + g.sectors[sector]);
            try {
              flash.erase(start);
              expect(landing).toBeUndefined();
            } catch (error) {
              expect(error).toBeInstanceOf(PowerCut);
            }
            if (landing === 'torn') {
              const after = flash.peek(start, g.sectors[sector]);
              // An erase moves bits toward the erased value: the mirror image of a program.
              const erased = new Uint8Array(before.length).fill(g.erasedValue);
              expectBetween(before, erased, after, g.erasedValue === 0xff ? 0x00 : 0xff);
              if (g.programRule === 'ecc') expect(() => flash.read(start, 1)).toThrow(EccFault);
              // Recover as a bootloader must: erase again, in both.
              flash.erase(start);
              model.erase(sector);
            } else if (landing !== 'not-started') {
              model.erase(sector);
            }
          } else {
            const unit = g.writeUnit;
            const totalUnits = model.data.length / unit;
            const count = Math.min(op.units, totalUnits);
            const offset = (op.unit % (totalUnits - count + 1)) * unit;
            const data = Uint8Array.from({ length: count * unit }, (_, i) => (op.fill + i * op.seedByte) & 0xff);
            const broken = model.ruleBroken(offset, data);
            const landing = flash.armedCut?.atOp === flash.opCount ? flash.armedCut.outcome : undefined;
            const before = model.data.slice(offset, offset + data.length);
            try {
              flash.program(offset, data);
              expect(broken).toBeUndefined();
              expect(landing).toBeUndefined();
            } catch (error) {
              if (broken) {
                expect(error).toBeInstanceOf(FlashRuleViolation);
                expect((error as FlashRuleViolation).rule).toBe(broken);
                expect(flash.peek(offset, data.length)).toEqual(before);
                continue;
              }
              expect(error).toBeInstanceOf(PowerCut);
            }
            if (landing === 'torn') {
              const after = flash.peek(offset, data.length);
              expectBetween(before, data, after, g.erasedValue);
              if (g.programRule === 'ecc') expect(() => flash.read(offset, data.length)).toThrow(EccFault);
              const first = flash.sectorAt(offset).index;
              const last = flash.sectorAt(offset + data.length - 1).index;
              for (let s = first; s <= last; s++) {
                flash.erase(model.starts[s]);
                model.erase(s);
              }
            } else if (landing !== 'not-started') {
              model.program(offset, data);
            }
          }
          expect(Buffer.compare(flash.peek(0, flash.size), model.data)).toBe(0);
        }
      }),
      { numRuns: 300, seed: 20261126 },
    );
  });
});
