/**
 * keys: trust and time (FAULTS F-24 … F-27, F-40 … F-43, §3). Unknown keys, keys expired at install, keys that
 * expire or are revoked between the download and the reboot or expire during the swap, key rotation, an RTC reset
 * to the epoch or jumping far ahead — and the naive "check expiry at every boot" policy, which must be shown to
 * brick the device once its key expires (reported as a demonstration, not as a pass of the policy).
 */

import type { TrustedKey } from '../emulator/boot/index.ts';
import { OLD, updateScenario } from '../harness/builders.ts';
import type { ClockSpec } from '../harness/emulated-device.ts';
import { defineSuite, type SuiteContext } from '../harness/suite.ts';

const T0 = 1_700_000_000;
const DAY = 86_400;
const FAR_FUTURE = T0 + 50 * 365 * DAY;
const trusted: ClockSpec = { kind: 'trusted', seconds: T0 };

function keys(ctx: SuiteContext, second: Omit<TrustedKey, 'name' | 'key'> = {}): TrustedKey[] {
  return [
    { name: 'root', key: ctx.fixtures.root.publicKey },
    { name: 'second', key: ctx.fixtures.key('second').publicKey, ...second },
  ];
}

function signedBySecond(ctx: SuiteContext): Uint8Array {
  return ctx.fixtures.image({ version: '2.0.0', securityCounter: 2, key: ctx.fixtures.key('second').privateKey });
}

export default defineSuite({
  name: 'keys',
  title: 'unknown, expired, revoked and rotated keys; RTC reset and jump; the time-bomb policy shown to brick',
  skip: (ctx) => (ctx.fixtures.pair.fromUser ? 'needs images signed with its own test keys (no --image-from/--image-to)' : undefined),
  scenarios: (ctx) => {
    const { fixtures } = ctx;
    return [
      updateScenario(ctx, {
        id: 'unknown-key',
        title: 'update signed by a key the device does not trust',
        to: fixtures.image({ version: '2.0.0', key: fixtures.key('attacker').privateKey }),
      }),
      updateScenario(ctx, {
        id: 'expired-at-install',
        title: 'update signed by a key that expired before the install (trusted time)',
        to: signedBySecond(ctx),
        trust: fixtures.trust(keys(ctx, { notAfter: T0 - DAY })),
        clock: trusted,
        newTrusted: false,
      }),
      updateScenario(ctx, {
        id: 'expires-before-reboot',
        title: 'the key expires between the download and the reboot (trusted time)',
        to: signedBySecond(ctx),
        trust: fixtures.trust(keys(ctx, { notAfter: T0 + DAY })),
        clock: trusted,
        beforeReboot: [{ kind: 'clock', set: T0 + 2 * DAY }],
        newTrusted: false,
      }),
      updateScenario(ctx, {
        id: 'revoked-before-reboot',
        title: 'the key is revoked between the download and the reboot',
        to: signedBySecond(ctx),
        trust: fixtures.trust(keys(ctx)),
        beforeReboot: [{ kind: 'trust', key: 'second', revoked: true }],
        newTrusted: false,
      }),
      updateScenario(ctx, {
        id: 'expires-during-swap',
        title: 'the key expires (trusted time) while the power is off in the middle of the install',
        to: signedBySecond(ctx),
        trust: fixtures.trust(keys(ctx, { notAfter: T0 + DAY })),
        clock: trusted,
        // Before the swap has recorded progress the update is re-validated, and refusing it then is right too.
        alsoAcceptable: [[OLD]],
        cuts: {
          points: { kind: 'interesting' },
          outcomes: ['torn'],
          phases: ['install'],
          whileOff: [{ kind: 'clock', set: T0 + 2 * DAY }],
        },
      }),
      updateScenario(ctx, {
        id: 'revoked-during-swap',
        title: 'the key is revoked while the power is off in the middle of the install',
        to: signedBySecond(ctx),
        trust: fixtures.trust(keys(ctx)),
        // Revocation governs installing: refusing a swap that has not recorded progress yet is right, and so is
        // finishing one that has (the image was valid when it was accepted).
        alsoAcceptable: [[OLD]],
        cuts: {
          points: { kind: 'interesting' },
          outcomes: ['torn'],
          phases: ['install'],
          whileOff: [{ kind: 'trust', key: 'second', revoked: true }],
        },
      }),
      updateScenario(ctx, {
        id: 'rotation',
        title: 'key rotation: the update is signed by the new key, then the old key is revoked',
        to: signedBySecond(ctx),
        trust: fixtures.trust(keys(ctx)),
        after: [{ kind: 'trust', key: 'root', revoked: true }, { kind: 'reboot' }],
      }),
      updateScenario(ctx, {
        id: 'rtc-reset',
        title: 'the RTC resets to the epoch between the download and the reboot',
        beforeReboot: [{ kind: 'clock', set: 0 }],
      }),
      updateScenario(ctx, {
        id: 'rtc-jump',
        title: 'the RTC jumps 50 years ahead between the download and the reboot',
        to: signedBySecond(ctx),
        trust: fixtures.trust(keys(ctx, { notAfter: T0 + DAY })),
        beforeReboot: [{ kind: 'clock', set: FAR_FUTURE }],
      }),
      {
        ...updateScenario(ctx, {
          id: 'time-bomb',
          title: 'policy "check key expiry at every boot": the clock passes the key expiry of the running image',
          from: fixtures.image({ version: '1.0.0', securityCounter: 1, key: fixtures.key('second').privateKey }),
          trust: fixtures.trust(keys(ctx, { notAfter: T0 + DAY }), 'every-boot'),
          demonstrates: { invariant: 'no-brick', what: 'the every-boot expiry policy bricks the device once its key expires' },
          expect: OLD,
        }),
        steps: [{ kind: 'clock', set: T0 + 2 * DAY }, { kind: 'reboot' }],
      },
    ];
  },
});
