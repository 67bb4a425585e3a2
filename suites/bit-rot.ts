/**
 * bit-rot: bits flipped at rest (FAULTS F-12) in the running image and in a pending update. A corrupted image
 * never runs: with no other valid copy the device must stop in an explicit halt (recovery state), and a rotten
 * update is refused while the old image keeps booting.
 */
import { OLD, updateScenario } from '../harness/builders.ts';
import { imageExtent } from '../harness/oracle.ts';
import type { Scenario } from '../harness/scenario.ts';
import { defineSuite } from '../harness/suite.ts';

const CASES = [
  { flips: 1, seed: 1 },
  { flips: 1, seed: 2 },
  { flips: 1, seed: 3 },
  { flips: 8, seed: 4 },
];

export default defineSuite({
  name: 'bit-rot',
  title: 'bit flips at rest in the primary (running) image and in the secondary (pending update)',
  scenarios: (ctx) => {
    const extent = imageExtent(ctx.fixtures.pair.to);
    const scenarios: Scenario[] = [];
    for (const { flips, seed } of CASES) {
      const base = updateScenario(ctx, { id: '', title: '' });
      scenarios.push({
        ...base,
        id: `primary-${flips}bit-s${seed}`,
        title: `${flips} bit(s) flipped in the running image, then a reboot`,
        steps: [{ kind: 'bit-rot', image: 0, slot: 'primary', flips, bytes: imageExtent(ctx.fixtures.pair.from), seed }, { kind: 'reboot' }],
        expect: 'halt',
      });
      scenarios.push(
        updateScenario(ctx, {
          id: `secondary-${flips}bit-s${seed}`,
          title: `${flips} bit(s) flipped in the downloaded update before the reboot`,
          beforeReboot: [{ kind: 'bit-rot', image: 0, slot: 'secondary', flips, bytes: extent, seed }],
          expect: OLD,
        }),
      );
    }
    return scenarios;
  },
});
