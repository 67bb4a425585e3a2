/**
 * `bootproof run <suite|file>… --board <name|file>`: sweeps the faults of each suite over an emulated board and
 * checks every invariant after every boot. Exit 0 when every invariant held, 1 on a violation, 2 on bad input.
 */
import type { Command } from 'commander';
import { trialUserModules } from '../context.ts';
import { isBootloaderBinary, QUICK_POINTS } from '../cpu-device/spec.ts';
import { DEFAULT_PROFILE } from '../dimensions/report.ts';
import { parsePoints } from '../fault-points.ts';
import { addLabOptions, labTargetFrom } from '../lab/lab-cli.ts';
import { runOnLab } from '../lab/lab-runner.ts';
import { checkOutputPaths } from '../output-paths.ts';
import { addReportOptions, type ReportFiles, reportersFor } from '../reporters/index.ts';
import { exitCodeOf, nothingChecked } from '../results.ts';
import { parseJobs, parseMaxFailures, parseProfile, parseSeed, parseShard, parseStrategy, parseTimeout, type RunOptions } from '../run-options.ts';
import { defaultJobs, runSuites } from '../runner.ts';

export const DEFAULT_SEED = 1;
/** A binary's fault-free run boots it several times, each with a signature check on an emulated core. */
const BINARY_CASE_TIMEOUT_MS = 300_000;

interface RunFlags extends ReportFiles {
  board: string;
  strategy?: string;
  bootloader?: string;
  bootloaderConfig?: string;
  signingKey?: string;
  imageFrom?: string;
  imageTo?: string;
  key?: string;
  points?: string;
  profile?: string;
  seed?: string;
  jobs?: string;
  shard?: string;
  only?: string[];
  caseTimeout?: string;
  maxFailures?: string;
}

export function registerRunCommand(program: Command): void {
  addRunOptions(
    addLabOptions(program.command('run'))
      .description(
        'Run suites (names from `bootproof suites`, `all`, or suite files) against an emulated board: every fault ' +
          'point is a test case, and every invariant is checked after every boot.',
      )
      .argument('<suites...>', 'suite names, `all`, or paths to suite modules (./my-suite.ts)')
      .option('--board <name|file>', 'a built-in board (see `bootproof boards`) or a board file')
      .option('--image-from <file>', 'the image the device runs before the update (instead of generated test images)')
      .option('--image-to <file>', 'the update image')
      .option('--key <pem>', 'the public key the device trusts for --image-from/--image-to')
      .option('--only <id...>', 'run only the cases with these ids (as printed in a replay command); only their scenarios are recorded'),
  ).action(async (suites: string[], flags: RunFlags & { lab?: string; boardId?: string }) => {
    checkOutputPaths({ junit: flags.junit, tap: flags.tap, json: flags.json, html: flags.html });
    const lab = labTargetFrom(flags);
    const options = runOptionsFrom(suites, lab ? { ...flags, board: '' } : flags);
    await trialUserModules(options);
    const report = lab ? await runOnLab(options, lab, reportersFor(flags)) : await runSuites(options, reportersFor(flags));
    const unchecked = nothingChecked(report);
    if (unchecked !== undefined) process.stderr.write(`bootproof: FAILED: ${unchecked}\n`);
    process.exitCode = exitCodeOf(report);
  });
}

/** The options `run` and `gate` share. */
export function addRunOptions(command: Command): Command {
  command
    .option('--strategy <strategy>', 'override the board\'s update strategy (overwrite-only, swap-scratch, swap-move, swap-offset, direct-xip)')
    .option(
      '--bootloader <module|binary>',
      'a module whose default export implements Bootloader (default: the reference model), or a bootloader binary (boot.elf, boot.hex, boot.bin@0x0) run on the board\'s emulated SoC',
    )
    .option('--bootloader-config <file>', "the binary's build configuration: a Zephyr MCUboot .config or a bootproof-bootloader/1 JSON file")
    .option('--signing-key <pem>', 'the private key whose public half is built into the binary (test images are signed with it)')
    .option(
      '--points <points>',
      "fault points: all, interesting, systematic[:N], trailer:N or random:N (default: the profile's: under quick trailer:2, every trailer-field write and erase and 2 seeded others per scenario; under full each suite chooses, and on a bootloader binary systematic:8: every erase, both ends of each program run, every unit of a trailer field, 8 seeded others)",
    )
    .option(
      '--profile <profile>',
      `quick (pull requests: pairwise scenario rows; ${QUICK_POINTS} cuts per scenario, a trailer field's write torn weakly where its value starts, other torn cuts one seeded variant) or full (release gating: every size × strategy × cut phase too, each suite's enumerated cuts and every torn variant); default ${DEFAULT_PROFILE}, so a bare run or gate samples nothing`,
    )
    .option('--seed <n>', `seed of every random choice (default ${DEFAULT_SEED})`)
    .option('--jobs <n>', 'worker threads (default: one per core; 0 runs in this thread)')
    .option('--shard <i/n>', 'run the i-th of n disjoint shares of the cases (merge the --json files with `bootproof merge`)')
    .option('--case-timeout <ms>', 'time one case may take before its bootloader counts as hung, with --jobs 0 too (default 20000)')
    .option('--max-failures <n>', 'stop once this many cases failed (the report says it stopped early)');
  return addReportOptions(command);
}

export function runOptionsFrom(suites: readonly string[], flags: RunFlags): RunOptions {
  if (flags.points !== undefined) parsePoints(flags.points);
  return {
    suites,
    board: flags.board,
    strategy: flags.strategy === undefined ? undefined : parseStrategy(flags.strategy),
    bootloader: flags.bootloader,
    bootloaderConfig: flags.bootloaderConfig,
    signingKey: flags.signingKey,
    imageFrom: flags.imageFrom,
    imageTo: flags.imageTo,
    key: flags.key,
    points: flags.points,
    profile: flags.profile === undefined ? undefined : parseProfile(flags.profile),
    seed: flags.seed === undefined ? DEFAULT_SEED : parseSeed(flags.seed),
    jobs: flags.jobs === undefined ? defaultJobs() : parseJobs(flags.jobs),
    shard: flags.shard === undefined ? undefined : parseShard(flags.shard),
    only: flags.only,
    caseTimeoutMs:
      flags.caseTimeout !== undefined
        ? parseTimeout(flags.caseTimeout)
        : flags.bootloader !== undefined && isBootloaderBinary(flags.bootloader)
          ? BINARY_CASE_TIMEOUT_MS
          : undefined,
    maxFailures: flags.maxFailures === undefined ? undefined : parseMaxFailures(flags.maxFailures),
  };
}
