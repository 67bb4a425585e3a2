/**
 * The contract between the Cortex-M core and the machine around it. The core knows nothing of any SoC: it reads
 * and writes through a `CpuBus`, and the SoC (memory map, flash controller, peripherals) implements it.
 *
 * The System Control Space (0xE000E000–0xE000EFFF: NVIC, SCB, SysTick) is architectural and handled inside the
 * core; the bus never sees accesses to it. Everything else goes to the bus.
 */

import type { ConsoleStream, SemihostingConfig } from './semihosting.ts';

/**
 * Thrown by a bus for an access that must become a BusFault in the CPU: an unmapped address, a peripheral that
 * refuses the access size, an ECC error. The core catches it, records BFAR/CFSR and takes the exception; the
 * firmware sees a fault, the emulator does not crash. (The flash model's `EccFault` is recognised as well, so the
 * SoC may let it through unwrapped.) Any other error thrown by the bus (a `PowerCut`, a bug) propagates out of
 * `CortexM.run()`.
 */
export class BusError extends Error {
  /** The address the CPU accessed. */
  readonly address: number;

  constructor(address: number, reason: string) {
    super(`bus error at 0x${(address >>> 0).toString(16).padStart(8, '0')}: ${reason}`);
    this.name = 'BusError';
    this.address = address >>> 0;
  }
}

/** A block of plain memory (RAM) the core may read and write directly, bypassing the bus calls for speed. */
export interface MemoryRegion {
  /** Address of `bytes[0]` on the bus. */
  readonly base: number;
  /** The live backing store; the bus must keep using this same array (restore copies into it). */
  readonly bytes: Uint8Array;
  /** False: the core reads directly but still writes through the bus (e.g. flash behind a controller). */
  readonly writable: boolean;
}

/** Called with a range whose contents changed by a path other than the core's own stores. */
export type CodeWriteListener = (address: number, length: number) => void;

export interface CpuBus {
  /** Little-endian reads; the value is unsigned. Alignment is checked by the core before the call. */
  read8(address: number): number;
  read16(address: number): number;
  read32(address: number): number;
  /** Little-endian writes; `value` holds the low 8/16/32 bits (upper bits may be set and must be ignored). */
  write8(address: number, value: number): void;
  write16(address: number, value: number): void;
  write32(address: number, value: number): void;
  /**
   * Optional. Plain memory the core may access directly. Asked at construction, `reset()` and `restore()`.
   * Regions must not overlap each other or the System Control Space.
   */
  memoryRegions?(): readonly MemoryRegion[];
  /**
   * Optional. The core registers a listener at construction; the bus calls it whenever memory that may hold code
   * changes by any path other than the core's own `write*` calls — flash programmed or erased by the flash
   * controller, a loader, DMA — so the core drops the code it translated from that range. (The core already
   * sees its own stores.)
   */
  setCodeWriteListener?(listener: CodeWriteListener): void;
}

/** The cores this emulator models. v6-M: M0/M0+. v7-M: M3, M4 (with the DSP extension). v8-M mainline: M33. */
export type CoreModel = 'cortex-m0' | 'cortex-m0plus' | 'cortex-m3' | 'cortex-m4' | 'cortex-m33';

export interface CortexMOptions {
  core: CoreModel;
  /** Semihosting console output (SYS_WRITEC, SYS_WRITE0, SYS_WRITE), as text decoded latin1, and its stream. */
  onSemihostOutput?: (text: string, stream: ConsoleStream) => void;
  /** Semihosting console input (SYS_READC, SYS_READ from ":tt"): the next byte, or -1 at the end (the default). */
  onSemihostInput?: () => number;
  /** SYS_GET_CMDLINE and SYS_HEAPINFO answers (see semihosting.ts). */
  semihosting?: SemihostingConfig;
  /** Core clock in Hz: how semihosting's SYS_CLOCK / SYS_ELAPSED turn cycles into time (default 1 MHz). */
  clockHz?: number;
  /** VTOR value at reset (default 0). Real parts with a boot ROM elsewhere set it here. */
  resetVtor?: number;
  /** Number of external interrupts the NVIC implements (default 32 on v6-M, 240 otherwise). */
  interruptCount?: number;
  /** Implemented priority bits (default 2 on v6-M, 3 on M3/M4/M33 like nRF52/STM32F4 use 3 and 4). */
  priorityBits?: number;
  /**
   * Translate basic blocks to JavaScript functions (default true). False runs the plain decoder: slower, kept so
   * the two paths can be checked against each other.
   */
  translate?: boolean;
}

/**
 * Why `run()` returned.
 * - `budget`: the instruction budget ran out (runaway code never hangs the emulator);
 * - `exit`: semihosting SYS_EXIT / SYS_EXIT_EXTENDED; `exitCode` holds the status (0 for ADP_Stopped_ApplicationExit);
 * - `breakpoint`: a BKPT other than the semihosting one, with no debugger attached (the core halts);
 * - `lockup`: a fault while in HardFault or NMI (or a failed vector fetch); the core stays locked up;
 * - `sleep`: WFI/WFE with nothing that can wake the core from inside (only an external interrupt can);
 * - `reset-request`: AIRCR.SYSRESETREQ was written; the machine decides what a reset means, then calls `reset()`;
 * - `watch`: the next instruction lies in a range given to `watchExecution` (it has not executed).
 */
export type StopReason = 'budget' | 'exit' | 'breakpoint' | 'lockup' | 'sleep' | 'reset-request' | 'watch';

export interface RunResult {
  reason: StopReason;
  /** Instructions retired by this call. */
  instructions: number;
  /** PC of the next instruction (for `breakpoint`, the BKPT itself; for `lockup`, 0xEFFFFFFE is not used: the faulting PC). */
  pc: number;
  /** For `exit`: the semihosting exit status. */
  exitCode?: number;
  /** One line a person can read, e.g. "budget exhausted at PC=0x00001234 after 1000000 instructions". */
  message: string;
}
