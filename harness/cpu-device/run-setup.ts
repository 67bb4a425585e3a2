/**
 * What `run` and `gate` need to sweep a bootloader binary: the binary itself, its declared build configuration
 * checked against the board, the private key its test images are signed with, and which scenarios the build can
 * take (a binary has its strategy, downgrade prevention and trust store built in, so a scenario asking for others
 * is skipped with the reason, as on a lab board).
 */
import { createPublicKey } from 'node:crypto';
import type { Board } from '../../boards/types.ts';
import type { ImageConfig } from '../../emulator/boot/index.ts';
import { UsageError } from '../../emulator/common/errors.ts';
import { readInputFile } from '../../emulator/common/files.ts';
import { type KeyPair, keyTypeOf, loadPrivateKey } from '../../images/index.ts';
import type { Scenario } from '../scenario.ts';
import { readBootloaderBinary } from './binary.ts';
import { checkBuildFitsBoard, imageConfigOf } from './board-fit.ts';
import type { BuildConfig } from './build-config.ts';
import { CpuBootloader } from './cpu-bootloader.ts';
import { loadBuildConfig } from './load-config.ts';

export interface BinaryRunOptions {
  readonly bootloader: string;
  readonly bootloaderConfig?: string;
  readonly signingKey?: string;
  readonly strategy?: string;
}

export interface BinaryRun {
  readonly bootloader: CpuBootloader;
  readonly build: BuildConfig;
  readonly config: ImageConfig;
  readonly signingKey: KeyPair;
  /** Why the build cannot take `scenario`, or undefined when it can. */
  skip(scenario: Scenario): string | undefined;
}

export function binaryRun(board: Board, options: BinaryRunOptions): BinaryRun {
  if (options.bootloaderConfig === undefined) {
    throw new UsageError(
      `--bootloader ${options.bootloader} is a binary: declare its build with --bootloader-config (a Zephyr MCUboot .config or a bootproof-bootloader/1 JSON file)`,
    );
  }
  const build = loadBuildConfig(options.bootloaderConfig);
  if (options.strategy !== undefined && options.strategy !== build.strategy) {
    throw new UsageError(`--strategy ${options.strategy}: the binary is built for ${build.strategy} (${build.file}); drop --strategy`);
  }
  checkBuildFitsBoard(build, board);
  const binary = readBootloaderBinary(options.bootloader, board);
  const signingKey = loadSigningKey(build, options.signingKey);
  const config = imageConfigOf(build, board);
  return {
    bootloader: new CpuBootloader(board, binary, build),
    build,
    config,
    signingKey,
    skip: (scenario) => scenarioSkip(scenario, build, config),
  };
}

function loadSigningKey(build: BuildConfig, given: string | undefined): KeyPair {
  const path = given ?? build.signingKey;
  if (build.signature === 'none') {
    throw new UsageError(`${build.file}: a build without signatures (signature "none") cannot be swept yet: the suites sign their images`);
  }
  if (path === undefined) {
    throw new UsageError(`--signing-key: give the private key whose public half is built into the binary (${build.file} names none)`);
  }
  const flag = given === undefined ? `signingKey in ${build.file}` : '--signing-key';
  const privateKey = loadPrivateKey(readInputFile(path, { what: flag }), { source: path });
  const type = keyTypeOf(privateKey);
  if (type !== build.signature) {
    throw new UsageError(`${flag} ${path}: a key of type ${type}, but the binary is built for ${build.signature} signatures (${build.file})`);
  }
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function scenarioSkip(scenario: Scenario, build: BuildConfig, config: ImageConfig): string | undefined {
  const wanted = scenario.config;
  if (wanted.imageCount !== config.imageCount) return `needs a ${wanted.imageCount}-image build; the binary manages ${config.imageCount}`;
  if (wanted.strategy !== config.strategy) return `needs a ${wanted.strategy} bootloader; the binary is built for ${config.strategy}`;
  if (wanted.downgradePrevention !== config.downgradePrevention || wanted.hardwareRollback !== config.hardwareRollback) {
    const describe = (c: ImageConfig) => `'${c.downgradePrevention}'${c.hardwareRollback ? ' with a hardware counter' : ''}`;
    return `needs downgrade prevention ${describe(wanted)}; the binary is built with ${describe(config)}`;
  }
  if (wanted.validatePrimaryAtBoot !== config.validatePrimaryAtBoot) {
    return `needs primary validation at boot ${wanted.validatePrimaryAtBoot ? 'on' : 'off'}; the binary has it ${config.validatePrimaryAtBoot ? 'on' : 'off'}`;
  }
  const { trust } = scenario;
  const changesTrust = scenario.steps.some((s) => s.kind === 'trust') || (scenario.cuts?.whileOff ?? []).some((s) => s.kind === 'trust');
  if (trust.enforce !== 'install' || changesTrust || trust.keys.some((k) => k.revoked || k.notBefore !== undefined || k.notAfter !== undefined)) {
    return 'needs key validity windows or revocation, which MCUboot does not have (its keys are built into the binary)';
  }
  if (trust.keys.length !== 1 || trust.keys[0]!.name !== 'root') {
    return `needs the bootloader to trust the key(s) ${trust.keys.map((k) => k.name).join(', ')}; the binary trusts only its built-in key`;
  }
  if (build.hardwareCounter === null && scenario.factory.counters !== undefined && scenario.factory.counters.size > 0) {
    return 'needs hardware counters set at the factory; the build declares none';
  }
  return undefined;
}
