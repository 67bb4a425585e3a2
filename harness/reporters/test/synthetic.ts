/** A large deterministic report (for the browser tests and bench html): suites, scenarios, cut points, verdicts. */
import { INVARIANTS, type InvariantName } from '../../invariants.ts';
import type { CaseResult, RunReport } from '../../results.ts';
import { failCase, passCase, sampleInfo, sampleReport } from './sample.ts';

const OUTCOMES = ['not-started', 'completed', 'torn'];
const PHASES = ['download', 'install', 'confirm'];

export function syntheticReport(total: number, suites = ['power-loss', 'revert', 'bit-rot']): RunReport {
  const invariants = Object.keys(INVARIANTS) as InvariantName[];
  const perSuite = Math.ceil(total / suites.length);
  const cases: CaseResult[] = [];
  for (let n = 0; cases.length < total; n++) {
    const suite = suites[Math.floor(n / perSuite) % suites.length];
    const k = n % perSuite;
    const scenario = `scenario-${Math.floor(k / 900)}`;
    const op = Math.floor((k % 900) / 3);
    const outcome = OUTCOMES[k % 3];
    const phase = PHASES[Math.floor((op / 300) * PHASES.length)];
    const id = `${scenario}/${phase}/op${op}/${outcome}`;
    const fault = { phase, op, kind: op % 8 === 0 ? 'erase' : 'program', offset: 0x73000 + op * 0x400, length: 1024, outcome };
    const replay = `npx bootproof run ${suite} --board nrf52840dk --bootloader test/mutants/no-status-records.ts --only ${id} --seed 1`;
    if (n % 97 === 5) {
      const invariant = invariants[n % invariants.length];
      cases.push(
        failCase(id, op, {
          suite,
          fault,
          replay,
          violations: [{ invariant, message: `${invariant} broke after the cut at op ${op}` }],
        }),
      );
    } else if (n % 211 === 7) {
      cases.push(passCase(id, { suite, fault, replay, status: 'skip', note: 'not on this board' }));
    } else {
      cases.push(passCase(id, { suite, fault, replay }));
    }
  }
  return sampleReport(cases, { info: sampleInfo({ suites }) });
}
