// The public API of bootproof, for users who script it or plug in their own bootloader model.
export * from './emulator/boot/index.ts';
export { BootproofError, UsageError } from './emulator/common/errors.ts';
export { Prng } from './emulator/common/prng.ts';
export {
  Machine,
  type MachineOptions,
  type MachineRunResult,
  type MachineSnapshot,
  machineWithFirmware,
  readFirmware,
} from './emulator/soc/index.ts';
export * from './harness/index.ts';
