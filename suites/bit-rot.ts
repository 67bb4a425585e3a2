/**
 * bit-rot: bits flipped at rest (FAULTS F-12), in every state an image rests in: the running image before an
 * update (before its first boot, and after it booted validly once — a cached validation must not survive the
 * reboot); the pending update in the secondary; the new image on trial; the old image, the revert source, while
 * the new one is on trial; and the new image once confirmed. A corrupted image never runs: with no other valid
 * copy the device stops in an explicit halt, a rotten update is refused, a rotten revert source is not swapped back.
 */
import { NEW, OLD, updateScenario } from '../harness/builders.ts';
import { imageExtent } from '../harness/oracle.ts';
import type { Scenario, ScenarioStep } from '../harness/scenario.ts';
import { defineSuite, type SuiteContext } from '../harness/suite.ts';

/** The flips at each resting state: one bit at three places, and a burst of eight; each from a fixed seed. */
const ROT = [
  { flips: 1, seed: 1 },
  { flips: 1, seed: 2 },
  { flips: 1, seed: 3 },
  { flips: 8, seed: 4 },
];

interface RestingState {
  readonly id: string;
  readonly title: string;
  /** Needs a trial (a strategy that can revert). */
  readonly trial?: true;
  readonly scenario: (ctx: SuiteContext, rot: (slot: 'primary' | 'secondary', image: Uint8Array) => ScenarioStep) => Scenario;
}

const STATES: readonly RestingState[] = [
  {
    id: 'running-before-first-boot',
    title: 'the running image, before its first boot',
    scenario: (ctx, rot) => ({
      ...updateScenario(ctx, { id: '', title: '' }),
      steps: [rot('primary', ctx.fixtures.pair.from), { kind: 'reboot' }],
      expect: 'halt',
    }),
  },
  {
    id: 'running-after-a-valid-boot',
    title: 'the running image, after it booted validly once',
    scenario: (ctx, rot) => ({
      ...updateScenario(ctx, { id: '', title: '' }),
      steps: [{ kind: 'reboot' }, rot('primary', ctx.fixtures.pair.from), { kind: 'reboot' }],
      expect: 'halt',
    }),
  },
  {
    id: 'pending-update',
    title: 'the downloaded update, before the reboot',
    scenario: (ctx, rot) => updateScenario(ctx, { id: '', title: '', beforeReboot: [rot('secondary', ctx.fixtures.pair.to)], expect: OLD }),
  },
  {
    id: 'new-on-trial',
    title: 'the new image while it is on trial (never confirmed): the revert brings the old one back',
    trial: true,
    scenario: (ctx, rot) =>
      onTrial(updateScenario(ctx, { id: '', title: '', app: 'never-confirms', expect: OLD }), rot('primary', ctx.fixtures.pair.to)),
  },
  {
    id: 'revert-source-on-trial',
    title: 'the old image (the revert source) while the new one is on trial: it must not be swapped back',
    trial: true,
    scenario: (ctx, rot) =>
      onTrial(updateScenario(ctx, { id: '', title: '', app: 'never-confirms', expect: NEW }), rot('secondary', ctx.fixtures.pair.from)),
  },
  {
    id: 'new-confirmed',
    title: 'the new image once confirmed',
    scenario: (ctx, rot) => updateScenario(ctx, { id: '', title: '', after: [rot('primary', ctx.fixtures.pair.to), { kind: 'reboot' }], expect: 'halt' }),
  },
];

/** The update booted once, on trial, then `rot` at rest, then a reboot. */
function onTrial(scenario: Scenario, rot: ScenarioStep): Scenario {
  const steps = scenario.steps.map((step): ScenarioStep => (step.kind === 'reboot' ? { kind: 'reboot', until: 'trial' } : step));
  return { ...scenario, steps: [...steps, rot, { kind: 'reboot' }] };
}

function trialSkip(ctx: SuiteContext): string | undefined {
  return ctx.config.strategy === 'overwrite-only' ? 'overwrite-only has no trial: the new image is final at once' : undefined;
}

export default defineSuite({
  name: 'bit-rot',
  title: 'bit flips at rest in every resting state: running, pending, on trial, revert source, confirmed',
  coverage: (ctx) => [
    { what: 'resting states × rot patterns', how: 'enumerated', count: STATES.filter((s) => !s.trial || !trialSkip(ctx)).length * ROT.length },
  ],
  scenarios: (ctx) =>
    STATES.flatMap((state) =>
      ROT.map(({ flips, seed }) => {
        const rot = (slot: 'primary' | 'secondary', image: Uint8Array): ScenarioStep => ({
          kind: 'bit-rot',
          image: 0,
          slot,
          flips,
          bytes: imageExtent(image),
          seed,
        });
        const scenario = state.scenario(ctx, rot);
        const skip = state.trial ? trialSkip(ctx) : undefined;
        return {
          ...scenario,
          id: `${state.id}/${flips}bit-s${seed}`,
          title: `${flips} bit(s) flipped in ${state.title}`,
          ...(skip ? { skip } : {}),
        };
      }),
    ),
});
