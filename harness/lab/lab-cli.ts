/**
 * The `--lab <file> --board-id <id>` options of `bootproof run`: run the suites on a board of a lab file instead of an
 * emulated one.
 */
import type { Command } from 'commander';
import { UsageError } from '../../emulator/common/errors.ts';
import type { LabTarget } from './lab-runner.ts';

export function addLabOptions(command: Command): Command {
  return command
    .option('--lab <file>', 'a lab file (JSON or YAML): run on one of its real boards (with --board-id) instead of an emulated board')
    .option('--board-id <id>', 'the board of the lab file to run on');
}

/** The lab board the flags name, or undefined for an emulated run (which then needs --board). */
export function labTargetFrom(flags: {
  board?: string;
  lab?: string;
  boardId?: string;
  bootloader?: string;
  strategy?: string;
}): LabTarget | undefined {
  if (flags.lab === undefined) {
    if (flags.boardId !== undefined) throw new UsageError('--board-id names a board of a lab file: give --lab <file> too');
    if (flags.board === undefined) throw new UsageError('run: give --board <name|file>, or --lab <file> --board-id <id>');
    return undefined;
  }
  if (flags.boardId === undefined) throw new UsageError(`--lab ${flags.lab}: say which of its boards with --board-id <id>`);
  if (flags.board !== undefined) throw new UsageError('--board and --lab exclude each other: the lab file names the board');
  if (flags.bootloader !== undefined) throw new UsageError('--bootloader and --lab exclude each other: a lab board runs its own bootloader');
  if (flags.strategy !== undefined) {
    throw new UsageError("--strategy and --lab exclude each other: the lab file's bootloader.strategy says what the board is built for");
  }
  return { file: flags.lab, boardId: flags.boardId };
}
