/** Runs recorded cases on bootproof's core and reports those that end differently from unicorn's run. */
import type { RecordedCase } from './corpus.ts';
import type { Profile } from './generator.ts';
import { CaseRunner } from './run-case.ts';

/** The cases whose final state differs from unicorn's, described well enough to replay. */
export function mismatches(cases: readonly RecordedCase[], translate: boolean): string[] {
  const runners = new Map<Profile, CaseRunner>();
  return cases.flatMap((c) => {
    const profile = c.profile ?? 'armv7e-m';
    const runner = runners.get(profile) ?? new CaseRunner(translate, profile);
    runners.set(profile, runner);
    const ours = runner.run(c);
    const state = { registers: ours.registers, apsr: ours.apsr, memory: ours.memory };
    if (JSON.stringify(state) === JSON.stringify(c.expected)) return [];
    return [`seed ${c.seed} code ${c.code}: ours ${JSON.stringify(state)} (${ours.stop}), unicorn ${JSON.stringify(c.expected)}`];
  });
}
