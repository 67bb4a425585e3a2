/**
 * Turns RunOptions into everything a run needs: the board, the bootloader configuration, the bootloader under
 * test, the suites, and the fixtures. Bad input of any kind is a UsageError (exit 2) that names what and where.
 * Runs identically in the main thread and in each worker.
 */
import { loadBoard } from '../boards/index.ts';
import type { Board } from '../boards/types.ts';
import type { Bootloader, ImageConfig } from '../emulator/boot/index.ts';
import { ReferenceBootloader } from '../emulator/boot/index.ts';
import { BootproofError, UsageError } from '../emulator/common/errors.ts';
import { MAX_TEXT_FILE_BYTES, readInputFile } from '../emulator/common/files.ts';
import { buildOfImage, loadPublicKey, verifyImage } from '../images/index.ts';
import { type BootloaderSource, fromClass, fromInstance } from './bootloader-source.ts';
import { builtinSuiteNames, loadBuiltinSuite } from './builtin-suites.ts';
import { isBootloaderBinary, runPoints } from './cpu-device/spec.ts';
import { DEFAULT_PROFILE } from './dimensions/report.ts';
import { type PointSelection, parsePoints } from './fault-points.ts';
import { Fixtures, type UpdatePair } from './fixtures.ts';
import { readImageFile } from './image-file.ts';
import { maxImageSize } from './image-fit.ts';
import { imageExtent } from './oracle.ts';
import type { RunOptions } from './run-options.ts';
import type { Scenario } from './scenario.ts';
import { isSuite, type Suite, type SuiteContext } from './suite.ts';
import { guardProcessExit, importUserModule, trialImport } from './user-code.ts';

export interface RunContext {
  readonly options: RunOptions;
  readonly board: Board;
  readonly config: ImageConfig;
  /** A fresh bootloader at every power-on. */
  readonly bootloader: BootloaderSource;
  /** Each suite with the argument that named it (for the replay command). */
  readonly suites: readonly { readonly arg: string; readonly suite: Suite }[];
  readonly suiteContext: SuiteContext;
  /** The test images and keys (also `suiteContext.fixtures`). */
  readonly fixtures: Fixtures;
  /** Why the bootloader under test cannot take a scenario (a binary's build is fixed), or undefined. */
  readonly scenarioSkip?: (scenario: Scenario) => string | undefined;
}

export async function buildRunContext(options: RunOptions): Promise<RunContext> {
  const board = loadBoard(options.board);
  if (options.bootloader !== undefined && isBootloaderBinary(options.bootloader)) return binaryRunContext(board, options);
  if (options.bootloaderConfig !== undefined || options.signingKey !== undefined) {
    throw new UsageError('--bootloader-config and --signing-key go with a bootloader binary (--bootloader boot.elf, boot.hex or boot.bin@0x0)');
  }
  const config = boardConfig(board, options);
  const bootloader = await loadBootloader(options.bootloader);
  const suites = await loadSuites(options.suites);
  const points = pointsOf(options);
  const fixtures = new Fixtures(board, config, options.seed, loadUserPair(board, config, options));
  const suiteContext = { board, config, seed: options.seed, points, fixtures, profile: options.profile ?? DEFAULT_PROFILE };
  return { options, board, config, bootloader, suites, suiteContext, fixtures };
}

/** A bootloader binary on the board's SoC: its declared build fixes the configuration, the key and the scenarios it takes. */
async function binaryRunContext(board: Board, options: RunOptions): Promise<RunContext> {
  // Loaded here only: a model run (and every worker thread of one) needs none of the CPU emulator.
  const { binaryRun } = await import('./cpu-device/run-setup.ts');
  const run = binaryRun(board, { ...options, bootloader: options.bootloader! });
  const suites = await loadSuites(options.suites);
  const points = pointsOf(options);
  const fixtures = new Fixtures(board, run.config, options.seed, loadUserPair(board, run.config, options), run.signingKey);
  const suiteContext = {
    board,
    config: run.config,
    seed: options.seed,
    points,
    fixtures,
    profile: options.profile ?? DEFAULT_PROFILE,
    fixedBuild: 'the binary',
  };
  // Every power-on of the binary is already fresh (the machine's RAM cleared, its peripherals reset), so the one
  // instance serves them all and keeps the code it translated.
  const bootloader: BootloaderSource = { name: run.bootloader.name, create: () => run.bootloader };
  return { options, board, config: run.config, bootloader, suites, suiteContext, fixtures, scenarioSkip: run.skip };
}

/** The run's points (`runPoints`) parsed; undefined lets each suite choose. */
function pointsOf(options: RunOptions): PointSelection | undefined {
  const points = runPoints(options);
  return points === undefined ? undefined : parsePoints(points);
}

/** The board's bootloader defaults as an ImageConfig, with `--strategy` applied; suites vary it from here. */
export function boardConfig(board: Board, options: Pick<RunOptions, 'strategy'>): ImageConfig {
  const strategy = options.strategy ?? board.bootloader.strategy;
  if (strategy === 'swap-scratch' && !board.partitions.scratch) {
    throw new UsageError(`--strategy swap-scratch: board ${board.name} (${board.file}) has no scratch partition`);
  }
  const config: ImageConfig = {
    strategy,
    headerSize: board.bootloader.headerSize,
    maxAlign: board.bootloader.maxAlign as 8 | 16 | 32,
    maxImageSectors: board.bootloader.maxImageSectors,
    imageCount: 1,
    validatePrimaryAtBoot: true,
    downgradePrevention: 'none',
    hardwareRollback: false,
  };
  // A layout that leaves the strategy no room for an image can only halt: that is bad input, not a finding.
  const room = maxImageSize(board, config);
  if (typeof room === 'string' || room <= config.headerSize) {
    const why = typeof room === 'string' ? room : `the largest image it accepts is ${room} bytes`;
    throw new UsageError(
      `strategy ${strategy} cannot update board ${board.name} (${board.file}): ${why}; pick another --strategy`,
    );
  }
  return config;
}

/**
 * The reference model, or the default export of a user's module: a class (a fresh instance at every power-on), or
 * an instance (a copy of it as loaded at every power-on).
 */
export async function loadBootloader(path: string | undefined): Promise<BootloaderSource> {
  if (path === undefined) return fromClass(ReferenceBootloader);
  let module: { default?: unknown };
  try {
    module = await importUserModule(path);
  } catch (error) {
    throw new UsageError(`--bootloader ${path}: cannot load the module: ${(error as Error).message}`);
  }
  const candidate = module.default;
  let source: BootloaderSource | undefined;
  const restore = guardProcessExit();
  try {
    if (typeof candidate === 'function') source = fromClass(candidate as new () => Bootloader);
    else if (isBootloader(candidate)) source = fromInstance(candidate);
    if (source && !isBootloader(source.create())) source = undefined;
  } catch (error) {
    throw new UsageError(`--bootloader ${path}: its default export could not be constructed: ${(error as Error).message}`);
  } finally {
    restore();
  }
  if (!source) {
    throw new UsageError(
      `--bootloader ${path}: the default export must implement Bootloader (a 'name' string and a 'boot(ctx)' method)`,
    );
  }
  return source;
}

function isBootloader(value: unknown): value is Bootloader {
  const b = value as Bootloader | undefined;
  return typeof b === 'object' && b !== null && typeof b.boot === 'function' && typeof b.name === 'string';
}

export async function loadSuites(args: readonly string[]): Promise<{ arg: string; suite: Suite }[]> {
  if (args.length === 0) throw new UsageError('run: name at least one suite (see `bootproof suites`), or `all`');
  const builtin = builtinSuiteNames();
  const out: { arg: string; suite: Suite }[] = [];
  for (const arg of args) {
    if (arg === 'all') {
      for (const name of builtin) out.push({ arg: name, suite: await loadBuiltinSuite(name) });
      continue;
    }
    if (isSuiteFile(arg)) {
      out.push({ arg, suite: await loadSuiteFile(arg) });
      continue;
    }
    if (!builtin.includes(arg)) {
      throw new UsageError(`unknown suite '${arg}': expected one of ${builtin.join(', ')}, all, or a suite file`);
    }
    out.push({ arg, suite: await loadBuiltinSuite(arg) });
  }
  // `run all power-loss` names power-loss twice: run it once.
  return out.filter(({ suite }, i) => out.findIndex((o) => o.suite.name === suite.name) === i);
}

function isSuiteFile(arg: string): boolean {
  return /[\\/]|\.[cm]?[jt]s$/.test(arg);
}

/**
 * Tries the import of every user module a run names (`--bootloader`, suite files) in a child process first, so
 * one that ends the process or loops at import is bad input (exit 2) instead of exit 0 or a hang.
 */
export async function trialUserModules(options: Pick<RunOptions, 'bootloader' | 'suites'>): Promise<void> {
  // A binary (boot.elf, boot.hex, boot.bin@0x0) is read, never imported.
  if (options.bootloader !== undefined && !isBootloaderBinary(options.bootloader)) await trialImport(options.bootloader, '--bootloader');
  for (const arg of options.suites) if (isSuiteFile(arg)) await trialImport(arg, 'suite file');
}

async function loadSuiteFile(path: string): Promise<Suite> {
  let module: { default?: unknown };
  try {
    module = await importUserModule(path);
  } catch (error) {
    throw new UsageError(`suite file ${path}: cannot load it: ${(error as Error).message}`);
  }
  if (!isSuite(module.default)) {
    throw new UsageError(`suite file ${path}: the default export must be a Suite (name, title, scenarios(ctx))`);
  }
  return module.default;
}

function loadUserPair(board: Board, config: ImageConfig, options: RunOptions): UpdatePair | undefined {
  const given = [options.imageFrom, options.imageTo, options.key].filter((v) => v !== undefined).length;
  if (given === 0) return undefined;
  if (given !== 3) throw new UsageError('--image-from, --image-to and --key go together: give all three');
  const slot = board.partitions.images[0]!.primary;
  const from = readImageFile(options.imageFrom!, { what: '--image-from', verified: true, maxSpan: slot.size }).bytes;
  const to = readImageFile(options.imageTo!, { what: '--image-to', verified: true, maxSpan: slot.size }).bytes;
  const keyPem = readInputFile(options.key!, { what: '--key', maxBytes: MAX_TEXT_FILE_BYTES });
  let trustKey: ReturnType<typeof loadPublicKey>;
  try {
    trustKey = loadPublicKey(keyPem, { source: options.key });
  } catch (error) {
    if (error instanceof BootproofError) throw new UsageError(`--key ${options.key}: ${error.message}`);
    throw error;
  }
  if (Buffer.from(from).equals(Buffer.from(to))) {
    throw new UsageError(`--image-from ${options.imageFrom} and --image-to ${options.imageTo} hold the same image: an update needs two`);
  }
  // As gate's fit check: an image the strategy cannot hold is bad input, not a convergence failure.
  const limit = maxImageSize(board, config);
  for (const [flag, path, bytes] of [['--image-from', options.imageFrom!, from], ['--image-to', options.imageTo!, to]] as const) {
    const size = imageExtent(bytes);
    if (typeof limit === 'number' && size > limit) {
      throw new UsageError(
        `${flag} ${path}: the image is ${size} bytes, ${size - limit} more than the ${limit} bytes ${config.strategy} fits in board ${board.name}'s slot`,
      );
    }
    const result = verifyImage(bytes, { keys: [trustKey], ...buildOfImage(bytes) });
    if (!result.valid) throw new UsageError(`${flag} ${path} does not verify with --key ${options.key}: ${result.message}`);
  }
  return { from, to, trustKey, fromUser: true };
}
