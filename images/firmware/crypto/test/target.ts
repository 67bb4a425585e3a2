/**
 * Runs the crypto check firmware (build/crypto-check-m4 or -m33, from check.c) on bootproof's core with plain
 * memory: the cases go into RAM at CASES_ADDRESS, the firmware prints one answer per case over semihosting.
 */
import { readFileSync } from 'node:fs';
import { BusError, type CoreModel, CortexM, type CpuBus } from '../../../../emulator/cpu/index.ts';
import type { CaseKind, CryptoCase } from './cases.ts';

const BUILD = new URL('../../build/', import.meta.url);
const RAM_BASE = 0x20000000;
const RAM_SIZE = 128 << 10;
/** Where check.c reads its cases (ld/crypto-check.ld leaves this half of the RAM to them). */
const CASES_OFFSET = 0x10000;
const KIND_CODES: Record<CaseKind, number> = { sha256: 1, sha512: 2, p256: 3, ed25519: 4 };
/** Far above what any case needs (a verify takes a few million instructions): a runaway fails fast. */
const BUDGET_PER_CASE = 50_000_000;

export const targetFirmware = (core: 'cortex-m4' | 'cortex-m33'): URL =>
  new URL(`crypto-check-${core === 'cortex-m4' ? 'm4' : 'm33'}.bin`, BUILD);

export interface TargetRun {
  answers: string[];
  /** Instructions retired, from reset to the semihosting exit. */
  instructions: number;
}

export class CryptoTarget {
  private readonly ram = new Uint8Array(RAM_SIZE);
  private readonly cpu: CortexM;
  private output = '';

  constructor(core: 'cortex-m4' | 'cortex-m33') {
    const flash = new Uint8Array(256 << 10);
    flash.set(readFileSync(targetFirmware(core)));
    const unmapped = (address: number): never => {
      throw new BusError(address, 'unmapped in the crypto check machine');
    };
    const bus: CpuBus = {
      memoryRegions: () => [
        { base: 0, bytes: flash, writable: false },
        { base: RAM_BASE, bytes: this.ram, writable: true },
      ],
      read8: unmapped,
      read16: unmapped,
      read32: unmapped,
      write8: unmapped,
      write16: unmapped,
      write32: unmapped,
    };
    this.cpu = new CortexM(bus, { core: core as CoreModel, onSemihostOutput: (text) => (this.output += text) });
  }

  run(cases: readonly CryptoCase[]): TargetRun {
    this.ram.fill(0);
    const view = new DataView(this.ram.buffer);
    let at = CASES_OFFSET;
    view.setUint32(at, cases.length, true);
    at += 4;
    for (const c of cases) {
      const padded = (c.payload.length + 3) & ~3;
      if (at + 8 + padded > RAM_SIZE) throw new RangeError(`the cases need more than ${RAM_SIZE - CASES_OFFSET} bytes of target RAM`);
      view.setUint32(at, KIND_CODES[c.kind], true);
      view.setUint32(at + 4, c.payload.length, true);
      this.ram.set(c.payload, at + 8);
      at += 8 + padded;
    }
    this.output = '';
    this.cpu.reset();
    const result = this.cpu.run(BUDGET_PER_CASE * (cases.length + 1));
    if (result.reason !== 'exit' || result.exitCode !== 0) throw new Error(`crypto check firmware: ${result.message}; output ${JSON.stringify(this.output)}`);
    return { answers: this.output.trimEnd().split('\n').filter((line) => line !== ''), instructions: result.instructions };
  }

  /** Instructions for `item` alone: a run with it, less a run with no case (startup and exit). */
  instructionsFor(item: CryptoCase): number {
    return this.run([item]).instructions - this.run([]).instructions;
  }
}
