/**
 * Whether `run all --profile quick` catches every mutant in test/mutants/ at seeds 1, 2 and 3 (issue 18):
 * `npx tsx scripts/mutants-quick.ts [mutant…]`. Each mutant runs the suite whose cases catch it (the one
 * test/mutants.test.ts names; scenario-space for the space-* ones) under the quick profile: `run all` plans that
 * suite's cases the same way for the same seed, so a case that fails here fails there too, and the run skips the
 * planning of every other suite. Each run stops at its first failure; a line per mutant gives the case and invariant
 * that caught it at each seed (or MISSED) and the seconds it took. Exit 1 if one was missed.
 */
import { readdirSync } from 'node:fs';
import { runAtSeeds } from './seed-runs.ts';

/** The suite that catches each mutant, and the board it needs (an ECC part, two images); nrf52840dk otherwise. */
const WHERE: Readonly<Record<string, { readonly suite: string; readonly board?: string }>> = {
  'assert-on-bad-magic': { suite: 'power-loss' },
  'copy-source-stuck': { suite: 'power-loss' },
  'counter-on-test-boot': { suite: 'rollback' },
  'dependencies-ignored': { suite: 'multi-image', board: 'nucleo_l552ze_q' },
  'downgrade-check-test-only': { suite: 'rollback' },
  'erase-before-validate': { suite: 'corrupt-image' },
  'erase-verify-loop': { suite: 'power-loss' },
  'expiry-every-boot': { suite: 'keys' },
  'flag-bad-read-as-set': { suite: 'rollback' },
  hangs: { suite: 'power-loss' },
  'hardware-counter-unchecked': { suite: 'rollback' },
  'never-reverts': { suite: 'revert' },
  'no-status-records': { suite: 'power-loss' },
  'primary-not-validated': { suite: 'bit-rot' },
  'revert-source-unvalidated': { suite: 'bit-rot' },
  'security-counter-hardware-only': { suite: 'rollback' },
  'status-written-twice': { suite: 'power-loss', board: 'b_u585i_iot02a' },
  'tlv-length-trusted': { suite: 'corrupt-image' },
  'tlv-unchecked-in-primary': { suite: 'corrupt-image' },
  'torn-magic-good': { suite: 'revert' },
  'unprotected-tlvs-trusted': { suite: 'rollback' },
  'validation-cached': { suite: 'bit-rot' },
  'writes-outside-slots': { suite: 'power-loss' },
};
const SPACE = { suite: 'scenario-space', board: 'nucleo_l552ze_q' };
const SEEDS = [1, 2, 3];

const wanted = process.argv.slice(2);
const mutants = readdirSync(new URL('../test/mutants/', import.meta.url))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((m) => wanted.length === 0 || wanted.includes(m))
  .sort();

let missed = 0;
for (const mutant of mutants) {
  const where = WHERE[mutant] ?? (mutant.startsWith('space-') ? SPACE : undefined);
  if (!where) throw new Error(`${mutant}: no suite named for it in scripts/mutants-quick.ts`);
  const board = where.board ?? 'nrf52840dk';
  const { line, missed: runs } = await runAtSeeds(
    { suites: [where.suite], board, profile: 'quick', jobs: 2, bootloader: `test/mutants/${mutant}.ts` },
    SEEDS,
  );
  missed += runs;
  console.log(`${mutant} [${where.suite}, ${board}]: ${line}`);
}
console.log(`${mutants.length} mutants, ${missed} run(s) missed`);
process.exitCode = missed > 0 ? 1 : 0;
