/**
 * power-loss: a single power cut at each flash operation of an update (FAULTS F-01, F-02, F-04, F-05, F-07, F-08,
 * F-09), in every phase — the download, the upgrade request, the install (swap or copy), the revert, the confirm —
 * with the cut leaving the operation not started, completed, or torn.
 */
import { updateScenario } from '../harness/builders.ts';
import { defineSuite } from '../harness/suite.ts';

export default defineSuite({
  name: 'power-loss',
  title: 'one power cut at every flash operation of an update (download, install, revert, confirm)',
  scenarios: (ctx) => {
    const outcomes = ['not-started', 'completed', 'torn'] as const;
    return [
      updateScenario(ctx, {
        id: 'upgrade',
        title: 'test upgrade, confirmed by the new image',
        cuts: { points: { kind: 'all' }, outcomes },
      }),
      updateScenario(ctx, {
        id: 'permanent',
        title: 'permanent upgrade',
        mode: 'permanent',
        cuts: { points: { kind: 'interesting' }, outcomes, phases: ['install'] },
      }),
      updateScenario(ctx, {
        id: 'revert',
        title: 'test upgrade the new image never confirms, reverted',
        app: 'never-confirms',
        cuts: { points: { kind: 'all' }, outcomes, phases: ['revert'] },
      }),
    ];
  },
});
