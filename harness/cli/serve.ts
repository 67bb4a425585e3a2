/**
 * `bootproof serve --board B`: an emulated board on a pseudo-terminal, as a lab sees a real one — the bootloader
 * model boots from the flash model at power-on, the emulated app prints its banner and speaks SMP, and a control
 * socket switches its power. `bootproof serve-ctl --control S <command>` is that socket's client, for the lab
 * file's `command` power driver.
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { loadBoard } from '../../boards/index.ts';
import type { Board } from '../../boards/types.ts';
import type { TrustPolicy } from '../../emulator/boot/index.ts';
import { BootproofError, UsageError } from '../../emulator/common/errors.ts';
import { readInputFile } from '../../emulator/common/files.ts';
import { loadPublicKey, verifyImage } from '../../images/index.ts';
import { boardConfig, loadBootloader } from '../context.ts';
import { Fixtures } from '../fixtures.ts';
import { CONTROL_COMMANDS, sendControl, startServe } from '../lab/index.ts';
import { parseSeed, parseStrategy } from '../run-options.ts';
import { DEFAULT_SEED } from './run.ts';

interface ServeFlags {
  board: string;
  bootloader?: string;
  strategy?: string;
  key?: string[];
  seed?: string;
  downgradePrevention: 'none' | 'version' | 'security-counter';
  hardwareRollback?: boolean;
  speedup: string;
  control?: string;
  image?: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'Serve an emulated board on a pseudo-terminal (made with socat): MCUboot-style console, an SMP-speaking app, ' +
        'and a control socket for its power (on, off, cycle, status), its recovery button and a probe (program).',
    )
    .requiredOption('--board <name|file>', 'a built-in board (see `bootproof boards`) or a board file')
    .option('--bootloader <module>', 'a module whose default export implements Bootloader (default: the reference model)')
    .option('--strategy <strategy>', "override the board's update strategy")
    .option('--key <pem...>', 'public keys the bootloader trusts (default: the key `bootproof run` signs with for --seed)')
    .option('--seed <n>', `the run seed whose test key is trusted when no --key is given (default ${DEFAULT_SEED})`)
    .addOption(
      new Option('--downgrade-prevention <kind>', 'MCUboot downgrade prevention built in')
        .choices(['none', 'version', 'security-counter'])
        .default('none'),
    )
    .option('--hardware-rollback', 'MCUBOOT_HW_ROLLBACK_PROT: a hardware security counter')
    .option('--speedup <n>', 'run the flash this many times faster than the real part', '1')
    .option('--control <socket>', 'the control socket path (default: in the temp folder)')
    .option(
      '--image <file>',
      'a signed image programmed into the primary slot at start, as a factory does (default: a built-in 1.0.0 test image ' +
        'signed with the --seed test key; give --key with your own image)',
    )
    .action(async (flags: ServeFlags) => {
      const speedup = Number(flags.speedup);
      if (!(speedup > 0 && speedup <= 1000)) throw new UsageError(`--speedup '${flags.speedup}': expected a number from 0 to 1000`);
      const board = loadBoard(flags.board);
      const config = {
        ...boardConfig(board, { strategy: flags.strategy === undefined ? undefined : parseStrategy(flags.strategy) }),
        downgradePrevention: flags.downgradePrevention,
        hardwareRollback: flags.hardwareRollback === true,
      };
      const seed = flags.seed === undefined ? DEFAULT_SEED : parseSeed(flags.seed);
      const keys = flags.key?.map((path, i) => ({ name: `key${i}`, key: readKey(path) }));
      const fixtures = new Fixtures(board, config, seed);
      const trust = keys ? { keys, enforce: 'install' as const } : fixtures.trust();
      const factory =
        flags.image === undefined
          ? fixtures.image({ version: '1.0.0', securityCounter: 1, confirm: true })
          : readFactoryImage(flags.image, board, trust);
      const bootloader = await loadBootloader(flags.bootloader);
      const log = (text: string) => process.stdout.write(`${text}\n`);
      const session = await startServe({ board, config, bootloader, trust, speedup, seed, factory, controlPath: flags.control, log });
      const image = flags.image ?? 'the built-in test image 1.0.0';
      log(`bootproof serve: emulated ${board.name} (${config.strategy}, bootloader ${bootloader.name}) on ${session.port}`);
      log(`control socket: ${session.controlPath} (${CONTROL_COMMANDS.join(', ')})`);
      log(`primary slot: ${image}; try: npx bootproof smp --port ${session.port} image list`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await session.close();
    });

  program
    .command('serve-ctl')
    .description('Send one command to a `bootproof serve` control socket and print its answer (for lab power commands).')
    .requiredOption('--control <socket>', 'the control socket `bootproof serve` printed')
    .argument('<command...>', CONTROL_COMMANDS.join(' | '))
    .action(async (words: string[], flags: { control: string }) => {
      process.stdout.write(`${await sendControl(flags.control, words.join(' '))}\n`);
    });
}

/** The user's factory image: it must fit the primary slot and verify with a key the board trusts, or it could not boot. */
function readFactoryImage(path: string, board: Board, trust: TrustPolicy): Uint8Array {
  const bytes = readInputFile(path, { what: '--image' });
  const slot = board.partitions.images[0].primary;
  if (bytes.length > slot.size) {
    throw new UsageError(`--image ${path}: ${bytes.length} bytes do not fit ${board.name}'s primary slot (${slot.size} bytes)`);
  }
  const result = verifyImage(bytes, { keys: trust.keys.map((k) => k.key) });
  if (!result.valid) {
    throw new UsageError(`--image ${path}: does not verify with the keys the board trusts (${result.message}); give --key <its public key>`);
  }
  return bytes;
}

function readKey(path: string) {
  try {
    return loadPublicKey(readFileSync(path), { source: path });
  } catch (error) {
    const why = error instanceof BootproofError || error instanceof Error ? error.message : String(error);
    throw new UsageError(`--key ${path}: ${why}`);
  }
}
