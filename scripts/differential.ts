/**
 * The differential check of the reference model against a bootloader binary (see harness/differential.ts): every
 * case of the binary's run, on both, compared after every boot. Prints each case that differs with what differed
 * and the line that repeats it. Exits 0 when the two agree on every case, 1 on a difference, 2 on bad input.
 *   npx tsx scripts/differential.ts --board nrf52840dk                      run all on the board's committed build
 *   npx tsx scripts/differential.ts --board nrf52840dk --suite revert --suite rollback --points systematic:0
 *   npx tsx scripts/differential.ts --board nrf52840dk --cuts model                         the model's cut points
 *   npx tsx scripts/differential.ts --board stm32f429zi --bootloader boot.elf --bootloader-config boot.json
 */
import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { BootproofError } from '../emulator/common/errors.ts';
import { type DifferentialCase, runDifferential } from '../harness/differential.ts';
import { parseSeed, parseShard } from '../harness/run-options.ts';

/** The committed build `run all --bootloader` is shown with per board (README, "Sweeping a bootloader binary"). */
const DEFAULT_BUILDS: Readonly<Record<string, string>> = {
  nrf52840dk: 'bootloader-nrf52840dk-swap-move',
  nucleo_l552ze_q: 'bootloader-nucleo_l552ze_q-swap-move',
  stm32f429zi: 'bootloader-stm32f429zi-swap-scratch',
};
const BUILD_DIR = 'images/firmware/build';

interface Flags {
  board: string;
  bootloader?: string;
  bootloaderConfig?: string;
  signingKey?: string;
  suite: string[];
  points?: string;
  seed?: string;
  only?: string[];
  shard?: string;
  cuts?: string;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('differential')
    .description('Compare the reference model with a bootloader binary after every boot of every case of a run.')
    .requiredOption('--board <name>', 'the board (its committed build is the default binary)')
    .option('--bootloader <binary>', `the bootloader binary (default: ${BUILD_DIR}/<the board's build>.elf)`)
    .option('--bootloader-config <file>', "the binary's build configuration (default: the .json beside the default binary)")
    .option('--signing-key <pem>', 'the private key built into the binary (default: the one its configuration names)')
    .option('--suite <name>', 'a suite to run (repeatable; default all)', (value: string, list: string[]) => [...list, value], [])
    .option('--points <points>', "fault points (default: a binary's, systematic:8)")
    .option('--seed <n>', 'seed of every random choice (default 1)')
    .option('--only <id...>', 'compare only the cases with these ids')
    .option('--cuts <side>', "whose cut points: binary (default; its write-unit operations) or model (its whole-run programs)")
    .option('--shard <i/n>', 'compare every n-th case from the i-th (to split a run, or to sample one)')
    .exitOverride();
  let flags: Flags;
  try {
    program.parse(argv, { from: 'user' });
    flags = program.opts<Flags>();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const build = DEFAULT_BUILDS[flags.board];
  const bootloader = flags.bootloader ?? (build && `${BUILD_DIR}/${build}.elf`);
  if (bootloader === undefined) {
    fail(`--board ${flags.board}: no committed build of ours for it (${Object.keys(DEFAULT_BUILDS).join(', ')}); give --bootloader and --bootloader-config`);
    return 2;
  }
  const bootloaderConfig = flags.bootloaderConfig ?? (flags.bootloader === undefined ? `${BUILD_DIR}/${build}.json` : undefined);
  if (bootloaderConfig !== undefined && !existsSync(bootloaderConfig)) {
    fail(`--bootloader-config ${bootloaderConfig}: no such file`);
    return 2;
  }
  if (flags.cuts !== undefined && flags.cuts !== 'binary' && flags.cuts !== 'model') {
    fail(`--cuts ${flags.cuts}: expected binary or model`);
    return 2;
  }
  const started = performance.now();
  let results: DifferentialCase[];
  try {
    const options = {
      suites: flags.suite.length > 0 ? flags.suite : ['all'],
      board: flags.board,
      bootloader,
      bootloaderConfig,
      signingKey: flags.signingKey,
      points: flags.points,
      seed: flags.seed === undefined ? 1 : parseSeed(flags.seed),
      jobs: 0,
      only: flags.only,
      shard: flags.shard === undefined ? undefined : parseShard(flags.shard),
      cuts: flags.cuts as 'binary' | 'model' | undefined,
    };
    let done = 0;
    let lastProgress = performance.now();
    results = await runDifferential(options, (result) => {
      done++;
      if (result.status === 'differs') printDifference(result);
      if (performance.now() - lastProgress > 5000) {
        lastProgress = performance.now();
        process.stderr.write(`progress: ${done} cases compared (${result.suite} ${result.id})\n`);
      }
    });
  } catch (error) {
    if (error instanceof BootproofError) {
      fail(error.message);
      return 2;
    }
    throw error;
  }
  const count = (status: DifferentialCase['status']) => results.filter((r) => r.status === status).length;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const skipped = count('skip');
  const boots = results.reduce((sum, r) => sum + r.boots, 0);
  const verdict = count('differs') === 0 ? 'SAME' : 'DIFFERENT';
  process.stdout.write(
    `${verdict}: ${count('same')} cases the same, ${count('differs')} different, ${skipped} skipped (${boots} boots compared, ${seconds} s)\n`,
  );
  const reasons = new Map<string, number>();
  for (const r of results) if (r.status === 'skip') reasons.set(r.note ?? '', (reasons.get(r.note ?? '') ?? 0) + 1);
  for (const [reason, n] of reasons) process.stdout.write(`  skipped ×${n}: ${reason}\n`);
  return count('differs') === 0 ? 0 : 1;
}

function printDifference(result: DifferentialCase): void {
  const lines = [`DIFFERS ${result.suite}: ${result.id}`, ...result.differences.map((d) => `  ${d}`), `  replay: ${result.replay}`];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function fail(message: string): void {
  process.stderr.write(`differential: ${message}\n`);
}

process.exitCode = await main(process.argv.slice(2));
