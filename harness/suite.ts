/**
 * The suite API. A suite is a module whose default export is a `Suite`: a name, a one-line title, and a function
 * that turns the run's context into scenarios (see scenario.ts). The runner does the rest: it records each
 * scenario fault-free, sweeps the faults the scenario asks for, and checks every invariant after every boot.
 *
 * A user's suite is a file: `bootproof run ./my-suite.ts --board nrf52840dk`.
 *
 * ```ts
 * import { defineSuite, updateScenario } from 'bootproof/harness';
 * export default defineSuite({
 *   name: 'my-upgrade',
 *   title: 'cut power at every operation of a test upgrade, then confirm',
 *   scenarios: (ctx) => [updateScenario(ctx, { id: 'upgrade', mode: 'test', cuts: { points: ctx.points, outcomes: ['torn'] } })],
 * });
 * ```
 */
import type { Board } from '../boards/types.ts';
import type { ImageConfig } from '../emulator/boot/index.ts';
import type { CoverageLine } from './coverage.ts';
import type { DimensionCoverage, Profile } from './dimensions/report.ts';
import type { PointSelection } from './fault-points.ts';
import type { Fixtures } from './fixtures.ts';
import type { Scenario } from './scenario.ts';

export interface SuiteContext {
  readonly board: Board;
  /** The bootloader configuration: the board's defaults, with `--strategy` applied. */
  readonly config: ImageConfig;
  readonly seed: number;
  /** `--points`, or undefined when the user left the choice to the suite. */
  readonly points: PointSelection | undefined;
  readonly fixtures: Fixtures;
  /** `--profile`: `quick` (pull requests) or `full` (release gating, the default when absent). */
  readonly profile?: Profile;
  /**
   * Set when the bootloader under test is a build whose configuration cannot change per scenario (a binary): `config`
   * is then that build's (strategy, image count, downgrade prevention, counters), and a suite that spans its
   * scenarios from dimensions keeps to it instead of planning rows the build must skip. Names the build in reasons.
   */
  readonly fixedBuild?: string;
}

export interface Suite {
  /** What a user types: `bootproof run <name>`. */
  readonly name: string;
  /** One line, shown by `bootproof suites`. */
  readonly title: string;
  /** A reason this suite cannot run in this context (a single-image board for multi-image), or undefined. */
  skip?(ctx: SuiteContext): string | undefined;
  /** The scenarios to run; deterministic for a given context (workers rebuild them independently). */
  scenarios(ctx: SuiteContext): readonly Scenario[];
  /**
   * What the scenarios enumerate or sample beyond power cuts (TLVs × mutations, resting states × rot), for the
   * report's coverage lines; the runner adds the cut lines itself.
   */
  coverage?(ctx: SuiteContext): readonly CoverageLine[];
  /** For a suite that spans dimensions: what its rows cover, for the reports (see harness/dimensions). */
  dimensions?(ctx: SuiteContext): DimensionCoverage;
}

export function defineSuite(suite: Suite): Suite {
  return suite;
}

export function isSuite(value: unknown): value is Suite {
  const s = value as Suite | undefined;
  return typeof s === 'object' && s !== null && typeof s.name === 'string' && typeof s.scenarios === 'function';
}
