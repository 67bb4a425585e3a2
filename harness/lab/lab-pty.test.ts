/**
 * The whole serial path for real: SerialDevice → serialport → a socat pty → an emulated board served with the
 * reference bootloader (or a broken one) → its flash model. The suites run end to end on it, and their verdicts are
 * compared with the same suites on the in-process emulated device.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBoard } from '../../boards/index.ts';
import NeverReverts from '../../test/mutants/never-reverts.ts';
import NoStatusRecords from '../../test/mutants/no-status-records.ts';
import { boardConfig, buildRunContext } from '../context.ts';
import { Fixtures } from '../fixtures.ts';
import type { RunReport } from '../results.ts';
import { runSuites } from '../runner.ts';
import { PortClosedError, SerialTransport, socatMissing } from '../serial/index.ts';
import { runLabSuites } from './lab-runner.ts';
import { makePowerControl } from './power.ts';
import { SerialDevice } from './serial-device.ts';
import { controlCommand, type ServedLab, type ServedLabOptions, serveLab } from './testing.ts';

const missing = await socatMissing();

/** Runs `suites` on a served board through the lab runner. */
async function onLab(lab: ServedLab, suites: string[]): Promise<RunReport> {
  const ctx = await buildRunContext({ suites, board: lab.entry.board, seed: 1, jobs: 0 });
  const device = await lab.openDevice();
  try {
    return await runLabSuites(ctx, device, lab.entry, []);
  } finally {
    await device.close();
  }
}

async function emulated(suites: string[], bootloader?: string): Promise<RunReport> {
  return runSuites({ suites, board: 'nrf52840dk', seed: 1, jobs: 0, points: 'random:3', bootloader });
}

/** Per scenario (suite/scenario): pass when every case passed. Skipped cases are left out. */
function verdicts(report: RunReport): Map<string, 'pass' | 'fail'> {
  const out = new Map<string, 'pass' | 'fail'>();
  for (const c of report.cases) {
    if (c.status === 'skip') continue;
    const key = `${c.suite}/${c.id.split('/')[0]}`;
    out.set(key, out.get(key) === 'fail' || c.status === 'fail' ? 'fail' : 'pass');
  }
  return out;
}

function expectSameVerdicts(lab: RunReport, inProcess: RunReport): void {
  const onBoard = verdicts(lab);
  const emulatedVerdicts = verdicts(inProcess);
  expect(onBoard.size).toBeGreaterThan(0);
  for (const [scenario, verdict] of onBoard) expect({ scenario, verdict }).toEqual({ scenario, verdict: emulatedVerdicts.get(scenario) });
}

function failures(report: RunReport): string[] {
  return report.cases.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.violations.map((v) => v.message).join('; ')}`);
}

describe.skipIf(missing !== undefined)(`suites over a real pty${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const labs: ServedLab[] = [];
  const serve = async (options?: ServedLabOptions) => {
    const lab = await serveLab(options);
    labs.push(lab);
    return lab;
  };
  afterAll(async () => {
    for (const lab of labs) await lab.close();
  });

  it('power-loss: cuts at upload offsets and part-way through swaps, all recovered as on the emulated device', { timeout: 120_000 }, async () => {
    // Slower flash than elsewhere here, so a cut half-way into a swap lands inside it even on a loaded machine.
    const lab = await serve({ speedup: 10 });
    const report = await onLab(lab, ['power-loss']);
    expect(failures(report)).toEqual([]);
    const ids = report.cases.map((c) => c.id);
    expect(ids).toContain('upgrade/clean');
    const uploadCuts = report.cases.filter((c) => /^upgrade\/download\/a0\/upload\d+$/.test(c.id));
    expect(uploadCuts.length).toBe(1);
    expect(uploadCuts[0].note).toBeUndefined(); // the cut landed mid-upload
    // Time cuts that landed inside a boot (a cut that came too late says so in its note).
    const timeCuts = report.cases.filter((c) => /\/install\/a\d+\/(t|end)1of1$/.test(c.id));
    expect(timeCuts.length).toBeGreaterThanOrEqual(4);
    expect(timeCuts.some((c) => c.note === undefined)).toBe(true);
    // The upgrade request and the confirm are cut too, in their SMP write, as the emulated device cuts their writes.
    expect(ids).toContain('upgrade/request/a1/t1of1');
    expect(ids.some((id) => /^upgrade\/confirm\/a\d+\/t1of1$/.test(id))).toBe(true);
    expect(report.cases.find((c) => c.id === 'upgrade/request/a1/t1of1')?.replay).toMatch(/# a time cut .* may land on another flash operation and not reproduce$/);
    expectSameVerdicts(report, await emulated(['power-loss']));
  });

  it('corrupt-image: every mutation refused as on the emulated device', async () => {
    const lab = await serve();
    const report = await onLab(lab, ['corrupt-image']);
    expect(failures(report)).toEqual([]);
    expect(report.cases.filter((c) => c.status === 'pass').length).toBeGreaterThan(10);
    expectSameVerdicts(report, await emulated(['corrupt-image']));
  }, 120_000);

  it('revert: never confirms, crashes, and the boot loop demonstrated, as on the emulated device', async () => {
    const lab = await serve();
    const report = await onLab(lab, ['revert']);
    expect(failures(report)).toEqual([]);
    expect(report.cases.find((c) => c.id === 'boot-loop/clean')?.note).toMatch(/^demonstrated: /);
    expectSameVerdicts(report, await emulated(['revert']));
  }, 120_000);

  it('puts the board back to its factory state through serial recovery', async () => {
    const lab = await serve();
    const socket = lab.session.controlPath;
    const settings = {
      ...lab.entry.settings,
      factory: {
        method: 'serial-recovery' as const,
        enter: controlCommand(socket, 'button on'),
        leave: controlCommand(socket, 'button off'),
        banner: '^bootproof-recovery: ',
        timeoutMs: 5000,
      },
    };
    const device = new SerialDevice({ id: 'served', settings, board: loadBoard('nrf52840dk'), transport: await SerialTransport.open({ path: lab.session.port }), power: makePowerControl(settings.power, { port: lab.session.port, offMs: 0, boardLabel: 'served' }) });
    try {
      const fixtures = new Fixtures(loadBoard('nrf52840dk'), boardConfig(loadBoard('nrf52840dk'), {}), 1);
      await device.factoryReset(fixtures.pair.to);
      expect(lab.session.board.state).toBe('off');
      expect(lab.session.board.recoveryButton).toBe(false);
      expect(await device.powerOn()).toMatchObject({ kind: 'handoff', images: [{ slot: 'primary', version: '2.0.0+0' }] });
      expect((await device.imageList()).map((s) => [s.slot, s.version])).toEqual([[0, '2.0.0']]);
    } finally {
      await device.close();
    }
  });

  it('rollback on a board built with version downgrade prevention; scenarios it cannot play are skipped with the reason', async () => {
    const lab = await serve({ downgradePrevention: 'version' });
    const report = await onLab(lab, ['rollback']);
    expect(failures(report)).toEqual([]);
    expect(report.cases.find((c) => c.id === 'lower-version/clean')?.status).toBe('pass');
    expect(report.cases.find((c) => c.id === 'lower-security-counter/clean')?.note).toMatch(/needs downgrade prevention 'security-counter'/);
    expectSameVerdicts(report, await emulated(['rollback']));
  });

  it('catches a broken bootloader behind the pty, as the emulated device does', { timeout: 120_000 }, async () => {
    const lab = await serve({ bootloader: new NeverReverts() });
    const report = await onLab(lab, ['revert']);
    const broken = report.cases.find((c) => c.id === 'never-confirms/clean');
    expect(broken?.status).toBe('fail');
    expect(broken?.violations.map((v) => v.invariant)).toContain('convergence');
    expectSameVerdicts(report, await emulated(['revert'], 'test/mutants/never-reverts.ts'));
  });

  // A cut on a board is a moment, and a loaded machine delays the power switch by tens of milliseconds: caught in
  // one of three tries (without the end-of-work points, none of the default points falls where it goes wrong).
  it('catches a bootloader that never records its swap progress with the lab file default points', { timeout: 120_000, retry: 2 }, async () => {
    // It goes wrong only when cut in the last tenth of a swap, among its final status and trailer writes: the default
    // plan puts its end-of-work points there. Flash slow enough that those points stay in that tenth under load.
    const lab = await serve({ bootloader: new NoStatusRecords(), points: 'lab default', speedup: 5 });
    expect(lab.entry.settings.sweep.points).toBe(4);
    const endOfRevert = [1, 2, 3, 4].map((i) => `revert/revert/a3/end${i}of4`);
    const ctx = await buildRunContext({ suites: ['power-loss'], board: lab.entry.board, seed: 1, jobs: 0, only: ['revert/clean', ...endOfRevert] });
    const device = await lab.openDevice();
    try {
      const report = await runLabSuites(ctx, device, lab.entry, []);
      expect(report.cases.map((c) => c.id)).toEqual(['revert/clean', ...endOfRevert]);
      const caught = report.cases.filter((c) => c.status === 'fail');
      expect(caught.length, failures(report).join('\n')).toBeGreaterThan(0);
      expect(caught.every((c) => c.id.startsWith('revert/revert/a3/end')), failures(report).join('\n')).toBe(true);
      expect(caught[0].violations.map((v) => v.invariant)).toContain('convergence');
    } finally {
      await device.close();
    }
  });

  it('reports a board that boots nothing as bricked, case by case, and runs on', async () => {
    const lab = await serve({ bootloader: { name: 'bricked', boot: () => ({ kind: 'halt', reason: 'bricked', log: [] }) } });
    const report = await onLab(lab, ['power-loss']);
    expect(report.cases.map((c) => [c.id, c.status])).toEqual([
      ['upgrade/clean', 'fail'],
      ['permanent/clean', 'fail'],
      ['revert/clean', 'fail'],
    ]);
    expect(report.cases[0].violations).toContainEqual({ invariant: 'no-brick', message: 'the board does not boot its factory image: bricked' });
  });

  describe('a board unplugged mid-run', () => {
    let lab: ServedLab;
    let device: SerialDevice;
    beforeAll(async () => {
      // A boot that takes 20 s and a boot timeout of 30 s: only the port going away can end the boot in time.
      lab = await serveLab({ bootMs: 30_000, speedup: 0.001 });
      device = await lab.openDevice();
    });

    it('ends the boot it waited for with a clear error, quickly', async () => {
      await device.powerOff();
      const boot = device.powerOn();
      boot.catch(() => undefined); // judged below, once the cable is out
      const started = performance.now();
      await lab.session.unplug(); // socat goes, and the pty with it
      await expect(boot).rejects.toThrow(PortClosedError);
      await expect(boot).rejects.toThrow(/serial port .* closed while talking to the board \(unplugged\?\)/);
      expect(performance.now() - started).toBeLessThan(5000);
      await expect(device.imageList()).rejects.toThrow(PortClosedError);
      await device.close();
      await lab.close();
    });
  });
});
