/**
 * `bootproof image …`: keygen, getpub, sign, verify, inspect, corrupt — shaped like MCUboot's imgtool (same option
 * names) so users can switch, with `--json` on every command.
 */
import type { Command } from 'commander';
import { registerCorruptCommand } from './image-corrupt.ts';
import { registerInspectCommand } from './image-inspect.ts';
import { registerKeyCommands } from './image-keys.ts';
import { registerSignCommand } from './image-sign.ts';
import { registerVerifyCommand } from './image-verify.ts';

export function registerImageCommand(program: Command): void {
  const image = program
    .command('image')
    .description('Sign, verify, inspect and corrupt MCUboot images (imgtool-compatible).');
  registerKeyCommands(image);
  registerSignCommand(image);
  registerVerifyCommand(image);
  registerInspectCommand(image);
  registerCorruptCommand(image);
}
