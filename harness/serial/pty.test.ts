import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmpClient } from './client.ts';
import { PortClosedError, PortOpenError } from './errors.ts';
import { imageIdentity } from './image-hash.ts';
import { openPtyPair, type PtyPair, socatMissing } from './pty.ts';
import { SerialTransport } from './serial-transport.ts';
import { TEST_BOARD, testDevice, testImage } from './testing.ts';
import { uploadImage } from './upload.ts';

const missing = await socatMissing();

describe.skipIf(missing !== undefined)(`SMP over a real pseudo-terminal (socat)${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let pair: PtyPair;
  beforeAll(async () => {
    pair = await openPtyPair();
  });
  afterAll(async () => {
    await pair?.close();
  });

  it('uploads an image end to end through serialport on both ends, with console lines in between', async () => {
    const deviceEnd = await SerialTransport.open({ path: pair.devicePath });
    const device = testDevice((bytes) => void deviceEnd.write(bytes));
    deviceEnd.onData((bytes) => device.server.receive(bytes));

    const host = await SerialTransport.open({ path: pair.hostPath, baudRate: 115200 });
    const lines: string[] = [];
    const client = new SmpClient(host, { timeoutMs: 2000, onConsole: (l) => lines.push(l) });
    device.server.printConsole('*** Booting MCUboot ***');
    const image = testImage(30_000, '4.5.6');
    const result = await uploadImage(client, image);
    expect(result.listed).toBe(true);
    const secondary = TEST_BOARD.partitions.images[0].secondary;
    expect(Buffer.from(device.flash.read(secondary.offset, image.length))).toEqual(Buffer.from(image));
    const state = await client.imageTest(imageIdentity(image)!.hash!);
    expect(state.images[0]).toMatchObject({ version: '4.5.6', pending: true });
    expect(lines).toContain('*** Booting MCUboot ***');

    await client.close();
    await deviceEnd.close();
  });

  it('ends a request with PortClosedError when the pty disappears', async () => {
    const other = await openPtyPair();
    const host = await SerialTransport.open({ path: other.hostPath });
    const client = new SmpClient(host, { timeoutMs: 5000 });
    const pending = client.echo('anyone?').catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.close();
    expect(await pending).toBeInstanceOf(PortClosedError);
  });
});

describe('SerialTransport.open', () => {
  it('refuses a missing port with PortOpenError (exit code 2) naming the path', async () => {
    const error = await SerialTransport.open({ path: '/nonexistent/ttyBOOTPROOF' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortOpenError);
    expect((error as PortOpenError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/^cannot open serial port \/nonexistent\/ttyBOOTPROOF: No such file or directory/);
  });
});
