import type { Command } from 'commander';
import { registerBoardCommand, registerBoardsCommand } from './boards.ts';
import { registerImageCommand } from './image.ts';
import { registerSmpCommand } from './smp.ts';

/**
 * Every sub-command registers itself here, one line each, so the list of what the CLI can do reads in one place.
 */
export function registerCommands(program: Command): void {
  registerBoardsCommand(program);
  registerBoardCommand(program);
  registerImageCommand(program);
  registerSmpCommand(program);
}
