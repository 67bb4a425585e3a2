/**
 * The SoC's side of the core-to-bus contract: RAM, the flash (reads from the flash port, writes handed to the
 * flash controller), and peripherals found by 1 KiB page. Accesses to the peripheral and private peripheral
 * regions that hit nothing the model knows read 0 and are reported (or fault, in strict mode); anything else
 * unmapped is a bus fault, as on the real part.
 */
import { BusError, type CodeWriteListener, type CpuBus, type MemoryRegion } from '../cpu/index.ts';
import type { FlashPort } from './flash-port.ts';
import type { FlashWriteHandler, Peripheral } from './peripheral.ts';

const PAGE_SHIFT = 10;
const PERIPHERAL_START = 0x40000000;
const PERIPHERAL_END = 0x60000000;
const PRIVATE_PERIPHERAL_START = 0xe0000000;
const PRIVATE_PERIPHERAL_END = 0xe0100000;

/** A block of plain memory on the bus. */
export interface RamBlock {
  readonly base: number;
  readonly bytes: Uint8Array;
  readonly view: DataView;
}

export function ramBlock(base: number, size: number): RamBlock {
  const bytes = new Uint8Array(size);
  return { base: base >>> 0, bytes, view: new DataView(bytes.buffer) };
}

export interface SocBusParts {
  readonly rams: readonly RamBlock[];
  /** Undefined when the flash range is one of `rams` (MPS2). */
  readonly flash: FlashPort | undefined;
  readonly flashController: FlashWriteHandler | undefined;
  readonly peripherals: readonly Peripheral[];
  /** Reports an access to an unknown register or peripheral; throws a BusError in strict mode. */
  readonly unknownAccess: (address: number, access: 'read' | 'write', peripheral?: Peripheral) => void;
}

export class SocBus implements CpuBus {
  private readonly rams: readonly RamBlock[];
  private readonly flash: FlashPort | undefined;
  private readonly flashController: FlashWriteHandler | undefined;
  private readonly pages = new Map<number, Peripheral>();
  private readonly unknownAccess: SocBusParts['unknownAccess'];

  constructor(parts: SocBusParts) {
    this.rams = parts.rams;
    this.flash = parts.flash;
    this.flashController = parts.flashController;
    this.unknownAccess = parts.unknownAccess;
    for (const peripheral of parts.peripherals) {
      for (let page = peripheral.base >>> PAGE_SHIFT; page < (peripheral.base + peripheral.size) >>> PAGE_SHIFT; page++) {
        this.pages.set(page, peripheral);
      }
    }
  }

  memoryRegions(): readonly MemoryRegion[] {
    const regions: MemoryRegion[] = this.rams.map((ram) => ({ base: ram.base, bytes: ram.bytes, writable: true }));
    if (this.flash?.directReadable) regions.push({ base: this.flash.base, bytes: this.flash.mirror, writable: false });
    return regions;
  }

  setCodeWriteListener(listener: CodeWriteListener): void {
    this.flash?.setCodeWriteListener(listener);
  }

  read8(address: number): number {
    return this.read(address >>> 0, 1);
  }

  read16(address: number): number {
    return this.read(address >>> 0, 2);
  }

  read32(address: number): number {
    return this.read(address >>> 0, 4);
  }

  write8(address: number, value: number): void {
    this.write(address >>> 0, value & 0xff, 1);
  }

  write16(address: number, value: number): void {
    this.write(address >>> 0, value & 0xffff, 2);
  }

  write32(address: number, value: number): void {
    this.write(address >>> 0, value >>> 0, 4);
  }

  /** Bytes of RAM for DMA, or undefined when the range is not inside one RAM block. */
  ramBytes(address: number, length: number): Uint8Array | undefined {
    const ram = this.ramAt(address >>> 0, length);
    if (ram === undefined) return undefined;
    const start = (address >>> 0) - ram.base;
    return ram.bytes.slice(start, start + length);
  }

  private read(a: number, size: 1 | 2 | 4): number {
    const ram = this.ramAt(a, size);
    if (ram !== undefined) return readView(ram.view, a - ram.base, size);
    const flash = this.flash;
    if (flash !== undefined && a - flash.base >= 0 && a - flash.base + size <= flash.size) {
      const bytes = flash.read(a - flash.base, size);
      return readView(new DataView(bytes.buffer, bytes.byteOffset, size), 0, size);
    }
    const peripheral = this.pages.get(a >>> PAGE_SHIFT);
    if (peripheral !== undefined) {
      const word = peripheral.read((a - peripheral.base) & ~3);
      return size === 4 ? word >>> 0 : (word >>> ((a & 3) * 8)) & (size === 1 ? 0xff : 0xffff);
    }
    if (this.soft(a)) {
      this.unknownAccess(a, 'read');
      return 0;
    }
    throw new BusError(a, 'nothing is mapped there');
  }

  private write(a: number, value: number, size: 1 | 2 | 4): void {
    const ram = this.ramAt(a, size);
    if (ram !== undefined) {
      writeView(ram.view, a - ram.base, value, size);
      return;
    }
    const flash = this.flash;
    if (flash !== undefined && a - flash.base >= 0 && a - flash.base + size <= flash.size) {
      if (this.flashController === undefined) throw new BusError(a, 'flash is read-only on this board');
      this.flashController.flashWrite(a - flash.base, value, size);
      return;
    }
    const peripheral = this.pages.get(a >>> PAGE_SHIFT);
    if (peripheral !== undefined) {
      peripheral.write((a - peripheral.base) & ~3, size === 4 ? value : value << ((a & 3) * 8));
      return;
    }
    if (this.soft(a)) {
      this.unknownAccess(a, 'write');
      return;
    }
    throw new BusError(a, 'nothing is mapped there');
  }

  private ramAt(a: number, size: number): RamBlock | undefined {
    for (const ram of this.rams) if (a - ram.base >= 0 && a - ram.base + size <= ram.bytes.length) return ram;
    return undefined;
  }

  /** Peripheral and private peripheral space: unknown blocks there are reported, not faulted (unless strict). */
  private soft(a: number): boolean {
    return (a >= PERIPHERAL_START && a < PERIPHERAL_END) || (a >= PRIVATE_PERIPHERAL_START && a < PRIVATE_PERIPHERAL_END);
  }
}

function readView(view: DataView, offset: number, size: 1 | 2 | 4): number {
  if (size === 1) return view.getUint8(offset);
  if (size === 2) return view.getUint16(offset, true);
  return view.getUint32(offset, true);
}

function writeView(view: DataView, offset: number, value: number, size: 1 | 2 | 4): void {
  if (size === 1) view.setUint8(offset, value);
  else if (size === 2) view.setUint16(offset, value, true);
  else view.setUint32(offset, value, true);
}
