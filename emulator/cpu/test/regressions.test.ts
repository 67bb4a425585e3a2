/**
 * Regression cases for defects real firmware hit: a conditional wide branch with J1 set decoded as UNDEFINED
 * (every backward `bne.w` in an MCUboot build), and byte/halfword accesses to the System Control Space lost
 * (CMSIS NVIC_SetPriority writes bytes).
 */
import { describe, expect, it } from 'vitest';
import type { CoreModel, CpuBus, MemoryRegion } from '../bus.ts';
import { BusError } from '../bus.ts';
import { CortexM } from '../cortex-m.ts';
import * as a from './asm.ts';
import { CODE, handlerAddress, testMachine } from './harness.ts';

const MIB = 1 << 20;
/** Code in the middle of a 4 MiB read-only region, so branches reach ±1 MiB both ways. */
const ORIGIN = 2 * MIB;

function bigCodeMachine(translate: boolean, core: CoreModel = 'cortex-m4') {
  const code = new Uint8Array(4 * MIB);
  const ram = new Uint8Array(0x1000);
  const view = new DataView(code.buffer);
  view.setUint32(0, 0x20001000, true);
  view.setUint32(4, ORIGIN | 1, true);
  const regions: MemoryRegion[] = [
    { base: 0, bytes: code, writable: false },
    { base: 0x20000000, bytes: ram, writable: true },
  ];
  const fail = (address: number): never => {
    throw new BusError(address, 'unmapped');
  };
  const bus: CpuBus = { memoryRegions: () => regions, read8: fail, read16: fail, read32: fail, write8: fail, write16: fail, write32: fail };
  const put = (address: number, instructions: a.Code[]): void => {
    instructions.flat().forEach((h, i) => {
      view.setUint16(address + 2 * i, h, true);
    });
  };
  const cpu = new CortexM(bus, { core, translate });
  return { cpu, put };
}

/** Every J1/J2 combination and both signs, the extremes of the range included. */
const OFFSETS = [-MIB, -MIB + 2, -0x800, -0x40000, -0x80000, -0xc0002, 2, 0x40000, 0x80000, 0xc0000, 0x3fffe, MIB - 2];

describe.each([true, false])('B<cond>.W (T3) across ±1 MiB (translated: %s)', (translate) => {
  it.each(OFFSETS)('branches by %i when taken, and falls through when not', (offset) => {
    const { cpu, put } = bigCodeMachine(translate);
    // cmp r0, #0 ; beq.w target (at ORIGIN + 2) ; bkpt 2 (not taken) — the target holds bkpt 1.
    const target = ORIGIN + 2 + 4 + offset;
    put(ORIGIN, [a.cmp(0, 0), a.bcondW('eq', offset), a.bkpt(2)]);
    put(target, [a.bkpt(1)]);
    cpu.reset();
    const taken = cpu.run(10);
    expect(taken.reason).toBe('breakpoint');
    expect(taken.pc).toBe(target);
    cpu.reset();
    cpu.setRegister(0, 1);
    const notTaken = cpu.run(10);
    expect(notTaken).toMatchObject({ reason: 'breakpoint', pc: ORIGIN + 6 });
    expect(cpu.scs.cfsr).toBe(0);
  });

  // The instruction count also caught a stale self-loop iteration count added to a later fault's block.
  it('runs a backward bne.w loop (J1 = J2 = S = 1) to completion, counting each instruction once', () => {
    const { cpu, put } = bigCodeMachine(translate);
    // movs r0, #100 ; loop: subs r0, #1 (as subs r0, r0, #1) ; bne.w loop ; bkpt 1
    put(ORIGIN, [a.movs(0, 100), a.subs(0, 0, 1), a.bcondW('ne', -6), a.bkpt(1)]);
    cpu.reset();
    const result = cpu.run(1000);
    expect(result).toMatchObject({ reason: 'breakpoint', pc: ORIGIN + 8, instructions: 1 + 200 });
    expect(cpu.getRegister(0)).toBe(0);
  });
});

const NVIC_IPR = 0xe000e400;
const SHPR1 = 0xe000ed18;
const CFSR = 0xe000ed28;

describe.each([true, false])('byte and halfword accesses to the System Control Space (translated: %s)', (translate) => {
  /** Runs `code` then reads back registers through the core's own loads. */
  function runScs(code: a.Code[], core: CoreModel = 'cortex-m4', registers: Record<number, number> = {}) {
    const m = testMachine(core, { translate });
    m.load([...code, a.bkpt(1)]);
    for (const [n, value] of Object.entries(registers)) m.cpu.setRegister(Number(n), value);
    const result = m.step(200);
    expect(result.reason, result.message).toBe('breakpoint');
    return m;
  }

  it('writes one NVIC_IPR byte with STRB and keeps its neighbours (CMSIS NVIC_SetPriority)', () => {
    const m = runScs([a.mov32(1, NVIC_IPR), a.mov32(2, 0x40206080), a.str(2, 1, 4), a.movs(3, 0xe0), a.strb(3, 1, 5), a.ldrb(4, 1, 5), a.ldr(5, 1, 4), a.ldrh(6, 1, 6)]);
    expect(m.reg(4)).toBe(0xe0);
    expect(m.reg(5)).toBe(0x4020e080);
    expect(m.reg(6)).toBe(0x4020);
    expect(m.cpu.exceptions.priority[16 + 5]).toBe(0xe0);
    expect(m.cpu.exceptions.priority[16 + 4]).toBe(0x80);
  });

  it('writes SHPR1–3 bytes (MemManage, SVCall, PendSV, SysTick) and halfwords', () => {
    const m = runScs([
      a.mov32(1, SHPR1),
      a.movs(2, 0x20),
      a.strb(2, 1, 0), // MemManage (4)
      a.movs(2, 0x40),
      a.strb(2, 1, 7), // SVCall (11)
      a.mov32(2, 0xc0a0),
      a.strh(2, 1, 10), // PendSV (14) = 0xa0, SysTick (15) = 0xc0
      a.ldrb(3, 1, 7),
      a.ldrh(4, 1, 10),
      a.ldr(5, 1, 0),
    ]);
    expect(m.reg(3)).toBe(0x40);
    expect(m.reg(4)).toBe(0xc0a0);
    expect(m.reg(5)).toBe(0x20);
    const p = m.cpu.exceptions.priority;
    expect([p[4], p[11], p[14], p[15]]).toEqual([0x20, 0x40, 0xa0, 0xc0]);
  });

  it('reads an SHPR3 byte on ARMv6-M after a word write (the M0+ has no byte-writable SHPR, but reads are any size)', () => {
    const m = runScs([a.str(2, 1, 0), a.ldrb(3, 1, 3), a.ldrh(4, 1, 2)], 'cortex-m0plus', { 1: SHPR1 + 8, 2: 0xc0000000 });
    expect(m.reg(3)).toBe(0xc0);
    expect(m.reg(4)).toBe(0xc000);
    expect(m.cpu.exceptions.priority[15]).toBe(0xc0);
  });

  it('reads the CFSR sub-registers by byte and halfword, and clears one byte without touching the others', () => {
    const m = testMachine('cortex-m4', { translate });
    m.cpu.scs.cfsr = 0x01020082; // UFSR.UNDEFINSTR | UFSR.NOCP? (bits 16, 25), BFSR.PRECISERR, MMFSR.DACCVIOL
    m.load([a.mov32(1, CFSR), a.ldrb(2, 1, 0), a.ldrb(3, 1, 1), a.ldrh(4, 1, 2), a.movs(5, 0x82), a.strb(5, 1, 0), a.ldr(6, 1, 0), a.bkpt(1)]);
    expect(m.step(100).reason).toBe('breakpoint');
    expect(m.reg(2)).toBe(0x82);
    expect(m.reg(3)).toBe(0x00);
    expect(m.reg(4)).toBe(0x0102);
    expect(m.reg(6)).toBe(0x01020000);
  });

  it('keeps the other bytes of a read-write SCB register on a byte store (SHCSR, VTOR)', () => {
    const m = runScs([
      a.mov32(1, 0xe000ed24),
      a.mov32(2, 0x00070000),
      a.str(2, 1, 0),
      a.movs(2, 0x03),
      a.strb(2, 1, 2), // SHCSR byte 2: MEMFAULTENA | BUSFAULTENA, USGFAULTENA cleared
      a.ldr(3, 1, 0),
      a.mov32(1, 0xe000ed08),
      a.mov32(2, 0x12345600),
      a.str(2, 1, 0),
      a.movs(2, 0x80),
      a.strb(2, 1, 0),
      a.ldr(4, 1, 0),
    ]);
    expect(m.reg(3)).toBe(0x00030000);
    expect(m.reg(4)).toBe(0x12345680);
  });
});


describe('SVC on ARMv6-M', () => {
  it('enters SVCall, not HardFault (v6-M escalates faults only)', () => {
    const m = testMachine('cortex-m0plus');
    m.load([a.svc(0), a.nop()]);
    m.step(1);
    expect(m.cpu.ipsr).toBe(11);
    expect(m.cpu.pc).toBe(handlerAddress(11));
  });
});

describe.each([true, false])('ARMv8-M stack limits (translated: %s)', (translate) => {
  // r1 = SP - 7, written to a limit register, reads back 8-byte aligned: SP - 8.
  const limitBelowSp = [a.mov(1, 13), a.subs(1, 1, 7)];

  it('faults a push below MSPLIM with UsageFault STKOF (escalated to HardFault), SP unchanged', () => {
    const m = testMachine('cortex-m33', { translate });
    m.load([...limitBelowSp, a.msr('msplim', 1), a.push(0, 1, 2), a.nop()]);
    const sp = m.reg(13);
    m.step(4);
    expect(m.cpu.scs.cfsr).toBe(1 << 20);
    expect(m.cpu.ipsr).toBe(3);
    // The exception frame sits below the SP the push left unchanged, and its return address is the push.
    expect(m.reg(13)).toBe(sp - 32);
    expect(m.ram32(m.reg(13) + 24)).toBe(CODE + 8);
  });

  it('lets a push that stays on the limit through', () => {
    const m = testMachine('cortex-m33', { translate });
    m.load([...limitBelowSp, a.msr('msplim', 1), a.push(0, 1), a.nop()]);
    const sp = m.reg(13);
    m.step(5);
    expect(m.cpu.scs.cfsr).toBe(0);
    expect(m.reg(13)).toBe(sp - 8);
  });

  it('checks PSPLIM, not MSPLIM, on the process stack', () => {
    const m = testMachine('cortex-m33', { translate });
    // PSP = SP, then SPSEL; PSPLIM = PSP - 8; push 12 bytes.
    m.load([a.mov(1, 13), a.msr('psp', 1), a.movs(3, 2), a.msr('control', 3), a.isb(), ...limitBelowSp, a.msr('psplim', 1), a.push(0, 1, 2)]);
    m.step(9);
    expect(m.cpu.scs.cfsr).toBe(1 << 20);
    const unlimited = testMachine('cortex-m33', { translate });
    unlimited.load([a.mov(1, 13), a.msr('psp', 1), a.movs(3, 2), a.msr('control', 3), a.isb(), a.push(0, 1, 2), a.nop()]);
    unlimited.cpu.msplim = 0x7fffffff;
    unlimited.step(7);
    expect(unlimited.cpu.scs.cfsr).toBe(0);
  });

  it('is not modelled before ARMv8-M (a Cortex-M4 has no stack limit registers)', () => {
    const m = testMachine('cortex-m4', { translate });
    m.cpu.msplim = 0x7fffffff;
    m.load([a.push(0, 1, 2), a.nop()]);
    m.step(2);
    expect(m.cpu.scs.cfsr).toBe(0);
  });
});
