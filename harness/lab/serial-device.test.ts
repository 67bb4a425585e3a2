import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../boards/index.ts';
import { MemoryTransport } from '../serial/index.ts';
import { parseLabFile } from './lab-file.ts';
import type { PowerControl } from './power-control.ts';
import { SerialDevice } from './serial-device.ts';
import { HALTED, RUNNING } from './testing.ts';

const board = loadBoard('nrf52840dk');
const settings = parseLabFile(
  JSON.stringify({
    boards: {
      dk: {
        board: 'nrf52840dk',
        port: 'memory',
        console: { running: RUNNING, halt: HALTED },
        power: { driver: 'manual' },
        factory: { method: 'probe', command: 'true {hex}' },
        timeouts: { bootMs: 300, smpMs: 200, offMs: 0 },
      },
    },
  }),
  'lab.json',
).dk;

/** A device whose board prints `chunks` (one read each) when switched on. */
function deviceThatPrints(chunks: string[]): { device: SerialDevice; transport: MemoryTransport; switched: string[] } {
  const transport = new MemoryTransport(() => undefined);
  const switched: string[] = [];
  const power: PowerControl = {
    description: 'fake',
    on: async () => {
      switched.push('on');
      for (const chunk of chunks) setTimeout(() => transport.push(new Uint8Array(Buffer.from(chunk))), 5);
    },
    off: async () => void switched.push('off'),
    cycle: async () => undefined,
    close: async () => undefined,
  };
  return { device: new SerialDevice({ id: 'dk', settings, board, transport, power }), transport, switched };
}

describe('SerialDevice', () => {
  it('reads the banner as one line even when it arrives split across reads', async () => {
    const { device } = deviceThatPrints(['*** Booting MCUboot ***\nbootproof-a', 'pp 1.2.3+4 sl', 'ot=0\r\n']);
    const boot = await device.powerOn();
    expect(boot).toMatchObject({ kind: 'handoff', images: [{ image: 0, slot: 'primary', offset: 0xc000, version: '1.2.3+4' }] });
    expect(await device.running()).toEqual([{ image: 0, slot: 'primary', offset: 0xc000, version: '1.2.3+4' }]);
  });

  it('reports a halt with the reason the bootloader printed', async () => {
    const { device } = deviceThatPrints(['bootproof-boot halted: no bootable image\n']);
    expect(await device.powerOn()).toMatchObject({ kind: 'halt', reason: 'no bootable image' });
    expect(await device.running()).toBeUndefined();
  });

  it('reports a board that prints nothing it knows as a halt after the boot timeout, not a hang', async () => {
    const { device } = deviceThatPrints(['garbage \u0001\u0002\n']);
    const started = performance.now();
    const boot = await device.powerOn();
    expect(boot).toMatchObject({ kind: 'halt', reason: 'no banner within 300 ms (the board hangs or prints something unexpected)' });
    expect(boot.kind === 'halt' && boot.log).toEqual(['garbage \u0001\u0002']);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('cuts power a set time into a boot that has not finished', async () => {
    const { device, switched } = deviceThatPrints([]);
    await device.armPowerCut({ kind: 'time', afterUs: 50_000 });
    expect(await device.powerOn()).toEqual({ kind: 'power-cut' });
    expect(switched).toEqual(['on', 'off']);
    expect(device.lastCutLanded).toBe(true);
  });

  it('a cut that fires while the power-on command still runs switches off after it, never before', async () => {
    const transport = new MemoryTransport(() => undefined);
    const switched: string[] = [];
    const slowOn: PowerControl = {
      description: 'slow relay',
      on: async () => {
        switched.push('on started');
        await new Promise((resolve) => setTimeout(resolve, 100));
        switched.push('on done');
      },
      off: async () => void switched.push('off'),
      cycle: async () => undefined,
      close: async () => undefined,
    };
    const device = new SerialDevice({ id: 'dk', settings, board, transport, power: slowOn });
    await device.armPowerCut({ kind: 'time', afterUs: 10_000 });
    expect(await device.powerOn()).toEqual({ kind: 'power-cut' });
    expect(switched).toEqual(['on started', 'on done', 'off']);
  });

  it('refuses what a real board cannot do, saying why', async () => {
    const { device } = deviceThatPrints([]);
    await expect(device.armPowerCut({ kind: 'op', atOp: 3, outcome: 'torn', seed: 1 })).rejects.toThrow(
      /board dk: a real board cannot count flash operations: cut by time or by upload offset/,
    );
    await expect(device.inspect()).rejects.toThrow(/the flash of a real board cannot be read/);
    await expect(device.writeImage(0, 'primary', new Uint8Array(4))).rejects.toThrow(/downloads into the secondary slot only/);
    expect(device.capabilities).toEqual({ cutsByOperation: false, snapshots: false, inspection: false });
  });

  it('an SMP request to a board that went away fails at once with the port named', async () => {
    const { device, transport } = deviceThatPrints([]);
    const list = device.imageList();
    transport.hangUp(new Error('device reports readiness to read but returned no data'));
    await expect(list).rejects.toThrow(/serial port memory closed/);
    await expect(device.powerOn()).rejects.toThrow(/serial port memory closed while talking to the board \(unplugged\?\)/);
  });
});
