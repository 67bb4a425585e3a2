/**
 * power-loss-double: two cuts in one update, the second inside the recovery from the first (FAULTS F-10, I-8).
 * The first cuts are sampled over the install; each gets sampled second cuts, and the device must end where the
 * single cut ends.
 */
import { updateScenario } from '../harness/builders.ts';
import { defineSuite } from '../harness/suite.ts';

export default defineSuite({
  name: 'power-loss-double',
  title: 'sampled double power cuts: a second cut during the recovery from the first',
  scenarios: (ctx) => [
    updateScenario(ctx, {
      id: 'upgrade',
      title: 'test upgrade, confirmed by the new image',
      cuts: {
        points: { kind: 'random', count: 12 },
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
        points: { kind: 'random', count: 6 },
        outcomes: ['torn', 'not-started'],
        phases: ['revert'],
        secondCuts: 2,
        singleCuts: false,
      },
    }),
  ],
});
