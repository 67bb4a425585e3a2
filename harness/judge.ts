/**
 * The judge: the one place a case's verdict is made, from data alone. The emulated runner and the lab runner
 * gather what happened (the terminal state, the violations the oracle saw at each boot, where the cut landed) and
 * hand it here; neither decides pass or fail itself. Nothing in this file touches a device.
 */
import type { Violation } from './invariants.ts';
import type { Scenario } from './scenario.ts';

/** What the device ended in: the image names per image index (`a+b`), `halt`, `crash` or `unsettled`. */
export type Terminal = string;

export const HALT: Terminal = 'halt';
/** The bootloader failed outright (threw, broke a flash rule, returned nonsense): the oracle already said why. */
export const CRASH: Terminal = 'crash';
/** The device never settled within the scenario's boots: the oracle already reported a no-brick violation. */
export const UNSETTLED: Terminal = 'unsettled';

export function terminalOf(expect: readonly string[] | 'halt'): Terminal {
  return expect === 'halt' ? HALT : expect.join('+');
}

/** What the fault-free run may end in: `expect`, or any of `alsoAcceptable`. */
export function expectedTerminals(scenario: Pick<Scenario, 'expect' | 'alsoAcceptable'>): Set<Terminal> {
  return new Set([terminalOf(scenario.expect), ...(scenario.alsoAcceptable ?? []).map(terminalOf)]);
}

/** An action of a run, as much of it as the judge needs to say where a cut in it may lead. */
export interface CutAction {
  readonly kind: 'download' | 'request' | 'boot' | 'confirm';
  /** The settle (reboot step) the action belongs to, or precedes. */
  readonly settle: number;
  /** What had settled before the action. */
  readonly lastSettled: Terminal;
}

/** What the fault-free run settled in: per settle, the end state, and every state a boot handed off to. */
export interface CleanRun {
  readonly settleResults: readonly Terminal[];
  readonly settleSeen?: readonly (readonly Terminal[])[];
}

/**
 * Terminal states a cut in `action` may end in: the states on either side of the interrupted step. A cut inside a
 * boot must let that boot's work finish (resume). `atEnd` says the cut came when the boot had done its work (its last
 * flash operation, or after its hand-off on a board): the device is then where a plain reset would leave it, in a
 * trial that a reset legitimately reverts; and a torn completion flag reads as BAD, so MCUboot keeps the image without
 * a revert (FAULTS F-09): any image that ran during that step is a correct end. `requestMagicWhole` is false for a
 * cut that left the request's magic incomplete (the cut came before its last unit was written).
 */
export function allowedAfterCut(
  scenario: Scenario,
  action: CutAction,
  clean: CleanRun,
  atEnd: boolean,
  requestMagicWhole = true,
): Set<Terminal> {
  const next = clean.settleResults[action.settle] ?? action.lastSettled;
  let allowed: Terminal[];
  switch (action.kind) {
    case 'download':
      allowed = [action.lastSettled];
      break;
    case 'request':
      // A request is its magic: one that is not whole decodes as BAD (or UNSET), and a secondary without a GOOD
      // magic matches no update row (FORMATS.md §2.2, §3.2): the update must not start.
      allowed = requestMagicWhole ? [action.lastSettled, next] : [action.lastSettled];
      break;
    case 'confirm':
      allowed = [action.lastSettled, next];
      break;
    case 'boot':
      allowed = atEnd ? [next, action.lastSettled, ...(clean.settleSeen?.[action.settle] ?? [])] : [next];
      break;
  }
  return new Set([...allowed, ...(scenario.alsoAcceptable ?? []).map(terminalOf)]);
}

/** The fault-free run ended where the scenario expects. */
export function judgeClean(scenario: Scenario, terminal: Terminal, violations: readonly Violation[]): Violation[] {
  return [...violations, ...terminalViolations(expectedTerminals(scenario), terminal, violations, 'without faults')];
}

/** A cut's recovery ended in one of the states allowed on either side of the cut. */
export function judgeCut(allowed: ReadonlySet<Terminal>, terminal: Terminal, violations: readonly Violation[], where: string): Violation[] {
  return [...violations, ...terminalViolations(allowed, terminal, violations, `after the cut ${where}`)];
}

/**
 * A second cut inside the recovery of a first must end where the first alone ended (idempotent recovery, I-8), or,
 * when the second cut fell on the end of a recovery boot or in the application's confirm, anywhere a single cut
 * at the end of that boot may (the trial may then be reverted).
 */
export function judgeSecondCut(
  accepted: ReadonlySet<Terminal>,
  terminal: Terminal,
  violations: readonly Violation[],
  what: string,
): Violation[] {
  if (accepted.has(terminal) || terminal === CRASH) return [...violations];
  return [...violations, { invariant: 'idempotent-recovery', message: `${what} ended on '${terminal}'` }];
}

function terminalViolations(
  allowed: ReadonlySet<Terminal>,
  terminal: Terminal,
  violations: readonly Violation[],
  when: string,
): Violation[] {
  // A crash or a device that never settled was reported by the oracle already, with its reason.
  if (allowed.has(terminal) || terminal === CRASH || violations.some((v) => v.invariant === 'no-brick')) return [];
  return [
    {
      invariant: terminal === HALT ? 'no-brick' : 'convergence',
      message: `${when} the device settled on '${terminal}'; expected ${[...allowed].map((t) => `'${t}'`).join(' or ')}`,
    },
  ];
}

export interface CaseVerdict {
  readonly status: 'pass' | 'fail';
  readonly violations: readonly Violation[];
  readonly note?: string;
}

/**
 * The case's verdict from its violations. A scenario that demonstrates a known-bad configuration passes when it
 * shows exactly that failure, and fails when it does not.
 */
export function verdictOf(scenario: Pick<Scenario, 'demonstrates'>, terminal: Terminal, violations: readonly Violation[], note?: string): CaseVerdict {
  const demo = scenario.demonstrates;
  if (!demo) return { status: violations.length > 0 ? 'fail' : 'pass', violations, note };
  const hit = violations.find((v) => v.invariant === demo.invariant);
  if (hit) return { status: 'pass', violations: [], note: `demonstrated: ${demo.what} — ${hit.message}` };
  const missed: Violation = {
    invariant: demo.invariant,
    message: `expected this configuration to show '${demo.what}', but the device ended on '${terminal}'`,
  };
  return { status: 'fail', violations: [...violations, missed], note };
}

type Verdicted = Pick<CaseVerdict, 'violations'> & { readonly status: string };

/**
 * Two runs of one case that disagree: the first run had other cases before it in the same worker, the second ran
 * alone in a fresh one. Only state kept across power cycles (outside the flash) can make them differ (I-8).
 */
export function judgeOrderDependence(first: Verdicted, alone: Verdicted): Violation | undefined {
  if (first.status === alone.status) return undefined;
  const said = (v: Verdicted) => (v.status === 'pass' ? 'passes' : `fails (${v.violations[0]?.message ?? 'no reason'})`);
  return {
    invariant: 'idempotent-recovery',
    message: `order-dependent: the bootloader keeps state across power cycles — after other cases it ${said(first)}, alone in a fresh worker it ${said(alone)}`,
  };
}
