/**
 * rollback: downgrades by version and by security counter are refused (FAULTS F-29, F-30), and the hardware
 * counter moves only once the new image is confirmed — never on a test boot, so a revert stays possible. Each
 * protection is tested alone and with the others (a dead check must not hide behind another), and a security
 * counter forged in the unprotected TLV area is ignored.
 */

import { securityCounterId } from '../emulator/boot/index.ts';
import { NEW, OLD, updateScenario } from '../harness/builders.ts';
import { defineSuite } from '../harness/suite.ts';
import { TlvType } from '../images/index.ts';
import { securityCounterValue, withUnprotectedTlvs } from './tlv-faults.ts';

/**
 * Every combination of the downgrade protections: image-to-image by version or by security counter (or none), with
 * the hardware counter on or off. Each refuses the older image; with none of them it installs.
 */
const PROTECTIONS = [
  { id: 'version-only', downgradePrevention: 'version', hardwareRollback: false },
  { id: 'security-counter-only', downgradePrevention: 'security-counter', hardwareRollback: false },
  { id: 'hardware-counter-only', downgradePrevention: 'none', hardwareRollback: true },
  { id: 'version-and-hardware', downgradePrevention: 'version', hardwareRollback: true },
  { id: 'security-counter-and-hardware', downgradePrevention: 'security-counter', hardwareRollback: true },
] as const;

export default defineSuite({
  name: 'rollback',
  title: 'lower version, lower security counter, and the counter raised only after confirm',
  skip: (ctx) => (ctx.fixtures.pair.fromUser ? 'needs its own test images (no --image-from/--image-to)' : undefined),
  coverage: () => [{ what: 'downgrade protections alone and combined (version, security counter, hardware counter)', how: 'enumerated', count: PROTECTIONS.length }],
  scenarios: (ctx) => {
    const { from, to } = ctx.fixtures.pair; // 1.0.0 (counter 1) and 2.0.0 (counter 2)
    const counterAt = (value: number) => new Map([[securityCounterId(0), value]]);
    const hardware = { hardwareRollback: true, downgradePrevention: 'security-counter' } as const;
    const noRevert = ctx.config.strategy === 'overwrite-only';
    const protections = PROTECTIONS.map(({ id, ...config }) =>
      updateScenario(ctx, {
        id: `downgrade/${id}`,
        title: `update to the older image (lower version and counter), protected by ${id.replace(/-/g, ' ')}`,
        from: to,
        to: from,
        config,
        factoryCounters: config.hardwareRollback ? counterAt(2) : undefined,
        expect: OLD,
      }),
    );
    return [
      ...protections,
      updateScenario(ctx, {
        id: 'forged-security-counter',
        title: 'older update whose unprotected TLV area carries a forged, higher security counter (must be ignored)',
        from: to,
        to: withUnprotectedTlvs(from, [{ type: TlvType.SEC_CNT, value: securityCounterValue(3) }]),
        config: { downgradePrevention: 'security-counter' },
        expect: OLD,
      }),
      updateScenario(ctx, {
        id: 'revert-with-hardware-counter',
        title: 'test upgrade never confirmed, hardware counter on: the revert must work at every cut',
        config: { hardwareRollback: true, downgradePrevention: 'none' },
        factoryCounters: counterAt(1),
        app: 'never-confirms',
        expect: noRevert ? NEW : OLD,
        cuts: { points: { kind: 'interesting' }, outcomes: ['not-started', 'torn'], phases: ['revert'] },
      }),
      updateScenario(ctx, {
        id: 'lower-version',
        title: 'update to a lower version (version downgrade prevention)',
        from: to,
        to: from,
        config: { downgradePrevention: 'version' },
        expect: OLD,
      }),
      updateScenario(ctx, {
        id: 'lower-version-permanent',
        title: 'permanent update to a lower version (the check must not be for test upgrades only)',
        from: to,
        to: from,
        mode: 'permanent',
        config: { downgradePrevention: 'version' },
        expect: OLD,
      }),
      updateScenario(ctx, {
        id: 'lower-security-counter',
        title: 'update whose security counter is below the hardware counter',
        from: to,
        to: from,
        config: hardware,
        factoryCounters: counterAt(2),
        expect: OLD,
      }),
      updateScenario(ctx, {
        id: 'lower-security-counter-hardware-only',
        title: 'update below the hardware counter, with downgrade prevention off: only the counter check stops it',
        from: to,
        to: from,
        config: { hardwareRollback: true, downgradePrevention: 'none' },
        factoryCounters: counterAt(2),
        expect: OLD,
      }),
      updateScenario(ctx, {
        id: 'counter-after-confirm',
        title: 'test upgrade never confirmed: the counter must not move, the revert must work',
        config: hardware,
        factoryCounters: counterAt(1),
        app: 'never-confirms',
        expect: noRevert ? NEW : OLD,
        cuts: { points: { kind: 'interesting' }, outcomes: ['not-started', 'torn'], phases: ['install', 'revert'] },
      }),
      updateScenario(ctx, {
        id: 'no-way-back',
        title: 'confirmed upgrade raises the counter; the old image offered again is refused',
        config: hardware,
        factoryCounters: counterAt(1),
        after: [{ kind: 'download', image: 0, name: OLD }, { kind: 'request', image: 0, mode: 'test' }, { kind: 'reboot' }],
        expect: NEW,
        cuts: { points: { kind: 'interesting' }, outcomes: ['not-started', 'torn'], phases: ['confirm', 'install'] },
      }),
    ];
  },
});
