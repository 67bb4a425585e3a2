/**
 * The inlined memory path and translation reuse: which regions translated code reaches without a call, and
 * which translations survive a reset or a restore.
 */
import { describe, expect, it, vi } from 'vitest';
import { BusError, type CpuBus, type MemoryRegion } from '../bus.ts';
import { CortexM } from '../cortex-m.ts';
import * as a from './asm.ts';

const MIB = 1 << 20;

/** MPS2-like: code RAM at 0 and data RAM at 0x20000000, both writable and both 4 MiB; the stack in the second. */
function mps2Like() {
  const code = new Uint8Array(4 * MIB);
  const data = new Uint8Array(4 * MIB);
  const view = new DataView(code.buffer);
  view.setUint32(0, 0x20000000 + 4 * MIB, true);
  view.setUint32(4, 0x101, true);
  const regions: MemoryRegion[] = [
    { base: 0, bytes: code, writable: true },
    { base: 0x20000000, bytes: data, writable: true },
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
  return { code, data, view, bus, put };
}

/** A loop that pushes, pops, and loads a literal-pool word from code memory, 1000 times; then bkpt. */
const LOOP = [
  a.mov32(4, 1000),
  a.push(0, 1),
  a.pop(0, 1),
  a.ldrW(2, 5, 0), // literal from code memory (r5 points there)
  a.str(2, 6, 0), // store to data RAM (r6)
  a.subs(4, 4, 1),
  a.bcond('ne', -16),
  a.bkpt(1),
];

describe('the inlined memory path', () => {
  it('inlines the RAM holding the initial stack and the code region, not the largest or first writable region', () => {
    const m = mps2Like();
    m.put(0x100, LOOP);
    m.view.setUint32(0x800, 0xcafef00d, true);
    const cpu = new CortexM(m.bus, { core: 'cortex-m3' });
    cpu.reset();
    cpu.setRegister(5, 0x800);
    cpu.setRegister(6, 0x20000100);
    const slow = [vi.spyOn(cpu, 'ld32'), vi.spyOn(cpu, 'st32')];
    const result = cpu.run(100_000);
    expect(result.reason, result.message).toBe('breakpoint');
    expect(new DataView(m.data.buffer).getUint32(0x100, true)).toBe(0xcafef00d);
    expect(slow.map((spy) => spy.mock.calls.length)).toEqual([0, 0]);
  });

  it('still serves stores to the code region (through the slow path) and sees them in later loads', () => {
    const m = mps2Like();
    m.put(0x100, [a.str(1, 5, 0), a.ldrW(2, 5, 0), a.bkpt(1)]);
    const cpu = new CortexM(m.bus, { core: 'cortex-m3' });
    cpu.reset();
    cpu.setRegister(1, 0x12345678);
    cpu.setRegister(5, 0x900);
    expect(cpu.run(10).reason).toBe('breakpoint');
    expect(cpu.getRegister(2)).toBe(0x12345678);
  });
});

describe('translations across reset and restore', () => {
  function machine() {
    const m = mps2Like();
    m.put(0x100, LOOP);
    const cpu = new CortexM(m.bus, { core: 'cortex-m3' });
    cpu.reset();
    cpu.setRegister(5, 0x800);
    cpu.setRegister(6, 0x20000100);
    return { ...m, cpu };
  }

  it('keeps every translation across restore() when the code bytes are unchanged', () => {
    const { cpu } = machine();
    cpu.run(300);
    const snapshot = cpu.snapshot();
    const first = cpu.run(100_000);
    const translated = cpu.translations;
    cpu.restore(snapshot);
    const again = cpu.run(100_000);
    expect(again).toEqual(first);
    expect(cpu.translations).toBe(translated);
  });

  it('keeps translations across reset() when memory still holds the code, and drops the ones whose bytes changed', () => {
    const { cpu, put } = machine();
    cpu.run(100_000);
    const translated = cpu.translations;
    cpu.reset();
    expect(cpu.translations).toBe(translated);
    // movs r4, #3; nop over the loop counter's movw (its movt #0 stays): the changed block is translated again.
    put(0x100, [a.movs(4, 3), a.nop()]);
    cpu.restore({ ...cpu.snapshot() });
    cpu.setRegister(5, 0x800);
    cpu.setRegister(6, 0x20000100);
    const result = cpu.run(100_000);
    expect(result).toMatchObject({ reason: 'breakpoint', instructions: 3 + 3 * 6 });
    expect(cpu.translations).toBeGreaterThan(translated);
  });
});
