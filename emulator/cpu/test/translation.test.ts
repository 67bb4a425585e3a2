import { describe, expect, it } from 'vitest';
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
