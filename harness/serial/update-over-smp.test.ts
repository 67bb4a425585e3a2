import { describe, expect, it } from 'vitest';
import { ReferenceBootloader } from '../../emulator/boot/index.ts';
import {
  carveBoard,
  configFor,
  factoryImage,
  makeDevice,
  makeImage,
  STRATEGIES,
} from '../../emulator/boot/test/fixtures.ts';
import type { BootOutcome } from '../../emulator/boot/types.ts';
import { SmpClient } from './client.ts';
import { imageIdentity } from './image-hash.ts';
import { MemoryTransport } from './memory-transport.ts';
import { SmpServer } from './smp-server.ts';
import { uploadImage } from './upload.ts';

const loader = new ReferenceBootloader();

function version(outcome: BootOutcome): string {
  if (outcome.kind !== 'handoff') throw new Error(`expected a hand-off, got a halt: ${outcome.reason}`);
  const v = outcome.version;
  return `${v.major}.${v.minor}.${v.revision}`;
}

/** The running application's SMP server over the device's flash, and a client joined to it in memory. */
function connect(device: ReturnType<typeof makeDevice>) {
  let server: SmpServer;
  const transport = new MemoryTransport((bytes) => server.receive(bytes));
  server = new SmpServer({ app: device.ctx, send: (bytes) => transport.push(bytes) });
  return new SmpClient(transport, { timeoutMs: 500 });
}

describe.each(STRATEGIES)('an update over SMP with %s', (strategy) => {
  it('is what the reference bootloader boots: upload, test, boot, confirm, boot again', async () => {
    const board = carveBoard('nrf52840dk', strategy);
    const config = configFor(board, strategy);
    const device = makeDevice(board, config, [factoryImage(board, config, { version: '1.0.0' })]);
    expect(version(loader.boot(device.ctx))).toBe('1.0.0');

    const update = makeImage(board, config, { version: '2.0.0' });
    const client = connect(device);
    const result = await uploadImage(client, update);
    expect(result.listed).toBe(true);
    const hash = imageIdentity(update)!.hash!;
    const pending = await client.imageTest(hash);
    expect(pending.images.find((s) => s.version === '2.0.0')).toMatchObject({ pending: true, active: false });

    expect(version(loader.boot(device.ctx))).toBe('2.0.0');
    const afterBoot = await connect(device).imageList();
    const running = afterBoot.images.find((s) => s.active === true);
    expect(running?.version).toBe('2.0.0');
    // Until the application confirms it, a test upgrade is due for a revert, except where nothing reverts
    // (overwrite-only, and direct-xip as modelled: no MCUBOOT_DIRECT_XIP_REVERT).
    expect(running?.confirmed).toBe(strategy === 'overwrite-only' || strategy === 'direct-xip');

    await connect(device).imageConfirm();
    expect(version(loader.boot(device.ctx))).toBe('2.0.0');
    expect((await connect(device).imageList()).images.find((s) => s.active === true)).toMatchObject({ confirmed: true });
  });
});
