/**
 * The recorded corpora: cases with unicorn's results, so `npm test` checks the core without unicorn. Rebuild with
 * `npx tsx emulator/cpu/conformance/corpus.ts [armv7e-m|armv6-m] [seed] [cases]` (needs python3-unicorn); past
 * mismatches live in regressions.json and are never regenerated.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ConformanceCase, type ConformanceResult, type Profile, SequenceGenerator } from './generator.ts';
import { findUnicornPython, runOnUnicorn } from './unicorn.ts';

export interface RecordedCase extends ConformanceCase {
  expected: ConformanceResult;
  /** For a regression: the bug it caught. */
  note?: string;
}

export const CORPUS_FILES: Record<Profile, URL> = {
  'armv7e-m': new URL('./corpus.json', import.meta.url),
  'armv6-m': new URL('./corpus-armv6m.json', import.meta.url),
};
export const REGRESSIONS_FILE = new URL('./regressions.json', import.meta.url);
/** Instructions drawn per case (memory setup and skipped branches add more). */
export const CASE_LENGTH = 24;

export function loadCases(file: URL): RecordedCase[] {
  return JSON.parse(readFileSync(file, 'utf8')) as RecordedCase[];
}

/** Runs the cases on unicorn and keeps those it executes (it rejects none of the valid encodings we emit). */
export function record(python: string, cases: readonly ConformanceCase[]): RecordedCase[] {
  const outcomes = runOnUnicorn(python, cases);
  return cases.flatMap((c, i) => {
    const outcome = outcomes[i];
    return 'error' in outcome ? [] : [{ ...c, expected: outcome }];
  });
}

export function writeCases(file: URL, cases: readonly RecordedCase[]): void {
  writeFileSync(file, `[\n${cases.map((c) => JSON.stringify(c)).join(',\n')}\n]\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const python = findUnicornPython();
  if (!python) throw new Error('python3 with the unicorn module is needed (apt-get install python3-unicorn)');
  const profile = (process.argv[2] ?? 'armv7e-m') as Profile;
  if (!(profile in CORPUS_FILES)) throw new Error(`unknown profile ${profile}: armv7e-m or armv6-m`);
  const seed = Number(process.argv[3] ?? 2026);
  const count = Number(process.argv[4] ?? 2000);
  const generator = new SequenceGenerator(seed, undefined, profile);
  const cases = record(python, Array.from({ length: count }, () => generator.sequence(CASE_LENGTH)));
  writeCases(CORPUS_FILES[profile], cases);
  console.log(`corpus ${profile}: ${cases.length} of ${count} cases recorded from seed ${seed}`);
}
