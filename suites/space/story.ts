/**
 * One row of the scenario space as a scenario: the images its size, version, counter, signature and app values
 * make; the steps its mode, sequence and event values put in order; the cuts its cut value asks for; and what the
 * device must end up running, derived from the same values by MCUboot's rules (FORMATS §3).
 */
import type { UpdateStrategy } from '../../boards/types.ts';
import { type ImageConfig, securityCounterId, type TrustedKey, type TrustPolicy } from '../../emulator/boot/index.ts';
import type { Row } from '../../harness/dimensions/index.ts';
import type { ClockSpec } from '../../harness/emulated-device.ts';
import type { Phase, PointSelection } from '../../harness/fault-points.ts';
import { imageExtent } from '../../harness/oracle.ts';
import type { AppBehaviour, KnownImage, Scenario, ScenarioStep } from '../../harness/scenario.ts';
import type { SuiteContext } from '../../harness/suite.ts';
import { compareVersions, parseVersion } from '../../images/index.ts';
import { eventBeforeInstall, oldExtent, sizePlan } from './dimensions.ts';
import { imageOfExtent, withSignature } from './images.ts';

const T0 = 1_700_000_000;
const DAY = 86_400;
const OLD_VERSION = '2.2.2+2';
const OLD_COUNTER = 2;

const VERSIONS: Readonly<Record<string, string>> = {
  equal: '2.2.2+2',
  'major-lower': '1.2.2+2',
  'major-higher': '3.2.2+2',
  'minor-lower': '2.1.2+2',
  'minor-higher': '2.3.2+2',
  'revision-lower': '2.2.1+2',
  'revision-higher': '2.2.3+2',
  'build-lower': '2.2.2+1',
  'build-higher': '2.2.2+3',
};
const COUNTERS: Readonly<Record<string, number>> = { lower: 1, equal: 2, higher: 3 };

/** Clock and trust events: what the event step does, the clock the story starts with, and the new image's key. */
interface EventPlan {
  readonly clock: ClockSpec;
  readonly steps: readonly ScenarioStep[];
  /** The window of the key that signs the new image ('second'); undefined signs it with the root key. */
  readonly window?: Pick<TrustedKey, 'notBefore' | 'notAfter'>;
  /** Whether the new image's key may install it when the install comes after the event, and when it comes before. */
  readonly validAfter: boolean;
  readonly validBefore: boolean;
}

const WINDOW = { notBefore: T0 - DAY, notAfter: T0 + 30 * DAY };

function eventPlan(event: string): EventPlan {
  const rtc: ClockSpec = { kind: 'rtc', seconds: T0 };
  const trusted: ClockSpec = { kind: 'trusted', seconds: T0 };
  // An RTC is not trusted time: a window is enforced only against trusted time, so RTC events change nothing.
  const rtcEvent = (set: number): EventPlan => ({ clock: rtc, steps: [{ kind: 'clock', set }], window: WINDOW, validAfter: true, validBefore: true });
  switch (event) {
    case 'rtc-reset':
      return rtcEvent(0);
    case 'rtc-forward':
      return rtcEvent(T0 + 50 * 365 * DAY);
    case 'rtc-back':
      return rtcEvent(T0 - 365 * DAY);
    case 'key-expiry':
      return { clock: trusted, steps: [{ kind: 'clock', set: T0 + 60 * DAY }], window: WINDOW, validAfter: false, validBefore: true };
    case 'revocation':
      return { clock: rtc, steps: [{ kind: 'trust', key: 'second', revoked: true }], window: {}, validAfter: false, validBefore: true };
    case 'trusted-time-appears':
      return {
        clock: { kind: 'rtc', seconds: T0 + 60 * DAY },
        steps: [{ kind: 'clock', set: T0 + 60 * DAY, source: 'trusted' }],
        window: WINDOW,
        validAfter: false,
        validBefore: true,
      };
    case 'trusted-time-disappears':
      return {
        clock: { kind: 'trusted', seconds: T0 + 60 * DAY },
        steps: [{ kind: 'clock', set: T0 + 60 * DAY, source: 'rtc' }],
        window: WINDOW,
        validAfter: true,
        validBefore: false,
      };
    default:
      return { clock: rtc, steps: [], validAfter: true, validBefore: true };
  }
}

const CUT_PHASES: Readonly<Record<string, readonly Phase[]>> = {
  download: ['download'],
  request: ['request'],
  install: ['install'],
  'after-install': ['confirm', 'revert'],
};

export interface StoryOptions {
  readonly id: string;
  readonly points: PointSelection;
}

export function storyOf(ctx: SuiteContext, row: Row, options: StoryOptions): Scenario {
  const strategy = row.strategy as UpdateStrategy;
  const twoImages = row.layout === 'two-images';
  // The model runs every row under MCUboot's version check and a hardware counter; a fixed build (a binary) under
  // its own downgrade prevention, which then decides the rows' expected ends.
  const config: ImageConfig = {
    ...ctx.config,
    strategy,
    imageCount: twoImages ? 2 : 1,
    ...(ctx.fixedBuild === undefined ? { downgradePrevention: 'version', hardwareRollback: true } : {}),
  };
  const sub: SuiteContext = { ...ctx, config };
  const plan = sizePlan(ctx.board, ctx.config, strategy);
  const events = eventPlan(row.event);
  const keys: TrustedKey[] = [{ name: 'root', key: ctx.fixtures.root.publicKey }];
  if (events.window) keys.push({ name: 'second', key: ctx.fixtures.key('second').publicKey, ...events.window });
  const trust: TrustPolicy = ctx.fixtures.trust(keys);

  const newExtent = plan.extents[row.size];
  const newSpec = {
    label: `space-new|${row.size}`,
    version: VERSIONS[row.version],
    securityCounter: COUNTERS[row.counter],
    extent: newExtent,
    key: events.window ? ctx.fixtures.key('second').privateKey : undefined,
  };
  const oldBytes = imageOfExtent(sub, {
    label: 'space-old',
    version: OLD_VERSION,
    securityCounter: OLD_COUNTER,
    extent: oldExtent(plan, newExtent, row.sizes, config.headerSize),
  });
  const newBytes = withSignature(sub, imageOfExtent(sub, newSpec), row.signature, newSpec);
  const newerBytes = imageOfExtent(sub, { label: 'space-newer', version: '9.0.0', securityCounter: 9, extent: config.headerSize + 1024 });

  const beforeInstall = eventBeforeInstall(row);
  const keyValid = beforeInstall ? events.validAfter : events.validBefore;
  const old = ctx.fixtures.known('old', oldBytes, trust);
  const verified = ctx.fixtures.known('new', newBytes, trust, row.app as AppBehaviour);
  const fresh: KnownImage = { ...verified, trusted: verified.trusted && keyValid };
  const newer = ctx.fixtures.known('newer', newerBytes, ctx.fixtures.trust(keys.slice(0, 1)));
  const images: KnownImage[] = [old, fresh, newer];
  if (twoImages) images.push(ctx.fixtures.known('other', ctx.fixtures.image({ image: 1, version: '1.0.0', securityCounter: 1, label: 'space-other' }), trust));

  const fits = imageExtent(newBytes) <= plan.room;
  const installs = fresh.trusted && fits && notDowngrade(row, config) && finalByRequest(row, strategy);
  const requests: ScenarioStep[] =
    row.mode === 'second-request'
      ? [
          { kind: 'request', image: 0, mode: 'permanent' },
          { kind: 'request', image: 0, mode: 'test' },
        ]
      : [{ kind: 'request', image: 0, mode: row.mode === 'permanent' ? 'permanent' : 'test' }];
  const at = (where: string) => (row['event-at'] === where ? events.steps : []);
  // Between the updates: the first one's outcome, which the second would otherwise hide. In the trial boot of an
  // update during a pending revert, the new image runs whenever it was accepted at all.
  const accepted = fresh.trusted && fits && notDowngrade(row, config);
  const between = row.sequence === 'update-during-revert' ? (accepted ? 'new' : 'old') : installs ? 'new' : 'old';
  const check: ScenarioStep = { kind: 'expect', running: twoImages ? [between, 'other'] : [between] };
  const second: ScenarioStep[] = [
    { kind: 'download', image: 0, name: 'newer' },
    { kind: 'request', image: 0, mode: 'test' },
    { kind: 'reboot' },
  ];
  const steps: ScenarioStep[] = [
    { kind: 'download', image: 0, name: 'new' },
    ...at('before-request'),
    ...requests,
    ...at('before-reboot'),
    row.sequence === 'update-during-revert' ? { kind: 'boot' } : { kind: 'reboot' },
    check,
    ...at('after-update'),
    ...(row.sequence === 'one-update' ? (row['event-at'] === 'after-update' ? [{ kind: 'reboot' } as const] : []) : second),
  ];
  const first = installs ? 'new' : 'old';
  const end = row.sequence === 'one-update' ? first : 'newer';
  return {
    id: options.id,
    title: Object.entries(row)
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
    config,
    trust,
    clock: events.clock,
    images,
    factory: {
      primaries: twoImages ? ['old', 'other'] : ['old'],
      counters: config.hardwareRollback ? new Map([[securityCounterId(0), OLD_COUNTER]]) : undefined,
    },
    steps,
    expect: twoImages ? [end, 'other'] : [end],
    cuts:
      row.cut === 'none'
        ? undefined
        : {
            points: options.points,
            outcomes: ['torn', 'not-started'],
            phases: CUT_PHASES[row.cut],
            // An event set to come before the install still comes when a cut lands before it: the recovery then
            // installs under the same trust as the fault-free run (every event sets an absolute state, so twice is once).
            whileOff: beforeInstall ? events.steps : undefined,
          },
  };
}

/**
 * Whether the configuration lets the new image in over the old one: MCUboot's downgrade prevention by version (build
 * number ignored; direct-xip boots only a higher version whatever the build), by security counter, and the hardware
 * counter.
 */
function notDowngrade(row: Row, config: ImageConfig): boolean {
  const order = compareVersions(parseVersion(VERSIONS[row.version]), parseVersion(OLD_VERSION));
  const versionOk = config.strategy === 'direct-xip' ? order > 0 : config.downgradePrevention !== 'version' || order >= 0;
  const byCounter = config.downgradePrevention === 'security-counter' || config.hardwareRollback;
  return versionOk && (!byCounter || COUNTERS[row.counter] >= OLD_COUNTER);
}

/** Whether the update stays once it ran: no trial (overwrite-only), a permanent request, or an app that confirms at once. */
function finalByRequest(row: Row, strategy: UpdateStrategy): boolean {
  return strategy === 'overwrite-only' || row.mode !== 'test' || row.app === 'confirms';
}
