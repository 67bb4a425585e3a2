/**
 * revert: a new image that never confirms, or crashes before confirming, is reverted within a bounded number of
 * boots (FAULTS F-36, F-37, F-38), also with power cuts during the revert. And a permanent upgrade to an image
 * that crashes at every boot is shown to loop forever: the reason test upgrades exist.
 */
import { updateScenario } from '../harness/builders.ts';
import { defineSuite } from '../harness/suite.ts';

export default defineSuite({
  name: 'revert',
  title: 'never confirms, crashes before confirm, boot loop: the old image comes back',
  skip: (ctx) =>
    ctx.config.strategy === 'overwrite-only' ? 'overwrite-only cannot revert: it overwrites the primary' : undefined,
  scenarios: (ctx) => [
    updateScenario(ctx, {
      id: 'never-confirms',
      title: 'the new image runs but never confirms',
      app: 'never-confirms',
      cuts: { points: { kind: 'interesting' }, outcomes: ['not-started', 'torn'], phases: ['revert'] },
    }),
    updateScenario(ctx, {
      id: 'crashes-before-confirm',
      title: 'the new image crashes before it confirms, at every boot',
      app: 'crashes',
      cuts: { points: { kind: 'interesting' }, outcomes: ['torn'], phases: ['revert'] },
    }),
    updateScenario(ctx, {
      id: 'boot-loop',
      title: 'permanent upgrade to an image that crashes at every boot',
      mode: 'permanent',
      app: 'crashes',
      expect: 'new',
      demonstrates: { invariant: 'no-brick', what: 'a permanent upgrade to a crashing image boot-loops: nothing can revert it' },
    }),
  ],
});
