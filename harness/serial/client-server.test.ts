import { createHash } from 'node:crypto';
import { encode } from 'cbor2';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BootproofError } from '../../emulator/common/errors.ts';
import { PowerCut } from '../../emulator/flash/index.ts';
import { readTrailer } from '../../images/index.ts';
import { SmpClient } from './client.ts';
import { PortClosedError, SmpDeviceError, SmpProtocolError, SmpTimeoutError, UploadIncompleteError } from './errors.ts';
import { encodeFrames } from './framing.ts';
import { imageIdentity } from './image-hash.ts';
import { MemoryTransport } from './memory-transport.ts';
import { decodeMessage, encodeMessage, Op, type SmpBody } from './smp.ts';
import { TEST_BOARD, testDevice, testImage } from './testing.ts';
import { uploadImage } from './upload.ts';

const SECONDARY = TEST_BOARD.partitions.images[0].secondary;
const PRIMARY = TEST_BOARD.partitions.images[0].primary;

interface LinkOptions {
  /** Rewrites what the device sends (the n-th answer); undefined drops it. */
  tamper?: (bytes: Uint8Array, n: number) => Uint8Array | undefined;
  /** Called with each request body the device decodes, before it answers. */
  spy?: (body: SmpBody) => void;
  timeoutMs?: number;
  bufSize?: number;
}

/** A client and an emulated device joined by an in-memory pipe; a flash fault kills the device (it goes silent). */
function link(options: LinkOptions = {}) {
  let answers = 0;
  let alive = true;
  const console: string[] = [];
  const toClient = (bytes: Uint8Array): void => {
    const out = options.tamper === undefined ? bytes : options.tamper(bytes, answers);
    answers++;
    if (out !== undefined) transport.push(out);
  };
  const device = testDevice(toClient, { bufSize: options.bufSize });
  const deliver = (bytes: Uint8Array): void => {
    if (!alive) return;
    try {
      if (options.spy !== undefined) spyOn(bytes, options.spy);
      device.server.receive(bytes);
    } catch (error) {
      if (!(error instanceof PowerCut)) throw error;
      alive = false;
    }
  };
  const connect = () => {
    const t = new MemoryTransport(deliver);
    return { transport: t, client: new SmpClient(t, { timeoutMs: options.timeoutMs ?? 200, retries: 2, onConsole: (l) => console.push(l) }) };
  };
  let { transport, client } = connect();
  return {
    get client() {
      return client;
    },
    get transport() {
      return transport;
    },
    ...device,
    console,
    revive: () => {
      alive = true;
    },
    /** A new connection to the same device (the old one stays closed). */
    reconnect: () => {
      ({ transport, client } = connect());
      return client;
    },
  };
}

function spyOn(bytes: Uint8Array, spy: (body: SmpBody) => void): void {
  const text = Buffer.from(bytes).toString('latin1');
  if (!text.startsWith('\x06\x09')) return;
  const packet = Buffer.concat(
    text
      .split('\n')
      .filter((l) => l.length > 2)
      .map((l) => Buffer.from(l.slice(2), 'base64')),
  );
  spy(decodeMessage(new Uint8Array(packet.subarray(2, packet.length - 2))).body);
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SmpClient ↔ SmpServer', () => {
  it('echoes, reports params and slot info', async () => {
    const { client } = link({ bufSize: 1024 });
    expect(await client.echo('hello, board')).toBe('hello, board');
    expect(await client.params()).toEqual({ buf_size: 1024, buf_count: 1 });
    expect((await client.slotInfo()).images[0].slots).toEqual([
      { slot: 0, size: PRIMARY.size },
      { slot: 1, size: SECONDARY.size, upload_image_id: 0 },
    ]);
  });

  it('speaks SMP v2 when asked: the device answers with a v2 header', async () => {
    const headers: number[] = [];
    const l = link({
      tamper: (bytes) => {
        headers.push(decodeFrames(bytes).header.version);
        return bytes;
      },
    });
    const v2 = new SmpClient(l.transport, { version: 2 });
    expect(await v2.echo('two')).toBe('two');
    expect(headers).toEqual([2]);
  });

  it('uploads an image chunk by chunk into the secondary, then lists, tests and confirms it', async () => {
    const image = testImage(20_000, '1.2.3+7');
    const hash = imageIdentity(image)!.hash!;
    const { client, flash } = link();
    const progress: number[] = [];
    const result = await uploadImage(client, image, { onProgress: (p) => progress.push(p.offset) });

    expect(Buffer.from(flash.read(SECONDARY.offset, image.length))).toEqual(Buffer.from(image));
    expect(result).toMatchObject({ bytes: image.length, restarts: 0, bufSize: 512, listed: true });
    expect(Buffer.from(result.imageHash!)).toEqual(Buffer.from(hash));
    // Each request fills most of the 512 bytes; progress only ever moves forward, to the end.
    expect(result.requests).toBeLessThanOrEqual(Math.ceil(image.length / 470));
    expect(result.requests).toBeGreaterThanOrEqual(Math.ceil(image.length / (512 - 12 - 14)));
    expect(progress.at(-1)).toBe(image.length);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    // Erases only the sectors the image covers plus the trailer's: progressive, as a power cut would find it.
    expect(flash.journal.filter((op) => op.kind === 'erase')).toHaveLength(Math.ceil(image.length / 4096) + 1);

    const listed = await client.imageList();
    expect(listed.images).toEqual([
      { image: 0, slot: 1, version: '1.2.3.7', hash, bootable: true, pending: false, confirmed: false, active: false, permanent: false },
    ]);

    const tested = await client.imageTest(hash);
    expect(tested.images[0]).toMatchObject({ slot: 1, pending: true, permanent: false });
    const trailer = readTrailer((o, l) => flash.read(SECONDARY.offset + o, l), { slotSize: SECONDARY.size, maxAlign: 8, erasedValue: 0xff });
    expect(trailer).toMatchObject({ magic: 1, imageOk: 3, swapType: 2 });

    // Already pending: confirming now changes nothing (boot_set_pending sees a good magic).
    expect((await client.imageConfirm(hash)).images[0]).toMatchObject({ pending: true, permanent: false });
  });

  it('marks an image permanent when confirmed by hash before any test', async () => {
    const image = testImage(3000, '2.0.0');
    const { client } = link();
    await uploadImage(client, image);
    const state = await client.imageConfirm(imageIdentity(image)!.hash);
    expect(state.images[0]).toMatchObject({ slot: 1, pending: true, permanent: true });
  });

  it('reports the running image confirmed, and a test of it refused with EBADSTATE', async () => {
    const image = testImage(3000, '1.0.0');
    const { client, flash } = link();
    flash.load(PRIMARY.offset, image);
    const { images } = await client.imageConfirm();
    expect(images).toEqual([expect.objectContaining({ slot: 0, active: true, confirmed: true, pending: false })]);
    await expect(client.imageTest(imageIdentity(image)!.hash!)).rejects.toMatchObject({ rcName: 'EBADSTATE' });
  });

  it('answers errors with typed SmpDeviceErrors naming the rc', async () => {
    const { client } = link();
    const error = await client.imageTest(new Uint8Array(32)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmpDeviceError);
    expect((error as SmpDeviceError).message).toBe('image test: the device answered ENOENT (rc 5)');
    await expect(client.request({ ...osUnknown(), name: 'group 64' })).rejects.toMatchObject({ rcName: 'ENOTSUP', rc: 8 });
    await expect(client.imageErase(0)).rejects.toMatchObject({ rcName: 'EBADSTATE' });
  });

  it('resumes an interrupted upload at the offset the device answers', async () => {
    const image = testImage(12_000, '1.1.0');
    let chunks = 0;
    const first = link({ spy: (body) => body.data !== undefined && chunks++ });
    const cut = uploadImage(first.client, image, {
      onProgress: (p) => {
        if (p.offset > 6000) void first.client.close();
      },
    });
    await expect(cut).rejects.toBeInstanceOf(PortClosedError);
    const doneBefore = chunks;

    // Same device, a new connection: the first chunk (off 0, same sha) gets the device's offset back.
    const offsets: number[] = [];
    const again = first.reconnect();
    const result = await uploadImage(again, image, { onProgress: (p) => offsets.push(p.offset) });
    expect(offsets[0]).toBeGreaterThan(6000);
    expect(result.requests).toBeLessThan(Math.ceil(image.length / 477));
    expect(chunks - doneBefore).toBe(result.requests);
    expect(Buffer.from(first.flash.read(SECONDARY.offset, image.length))).toEqual(Buffer.from(image));
  });

  it('starts over when the device reboots mid-upload and answers off 0', async () => {
    const image = testImage(8000, '1.0.1');
    const l = link();
    let rebooted = false;
    const result = await uploadImage(l.client, image, {
      onProgress: (p) => {
        if (!rebooted && p.offset > 3000) {
          rebooted = true;
          l.server.reset();
        }
      },
    });
    expect(result.restarts).toBe(1);
    expect(result.listed).toBe(true);
    expect(Buffer.from(l.flash.read(SECONDARY.offset, image.length))).toEqual(Buffer.from(image));
  });

  it('honours a small buf_size: every request fits, none is dropped', async () => {
    const image = testImage(4000, '1.0.0');
    const packets: number[] = [];
    let data = 0;
    const l = link({
      bufSize: 128,
      spy: (body) => {
        if (!(body.data instanceof Uint8Array)) return;
        data += body.data.length;
        packets.push(2 + 8 + encode(body).length + 2); // length prefix, header, CBOR, CRC
      },
    });
    const result = await uploadImage(l.client, image);
    expect(l.server.framingErrors).toBe(0);
    expect(result.bufSize).toBe(128);
    expect(Math.max(...packets)).toBe(128); // filled to the byte, never over
    expect(data).toBe(image.length);
  });

  it('survives console lines and garbage between frames, and passes the lines on', async () => {
    const l = link({ tamper: (bytes) => new Uint8Array(Buffer.concat([Buffer.from('[00:00:01] app: tick\r\n'), Buffer.from([0x00, 0xff]), Buffer.from('noise'), bytes])) });
    expect(await l.client.echo('x')).toBe('x');
    expect(l.console).toEqual(['[00:00:01] app: tick', '\u0000\ufffdnoise']);
  });

  it('retries after an answer with a wrong CRC, and succeeds', async () => {
    const l = link({ tamper: (bytes, n) => (n === 0 ? corruptCrc(bytes) : bytes) });
    expect(await l.client.echo('again')).toBe('again');
  });

  it('gives up with SmpTimeoutError naming the last bad frame when every answer is corrupt', async () => {
    const l = link({ tamper: (bytes) => corruptCrc(bytes) });
    const error = await l.client.echo('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmpTimeoutError);
    expect((error as Error).message).toMatch(/^os echo \(seq 0\): no answer from the device after 3 attempt\(s\) of 200 ms each \(.*bad-crc/);
  });

  it('retries after a truncated answer and after an oversized frame', async () => {
    const truncated = link({ tamper: (bytes, n) => (n === 0 ? bytes.subarray(0, 10) : bytes) });
    expect(await truncated.client.echo('t')).toBe('t');
    const oversized = link({
      tamper: (bytes, n) => (n === 0 ? new Uint8Array(Buffer.concat([Buffer.from([6, 9]), Buffer.alloc(200, 65), Buffer.from('\n')])) : bytes),
    });
    expect(await oversized.client.echo('o')).toBe('o');
  });

  it('rejects nonsense answers with SmpProtocolError', async () => {
    const reply = (body: Uint8Array) => () => body;
    const answer = (group: number, id: number, cbor: SmpBody) =>
      encodeFrames(encodeMessage({ op: Op.writeResponse, version: 1, flags: 0, group, seq: 0, id }, cbor));
    await expect(link({ tamper: reply(answer(1, 0, { r: 'x' })) }).client.echo('x')).rejects.toThrow(
      'os echo (seq 0): the answer is for group 1 command 0 op 3, expected group 0 command 0 op 3',
    );
    await expect(link({ tamper: reply(answer(0, 0, { r: 7 })) }).client.echo('x')).rejects.toThrow(/unexpected answer at r/);
    const badCbor = encodeFrames(Uint8Array.of(3, 0, 0, 2, 0, 0, 0, 0, 0xa1, 0xff));
    await expect(link({ tamper: reply(badCbor) }).client.echo('x')).rejects.toBeInstanceOf(SmpProtocolError);
    const v2 = answer(0, 0, { err: { group: 9, rc: 3 } });
    await expect(link({ tamper: reply(v2) }).client.echo('x')).rejects.toMatchObject({ rcName: 'group 9 rc 3', group: 9 });
  });

  it('never reports an upload complete that the device did not confirm', async () => {
    const image = testImage(2000, '1.0.0');
    // A device that claims every byte at once but stores nothing: its image list lacks the hash.
    const liar = link({
      tamper: (bytes) => {
        const { header, body } = decodeFrames(bytes);
        if (header.group === 1 && header.id === 1) return reframe(header, { off: image.length });
        if (header.group === 1 && header.id === 0) return reframe(header, { images: [{ slot: 0, version: '0.0.1', hash: new Uint8Array(32) }] });
        return reframe(header, body);
      },
    });
    await expect(uploadImage(liar.client, image)).rejects.toBeInstanceOf(UploadIncompleteError);
    const mismatch = link({
      tamper: (bytes) => {
        const { header, body } = decodeFrames(bytes);
        return reframe(header, body.off === image.length ? { ...body, match: false } : body);
      },
    });
    await expect(uploadImage(mismatch.client, image)).rejects.toThrow(/does not match/);
    const runaway = link({
      tamper: (bytes) => {
        const { header, body } = decodeFrames(bytes);
        return reframe(header, header.group === 1 && header.id === 1 ? { off: image.length + 1 } : body);
      },
    });
    await expect(uploadImage(runaway.client, image)).rejects.toThrow(/past the image end/);
  });

  it('reports a port that disappears mid-request as PortClosedError', async () => {
    const l = link({ tamper: () => undefined });
    const pending = l.client.echo('x');
    await Promise.resolve();
    l.transport.hangUp(new Error('device unplugged'));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortClosedError);
    expect((error as Error).message).toBe('serial port memory closed while waiting for the answer to os echo (seq 0)');
    await expect(l.client.echo('y')).rejects.toBeInstanceOf(PortClosedError);
  });

  it('settles every request with the answer or a typed error, whatever one mutation does to the answers', async () => {
    vi.useFakeTimers();
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.constantFrom('flip', 'drop', 'insert', 'cut'), async (where, value, how) => {
        const l = link({
          timeoutMs: 100,
          tamper: (bytes, n) => {
            if (n > 0) return bytes;
            const out = [...bytes];
            const at = where % out.length;
            if (how === 'flip') out[at] ^= value;
            else if (how === 'drop') out.splice(at, 1);
            else if (how === 'insert') out.splice(at, 0, value);
            else out.length = at;
            return Uint8Array.from(out);
          },
        });
        const settled = l.client.echo('fuzz').catch((e: unknown) => e);
        await vi.advanceTimersByTimeAsync(300);
        const result = await settled;
        if (result !== 'fuzz') expect(result).toBeInstanceOf(BootproofError);
      }),
      { seed: 3, numRuns: 150 },
    );
  });
});

describe('a transport whose writes fail', () => {
  it('fails the request with PortClosedError carrying the cause', async () => {
    const broken = {
      description: '/dev/ttyGONE',
      write: () => Promise.reject(new Error('EIO')),
      onData: () => undefined,
      onClose: () => undefined,
      close: async () => undefined,
    };
    const error = await new SmpClient(broken).echo('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortClosedError);
    expect((error as Error).message).toBe('serial port /dev/ttyGONE closed while sending os echo (seq 0)');
    expect(((error as Error).cause as Error).message).toBe('EIO');
  });
});

describe('a device that stops answering (fake timers)', () => {
  it('times out each attempt and fails after the bounded retries', async () => {
    vi.useFakeTimers();
    let writes = 0;
    const l = link({ tamper: () => undefined, timeoutMs: 1000, spy: () => writes++ });
    const pending = l.client.echo('x').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2999);
    expect(writes).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toBeInstanceOf(SmpTimeoutError);
  });

  it('loses power mid-upload: the upload fails, and a retry after power comes back completes it', async () => {
    vi.useFakeTimers();
    const image = testImage(10_000, '3.0.0');
    const l = link({ timeoutMs: 1000 });
    l.flash.armPowerCut({ atOp: 5, outcome: 'torn', seed: 42 });
    const failed = uploadImage(l.client, image).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(3000);
    expect(await failed).toBeInstanceOf(SmpTimeoutError);
    expect(l.flash.journal.at(-1)?.result).toBe('torn');

    l.revive();
    l.server.reset();
    const done = uploadImage(l.client, image);
    await vi.advanceTimersByTimeAsync(0);
    const result = await done;
    expect(result.listed).toBe(true);
    expect(Buffer.from(sha256(l.flash.read(SECONDARY.offset, image.length)))).toEqual(Buffer.from(sha256(image)));
  });
});

function osUnknown() {
  return { op: Op.read, group: 64, id: 0, body: {}, response: undefined as never };
}

function decodeFrames(bytes: Uint8Array) {
  const text = Buffer.from(bytes).toString('latin1');
  const packet = Buffer.concat(
    text
      .split('\n')
      .filter((l) => l.length > 2)
      .map((l) => Buffer.from(l.slice(2), 'base64')),
  );
  return decodeMessage(new Uint8Array(packet.subarray(2, packet.length - 2)));
}

function reframe(header: ReturnType<typeof decodeFrames>['header'], body: SmpBody): Uint8Array {
  return encodeFrames(encodeMessage(header, body));
}

function corruptCrc(bytes: Uint8Array): Uint8Array {
  const { header, body } = decodeFrames(bytes);
  const message = encodeMessage(header, body);
  const frames = encodeFrames(message);
  // Re-encode with one body bit flipped but the original CRC: decodes as base64, fails the CRC check.
  const text = Buffer.from(frames).toString('latin1');
  const packet = Buffer.from(text.slice(2, text.indexOf('\n')), 'base64');
  packet[4] ^= 0x01;
  return new Uint8Array(Buffer.from(`\x06\x09${packet.toString('base64')}\n`, 'latin1'));
}
