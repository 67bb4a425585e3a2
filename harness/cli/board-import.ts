/**
 * `bootproof board import build/zephyr/zephyr.dts`: a board file from a Zephyr build's devicetree (see
 * boards/import.ts for what comes from the devicetree and what from a built-in board of the same family).
 */
import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { importBoardFromDevicetree } from '../../boards/import.ts';
import type { UpdateStrategy } from '../../boards/types.ts';
import { UsageError } from '../../emulator/common/errors.ts';

interface ImportFlags {
  like?: string;
  name?: string;
  strategy?: UpdateStrategy;
  writeUnit?: string;
  output?: string;
}

export function registerBoardImportCommand(program: Command): void {
  const board = program.commands.find((command) => command.name() === 'board');
  if (!board) throw new Error('board import: the `board` command must be registered first');
  board
    .command('import')
    .description(
      "Write a board file from a Zephyr build's devicetree (build/zephyr/zephyr.dts): its flash and MCUboot partitions, " +
        'with the program rule, timings and endurance of a built-in board of the same SoC family.',
    )
    .argument('<dts>', 'the devicetree a Zephyr build writes: build/zephyr/zephyr.dts')
    .option('--like <board>', 'the built-in board (or board file) to take the other fields from (default: by flash controller)')
    .option('--name <name>', "the board's name (default: from the devicetree's root compatible)")
    .addOption(
      new Option('--strategy <strategy>', 'the update strategy (default: swap-scratch with a scratch partition, else as --like)').choices([
        'overwrite-only',
        'swap-scratch',
        'swap-move',
        'swap-offset',
        'direct-xip',
      ]),
    )
    .option('--write-unit <bytes>', "the flash write unit, when the devicetree's write-block-size is a program page")
    .option('-o, --output <file>', 'write the board file here (default: print it)')
    .action((dts: string, flags: ImportFlags) => {
      const writeUnit = flags.writeUnit === undefined ? undefined : Number(flags.writeUnit);
      if (writeUnit !== undefined && ![1, 2, 4, 8, 16, 32].includes(writeUnit)) {
        throw new UsageError(`--write-unit '${flags.writeUnit}': expected 1, 2, 4, 8, 16 or 32`);
      }
      const { text, board } = importBoardFromDevicetree(dts, { like: flags.like, name: flags.name, strategy: flags.strategy, writeUnit });
      if (flags.output === undefined) {
        process.stdout.write(text);
        return;
      }
      writeFileSync(flags.output, text);
      process.stdout.write(`wrote ${flags.output}: board ${board.name}, ${board.partitions.images.length} image(s), ${board.bootloader.strategy}\n`);
    });
}
