/**
 * rollback: downgrades by version and by security counter are refused (FAULTS F-29, F-30), and the hardware
 * counter moves only once the new image is confirmed — never on a test boot, so a revert stays possible.
 */

import { securityCounterId } from '../emulator/boot/index.ts';
import { NEW, OLD, updateScenario } from '../harness/builders.ts';
import { defineSuite } from '../harness/suite.ts';

export default defineSuite({
  name: 'rollback',
  title: 'lower version, lower security counter, and the counter raised only after confirm',
  skip: (ctx) => (ctx.fixtures.pair.fromUser ? 'needs its own test images (no --image-from/--image-to)' : undefined),
  scenarios: (ctx) => {
    const { from, to } = ctx.fixtures.pair; // 1.0.0 (counter 1) and 2.0.0 (counter 2)
    const counterAt = (value: number) => new Map([[securityCounterId(0), value]]);
    const hardware = { hardwareRollback: true, downgradePrevention: 'security-counter' } as const;
    const noRevert = ctx.config.strategy === 'overwrite-only';
    return [
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
