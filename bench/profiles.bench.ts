/**
 * `run all` under each profile on the boards issue 18 names, on two worker threads: the quick profile's time
 * (goal ≤ 30 s) and the full one's (goal ≤ 10 min), with the ratio full/quick measured in the same run. Each line
 * also gives the cases, the failures (0 for the reference) and the dimension coverage the report records.
 */
import { runSuites } from '../harness/runner.ts';

const BOARDS = (process.env.BENCH_BOARDS ?? 'nrf52840dk,nucleo_l552ze_q,stm32f429zi').split(',');
const PROFILES = (process.env.BENCH_PROFILES ?? 'quick,full').split(',') as ('quick' | 'full')[];

export const title = 'run all --profile quick|full on two worker threads (issue 18 goals: 30 s and 10 min)';

export async function run(): Promise<void> {
  for (const board of BOARDS) {
    const seconds: Record<string, number> = {};
    for (const profile of PROFILES) {
      const started = performance.now();
      const report = await runSuites({ suites: ['all'], board, profile, seed: 1, jobs: 2 });
      seconds[profile] = (performance.now() - started) / 1000;
      const failed = report.cases.filter((c) => c.status === 'fail').length;
      const space = report.info.dimensions?.[0];
      const combos = space?.combinations.reduce((a, c) => ({ total: a.total + c.total, covered: a.covered + c.covered, missing: a.missing + c.missing.length }), { total: 0, covered: 0, missing: 0 });
      const pairs = space?.combinations.filter((c) => c.dimensions.length === 2) ?? [];
      const triples = space?.combinations.filter((c) => c.dimensions.length === 3) ?? [];
      const sum = (cs: typeof pairs, f: (c: (typeof pairs)[number]) => number) => cs.reduce((n, c) => n + f(c), 0);
      const line = (cs: typeof pairs) =>
        `${sum(cs, (c) => c.covered)} covered, ${sum(cs, (c) => c.excluded.length)} excluded, ${sum(cs, (c) => c.missing.length)} missing`;
      console.log(
        `${board} ${profile}: ${seconds[profile].toFixed(1)} s, ${report.cases.length} cases, ${failed} failed` +
          (space && combos ? `; scenario-space ${space.rows.length} rows, ${combos.covered} of ${combos.total} combinations covered, ${combos.missing} missing` : ''),
      );
      if (space) {
        const groups = triples.map((c) => c.dimensions.join(' × ')).join(', ');
        console.log(`  pairs: ${line(pairs)}${triples.length > 0 ? `; triples (${groups}): ${line(triples)}` : ''}`);
      }
    }
    if (seconds.quick && seconds.full) console.log(`${board}: full/quick = ${(seconds.full / seconds.quick).toFixed(1)}×`);
  }
}
