/**
 * A power cut on a real board: the console is still watched while the off command runs, so a banner printed
 * then (the switch was slower than the boot) is seen, every time.
 */
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../boards/index.ts';
import { parseLabFile } from '../../harness/lab/lab-file.ts';
import type { PowerControl } from '../../harness/lab/power-control.ts';
import { SerialDevice } from '../../harness/lab/serial-device.ts';
import { HALTED, RUNNING } from '../../harness/lab/testing.ts';
import { MemoryTransport } from '../../harness/serial/index.ts';

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
        timeouts: { bootMs: 500, smpMs: 200, offMs: 0 },
      },
    },
  }),
  'lab.json',
).dk;

describe('cutting power on a serial board', () => {
  it('sees a banner that arrives while the off command runs, 50 times out of 50', async () => {
    for (let run = 0; run < 50; run++) {
      const transport = new MemoryTransport(() => undefined);
      const slowOff: PowerControl = {
        description: 'slow relay',
        on: async () => undefined,
        // The board finishes booting while the relay is still switching off.
        off: async () => {
          await new Promise((resolve) => setTimeout(resolve, 2));
          transport.push(new Uint8Array(Buffer.from('bootproof-app 2.0.0+0 slot=0\n')));
          await new Promise((resolve) => setTimeout(resolve, 15));
        },
        cycle: async () => undefined,
        close: async () => undefined,
      };
      const device = new SerialDevice({ id: 'dk', settings, board, transport, power: slowOff });
      await device.armPowerCut({ kind: 'time', afterUs: 1_000 });
      expect(await device.powerOn(), `run ${run}`).toEqual({ kind: 'power-cut' });
      expect(device.lastCutAfterHandoff, `run ${run}: the banner during the off command was lost`).toBe(true);
    }
  });
});
