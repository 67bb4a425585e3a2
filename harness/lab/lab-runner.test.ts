import { describe, expect, it } from 'vitest';
import { type UpdateScenarioOptions, updateScenario } from '../builders.ts';
import { buildRunContext } from '../context.ts';
import type { LabAction } from './lab-executor.ts';
import { parseLabFile } from './lab-file.ts';
import { labSkip, mayFollowWork, planCuts } from './lab-runner.ts';

const ctx = await buildRunContext({ suites: ['power-loss'], board: 'nrf52840dk', seed: 1, jobs: 0 });
const settings = parseLabFile(
  JSON.stringify({
    boards: {
      dk: {
        board: 'nrf52840dk',
        port: '/dev/ttyACM0',
        console: { running: '(?<version>\\S+) (?<slot>\\d)' },
        power: { driver: 'manual' },
        factory: { method: 'probe', command: 'p {hex}' },
        bootloader: { downgradePrevention: 'version' },
      },
    },
  }),
  'lab.json',
).dk;
const { fixtures } = ctx.suiteContext;
const plain = { id: 'u', title: 'update', config: { downgradePrevention: 'version' as const } };

describe('which scenarios a lab board can play', () => {
  it('plays an update with the board build and the update key', () => {
    expect(labSkip(updateScenario(ctx.suiteContext, plain), settings, ctx)).toBeUndefined();
  });

  it.each([
    [{ config: { downgradePrevention: 'none' as const } }, /needs downgrade prevention 'none'; the board's MCUboot is built with 'version'/],
    [{ config: { downgradePrevention: 'version' as const, strategy: 'swap-move' as const } }, /needs a swap-move bootloader; the board's MCUboot is built for swap-scratch/],
    [{ factoryCounters: new Map([[0, 2]]) }, /hardware counters set at the factory/],
    [{ beforeReboot: [{ kind: 'clock' as const, set: 0 }] }, /a 'clock' step cannot be applied to a real board/],
    [{ trust: fixtures.trust([{ name: 'root', key: fixtures.pair.trustKey, notAfter: 10 }]) }, /validity windows or revocation/],
    [{ trust: fixtures.trust([{ name: 'rotated', key: fixtures.key('rotated').publicKey }]) }, /needs the board to trust the key\(s\) rotated/],
  ] as [Partial<UpdateScenarioOptions>, RegExp][])('skips a scenario it cannot play, saying why (%#)', (variation, reason) => {
    const options = { ...plain, ...variation, config: { ...plain.config, ...variation.config } };
    expect(labSkip(updateScenario(ctx.suiteContext, options), settings, ctx)).toMatch(reason);
  });
});

describe('fault points on a lab board', () => {
  const action = (index: number, kind: LabAction['kind'], phase: LabAction['phase'], durationMs: number, bytes?: number): LabAction => ({
    index,
    kind,
    phase,
    durationMs,
    bytes,
    settle: 0,
    lastSettled: 'old',
  });
  const actions = [
    action(0, 'download', 'download', 300, 9000),
    action(1, 'request', 'request', 5),
    action(2, 'boot', 'install', 900),
    action(3, 'confirm', 'confirm', 5),
    action(4, 'boot', 'install', 40),
    action(5, 'boot', 'install', 42),
  ];

  it('spreads upload offsets over each download, moments over each boot that moved images, the request and the confirm', () => {
    const scenario = updateScenario(ctx.suiteContext, { ...plain, cuts: { points: { kind: 'all' }, outcomes: ['torn'] } });
    const cuts = planCuts(scenario, actions, 2);
    expect(cuts.map((c) => [c.id, c.cut])).toEqual([
      ['download/a0/upload3000', { action: 0, cut: { kind: 'upload', offset: 3000 } }],
      ['download/a0/upload6000', { action: 0, cut: { kind: 'upload', offset: 6000 } }],
      ['request/a1/t1of2', { action: 1, cut: { kind: 'time', afterUs: 1667 } }],
      ['request/a1/t2of2', { action: 1, cut: { kind: 'time', afterUs: 3333 } }],
      ['install/a2/t1of2', { action: 2, cut: { kind: 'time', afterUs: 300_000 } }],
      ['install/a2/t2of2', { action: 2, cut: { kind: 'time', afterUs: 600_000 } }],
      // As many again in the last tenth of the boot, where a swap's final status and trailer writes come.
      ['install/a2/end1of2', { action: 2, cut: { kind: 'time', afterUs: 840_000 } }],
      ['install/a2/end2of2', { action: 2, cut: { kind: 'time', afterUs: 870_000 } }],
      ['confirm/a3/t1of2', { action: 3, cut: { kind: 'time', afterUs: 1667 } }],
      ['confirm/a3/t2of2', { action: 3, cut: { kind: 'time', afterUs: 3333 } }],
    ]);
    expect(cuts.find((c) => c.id === 'request/a1/t1of2')?.title).toBe('cut 2 ms into the request (its SMP write) (request, 5 ms fault-free)');
  });

  it('places the moments inside the window where the board was seen working, not in the switch latency before it', () => {
    const scenario = updateScenario(ctx.suiteContext, { ...plain, cuts: { points: { kind: 'all' }, outcomes: ['torn'], phases: ['install', 'request'] } });
    // The power command took 400 ms; the boot printed its first line then and its banner 300 ms later. An idle boot
    // shows a 2 ms window after the same latency: only the first boot moved images.
    const seen = [
      action(0, 'download', 'download', 300, 9000),
      { ...action(1, 'request', 'request', 30), window: { fromMs: 20, toMs: 26 } },
      { ...action(2, 'boot', 'install', 700), window: { fromMs: 400, toMs: 700 } },
      { ...action(3, 'boot', 'install', 402), window: { fromMs: 400, toMs: 402 } },
    ];
    expect(planCuts(scenario, seen, 2).map((c) => [c.id, c.cut.cut])).toEqual([
      ['request/a1/t1of2', { kind: 'time', afterUs: 22_000 }],
      ['request/a1/t2of2', { kind: 'time', afterUs: 24_000 }],
      ['install/a2/t1of2', { kind: 'time', afterUs: 500_000 }],
      ['install/a2/t2of2', { kind: 'time', afterUs: 600_000 }],
      ['install/a2/end1of2', { kind: 'time', afterUs: 680_000 }],
      ['install/a2/end2of2', { kind: 'time', afterUs: 690_000 }],
    ]);
  });

  it('keeps to the phases the scenario names', () => {
    const scenario = updateScenario(ctx.suiteContext, { ...plain, cuts: { points: { kind: 'all' }, outcomes: ['torn'], phases: ['install'] } });
    expect(planCuts(scenario, actions, 1).map((c) => c.id)).toEqual(['install/a2/t1of1', 'install/a2/end1of1']);
  });

  it('judges a boot cut as inside the flash work only when the power surely went before the work could end', () => {
    // Fault-free: first console line 400 ms into the action, banner 300 ms later.
    const boot = { ...action(2, 'boot', 'install', 700), window: { fromMs: 400, toMs: 700 } };
    expect(mayFollowWork(boot, { cutLanded: true, cutIntoBootMs: 150 })).toBeUndefined();
    expect(mayFollowWork(boot, { cutLanded: true, cutIntoBootMs: 284 })).toBeUndefined();
    expect(mayFollowWork(boot, { cutLanded: true, cutIntoBootMs: 286 })).toEqual({ cutMs: 286, workMs: 300 });
    // Nothing to compare with, or no cut: the boot is judged as before.
    expect(mayFollowWork(action(2, 'boot', 'install', 700), { cutLanded: true, cutIntoBootMs: 690 })).toBeUndefined();
    expect(mayFollowWork(boot, { cutLanded: false, cutIntoBootMs: 290 })).toBeUndefined();
  });
});
