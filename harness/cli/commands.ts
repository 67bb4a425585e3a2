import type { Command } from 'commander';

type Register = (program: Command) => void;

interface CommandModule {
  /** The top-level command names it registers. */
  readonly names: readonly string[];
  /** Imports the module(s) that define the command; the import is what costs at start-up. */
  readonly load: () => Promise<Register>;
  /** Its action looks at every other command (shell completion lists them all). */
  readonly needsEveryCommand?: boolean;
}

/**
 * Every sub-command, in the order `--help` lists them, one entry each, so the list of what the CLI can do reads in
 * one place. Each is loaded only when it runs: `emulate` then loads the core and the SoC, not the harness, the
 * reporters or the serial port (a third of a second of start-up and more).
 */
const COMMANDS: readonly CommandModule[] = [
  {
    names: ['boards', 'board'],
    load: async () => {
      // `board import` is a sub-command of `board`, registered after it.
      const [boards, boardImport] = await Promise.all([import('./boards.ts'), import('./board-import.ts')]);
      return (program) => {
        boards.registerBoardsCommand(program);
        boards.registerBoardCommand(program);
        boardImport.registerBoardImportCommand(program);
      };
    },
  },
  { names: ['image'], load: async () => (await import('./image.ts')).registerImageCommand },
  { names: ['smp'], load: async () => (await import('./smp.ts')).registerSmpCommand },
  { names: ['run'], load: async () => (await import('./run.ts')).registerRunCommand },
  { names: ['gate'], load: async () => (await import('./gate.ts')).registerGateCommand },
  { names: ['suites'], load: async () => (await import('./suites.ts')).registerSuitesCommand },
  { names: ['merge'], load: async () => (await import('./merge.ts')).registerMergeCommand },
  { names: ['emulate'], load: async () => (await import('./emulate.ts')).registerEmulateCommand },
  { names: ['serve', 'serve-ctl'], load: async () => (await import('./serve.ts')).registerServeCommand },
  { names: ['completion'], load: async () => (await import('./completion.ts')).registerCompletionCommand, needsEveryCommand: true },
];

/**
 * Registers the commands `argv` (process.argv) can run: the one its first word names, or every command when that
 * word is an option or names none (help, an unknown command's suggestions) or a command that needs them all; none
 * for --version alone. Without `argv`, every command.
 */
export async function registerCommands(program: Command, argv?: readonly string[]): Promise<void> {
  const first = argv?.[2];
  const only = COMMANDS.find((entry) => first !== undefined && entry.names.includes(first));
  let wanted: readonly CommandModule[] = only !== undefined && only.needsEveryCommand !== true ? [only] : COMMANDS;
  if (first === '-V' || first === '--version') wanted = [];
  const registers = await Promise.all(wanted.map((entry) => entry.load()));
  for (const register of registers) register(program);
}
