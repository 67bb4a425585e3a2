import { describe, expect, it } from 'vitest';
import { BusError, type CpuBus, type MemoryRegion } from '../bus.ts';
import * as a from './asm.ts';
import { CODE, HANDLERS, handlerAddress, RAM, STACK_TOP, type TestMachine, testMachine } from './harness.ts';

const SVCALL = 11;
const PENDSV = 14;
const SYSTICK = 15;
const HARDFAULT = 3;
const USAGEFAULT = 6;
const BUSFAULT = 5;

const writeWord = (m: TestMachine, address: number, value: number): void => m.cpu.st32(address, value, m.cpu.pc);
const readWord = (m: TestMachine, address: number): number => m.cpu.ld32(address, m.cpu.pc) >>> 0;

/** Every handler but those given just returns (`bx lr`). */
function withHandlers(m: TestMachine, handlers: Record<number, a.Code[]> = {}): void {
  for (let n = 2; n < 48; n++) m.load(handlers[n] ?? [a.bx(14)], handlerAddress(n));
}

describe('exception entry and return', () => {
  it('stacks r0-r3, r12, lr, the return address and xPSR on SVC, and returns with EXC_RETURN', () => {
    const m = testMachine();
    withHandlers(m);
    m.load([a.svc(7), a.movs(0, 9)]);
    for (const n of [0, 1, 2, 3]) m.cpu.setRegister(n, 0x100 + n);
    m.cpu.setRegister(12, 0x112);
    m.cpu.setRegister(14, 0x114);
    m.setFlags({ c: true });
    m.step(1);
    expect(m.cpu.ipsr).toBe(SVCALL);
    expect(m.cpu.pc).toBe(handlerAddress(SVCALL));
    expect(m.reg(14)).toBe(0xfffffff9);
    const frame = STACK_TOP - 32;
    expect(m.reg(13)).toBe(frame);
    const stacked = Array.from({ length: 8 }, (_, i) => m.ram32(frame + i * 4));
    expect(stacked).toEqual([0x100, 0x101, 0x102, 0x103, 0x112, 0x114, CODE + 2, 0x21000000]);
    m.step(2);
    expect(m.cpu.ipsr).toBe(0);
    expect(m.reg(13)).toBe(STACK_TOP);
    expect(m.reg(0)).toBe(9);
    expect(m.flags().c).toBe(true);
  });

  it('realigns a stack that is only 4-byte aligned and records it in xPSR bit 9', () => {
    const m = testMachine();
    withHandlers(m);
    m.load([a.svc(0), a.nop()]);
    m.cpu.setRegister(13, STACK_TOP - 4);
    m.step(1);
    const frame = STACK_TOP - 40;
    expect(m.reg(13)).toBe(frame);
    expect(m.ram32(frame + 28) & (1 << 9)).not.toBe(0);
    m.step(1);
    expect(m.reg(13)).toBe(STACK_TOP - 4);
  });

  it('returns to Thread mode on PSP with EXC_RETURN 0xFFFFFFFD, the handler running on MSP', () => {
    const m = testMachine();
    withHandlers(m, { [SVCALL]: [a.mov(4, 13), a.bx(14)] });
    m.load([a.mov32(0, 0x20004000), a.msr('psp', 0), a.movs(1, 2), a.msr('control', 1), a.isb(), a.svc(0), a.nop()]);
    m.step(7);
    expect(m.reg(14)).toBe(0xfffffffd);
    expect(m.cpu.psp).toBe(0x20004000 - 32);
    m.step(2);
    expect(m.reg(4)).toBe(STACK_TOP);
    expect(m.reg(13)).toBe(0x20004000);
    expect(m.cpu.control & 2).toBe(2);
  });

  it('takes a pended PendSV of lower priority only after the SVC handler returns', () => {
    const m = testMachine();
    const ICSR = 0xe000ed04;
    withHandlers(m, {
      [SVCALL]: [a.mov32(1, ICSR), a.mov32(2, 1 << 28), a.str(2, 1, 0), a.movs(5, 1), a.bx(14)],
      [PENDSV]: [a.movs(4, 0), a.adds(4, 5, 1), a.bx(14)],
    });
    writeWord(m, 0xe000ed20, 0xff << 16); // SHPR3: PendSV lowest
    m.load([a.svc(0), a.nop()]);
    m.step(8);
    expect(m.cpu.ipsr).toBe(PENDSV);
    m.step(10);
    expect(m.cpu.ipsr).toBe(0);
    expect(m.reg(4)).toBe(2);
  });

  it('tail-chains into a pending PendSV on the frame already stacked, r0-r3 as the SVC handler left them', () => {
    const m = testMachine();
    withHandlers(m, {
      [SVCALL]: [a.mov32(1, 0xe000ed04), a.mov32(2, 1 << 28), a.str(2, 1, 0), a.movs(0, 0x77), a.bx(14)],
      [PENDSV]: [a.mov(6, 0), a.mov(7, 13), a.bx(14)],
    });
    writeWord(m, 0xe000ed20, 0xff << 16);
    m.load([a.movs(0, 5), a.svc(0), a.nop()]);
    m.step(9);
    expect(m.cpu.ipsr).toBe(PENDSV);
    expect(m.reg(14)).toBe(0xfffffff9);
    m.step(3);
    expect(m.reg(6)).toBe(0x77);
    expect(m.reg(7)).toBe(STACK_TOP - 32);
    expect([m.cpu.ipsr, m.reg(0), m.reg(13), m.cpu.pc]).toEqual([0, 5, STACK_TOP, CODE + 4]);
  });

  it('moves the vector table with VTOR', () => {
    const m = testMachine();
    withHandlers(m);
    const table = RAM + 0x1000;
    new DataView(m.ram.buffer).setUint32(table - RAM + SVCALL * 4, (RAM + 0x2000) | 1, true);
    m.load([a.movs(5, 1), a.bx(14)], RAM + 0x2000);
    writeWord(m, 0xe000ed08, table);
    m.load([a.svc(0), a.nop()]);
    m.step(2);
    expect(m.reg(5)).toBe(1);
  });
});

describe('NVIC, masking and SysTick', () => {
  it('takes an enabled external interrupt, and not while PRIMASK is set', () => {
    const m = testMachine();
    withHandlers(m, { 21: [a.movs(6, 1), a.bx(14)] });
    writeWord(m, 0xe000e100, 1 << 5); // ISER0: IRQ5
    m.load([a.cpsid(), a.nop(), a.nop(), a.cpsie(), a.nop(), a.nop()]);
    m.step(1);
    m.cpu.raiseInterrupt(5);
    m.step(2);
    expect(m.reg(6)).toBe(0);
    m.step(1);
    expect(m.cpu.ipsr).toBe(21);
    m.step(2);
    expect(m.reg(6)).toBe(1);
  });

  it('masks by BASEPRI only the interrupts of equal or lower priority', () => {
    const m = testMachine();
    withHandlers(m, { 16: [a.movs(6, 1), a.bx(14)], 17: [a.movs(7, 1), a.bx(14)] });
    writeWord(m, 0xe000e100, 3);
    writeWord(m, 0xe000e400, 0x0000_8020); // IRQ0 priority 0x20, IRQ1 priority 0x80
    m.load([a.movs(0, 0x40), a.msr('basepri', 0), a.nop(), a.nop(), a.nop(), a.nop()]);
    m.step(2);
    m.cpu.raiseInterrupt(0);
    m.cpu.raiseInterrupt(1);
    m.step(6);
    expect([m.reg(6), m.reg(7)]).toEqual([1, 0]);
    expect(readWord(m, 0xe000e200) & 2).toBe(2);
  });

  it('fires SysTick every RVR+1 cycles and wakes the core from WFI', () => {
    const m = testMachine();
    withHandlers(m, { [SYSTICK]: [a.adds(7, 7, 1), a.bx(14)] });
    writeWord(m, 0xe000e014, 99);
    writeWord(m, 0xe000e018, 0);
    writeWord(m, 0xe000e010, 7);
    m.load([a.wfi(), a.b(-6)]);
    const result = m.step(40);
    expect(result.reason).toBe('budget');
    expect(m.reg(7)).toBeGreaterThan(5);
    expect(m.cpu.cycles).toBeGreaterThan(500);
  });

  it('runs through WFE when SEV has set the event register, and sleeps on the next WFE', () => {
    const m = testMachine();
    m.load([a.sev(), a.wfe(), a.movs(0, 1), a.wfe(), a.movs(0, 2)]);
    const result = m.step(10);
    expect(m.reg(0)).toBe(1);
    expect(result.reason).toBe('sleep');
  });

  it('stops with "sleep" on WFI when nothing can wake the core', () => {
    const m = testMachine();
    m.load([a.wfi(), a.nop()]);
    const result = m.step(10);
    expect(result.reason).toBe('sleep');
    expect(result.message).toMatch(/asleep at PC=0x00001002/);
  });
});

describe('faults', () => {
  it('escalates an UNDEFINED instruction to HardFault (FORCED) while UsageFault is disabled', () => {
    const m = testMachine();
    withHandlers(m, { [HARDFAULT]: [a.b(-4)] });
    m.load([a.nop(), a.udf(1)]);
    m.step(3);
    expect(m.cpu.ipsr).toBe(HARDFAULT);
    expect(m.cpu.scs.hfsr >>> 0).toBe(1 << 30);
    expect(m.cpu.scs.cfsr).toBe(1 << 16);
    expect(m.ram32(m.reg(13) + 24)).toBe(CODE + 2);
  });

  it('takes UsageFault itself once SHCSR enables it, and traps a divide by zero when CCR.DIV_0_TRP is set', () => {
    const m = testMachine();
    withHandlers(m, { [USAGEFAULT]: [a.b(-4)] });
    writeWord(m, 0xe000ed24, 1 << 18);
    writeWord(m, 0xe000ed14, (1 << 9) | (1 << 4));
    m.load([a.udiv(0, 1, 2)]);
    m.step(2);
    expect(m.cpu.ipsr).toBe(USAGEFAULT);
    expect(m.cpu.scs.cfsr).toBe(1 << 25);
  });

  it('turns an access to unmapped memory into a precise BusFault with BFAR', () => {
    const m = testMachine();
    withHandlers(m, { [BUSFAULT]: [a.b(-4)] });
    writeWord(m, 0xe000ed24, 1 << 17);
    m.load([a.mov32(1, 0x40001234), a.ldr(0, 1, 0)]);
    m.step(4);
    expect(m.cpu.ipsr).toBe(BUSFAULT);
    expect(m.cpu.scs.bfar >>> 0).toBe(0x40001234);
    expect(m.cpu.scs.cfsr).toBe((1 << 9) | (1 << 15));
  });

  it('turns the flash model\'s EccFault into a BusFault, and lets any other bus error propagate', () => {
    const regionsBus = (error: () => Error) => (regions: MemoryRegion[]): CpuBus => ({
      memoryRegions: () => regions,
      read8: () => {
        throw error();
      },
      read16: () => {
        throw error();
      },
      read32: () => {
        throw error();
      },
      write8() {},
      write16() {},
      write32() {},
    });
    const ecc = Object.assign(new Error('ECC error at 0x1000'), { name: 'EccFault' });
    const m = testMachine('cortex-m4', { bus: regionsBus(() => ecc) });
    withHandlers(m, { [HARDFAULT]: [a.b(-4)] });
    m.load([a.mov32(1, 0x08000000), a.ldr(0, 1, 0)]);
    m.step(4);
    expect(m.cpu.ipsr).toBe(HARDFAULT);
    expect(m.cpu.scs.cfsr & (1 << 9)).not.toBe(0);
    const cut = new Error('power cut');
    const n = testMachine('cortex-m4', { bus: regionsBus(() => cut) });
    n.load([a.mov32(1, 0x08000000), a.ldr(0, 1, 0)]);
    expect(() => n.step(4)).toThrow(cut);
    expect(new BusError(0x10, 'x').address).toBe(0x10);
  });

  it('locks up on a fault inside the HardFault handler', () => {
    const m = testMachine();
    withHandlers(m, { [HARDFAULT]: [a.udf(0)] });
    m.load([a.udf(0)]);
    const result = m.step(10);
    expect(result.reason).toBe('lockup');
    expect(result.message).toMatch(/locked up/);
  });

  it('faults on v6-M straight to HardFault', () => {
    const m = testMachine('cortex-m0plus');
    withHandlers(m, { [HARDFAULT]: [a.b(-4)] });
    m.load([a.udf(0)]);
    m.step(2);
    expect(m.cpu.ipsr).toBe(HARDFAULT);
  });
});

describe('stops: reset request, semihosting, breakpoints, budget', () => {
  it('stops with "reset-request" when AIRCR.SYSRESETREQ is written with the key', () => {
    const m = testMachine();
    m.load([a.mov32(0, 0xe000ed0c), a.mov32(1, 0x05fa0004), a.str(1, 0, 0), a.dsb(), a.b(-4)]);
    const result = m.step(100);
    expect(result.reason).toBe('reset-request');
  });

  it('prints through SYS_WRITEC, SYS_WRITE0 and SYS_WRITE, and exits with SYS_EXIT_EXTENDED', () => {
    const m = testMachine();
    const text = new TextEncoder().encode('hi\0');
    m.ram.set(text, 0);
    const block = new DataView(m.ram.buffer);
    block.setUint32(0x10, 1, true);
    block.setUint32(0x14, RAM, true);
    block.setUint32(0x18, 2, true);
    block.setUint32(0x20, 0x20026, true);
    block.setUint32(0x24, 3, true);
    m.load([
      a.movs(0, 3),
      a.mov32(1, RAM),
      a.bkpt(0xab),
      a.movs(0, 4),
      a.bkpt(0xab),
      a.movs(0, 5),
      a.mov32(1, RAM + 0x10),
      a.bkpt(0xab),
      a.movs(0, 0x20),
      a.mov32(1, RAM + 0x20),
      a.bkpt(0xab),
    ]);
    const result = m.step(100);
    expect(m.output.join('')).toBe('hhihi');
    expect(result.reason).toBe('exit');
    expect(result.exitCode).toBe(3);
  });

  it('halts on any other BKPT with the PC on it', () => {
    const m = testMachine();
    m.load([a.nop(), a.bkpt(1), a.nop()]);
    const result = m.step(10);
    expect(result).toMatchObject({ reason: 'breakpoint', pc: CODE + 2, instructions: 1 });
  });

  it('ends runaway code with "budget exhausted at PC=…" and the exact count', () => {
    const m = testMachine();
    m.load([a.nop(), a.b(-4)]);
    const result = m.step(1001);
    expect(result).toMatchObject({ reason: 'budget', instructions: 1001 });
    expect(result.message).toMatch(/^budget exhausted at PC=0x0000100[02] after 1001 instructions$/);
  });
});

describe('snapshots and code changes', () => {
  it('replays identically from a snapshot', () => {
    const m = testMachine();
    m.load([a.adds(0, 0, 1), a.lsls(1, 0, 3), a.b(-8)]);
    m.step(50);
    const snapshot = structuredClone(m.cpu.snapshot());
    const ram = m.ram.slice();
    m.step(77);
    const after = [m.reg(0), m.reg(1), m.cpu.pc];
    m.cpu.restore(snapshot);
    m.ram.set(ram);
    m.step(77);
    expect([m.reg(0), m.reg(1), m.cpu.pc]).toEqual(after);
  });

  it('drops translated code that a store overwrites (self-modifying code in RAM)', () => {
    const m = testMachine();
    const code = RAM + 0x100;
    // loop: movs r0, #1; str r2, [r1] (patches the movs into movs r0, #2); b loop
    m.load([a.movs(0, 1), a.str(2, 1, 0), a.b(-8)], code);
    m.cpu.setRegister(1, code);
    m.cpu.setRegister(2, a.movs(0, 2)[0] | (a.str(2, 1, 0)[0] << 16));
    m.step(4);
    expect(m.reg(0)).toBe(2);
  });

  it('drops translated code when the bus reports a write it made (a flash controller)', () => {
    let listener: ((address: number, length: number) => void) | undefined;
    const m = testMachine('cortex-m4', {
      bus: (regions) => ({
        memoryRegions: () => regions,
        setCodeWriteListener: (l) => {
          listener = l;
        },
        read8: () => 0,
        read16: () => 0,
        read32: () => 0,
        write8() {},
        write16() {},
        write32() {},
      }),
    });
    m.load([a.movs(0, 1), a.b(-6)]);
    m.step(4);
    m.rom.set([0x05, 0x20], CODE);
    listener?.(CODE, 2);
    m.step(2);
    expect(m.reg(0)).toBe(5);
  });
});

describe('the handler table used by these tests', () => {
  it('points every exception past the vector table', () => {
    expect(handlerAddress(2)).toBeGreaterThan(HANDLERS);
  });
});

describe('the default memory map and privilege', () => {
  it('raises MemManage (IACCVIOL) on a branch into execute-never peripheral space', () => {
    const m = testMachine();
    withHandlers(m, { 4: [a.b(-4)] });
    writeWord(m, 0xe000ed24, 1 << 16);
    m.load([a.mov32(0, 0x40000001), a.bx(0)]);
    m.step(4);
    expect(m.cpu.ipsr).toBe(4);
    expect(m.cpu.scs.cfsr).toBe(1);
    expect(m.ram32(m.reg(13) + 24)).toBe(0x40000000);
  });

  it('faults an unprivileged access to the System Control Space', () => {
    const m = testMachine();
    withHandlers(m, { [HARDFAULT]: [a.b(-4)] });
    m.load([a.movs(0, 1), a.msr('control', 0), a.isb(), a.mov32(1, 0xe000ed08), a.ldr(2, 1, 0)]);
    m.step(7);
    expect(m.cpu.ipsr).toBe(HARDFAULT);
    expect(m.cpu.scs.bfar >>> 0).toBe(0xe000ed08);
  });
});
