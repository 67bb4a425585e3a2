/**
 * Runs conformance cases on bootproof's core: code and data areas as plain memory, registers and flags from the
 * case, until the BKPT placed after the code. One core serves many cases (its translations of the code area are
 * dropped between them), as a machine would be reused.
 */
import { BusError, type CpuBus, type MemoryRegion } from '../bus.ts';
import { CortexM } from '../cortex-m.ts';
import { type ConformanceCase, type ConformanceResult, dataBytes, LAYOUT, type Profile } from './generator.ts';

/** BKPT #0: stops our core where unicorn's `until` address stops it. */
const STOP = [0x00, 0xbe];

export interface CaseOutcome extends ConformanceResult {
  /** How the run ended, e.g. "breakpoint at PC=0x00001040". */
  stop: string;
  instructions: number;
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

export class CaseRunner {
  private readonly code = new Uint8Array(LAYOUT.codeSize);
  private readonly data = new Uint8Array(LAYOUT.dataSize);
  private readonly farPages = LAYOUT.farPages.map((base) => ({ base, bytes: new Uint8Array(LAYOUT.farPageSize) }));
  private readonly cpu: CortexM;

  /**
   * `translate: false` takes the one-instruction path the blocks are checked against; the profile picks the core
   * (Cortex-M4 or Cortex-M0+).
   */
  constructor(translate = true, profile: Profile = 'armv7e-m') {
    const bus = new CaseBus([
      { base: LAYOUT.codeBase, bytes: this.code, writable: false },
      { base: LAYOUT.dataBase, bytes: this.data, writable: true },
      ...this.farPages.map((page) => ({ ...page, writable: false })),
    ]);
    this.cpu = new CortexM(bus, { core: profile === 'armv6-m' ? 'cortex-m0plus' : 'cortex-m4', translate });
  }

  run(c: ConformanceCase): CaseOutcome {
    const cpu = this.cpu;
    const bytes = Buffer.from(c.code, 'hex');
    this.code.fill(0);
    this.code.set(bytes, LAYOUT.codeStart - LAYOUT.codeBase);
    this.code.set(STOP, LAYOUT.codeStart - LAYOUT.codeBase + bytes.length);
    cpu.codeWritten(LAYOUT.codeBase, LAYOUT.codeSize);
    for (const page of this.farPages) {
      page.bytes.fill(0);
      const far = c.far?.find((f) => f.address === page.base);
      if (far !== undefined) page.bytes.set(Buffer.from(far.code, 'hex'));
      cpu.codeWritten(page.base, page.bytes.length);
    }
    const initial = dataBytes(c.seed);
    this.data.set(initial);
    cpu.reset();
    c.registers.forEach((value, n) => {
      cpu.setRegister(n, value);
    });
    cpu.pc = LAYOUT.codeStart;
    cpu.thumb = true;
    cpu.apsr = c.apsr;
    const result = cpu.run(100_000);
    const memory: [number, number][] = [];
    for (let i = 0; i < this.data.length; i++) if (this.data[i] !== initial[i]) memory.push([i, this.data[i]]);
    return {
      registers: Array.from({ length: 16 }, (_, n) => cpu.getRegister(n)),
      apsr: cpu.apsr,
      memory,
      stop: result.message,
      instructions: result.instructions,
    };
  }
}
