import { describe, expect, it } from 'vitest';
import * as a from './asm.ts';
import { CODE, RAM, testMachine } from './harness.ts';

/** The number of instructions in `code` (a first halfword of 0b11101, 0b11110 or 0b11111 starts a 32-bit one). */
function instructionCount(code: a.Code[]): number {
  const halfwords = code.flat();
  let count = 0;
  for (let i = 0; i < halfwords.length; i += halfwords[i] >>> 11 >= 0x1d ? 2 : 1) count++;
  return count;
}

/** Loads `code`, sets registers, runs every instruction of it, returns the machine. */
function run(code: a.Code[], registers: Record<number, number> = {}, core: Parameters<typeof testMachine>[0] = 'cortex-m4') {
  const m = testMachine(core);
  m.load(code);
  for (const [n, value] of Object.entries(registers)) m.cpu.setRegister(Number(n), value);
  m.step(instructionCount(code));
  return m;
}

describe('arithmetic and flags', () => {
  it('executes "adds r1, r2, #3" and sets carry on unsigned overflow', () => {
    const m = run([a.adds(1, 2, 3)], { 2: 0xfffffffe });
    expect(m.reg(1)).toBe(1);
    expect(m.flags()).toMatchObject({ n: false, z: false, c: true, v: false });
  });

  it('executes "adds r1, r2, #3" and sets overflow on signed overflow', () => {
    const m = run([a.adds(1, 2, 3)], { 2: 0x7fffffff });
    expect(m.reg(1)).toBe(0x80000002);
    expect(m.flags()).toMatchObject({ n: true, z: false, c: false, v: true });
  });

  it('executes "subs r0, r1, r2" with borrow: C clear when r1 < r2', () => {
    const m = run([a.subsReg(0, 1, 2)], { 1: 1, 2: 2 });
    expect(m.reg(0)).toBe(0xffffffff);
    expect(m.flags()).toMatchObject({ n: true, c: false });
  });

  it('executes "cmp r0, #5" setting Z and C on equality', () => {
    const m = run([a.cmp(0, 5)], { 0: 5 });
    expect(m.flags()).toMatchObject({ z: true, c: true, n: false, v: false });
  });

  it('executes "adcs" adding the carry in', () => {
    const m = testMachine();
    m.load([a.alu('adcs', 1, 2)]);
    m.cpu.setRegister(1, 10);
    m.cpu.setRegister(2, 20);
    m.setFlags({ c: true });
    m.step();
    expect(m.reg(1)).toBe(31);
  });

  it('executes "sbcs" subtracting the inverted carry', () => {
    const m = testMachine();
    m.load([a.alu('sbcs', 1, 2)]);
    m.cpu.setRegister(1, 10);
    m.cpu.setRegister(2, 3);
    m.setFlags({ c: false });
    m.step();
    expect(m.reg(1)).toBe(6);
  });

  it('executes "negs r0, r1"', () => {
    expect(run([a.alu('negs', 0, 1)], { 1: 5 }).reg(0)).toBe(0xfffffffb);
  });

  it('executes "muls r0, r1" keeping the low 32 bits', () => {
    expect(run([a.alu('muls', 0, 1)], { 0: 0x10001, 1: 0x10001 }).reg(0)).toBe(0x20001);
  });

  it('executes "lsls r0, r1, #1" and moves bit 31 into C', () => {
    const m = run([a.lsls(0, 1, 1)], { 1: 0x80000001 });
    expect(m.reg(0)).toBe(2);
    expect(m.flags().c).toBe(true);
  });

  it('executes "lsrs r0, r1, #32" (imm 0) to zero with C from bit 31', () => {
    const m = run([a.lsrs(0, 1, 32)], { 1: 0x80000000 });
    expect(m.reg(0)).toBe(0);
    expect(m.flags()).toMatchObject({ z: true, c: true });
  });

  it('executes "asrs r0, r1, #32" (imm 0) filling with the sign bit', () => {
    const m = run([a.asrs(0, 1, 0)], { 1: 0x80000000 });
    expect(m.reg(0)).toBe(0xffffffff);
    expect(m.flags().c).toBe(true);
  });

  it('executes "lsls r0, r1" by a register amount of 33 to zero with C clear', () => {
    const m = run([a.alu('lslsReg', 0, 1)], { 0: 0xffffffff, 1: 33 });
    expect(m.reg(0)).toBe(0);
    expect(m.flags()).toMatchObject({ z: true, c: false });
  });

  it('executes "rors r0, r1" rotating and setting C from bit 31', () => {
    const m = run([a.alu('rorsReg', 0, 1)], { 0: 0x00000003, 1: 1 });
    expect(m.reg(0)).toBe(0x80000001);
    expect(m.flags().c).toBe(true);
  });

  it('executes "add.w r0, r1, #0xff00" without touching flags', () => {
    const m = testMachine();
    m.load([a.dpImm('add', false, 0, 1, 0xff00)]);
    m.cpu.setRegister(1, 0xffff0100);
    m.setFlags({ z: true });
    m.step();
    expect(m.reg(0)).toBe(0x00000000);
    expect(m.flags().z).toBe(true);
  });

  it('executes "adds.w r0, r1, r2, lsl #4" taking C from the addition, not the shifter', () => {
    const m = run([a.dpReg('add', true, 0, 1, 2, 'lsl', 4)], { 1: 0x10, 2: 0x0fffffff });
    expect(m.reg(0)).toBe(0);
    expect(m.flags()).toMatchObject({ z: true, c: true });
  });

  it('executes "ands.w r0, r1, r2, lsr #1" taking C from the shifter', () => {
    const m = run([a.dpReg('and', true, 0, 1, 2, 'lsr', 1)], { 1: 0xffffffff, 2: 3 });
    expect(m.reg(0)).toBe(1);
    expect(m.flags().c).toBe(true);
  });

  it('executes "bics.w" with a rotated immediate setting C from its bit 31', () => {
    const m = run([a.dpImm('bic', true, 0, 1, 0x80000000)], { 1: 0x80000001 });
    expect(m.reg(0)).toBe(1);
    expect(m.flags().c).toBe(true);
  });

  it('executes "movw/movt" building a 32-bit constant', () => {
    expect(run([a.mov32(5, 0xdeadbeef)]).reg(5)).toBe(0xdeadbeef);
  });

  it('executes "mov r8, r0" and "add r8, r1" on high registers', () => {
    expect(run([a.mov(8, 0), a.addHigh(8, 1)], { 0: 40, 1: 2 }).reg(8)).toBe(42);
  });
});

describe('multiply, divide, bitfields, saturation', () => {
  it('executes "umull r0, r1, r2, r3" into a 64-bit result', () => {
    const m = run([a.umull(0, 1, 2, 3)], { 2: 0xffffffff, 3: 0xffffffff });
    expect([m.reg(0), m.reg(1)]).toEqual([0x00000001, 0xfffffffe]);
  });

  it('executes "smlal r0, r1, r2, r3" accumulating a signed product', () => {
    const m = run([a.smlal(0, 1, 2, 3)], { 0: 5, 1: 0, 2: 0xffffffff, 3: 2 });
    expect([m.reg(0), m.reg(1)]).toEqual([3, 0]);
  });

  it('executes "umaal" adding both accumulators', () => {
    const m = run([a.umaal(0, 1, 2, 3)], { 0: 0xffffffff, 1: 0xffffffff, 2: 0xffffffff, 3: 0xffffffff });
    expect([m.reg(0), m.reg(1)]).toEqual([0xffffffff, 0xffffffff]);
  });

  it('executes "mla r0, r1, r2, r3"', () => {
    expect(run([a.mla(0, 1, 2, 3)], { 1: 6, 2: 7, 3: 100 }).reg(0)).toBe(142);
  });

  it('executes "sdiv" rounding toward zero and INT_MIN / -1 = INT_MIN', () => {
    expect(run([a.sdiv(0, 1, 2)], { 1: -7 >>> 0, 2: 2 }).reg(0)).toBe(-3 >>> 0);
    expect(run([a.sdiv(0, 1, 2)], { 1: 0x80000000, 2: 0xffffffff }).reg(0)).toBe(0x80000000);
  });

  it('executes "udiv" by zero as 0 while CCR.DIV_0_TRP is clear', () => {
    expect(run([a.udiv(0, 1, 2)], { 0: 99, 1: 10, 2: 0 }).reg(0)).toBe(0);
  });

  it('executes "ubfx", "sbfx" and "bfi"', () => {
    expect(run([a.ubfx(0, 1, 4, 8)], { 1: 0x00000ab0 }).reg(0)).toBe(0xab);
    expect(run([a.sbfx(0, 1, 4, 8)], { 1: 0x00000ab0 }).reg(0)).toBe(0xffffffab);
    expect(run([a.bfi(0, 1, 8, 8)], { 0: 0xffffffff, 1: 0x12 }).reg(0)).toBe(0xffff12ff);
  });

  it('executes "ssat r0, #8, r1" clamping and setting Q', () => {
    const m = run([a.ssat(0, 8, 1)], { 1: 300 });
    expect(m.reg(0)).toBe(127);
    expect(m.flags().q).toBe(true);
  });

  it('executes "usat r0, #8, r1" clamping negatives to 0', () => {
    expect(run([a.usat(0, 8, 1)], { 1: -5 >>> 0 }).reg(0)).toBe(0);
  });

  it('executes "clz", "rbit", "rev", "uxtb" and "sxth"', () => {
    expect(run([a.clz(0, 1)], { 1: 0x00010000 }).reg(0)).toBe(15);
    expect(run([a.rbit(0, 1)], { 1: 1 }).reg(0)).toBe(0x80000000);
    expect(run([a.rev(0, 1)], { 1: 0x11223344 }).reg(0)).toBe(0x44332211);
    expect(run([a.uxtb(0, 1)], { 1: 0x123456ff }).reg(0)).toBe(0xff);
    expect(run([a.sxth(0, 1)], { 1: 0x00008000 }).reg(0)).toBe(0xffff8000);
  });
});

describe('DSP extension (Cortex-M4)', () => {
  it('executes "sadd16" lane by lane and sets GE per lane', () => {
    const m = run([a.sadd16(0, 1, 2), a.sel(3, 4, 5)], { 1: 0x00010002, 2: 0xfffefffd, 4: 0xaaaaaaaa, 5: 0x55555555 });
    expect(m.reg(0)).toBe(0xffffffff);
    expect(m.reg(3)).toBe(0x55555555);
  });

  it('executes "uqadd8" saturating each byte', () => {
    expect(run([a.uqadd8(0, 1, 2)], { 1: 0xf0f00102, 2: 0x20050304 }).reg(0)).toBe(0xfff50406);
  });

  it('executes "qadd" saturating and setting Q', () => {
    const m = run([a.qadd(0, 1, 2)], { 1: 0x7fffffff, 2: 1 });
    expect(m.reg(0)).toBe(0x7fffffff);
    expect(m.flags().q).toBe(true);
  });

  it('executes "smlabb" on the bottom halfwords', () => {
    expect(run([a.smlabb(0, 1, 2, 3)], { 1: 0x0005fffe, 2: 0x00070003, 3: 10 }).reg(0)).toBe(4);
  });

  it('treats DSP encodings as UNDEFINED on a Cortex-M3', () => {
    const m = run([a.sadd16(0, 1, 2)], { 0: 7 }, 'cortex-m3');
    expect(m.reg(0)).toBe(7);
    expect(m.cpu.scs.cfsr & (1 << 16)).not.toBe(0);
  });
});

describe('loads and stores', () => {
  it('executes "str"/"ldr" round trips and "ldrb"/"strh"/"ldrsh" widths', () => {
    const m = run([a.str(0, 1, 4), a.ldr(2, 1, 4), a.strh(3, 1, 8), a.ldrb(4, 1, 4), a.movs(5, 8), a.ldrsh(6, 1, 5)], {
      0: 0x11223344,
      1: RAM,
      3: 0x8001,
    });
    expect(m.reg(2)).toBe(0x11223344);
    expect(m.reg(4)).toBe(0x44);
    expect(m.reg(6)).toBe(0xffff8001);
  });

  it('executes "ldr r0, [pc, #4]" from a word-aligned PC', () => {
    const m = testMachine();
    m.load([a.ldrLiteral(0, 4), a.nop(), a.nop(), a.nop(), [0x5678, 0x1234]]);
    m.step();
    expect(m.reg(0)).toBe(0x12345678);
  });

  it('executes pre- and post-indexed "ldr" with writeback', () => {
    const m = testMachine();
    new DataView(m.ram.buffer).setUint32(8, 0xcafe, true);
    m.load([a.ldrPre(0, 1, 8), a.ldrPost(2, 3, 4)]);
    m.cpu.setRegister(1, RAM);
    m.cpu.setRegister(3, RAM + 8);
    m.step(2);
    expect([m.reg(0), m.reg(1), m.reg(2), m.reg(3)]).toEqual([0xcafe, RAM + 8, 0xcafe, RAM + 12]);
  });

  it('executes "str.w"/"ldr.w" with a 12-bit offset', () => {
    const m = run([a.strW(0, 1, 0xffc), a.ldrW(2, 1, 0xffc)], { 0: 0xabcdef01, 1: RAM });
    expect(m.reg(2)).toBe(0xabcdef01);
    expect(m.ram32(RAM + 0xffc)).toBe(0xabcdef01);
  });

  it('executes "strd"/"ldrd"', () => {
    const m = run([a.strd(0, 1, 2, 8), a.ldrd(3, 4, 2, 8)], { 0: 1, 1: 2, 2: RAM });
    expect([m.reg(3), m.reg(4)]).toEqual([1, 2]);
  });

  it('executes "push {r4, lr}" / "pop {r4, r5}" through the stack', () => {
    const m = run([a.push(4, 14), a.pop(4, 5)], { 4: 7, 14: 9 });
    expect([m.reg(4), m.reg(5), m.reg(13)]).toEqual([7, 9, 0x20008000]);
  });

  it('executes "stmia r0!, {r1, r2}" and "ldmia r3!, {r4, r5}" with writeback', () => {
    const m = run([a.stmia(0, 1, 2), a.ldmia(3, 4, 5)], { 0: RAM, 1: 5, 2: 6, 3: RAM });
    expect([m.reg(0), m.reg(4), m.reg(5), m.reg(3)]).toEqual([RAM + 8, 5, 6, RAM + 8]);
  });

  it('executes "stmdb r0!, {r1, r2}" and "ldmia.w r0!, {r3, r4}"', () => {
    const m = run([a.stmdb(0, 1, 2), a.ldmiaW(0, 3, 4)], { 0: RAM + 16, 1: 1, 2: 2 });
    expect([m.reg(3), m.reg(4), m.reg(0)]).toEqual([1, 2, RAM + 16]);
  });

  it('executes "ldrex"/"strex": the store succeeds once, then fails after clrex', () => {
    const m = run([a.ldrex(0, 1), a.strex(2, 3, 1), a.strex(4, 3, 1)], { 1: RAM, 3: 42 });
    expect([m.reg(2), m.reg(4), m.ram32(RAM)]).toEqual([0, 1, 42]);
  });

  it('allows an unaligned "ldr" on v7-M and faults it on v6-M', () => {
    expect(run([a.ldr(0, 1, 0)], { 1: RAM + 1 }).reg(0)).toBe(0);
    const m0 = run([a.ldr(0, 1, 0)], { 1: RAM + 1 }, 'cortex-m0plus');
    expect(m0.cpu.ipsr).toBe(3);
  });
});

describe('branches and IT blocks', () => {
  it('executes "b" and "bl" setting LR with the Thumb bit', () => {
    const m = run([a.bl(4)]);
    expect(m.cpu.pc).toBe(CODE + 8);
    expect(m.reg(14)).toBe((CODE + 4) | 1);
  });

  it('executes "beq" only when Z is set', () => {
    const m = testMachine();
    m.load([a.bcond('eq', 8)]);
    m.setFlags({ z: false });
    m.step();
    expect(m.cpu.pc).toBe(CODE + 2);
    m.cpu.pc = CODE;
    m.setFlags({ z: true });
    m.step();
    expect(m.cpu.pc).toBe(CODE + 12);
  });

  it('executes "cbz"/"cbnz"', () => {
    expect(run([a.cbz(0, 4)], { 0: 0 }).cpu.pc).toBe(CODE + 8);
    expect(run([a.cbnz(0, 4)], { 0: 0 }).cpu.pc).toBe(CODE + 2);
  });

  it('executes "bx lr" and faults (INVSTATE) on an even target', () => {
    expect(run([a.bx(14)], { 14: 0x2001 }).cpu.pc).toBe(0x2000);
    const m = run([a.bx(14)], { 14: 0x2000 });
    m.step();
    expect(m.cpu.scs.cfsr & (1 << 17)).not.toBe(0);
  });

  it('executes "blx r3" and returns with "bx lr"', () => {
    const m = testMachine();
    m.load([a.bx(14)], CODE + 0x100);
    m.load([a.blx(3), a.movs(0, 1)]);
    m.cpu.setRegister(3, (CODE + 0x100) | 1);
    m.step(3);
    expect(m.reg(0)).toBe(1);
  });

  it('executes "tbb" and "tbh" through their tables', () => {
    const m = testMachine();
    // tbb [pc, r1]; table at pc+4: entries 2 (skip 4 bytes), 3
    m.load([a.tbb(15, 1), [0x0302]]);
    m.cpu.setRegister(1, 1);
    m.step();
    expect(m.cpu.pc).toBe(CODE + 4 + 6);
    m.load([a.tbh(15, 1), [0x0002, 0x0010]]);
    m.cpu.setRegister(1, 1);
    m.step();
    expect(m.cpu.pc).toBe(CODE + 4 + 0x20);
  });

  it('executes an "itte ne" block: then, then, else', () => {
    const m = testMachine();
    m.load([a.it('ne', 'te'), a.movs(0, 1), a.movs(1, 2), a.movs(2, 3)]);
    m.setFlags({ z: false });
    m.step(4);
    expect([m.reg(0), m.reg(1), m.reg(2)]).toEqual([1, 2, 0]);
  });

  it('does not set flags from 16-bit instructions inside an IT block', () => {
    const m = testMachine();
    m.load([a.it('eq'), a.movs(0, 0)]);
    m.setFlags({ z: true, n: true });
    m.step(2);
    expect(m.flags()).toMatchObject({ z: true, n: true });
  });

  it('gives the same IT result one instruction at a time', () => {
    const m = testMachine('cortex-m4', { translate: false });
    m.load([a.it('eq', 'e'), a.movs(0, 1), a.movs(1, 2)]);
    m.setFlags({ z: true });
    m.step(3);
    expect([m.reg(0), m.reg(1)]).toEqual([1, 0]);
  });
});

describe('special registers', () => {
  it('executes "mrs r0, apsr" / "msr apsr, r1"', () => {
    const m = testMachine();
    m.load([a.msr('apsr', 1), a.mrs(0, 'apsr')]);
    m.cpu.setRegister(1, 0xf8000000);
    m.step(2);
    expect(m.reg(0)).toBe(0xf8000000);
    expect(m.flags()).toEqual({ n: true, z: true, c: true, v: true, q: true });
  });

  it('switches to PSP through CONTROL.SPSEL and reads both stacks', () => {
    const m = run([a.mov32(0, 0x20004000), a.msr('psp', 0), a.movs(1, 2), a.msr('control', 1), a.isb(), a.mrs(2, 'msp')]);
    expect(m.reg(13)).toBe(0x20004000);
    expect(m.reg(2)).toBe(0x20008000);
    expect(m.cpu.psp).toBe(0x20004000);
  });

  it('executes "cpsid i" / "cpsie i" toggling PRIMASK', () => {
    const m = run([a.cpsid()]);
    expect(m.cpu.primask).toBe(1);
    m.load([a.cpsie()]);
    m.step();
    expect(m.cpu.primask).toBe(0);
  });
});

describe('ARMv8-M mainline additions (Cortex-M33)', () => {
  it('executes "stl" / "lda" as ordered word accesses', () => {
    const m = run([a.stl(0, 1), a.lda(2, 1)], { 0: 0x5a5a, 1: RAM + 0x40 }, 'cortex-m33');
    expect(m.reg(2)).toBe(0x5a5a);
    expect(m.ram32(RAM + 0x40)).toBe(0x5a5a);
  });

  it('treats "lda" as UNDEFINED on a Cortex-M4', () => {
    const m = run([a.lda(2, 1)], { 1: RAM, 2: 7 });
    expect(m.reg(2)).toBe(7);
    expect(m.cpu.scs.cfsr).toBe(1 << 16);
  });
});

describe('UNPREDICTABLE and UNDEFINED encodings', () => {
  const undefinedInstruction = 1 << 16;

  it('faults "ldmia.w r0!, {r0, r1}" (writeback of a loaded base)', () => {
    expect(run([a.ldmiaW(0, 0, 1)], { 0: RAM }).cpu.scs.cfsr).toBe(undefinedInstruction);
  });

  it('faults a 32-bit data-processing instruction that writes PC', () => {
    expect(run([a.dpReg('and', false, 15, 1, 2)]).cpu.scs.cfsr).toBe(undefinedInstruction);
  });

  it('faults "udf.w" and a coprocessor instruction (NOCP)', () => {
    expect(run([a.udfW(0x1234)]).cpu.scs.cfsr).toBe(undefinedInstruction);
    expect(run([[0xee00, 0x0a10]]).cpu.scs.cfsr).toBe(1 << 19);
  });
});

describe('ARMv6-M restrictions', () => {
  it('treats a Thumb-2 encoding as UNDEFINED on a Cortex-M0+, escalating to HardFault', () => {
    const m = run([a.udiv(0, 1, 2)], { 0: 7, 1: 10, 2: 2 }, 'cortex-m0plus');
    expect(m.reg(0)).toBe(7);
    expect(m.cpu.ipsr).toBe(3);
  });

  it('runs BL, MRS and MSR on a Cortex-M0+', () => {
    const m = run([a.msr('primask', 1), a.mrs(0, 'primask'), a.bl(0)], { 1: 1 }, 'cortex-m0plus');
    expect(m.reg(0)).toBe(1);
    expect(m.cpu.pc).toBe(CODE + 12);
  });
});
