import { describe, expect, it } from 'vitest';
import * as a from './asm.ts';
import { CODE, handlerAddress, testMachine } from './harness.ts';

const SLOT = 0x8000;
const SVCALL = 11;

describe.each([true, false])('watchExecution (translate: %s)', (translate) => {
  it('stops before the first instruction of a watched range that a branch reaches, without executing it', () => {
    const m = testMachine('cortex-m4', { translate });
    m.load([a.movs(1, 7)], SLOT);
    // A loop of 50 iterations first, so the branch out is taken from translated, linked code.
    m.load([a.movs(2, 50), a.subs(2, 2, 1), a.bcond('ne', -6), a.mov32(0, SLOT | 1), a.bx(0)]);
    m.cpu.watchExecution([{ start: SLOT, end: SLOT + 0x1000 }]);
    const result = m.step(10_000);
    expect(result.reason).toBe('watch');
    expect(result.pc).toBe(SLOT);
    expect(result.message).toMatch(/watched range at PC=0x00008000/);
    expect(m.reg(1)).toBe(0);
    expect(m.reg(2)).toBe(0);
  });

  it('stops where straight-line code runs into the range, and on an exception vector that points into it', () => {
    const m = testMachine('cortex-m4', { translate });
    m.load([a.nop(), a.nop(), a.movs(3, 1)], SLOT - 4);
    m.cpu.pc = SLOT - 4;
    m.cpu.watchExecution([{ start: SLOT, end: SLOT + 0x1000 }]);
    expect(m.step(100)).toMatchObject({ reason: 'watch', pc: SLOT, instructions: 2 });
    expect(m.reg(3)).toBe(0);

    const v = testMachine('cortex-m4', { translate });
    v.load([a.svc(1)]);
    v.cpu.watchExecution([{ start: handlerAddress(SVCALL), end: handlerAddress(SVCALL) + 0x40 }]);
    expect(v.step(100)).toMatchObject({ reason: 'watch', pc: handlerAddress(SVCALL) });
  });

  it('lets code outside the ranges run as before', () => {
    const m = testMachine('cortex-m4', { translate });
    m.load([a.movs(2, 5), a.subs(2, 2, 1), a.bcond('ne', -6), a.movs(4, 9)]);
    m.cpu.watchExecution([{ start: SLOT, end: SLOT + 0x1000 }]);
    const result = m.step(12);
    expect(result.reason).toBe('budget');
    expect(m.reg(4)).toBe(9);
    expect(m.cpu.pc).toBe(CODE + 8);
  });
});
