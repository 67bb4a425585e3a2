/**
 * A core on a small machine for the unit tests: 64 KiB of read-only code memory at 0 (vector table, then code
 * at 0x1000), 64 KiB of RAM at 0x20000000, everything else unmapped (a bus fault). `runUntil` style helpers end
 * after a bounded number of instructions, never in an open loop.
 */
import { BusError, type CoreModel, type CpuBus, type MemoryRegion } from '../bus.ts';
import { CortexM } from '../cortex-m.ts';
import type { Code } from './asm.ts';

export const CODE = 0x1000;
export const RAM = 0x20000000;
export const STACK_TOP = 0x20008000;
/** Handlers live here: exception n's handler at HANDLERS + n * 0x40. */
export const HANDLERS = 0x4000;

export const handlerAddress = (exception: number): number => HANDLERS + exception * 0x40;

export interface TestMachine {
  cpu: CortexM;
  rom: Uint8Array;
  ram: Uint8Array;
  output: string[];
  /** Writes code at `address` (CODE by default) and points PC there. */
  load(code: Code[], address?: number): void;
  /** Runs `count` instructions (or fewer if the core stops). */
  step(count?: number): ReturnType<CortexM['run']>;
  reg(n: number): number;
  flags(): { n: boolean; z: boolean; c: boolean; v: boolean; q: boolean };
  setFlags(flags: Partial<{ n: boolean; z: boolean; c: boolean; v: boolean }>): void;
  ram32(address: number): number;
}

class TestBus implements CpuBus {
  constructor(private readonly regions: MemoryRegion[]) {}
  memoryRegions(): readonly MemoryRegion[] {
    return this.regions;
  }
  private fail(address: number): never {
    throw new BusError(address, 'unmapped in the test machine');
  }
  read8(a: number): number {
    return this.fail(a);
  }
  read16(a: number): number {
    return this.fail(a);
  }
  read32(a: number): number {
    return this.fail(a);
  }
  write8(a: number): void {
    this.fail(a);
  }
  write16(a: number): void {
    this.fail(a);
  }
  write32(a: number): void {
    this.fail(a);
  }
}

export function testMachine(core: CoreModel = 'cortex-m4', options: { translate?: boolean; bus?: (regions: MemoryRegion[]) => CpuBus } = {}): TestMachine {
  const rom = new Uint8Array(0x10000);
  const ram = new Uint8Array(0x10000);
  const romView = new DataView(rom.buffer);
  const regions: MemoryRegion[] = [
    { base: 0, bytes: rom, writable: false },
    { base: RAM, bytes: ram, writable: true },
  ];
  romView.setUint32(0, STACK_TOP, true);
  romView.setUint32(4, CODE | 1, true);
  for (let n = 2; n < 64; n++) romView.setUint32(n * 4, handlerAddress(n) | 1, true);
  const output: string[] = [];
  const bus = options.bus?.(regions) ?? new TestBus(regions);
  const cpu = new CortexM(bus, { core, onSemihostOutput: (text) => output.push(text), translate: options.translate });
  cpu.reset();
  const writeCode = (code: Code[], address: number): void => {
    const halfwords = code.flat();
    const target = address >= RAM ? ram : rom;
    const offset = address >= RAM ? address - RAM : address;
    halfwords.forEach((h, i) => {
      target[offset + i * 2] = h & 0xff;
      target[offset + i * 2 + 1] = h >> 8;
    });
    cpu.codeWritten(address, halfwords.length * 2);
  };
  const r = cpu.r;
  return {
    cpu,
    rom,
    ram,
    output,
    load(code, address = CODE) {
      writeCode(code, address);
      if (address < HANDLERS || address >= RAM) cpu.pc = address;
    },
    step: (count = 1) => cpu.run(count),
    reg: (n) => cpu.getRegister(n),
    flags: () => ({ n: r[16] === 1, z: r[17] === 1, c: r[18] === 1, v: r[19] === 1, q: r[20] === 1 }),
    setFlags(flags) {
      if (flags.n !== undefined) r[16] = +flags.n;
      if (flags.z !== undefined) r[17] = +flags.z;
      if (flags.c !== undefined) r[18] = +flags.c;
      if (flags.v !== undefined) r[19] = +flags.v;
    },
    ram32: (address) => new DataView(ram.buffer).getUint32(address - RAM, true),
  };
}
