/**
 * The flash as the machine sees it. Every program and erase a flash controller performs goes through here as
 * exactly one operation of the flash model (so a power cut can land on it). Reads are served from a mirror of the
 * flash contents that the CPU may read directly (fast instruction fetch); a sector whose units may be
 * ECC-inconsistent is read through `Flash.read` instead, so the CPU sees the EccFault as a bus fault.
 */
import type { CodeWriteListener } from '../cpu/index.ts';
import { EccFault, type NorFlash } from '../flash/index.ts';
import type { Flash } from '../flash/types.ts';

/** Where program and erase operations go: the flash itself, or a view of it that counts or records them. */
export type FlashOperations = Pick<Flash, 'program' | 'erase'>;

/**
 * Which contents the mirror holds, per sector, as a version stamp: every change through the port gives the
 * sector a new stamp, so two equal stamps mean equal contents and a restore re-reads only the sectors whose
 * stamp differs.
 */
export interface FlashPortSnapshot {
  readonly versions: Float64Array;
  readonly eccSuspect: readonly number[];
}

/** Called after every flash operation the firmware caused (for `--trace`). */
export type FlashTraceListener = (kind: 'program' | 'erase', offset: number, length: number) => void;

export class FlashPort {
  readonly flash: NorFlash;
  /** Bus address of flash offset 0. */
  readonly base: number;
  /** The live contents, kept equal to the flash after every operation; exposed to the core as a memory region. */
  readonly mirror: Uint8Array;
  private readonly sectorStarts: number[];
  /** Sectors where a read may raise an ECC error (found at sync time); empty on flash without ECC. */
  private eccSuspect = new Set<number>();
  private readonly versions: Float64Array;
  private nextVersion = 1;
  private codeWriteListener: CodeWriteListener | undefined;
  traceListener: FlashTraceListener | undefined;
  /**
   * Issues the operations (the flash by default). A harness routes them through its own view of the same flash
   * (an operation budget, a recorder of the operations to fork from); reads still come from the flash itself.
   */
  operations: FlashOperations;

  constructor(flash: NorFlash, base: number) {
    this.flash = flash;
    this.operations = flash;
    this.base = base >>> 0;
    this.mirror = new Uint8Array(flash.size);
    this.sectorStarts = [];
    let offset = 0;
    for (const size of flash.geometry.sectors) {
      this.sectorStarts.push(offset);
      offset += size;
    }
    this.versions = new Float64Array(this.sectorStarts.length);
    this.sync();
  }

  get size(): number {
    return this.flash.size;
  }

  /** True when the CPU may read the mirror directly: no sector can raise an ECC error. */
  get directReadable(): boolean {
    return this.eccSuspect.size === 0;
  }

  setCodeWriteListener(listener: CodeWriteListener): void {
    this.codeWriteListener = listener;
  }

  /** Re-reads the whole flash into the mirror: the flash may have been changed other than through the port. */
  sync(): void {
    for (let index = 0; index < this.sectorStarts.length; index++) this.reloadSector(index);
  }

  snapshot(): FlashPortSnapshot {
    return { versions: this.versions.slice(), eccSuspect: [...this.eccSuspect] };
  }

  /** After the flash itself was restored to the state `snapshot` was taken with: re-reads what differs. */
  restore(snapshot: FlashPortSnapshot): void {
    for (let index = 0; index < this.sectorStarts.length; index++) {
      if (this.versions[index] !== snapshot.versions[index]) this.reloadSector(index);
    }
    this.versions.set(snapshot.versions);
    this.eccSuspect = new Set(snapshot.eccSuspect);
  }

  /** A read the CPU made: throws EccFault (which the core turns into a bus fault) on a torn unit. */
  read(offset: number, length: number): Uint8Array {
    if (this.eccSuspect.size > 0 && this.eccSuspect.has(this.flash.sectorAt(offset).index)) {
      return this.flash.read(offset, length);
    }
    return this.mirror.subarray(offset, offset + length);
  }

  /** One program operation. PowerCut and FlashRuleViolation propagate to the caller. */
  program(offset: number, data: Uint8Array): void {
    try {
      this.operations.program(offset, data);
    } finally {
      this.refresh(offset, data.length);
    }
    this.traceListener?.('program', offset, data.length);
  }

  /** One erase operation of the sector starting at `offset`. */
  erase(offset: number): void {
    const sector = this.flash.sectorAt(offset);
    try {
      this.operations.erase(sector.offset);
    } finally {
      this.refresh(sector.offset, sector.size);
      this.eccSuspect.delete(sector.index);
    }
    this.traceListener?.('erase', sector.offset, sector.size);
  }

  /** Sector offsets in address order (for controllers that erase by sector number). */
  sectorOffset(index: number): number | undefined {
    return this.sectorStarts[index];
  }

  get sectorCount(): number {
    return this.sectorStarts.length;
  }

  private refresh(offset: number, length: number): void {
    this.mirror.set(this.flash.peek(offset, length), offset);
    for (let index = this.flash.sectorAt(offset).index; index < this.sectorStarts.length && this.sectorStarts[index]! < offset + length; index++) {
      this.versions[index] = this.nextVersion++;
    }
    this.codeWriteListener?.(this.base + offset, length);
  }

  /**
   * Re-reads one sector. Unchanged contents keep their stamp and do not reach the code-write listener, so the
   * core keeps its translated code over a power cycle (a sweep power-cycles after every cut).
   */
  private reloadSector(index: number): void {
    const start = this.sectorStarts[index]!;
    const size = this.flash.geometry.sectors[index]!;
    const fresh = this.flash.peek(start, size);
    if (!Buffer.from(fresh.buffer, fresh.byteOffset, size).equals(this.mirror.subarray(start, start + size))) {
      this.mirror.set(fresh, start);
      this.versions[index] = this.nextVersion++;
      this.codeWriteListener?.(this.base + start, size);
    }
    this.eccSuspect.delete(index);
    if (this.flash.geometry.programRule === 'ecc' && !this.sectorReadsClean(start, size)) this.eccSuspect.add(index);
  }

  private sectorReadsClean(start: number, size: number): boolean {
    try {
      this.flash.read(start, size);
      return true;
    } catch (error) {
      if (error instanceof EccFault) return false;
      throw error;
    }
  }
}
