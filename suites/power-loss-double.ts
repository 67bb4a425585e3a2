/**
 * power-loss-double: two cuts in one update, the second inside the recovery from the first (FAULTS F-10, I-8).
 * The first cuts are the interesting points of the install (every erase, every trailer and status write with
 * each of its torn variants, the first and last write of each sector); each gets second cuts spread evenly over
 * its recovery, the same at every seed, and the device must end where the single cut ends.
 */
import { updateScenario } from '../harness/builders.ts';
import { defineSuite } from '../harness/suite.ts';

export default defineSuite({
  name: 'power-loss-double',
  title: 'double power cuts: a second cut during the recovery from the first, at every interesting first cut',
  scenarios: (ctx) => [
    updateScenario(ctx, {
      id: 'upgrade',
      title: 'test upgrade, confirmed by the new image',
      cuts: {
        points: { kind: 'interesting' },
        outcomes: ['torn', 'not-started'],
        phases: ['install'],
        secondCuts: 2,
        singleCuts: false,
      },
    }),
    updateScenario(ctx, {
      id: 'revert',
      title: 'test upgrade the new image never confirms, reverted',
      app: 'never-confirms',
      cuts: {
        points: { kind: 'interesting' },
        outcomes: ['torn', 'not-started'],
        phases: ['revert'],
        secondCuts: 2,
        singleCuts: false,
      },
    }),
  ],
});
