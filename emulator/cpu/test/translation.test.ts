import { describe, expect, it } from 'vitest';
import { HOT_ENTRIES } from '../translate.ts';
import * as a from './asm.ts';
import { CODE, RAM, testMachine } from './harness.ts';

/** A countdown loop: r1 += r0 while r0 counts down to 0 (a self-looping block), then r2 = 1. */
const countdown = [a.addsReg(1, 1, 0), a.subs(0, 0, 1), a.bcond('ne', -8), a.movs(2, 1), a.b(-4)];

describe('translated blocks against one instruction at a time', () => {
  for (const budget of [1, 2, 7, 299, 300, 301, 1000]) {
    it(`stops a self-looping block at exactly ${budget} instructions, as the one-instruction path does`, () => {
      const states = [true, false].map((translate) => {
        const m = testMachine('cortex-m4', { translate });
        m.load(countdown);
        m.cpu.setRegister(0, 100);
        const result = m.step(budget);
        return { instructions: result.instructions, pc: m.cpu.pc, r: [0, 1, 2].map(m.reg), apsr: m.cpu.apsr };
      });
      expect(states[0]).toEqual(states[1]);
      expect(states[0].instructions).toBe(budget);
    });
  }

  it('restarts a fault in a later loop iteration at the faulting instruction with the count so far', () => {
    // loop: ldr r3, [r1]; adds r1, #4 ... walks off the end of RAM into unmapped memory
    const m = testMachine();
    m.load([a.ldr(3, 1, 0), a.adds(1, 1, 4), a.b(-8)]);
    m.cpu.setRegister(1, RAM + 0x10000 - 8);
    const result = m.step(100);
    expect(m.cpu.ipsr).toBe(3);
    expect(m.ram32(m.reg(13) + 24)).toBe(CODE);
    expect(result.instructions).toBeGreaterThanOrEqual(6);
    expect(m.cpu.scs.bfar >>> 0).toBe(RAM + 0x10000);
  });

  // r0 counts down from `iterations`; r1 counts the iterations, except the one where r0 reaches 50, whose
  // forward beq skips the adds: a side exit once the loop's basic block at 0 is hot and translated again as a
  // superblock (subs, cmp, beq, adds, cmp, bne back to its start: a self-loop).
  const skipAtFifty = [a.subs(0, 0, 1), a.cmp(0, 50), a.bcond('eq', 0), a.adds(1, 1, 1), a.cmp(0, 0), a.bcond('ne', -14), a.movs(2, 1), a.b(-4)];

  for (const budget of [5, 6 * HOT_ENTRIES + 1, 299, 300, 301, 599, 600, 1000]) {
    it(`runs a hot loop as a superblock with a side exit, like one instruction at a time, to ${budget} instructions`, () => {
      const states = [true, false].map((translate) => {
        const m = testMachine('cortex-m4', { translate });
        m.load(skipAtFifty);
        m.cpu.setRegister(0, 100);
        const result = m.step(budget);
        return { instructions: result.instructions, pc: m.cpu.pc, r: [0, 1, 2].map(m.reg), apsr: m.cpu.apsr };
      });
      expect(states[0]).toEqual(states[1]);
      if (budget >= 600) expect(states[0].r).toEqual([0, 99, 1]);
    });
  }

  it('translates a basic block again as a superblock after HOT_ENTRIES entries, and only then', () => {
    const translationsAfter = (iterations: number): number => {
      const m = testMachine('cortex-m4');
      m.load(skipAtFifty);
      m.cpu.setRegister(0, iterations);
      m.step(10_000);
      expect(m.reg(1)).toBe(iterations > 50 ? iterations - 1 : iterations);
      return m.cpu.translations;
    };
    // Cold: the basic blocks at 0 (subs, cmp, beq), 6 (adds, cmp, bne), 12 (movs, b) and 14 (b to itself).
    expect(translationsAfter(HOT_ENTRIES - 1)).toBe(4);
    // Hot: those, both loop blocks again as superblocks (at 0: subs … bne, a self-loop; at 6: adds, cmp, bne as
    // a side exit, movs, b), and the block at 8 that the side exit of the one at 0 leads to.
    expect(translationsAfter(100)).toBe(7);
  });

  it('leaves a block early through a side exit and keeps flags exact at it', () => {
    const code = [a.movs(0, 0), a.bcond('eq', 0), a.movs(1, 1), a.movs(2, 2), a.cmp(0, 1), a.b(-4)];
    const [blocks, single] = [true, false].map((translate) => {
      const m = testMachine('cortex-m4', { translate });
      m.load(code);
      m.step(4);
      return { pc: m.cpu.pc, r: [0, 1, 2].map(m.reg), apsr: m.cpu.apsr };
    });
    expect(blocks).toEqual(single);
    expect(blocks.r).toEqual([0, 0, 2]);
  });
});

describe('a run that may end at a block boundary (stopAfter, how a machine ends its slices)', () => {
  // Twenty adds, then a branch back to the first: one block of 21 instructions.
  const twentyOne = [...Array.from({ length: 20 }, () => a.adds(1, 1, 1)), a.b(-44)];

  it('ends at the first block boundary at or after stopAfter, translating no one-instruction blocks', () => {
    const m = testMachine('cortex-m4');
    m.load(twentyOne);
    const result = m.cpu.run(1000, 5);
    expect(result.reason).toBe('budget');
    expect(result.instructions).toBe(21);
    expect([m.cpu.pc, m.reg(1)]).toEqual([CODE, 20]);
    expect(m.cpu.translations).toBe(1);
  });

  it('never runs past maxInstructions: where the block does not fit, it stops at stopAfter exactly', () => {
    const m = testMachine('cortex-m4');
    m.load(twentyOne);
    const result = m.cpu.run(10, 5);
    expect(result.instructions).toBe(5);
    expect([m.cpu.pc, m.reg(1)]).toEqual([CODE + 10, 5]);
  });

  it('translates straight-line code of 200 instructions (unrolled rounds) as one block', () => {
    const m = testMachine('cortex-m4');
    m.load([...Array.from({ length: 200 }, () => a.adds(1, 1, 1)), a.b(-404)]);
    const result = m.cpu.run(1000, 1);
    expect([result.instructions, m.cpu.pc, m.reg(1), m.cpu.translations]).toEqual([201, CODE, 200, 1]);
  });
});
