/**
 * Labs: real boards over serial behind the Device interface, and an emulated board served on a pseudo-terminal so
 * the whole serial path is tested without one.
 * - lab file (lab-file.ts): `parseLabFile(text, file)`, `loadLabEntry(file, id)`, `LabFileError`;
 * - power (power.ts, power-control.ts): `makePowerControl(settings, deps)`, `PowerControl`, `PowerControlError`;
 * - `SerialDevice` (serial-device.ts): `SerialDevice.open({ id, settings, board, power })`, plus `imageList()` and
 *   `factoryReset(primary)` for the lab runner;
 * - lab runs (lab-runner.ts): `runOnLab(options, { file, boardId }, reporters)`, `runLabSuites(ctx, device, entry, reporters)`;
 * - the served board: `ServedBoard` (served-board.ts), `startServe(options)` (serve-session.ts),
 *   `sendControl(socket, command)` (control.ts).
 */
export { CONTROL_COMMANDS, ServeControlError, sendControl } from './control.ts';
export { FactoryResetError } from './factory.ts';
export type { LabDevice } from './lab-executor.ts';
export { type LabBoard, type LabEntry, LabFileError, loadLabEntry, parseLabFile } from './lab-file.ts';
export { type LabTarget, runLabSuites, runOnLab } from './lab-runner.ts';
export { makePowerControl, type PowerDeps } from './power.ts';
export { type PowerControl, PowerControlError } from './power-control.ts';
export { SerialDevice, SerialDeviceError, type SerialDeviceOptions } from './serial-device.ts';
export { type ServeOptions, type ServeSession, startServe } from './serve-session.ts';
export { type CutReport, type PowerState, ServedBoard, type ServedBoardOptions } from './served-board.ts';
