export { machineWithFirmware } from './boot.ts';
export { FirmwareFormatError, UnsupportedBoardError } from './errors.ts';
export { type SocFamily, socFamily } from './families.ts';
export { parseElf } from './firmware/elf.ts';
export { bootVectorTable, programFirmware, readFirmware } from './firmware/load.ts';
export type { FirmwareImage, FirmwareSegment } from './firmware/segments.ts';
export type { FlashTraceListener } from './flash-port.ts';
export { Machine, type MachineOptions, type MachineRunResult, type MachineSnapshot, type MachineStopReason } from './machine.ts';
export type { ResetCause } from './peripheral.ts';
