/**
 * Whether every binary mutant of the C bootloader (images/firmware/build/bootloader-*-mutant-*) is caught on the
 * CPU-level device by the suite named for it, with the CLI's defaults (the binary's default points, the full
 * profile), at seeds 1, 2 and 3 (issue 13): `npx tsx scripts/cpu-mutants.ts [mutant…] [--seeds 1,2,3] [--jobs N]`.
 * Each run stops at its first failure; a line per mutant gives the case and invariant that caught it at each seed
 * (or MISSED) and the seconds it took. Exit 1 if one was missed, 2 if a mutant build has no suite named for it.
 * test/cpu-mutants.test.ts re-runs the catching case of each (`--only`) and its replay line within CI's budget.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAtSeeds } from './seed-runs.ts';

/** The suite that catches each mutant (README, "Binary mutants"). The board is the build's. */
const SUITE: Readonly<Record<string, string>> = {
  'no-progress': 'power-loss',
  'swap-state-in-ram': 'power-loss',
  'primary-not-validated': 'bit-rot',
  'tlv-length-trusted': 'corrupt-image',
  'erase-before-validate': 'corrupt-image',
  'counter-on-test-boot': 'rollback',
  'dependencies-unprotected': 'multi-image',
  'ecc-rewrite': 'power-loss',
  'torn-magic': 'power-loss',
  'revert-without-validation': 'bit-rot',
};
const BOARDS = ['nrf52840dk', 'nucleo_l552ze_q', 'stm32f429zi'];

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

const seeds = option('--seeds', '1,2,3').split(',').map(Number);
const jobs = Number(option('--jobs', '2'));
const wanted = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const folder = fileURLToPath(new URL('../images/firmware/build/', import.meta.url));
const builds = readdirSync(folder)
  .filter((f) => /^bootloader-.*-mutant-.*\.elf$/.test(f))
  .map((f) => f.slice(0, -'.elf'.length))
  .filter((name) => wanted.length === 0 || wanted.some((w) => name.endsWith(`-mutant-${w}`)))
  .sort();

let missed = 0;
for (const build of builds) {
  const mutant = build.slice(build.indexOf('-mutant-') + '-mutant-'.length);
  const suite = SUITE[mutant];
  const board = BOARDS.find((b) => build.startsWith(`bootloader-${b}-`));
  if (suite === undefined || board === undefined) {
    console.error(`${build}: no suite or board named for it in scripts/cpu-mutants.ts`);
    process.exit(2);
  }
  const { line, missed: runs } = await runAtSeeds(
    { suites: [suite], board, bootloader: join(folder, `${build}.elf`), bootloaderConfig: join(folder, `${build}.json`), jobs },
    seeds,
  );
  missed += runs;
  console.log(`${mutant} [${suite}, ${board}]: ${line}`);
}
console.log(`${builds.length} binary mutants × ${seeds.length} seeds, ${missed} run(s) missed`);
process.exitCode = missed > 0 ? 1 : 0;
