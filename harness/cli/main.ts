import { Command, CommanderError } from 'commander';
import { BootproofError } from '../../emulator/common/errors.ts';
import { packageVersion } from '../version.ts';
import { registerCommands } from './commands.ts';

/** Exit codes: 0 = every check passed, 1 = a check failed, 2 = bad usage or bad input. */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/**
 * The CLI with the commands `argv` can run (see registerCommands), or with every command when no argv is given.
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('bootproof')
    .description(
      'Proves that a bootloader and a firmware release always boot a valid, signed image, through power loss, ' +
        'corrupted images and key changes in the middle of an update.',
    )
    .version(packageVersion(), '-V, --version', 'print the version of bootproof')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  await registerCommands(program, argv);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI and resolves to the process exit code; never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    return exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version end through here too, with exit code 0.
    return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
  }
  if (error instanceof BootproofError) {
    process.stderr.write(`bootproof: ${error.message}\n`);
    return error.exitCode;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`bootproof: internal error (please report it): ${text}\n`);
  return EXIT_BAD_INPUT;
}
