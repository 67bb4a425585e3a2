/**
 * `npm run mutate [file…]`: mutation testing of the critical code with StrykerJS and its vitest runner. Each
 * target file is mutated in a run of its own, judged by its own tests only, and keeps an incremental file
 * (test/mutation/<name>.incremental.json, committed) so that a re-run mutates only what changed since. Exits 1
 * when a file's score falls below its goal, 2 on bad arguments.
 *   npm run mutate                      every critical file
 *   npm run mutate images/verify.ts     one file
 *   npm run mutate -- --full …          ignore the incremental files (a complete re-run)
 *   npm run mutate -- --ci              the files CI holds to their goal (those that have reached it)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Stryker } from '@stryker-mutator/core';

interface Target {
  file: string;
  tests: string[];
  /** The lowest mutation score (percent) the file may have. */
  goal: number;
  /** CI fails the build when this file falls below its goal (set once the file has reached it). */
  ci: boolean;
}

const TARGETS: Target[] = [
  { file: 'images/verify.ts', tests: ['images/sign-verify.test.ts', 'images/verify.test.ts', 'images/interop.test.ts'], goal: 95, ci: true },
  { file: 'images/trailer.ts', tests: ['images/trailer.test.ts'], goal: 95, ci: true },
  {
    file: 'emulator/flash/nor-flash.ts',
    tests: [
      'emulator/flash/nor-flash.test.ts',
      'emulator/flash/nor-flash.edges.test.ts',
      'emulator/flash/nor-flash.property.test.ts',
      'emulator/flash/nor-flash.fast-paths.test.ts',
    ],
    goal: 95,
    // Its survivors are equivalent mutants of the fast paths (a fresh-erased program, a read in one sector, the
    // word-wide copy, the write-budget shortcut, spare sectors) that only take the slow way: each shares its line and
    // mutator with a killed mutant, so a `Stryker disable` directive cannot mark it alone (the lines say so).
    ci: true,
  },
  { file: 'harness/oracle.ts', tests: ['harness/oracle.test.ts', 'harness/oracle.spans.test.ts'], goal: 95, ci: true },
  { file: 'emulator/boot/trailer-io.ts', tests: ['emulator/boot/trailer-io.test.ts'], goal: 95, ci: true },
  { file: 'emulator/boot/decision.ts', tests: ['emulator/boot/decision.test.ts', 'emulator/boot/decision.table.test.ts'], goal: 95, ci: true },
  { file: 'emulator/boot/strategies/swap-common.ts', tests: ['emulator/boot/strategies/swap-common.test.ts'], goal: 95, ci: true },
  { file: 'harness/serial/smp.ts', tests: ['harness/serial/smp.test.ts', 'harness/serial/smp-codec.test.ts'], goal: 90, ci: true },
  { file: 'harness/serial/framing.ts', tests: ['harness/serial/framing.test.ts', 'harness/serial/framing.edges.test.ts'], goal: 90, ci: true },
  { file: 'images/intel-hex.ts', tests: ['images/intel-hex.test.ts', 'images/intel-hex.edges.test.ts'], goal: 90, ci: true },
  { file: 'emulator/soc/firmware/elf.ts', tests: ['emulator/soc/firmware/elf.test.ts', 'emulator/soc/firmware/loaders.test.ts'], goal: 90, ci: true },
];

const args = process.argv.slice(2);
const full = args.includes('--full');
const ci = args.includes('--ci');
const named = args.filter((a) => a !== '--full' && a !== '--ci');
const unknown = named.filter((f) => !TARGETS.some((t) => t.file === f));
if (unknown.length > 0) {
  console.error(`mutate: not a critical file: ${unknown.join(', ')} (known: ${TARGETS.map((t) => t.file).join(', ')})`);
  process.exit(2);
}
const chosen = TARGETS.filter((t) => (named.length === 0 || named.includes(t.file)) && (!ci || t.ci));

const rows: { file: string; score: number; goal: number; killed: number; survived: number; noCoverage: number }[] = [];
for (const target of chosen) {
  console.log(`\nmutate: ${target.file} (tests: ${target.tests.join(', ')}; goal ${target.goal} %)`);
  process.env.BOOTPROOF_MUTATE_TESTS = target.tests.join(',');
  const incrementalFile = `test/mutation/${basename(target.file, '.ts')}.incremental.json`;
  const stryker = new Stryker({
    mutate: [target.file],
    vitest: { configFile: 'test/mutation/vitest.config.ts', related: false },
    incremental: true,
    force: full,
    incrementalFile,
    jsonReporter: { fileName: `reports/mutation/${basename(target.file, '.ts')}.json` },
  });
  const results = await stryker.runMutationTest();
  // The incremental file is committed: it must not carry the absolute path of the clone that wrote it (Stryker
  // matches files by their path relative to the project, so the field is not needed to reuse results).
  const saved = JSON.parse(readFileSync(incrementalFile, 'utf8')) as { projectRoot?: string };
  delete saved.projectRoot;
  writeFileSync(incrementalFile, JSON.stringify(saved, null, 2));
  const count = (status: string) => results.filter((r) => r.status === status).length;
  const killed = count('Killed') + count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const judged = killed + survived + noCoverage;
  const score = judged === 0 ? 100 : (100 * killed) / judged;
  rows.push({ file: target.file, score, goal: target.goal, killed, survived, noCoverage });
}

console.log('\n| file | score | goal | killed | survived | no coverage |\n|---|---|---|---|---|---|');
for (const r of rows) {
  const mark = r.score >= r.goal ? '' : ' **below goal**';
  console.log(`| ${r.file} | ${r.score.toFixed(1)} %${mark} | ${r.goal} % | ${r.killed} | ${r.survived} | ${r.noCoverage} |`);
}
if (rows.some((r) => r.score < r.goal)) process.exitCode = 1;
