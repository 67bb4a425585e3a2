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
