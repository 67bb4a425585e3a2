export type {
  CodeWriteListener,
  CoreModel,
  CortexMOptions,
  CpuBus,
  MemoryRegion,
  RunResult,
  StopReason,
} from './bus.ts';
export { BusError } from './bus.ts';
export type { CpuSnapshot } from './cortex-m.ts';
export { CortexM } from './cortex-m.ts';
export type { ConsoleStream, SemihostingConfig } from './semihosting.ts';
