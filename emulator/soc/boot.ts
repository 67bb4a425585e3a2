/** The usual way to get a running device: a board, firmware files programmed into a fresh (or given) flash. */
import type { Board } from '../../boards/index.ts';
import { NorFlash } from '../flash/index.ts';
import { socFamily } from './families.ts';
import { bootVectorTable, programFirmware } from './firmware/load.ts';
import type { FirmwareImage } from './firmware/segments.ts';
import { Machine, type MachineOptions } from './machine.ts';

export function machineWithFirmware(board: Board, images: readonly FirmwareImage[], options: MachineOptions = {}): Machine {
  socFamily(board);
  const flash = options.flash ?? new NorFlash(board.flash);
  for (const image of images) programFirmware(flash, board, image);
  return new Machine(board, { ...options, flash, resetVtor: options.resetVtor ?? bootVectorTable(board, flash, images) });
}
