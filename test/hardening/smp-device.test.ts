/**
 * What the SMP client says when the device cannot do what was asked: an upload the device does not list
 * afterwards, a request larger than its receive buffer, an image larger than its slot, and a line that looks like
 * a wrong baud rate. Each names the cause instead of "no answer" or a bare device error code.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../emulator/common/prng.ts';
import {
  encodeFrames,
  FrameDecoder,
  ImageTooLargeError,
  MemoryTransport,
  RequestTooLargeError,
  SmpClient,
  SmpDeviceError,
  SmpTimeoutError,
  UploadIncompleteError,
  uploadImage,
} from '../../harness/serial/index.ts';
import { decodeHeader, encodeMessage, Group, ImageCommand, MgmtErr, type Op, OsCommand, type SmpBody } from '../../harness/serial/smp.ts';
import { TEST_BOARD, testDevice, testImage } from '../../harness/serial/testing.ts';

const SECONDARY = TEST_BOARD.partitions.images[0].secondary;

/** What the device does instead of its SmpServer for one command: an answer body, or silence. */
type Override = (group: number, id: number) => SmpBody | 'silent' | undefined;

/** A client joined to the emulated device; `override` replaces the device's answer to chosen commands. */
function connect(options: { bufSize?: number; override?: Override; timeoutMs?: number } = {}) {
  const device = testDevice((bytes) => transport.push(bytes), { bufSize: options.bufSize });
  const decoder = new FrameDecoder();
  const transport = new MemoryTransport((bytes) => {
    for (const event of decoder.push(bytes)) {
      if (event.kind !== 'packet') continue;
      const header = decodeHeader(event.body);
      const body = options.override?.(header.group, header.id);
      if (body === 'silent') continue;
      if (body === undefined) device.server.receive(bytes);
      else transport.push(encodeFrames(encodeMessage({ ...header, op: (header.op + 1) as Op }, body)));
    }
  });
  return new SmpClient(transport, { timeoutMs: options.timeoutMs ?? 200, retries: 2 });
}

const notSupported = { rc: MgmtErr.ENOTSUP };

describe('an upload the device does not list', () => {
  it('is an incomplete upload, not a success', async () => {
    const client = connect({ override: (group, id) => (group === Group.image && id === ImageCommand.state ? { images: [] } : undefined) });
    const error = await uploadImage(client, testImage(3000, '1.0.0')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadIncompleteError);
    expect((error as Error).message).toBe('image upload: the device took the image but lists no image afterwards');
  });

  it('is a success when the device lists it (the same device, unchanged)', async () => {
    const result = await uploadImage(connect(), testImage(3000, '1.0.0'));
    expect(result.listed).toBe(true);
  });
});

describe('a request larger than the device receive buffer', () => {
  it("names both sizes at once instead of waiting for an answer that cannot come", async () => {
    const client = connect({ bufSize: 512, timeoutMs: 3000 });
    const started = performance.now();
    const error = await client.echo('x'.repeat(600)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTooLargeError);
    expect((error as Error).message).toMatch(/^os echo: the request is 6\d\d bytes, more than the device's buf_size of 512 bytes/);
    expect((error as RequestTooLargeError).exitCode).toBe(2);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('goes through when the device reports a buffer that holds it', async () => {
    expect(await connect({ bufSize: 2048 }).echo('y'.repeat(600))).toBe('y'.repeat(600));
  });

  it("assumes MCUboot's default buffer from a device without the params command, and says so", async () => {
    const client = connect({ bufSize: 4096, override: (group, id) => (group === Group.os && id === OsCommand.params ? notSupported : undefined) });
    await expect(client.echo('z'.repeat(600))).rejects.toThrow("more than MCUboot's default receive buffer of 512 bytes (the device reports no buf_size)");
    expect(await client.echo('short')).toBe('short');
  });
});

describe('an image larger than the slot', () => {
  const oversized = new Prng(7).bytes(SECONDARY.size + 100);

  it('is said to not fit, by how much, from the device slot info', async () => {
    const error = await uploadImage(connect(), oversized).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect((error as Error).message).toBe(
      `image upload: the image is ${SECONDARY.size + 100} bytes and does not fit the device's ${SECONDARY.size}-byte slot (100 bytes too many)`,
    );
  });

  it("keeps the device's own error when the device reports no slot sizes", async () => {
    const client = connect({ override: (group, id) => (group === Group.image && id === ImageCommand.slotInfo ? notSupported : undefined) });
    const error = await uploadImage(client, oversized).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmpDeviceError);
    expect((error as Error).message).toContain('EINVAL');
  });
});

describe('a line that looks like a wrong baud rate', () => {
  /** A device at another baud rate: each request's bytes come back as noise. */
  function wrongBaud(noise: (n: number) => Uint8Array) {
    let n = 0;
    const transport = new MemoryTransport(() => transport.push(noise(n++)));
    return new SmpClient(transport, { timeoutMs: 100, retries: 1 });
  }

  it('gets a hint to check --baud', async () => {
    const prng = new Prng(3);
    const error = await wrongBaud(() => prng.bytes(40).map((b) => b | 0x80))
      .echo('hi')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmpTimeoutError);
    expect((error as Error).message).toMatch(/no answer from the device after 2 attempt\(s\) of 100 ms each; the device sent 80 bytes, 80 of them neither SMP frames nor text: is the baud rate right\? \(check --baud/);
  });

  it('a silent device, or one printing plain text, gets no such hint', async () => {
    const text = new Uint8Array(Buffer.from('booting... waiting for the app\n'));
    for (const client of [wrongBaud(() => new Uint8Array(0)), wrongBaud(() => text)]) {
      const error = await client.echo('hi').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SmpTimeoutError);
      expect((error as Error).message).not.toContain('baud');
    }
  });
});

// The override plumbing the tests above rely on.
describe('the test device', () => {
  it('answers a replaced command with the replacement', async () => {
    const client = connect({ override: (group, id) => (group === Group.os && id === OsCommand.echo ? { r: 'replaced' } : undefined) });
    expect(await client.echo('original')).toBe('replaced');
  });
});
