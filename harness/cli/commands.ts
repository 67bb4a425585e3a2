import type { Command } from 'commander';
import { registerBoardImportCommand } from './board-import.ts';
import { registerBoardCommand, registerBoardsCommand } from './boards.ts';
import { registerCompletionCommand } from './completion.ts';
import { registerEmulateCommand } from './emulate.ts';
import { registerGateCommand } from './gate.ts';
import { registerImageCommand } from './image.ts';
import { registerMergeCommand } from './merge.ts';
import { registerRunCommand } from './run.ts';
import { registerServeCommand } from './serve.ts';
import { registerSmpCommand } from './smp.ts';
import { registerSuitesCommand } from './suites.ts';

/**
 * Every sub-command registers itself here, one line each, so the list of what the CLI can do reads in one place.
 */
export function registerCommands(program: Command): void {
  registerBoardsCommand(program);
  registerBoardCommand(program);
  registerBoardImportCommand(program);
  registerImageCommand(program);
  registerSmpCommand(program);
  registerRunCommand(program);
  registerGateCommand(program);
  registerSuitesCommand(program);
  registerMergeCommand(program);
  registerEmulateCommand(program);
  registerServeCommand(program);
  registerCompletionCommand(program);
}
