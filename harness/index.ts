/**
 * The harness: what a suite drives (`Device`, `EmulatedDevice`), what a suite is (`defineSuite`, `Scenario`,
 * `updateScenario`), how a run is made (`runSuites`, `runGate`) and reported (the reporters), and the result model.
 */
export { NEW, OLD, type UpdateScenarioOptions, updateScenario } from './builders.ts';
export type {
  ActionResult,
  BootObservation,
  Device,
  DeviceCapabilities,
  NonVolatileView,
  PowerCutRequest,
  RunningImage,
  UpgradeMode,
} from './device.ts';
export { type ClockSpec, EmulatedDevice, type EmulatedDeviceOptions } from './emulated-device.ts';
export { type PointSelection, parsePoints } from './fault-points.ts';
export { Fixtures, type TestImageOptions, type UpdatePair } from './fixtures.ts';
export { type GateCheck, type GateResult, runGate } from './gate.ts';
export { maxImageSize } from './image-fit.ts';
export { INVARIANTS, type InvariantName, type Violation } from './invariants.ts';
export { mergeReports, parseReport } from './merge.ts';
export { imageExtent } from './oracle.ts';
export { ConsoleReporter } from './reporters/console.ts';
export { HtmlReporter, toHtml } from './reporters/html.ts';
export { JsonReporter } from './reporters/json.ts';
export { JUnitReporter, toJUnit } from './reporters/junit.ts';
export type { Reporter } from './reporters/reporter.ts';
export { TapReporter, toTap } from './reporters/tap.ts';
export { type CaseResult, exitCodeOf, type RunInfo, type RunReport } from './results.ts';
export type { RunOptions } from './run-options.ts';
export { runSuites } from './runner.ts';
export type { AppBehaviour, KnownImage, PowerCutFaults, Scenario, ScenarioStep } from './scenario.ts';
export { defineSuite, type Suite, type SuiteContext } from './suite.ts';
