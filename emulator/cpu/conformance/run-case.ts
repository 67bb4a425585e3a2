/**
 * Runs a conformance case on bootproof's core: code and data areas as plain memory, registers and flags from the
 * case, until the BKPT placed after the code.
 */
import { BusError, type CpuBus, type MemoryRegion } from '../bus.ts';
import { CortexM } from '../cortex-m.ts';
import { type ConformanceCase, type ConformanceResult, dataBytes, LAYOUT } from './generator.ts';

/** BKPT #0: stops our core where unicorn's `until` address stops it. */
const STOP = [0x00, 0xbe];

export function caseMemory(c: ConformanceCase): { code: Uint8Array; data: Uint8Array } {
  const code = new Uint8Array(LAYOUT.codeSize);
  const bytes = Buffer.from(c.code, 'hex');
  code.set(bytes, LAYOUT.codeStart - LAYOUT.codeBase);
  code.set(STOP, LAYOUT.codeStart - LAYOUT.codeBase + bytes.length);
  return { code, data: dataBytes(c.seed) };
}

class CaseBus implements CpuBus {
  constructor(private readonly regions: MemoryRegion[]) {}
  memoryRegions(): readonly MemoryRegion[] {
    return this.regions;
  }
  private unmapped(address: number): never {
    throw new BusError(address, 'outside the conformance layout');
  }
  read8(a: number): number {
    return this.unmapped(a);
  }
  read16(a: number): number {
    return this.unmapped(a);
  }
  read32(a: number): number {
    return this.unmapped(a);
  }
  write8(a: number): void {
    this.unmapped(a);
  }
  write16(a: number): void {
    this.unmapped(a);
  }
  write32(a: number): void {
    this.unmapped(a);
  }
}

/** Runs the case; `translate: false` takes the one-instruction path the blocks are checked against. */
export function runCase(c: ConformanceCase, translate = true): ConformanceResult & { stop: string } {
  const { code, data } = caseMemory(c);
  const initial = data.slice();
  const bus = new CaseBus([
    { base: LAYOUT.codeBase, bytes: code, writable: false },
    { base: LAYOUT.dataBase, bytes: data, writable: true },
  ]);
  const cpu = new CortexM(bus, { core: 'cortex-m4', translate });
  c.registers.forEach((value, n) => {
    cpu.setRegister(n, value);
  });
  cpu.pc = LAYOUT.codeStart;
  cpu.apsr = c.apsr;
  const result = cpu.run(100_000);
  const memory: [number, number][] = [];
  for (let i = 0; i < data.length; i++) if (data[i] !== initial[i]) memory.push([i, data[i]]);
  return {
    registers: Array.from({ length: 16 }, (_, n) => cpu.getRegister(n)),
    apsr: cpu.apsr,
    memory,
    stop: result.message,
  };
}
