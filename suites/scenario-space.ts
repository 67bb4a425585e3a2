/**
 * scenario-space: the update story as data (issue 18). Thirteen dimensions — strategy, layout, image size and the
 * old/new size relation, version per field, security counter, the new image's app, the upgrade request, the
 * sequence of updates, a clock or trust event and where it falls, the signature and key, and the phase of the
 * power cuts — spanned by a covering array: every pair of values under `quick`, and every combination of
 * size × strategy × cut phase too under `full`. Each row is one scenario; the report lists the rows and what
 * they cover, and says why each combination left out cannot be built here.
 */
import { coveringArray } from '../harness/dimensions/index.ts';
import { type DimensionCoverage, dimensionCoverage } from '../harness/dimensions/report.ts';
import type { PointSelection } from '../harness/fault-points.ts';
import type { Scenario } from '../harness/scenario.ts';
import { defineSuite, type SuiteContext } from '../harness/suite.ts';
import { coveringSpec } from './space/dimensions.ts';
import { storyOf } from './space/story.ts';

/**
 * Cuts per row under the full profile (quick's points are the run's, `trailer:2`): every trailer-field write and
 * erase of a sector holding one, each torn variant, and 8 seeded others. The row's cut phase already places its
 * cuts; every payload operation of a full-slot swap (`interesting`: 4,000 cases for one row) is the power-loss
 * suite's sweep, not the scenario space's.
 */
const CUTS: PointSelection = { kind: 'trailer', count: 8 };

interface Plan {
  readonly scenarios: readonly Scenario[];
  readonly coverage: DimensionCoverage;
}

const plans = new WeakMap<SuiteContext, Plan>();

function plan(ctx: SuiteContext): Plan {
  const known = plans.get(ctx);
  if (known) return known;
  const profile = ctx.profile ?? 'full';
  const spec = coveringSpec(ctx.board, ctx.config, profile, ctx.fixedBuild);
  const array = coveringArray(spec, ctx.seed);
  const ids = array.rows.map((_, i) => `row${String(i + 1).padStart(3, '0')}`);
  const scenarios = array.rows.map((row, i) => storyOf(ctx, row, { id: ids[i], points: CUTS }));
  const made = { scenarios, coverage: dimensionCoverage(spec, array, profile, ids) };
  plans.set(ctx, made);
  return made;
}

export default defineSuite({
  name: 'scenario-space',
  title: 'every pair of 13 dimensions (size, versions, app, mode, sequence, clock/trust, signature, strategy, cuts …)',
  skip: (ctx) => (ctx.fixtures.pair.fromUser ? 'builds its own images for every row (no --image-from/--image-to)' : undefined),
  scenarios: (ctx) => plan(ctx).scenarios,
  dimensions: (ctx) => plan(ctx).coverage,
});
