/**
 * SMP upload over a real pseudo-terminal (socat, serialport on both ends): image bytes per second and frames per
 * second, against the raw throughput of the same pty measured in the same run, and the protocol overhead (bytes on
 * the wire per image byte: base64, framing, headers, CBOR, answers).
 */
import { SmpClient } from '../harness/serial/client.ts';
import { MemoryTransport } from '../harness/serial/memory-transport.ts';
import { openPtyPair, socatMissing } from '../harness/serial/pty.ts';
import { SerialTransport } from '../harness/serial/serial-transport.ts';
import { testDevice, testImage } from '../harness/serial/testing.ts';
import { uploadImage } from '../harness/serial/upload.ts';

export const title = 'SMP upload over a pty: throughput vs raw pty, protocol overhead';

const RAW_BYTES = 1 << 20;
const IMAGE_PAYLOAD = 80_000;

export async function run(): Promise<void> {
  const missing = await socatMissing();
  if (missing !== undefined) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const rawBytesPerSecond = await rawThroughput();
  console.log(`raw pty (1 MiB one way):        ${kib(rawBytesPerSecond)} KiB/s`);
  const memory = await memoryUpload();
  console.log(`SMP upload in memory, 512:      ${kib(memory)} KiB/s of image (codec and flash model alone, no pty)`);
  for (const bufSize of [512, 2048]) {
    const r = await smpUpload(bufSize);
    console.log(
      `SMP upload, buf_size ${String(bufSize).padEnd(4)}:     ${kib(r.imageBytesPerSecond)} KiB/s of image, ` +
        `${r.framesPerSecond.toFixed(0)} frames/s, ${r.requests} requests; ` +
        `${(r.imageBytesPerSecond / rawBytesPerSecond).toFixed(3)}x raw; overhead ${r.overhead.toFixed(2)} wire bytes per image byte`,
    );
  }
}

async function rawThroughput(): Promise<number> {
  const pair = await openPtyPair();
  const device = await SerialTransport.open({ path: pair.devicePath });
  const host = await SerialTransport.open({ path: pair.hostPath });
  try {
    let received = 0;
    const done = new Promise<void>((resolve) => {
      device.onData((bytes) => {
        received += bytes.length;
        if (received >= RAW_BYTES) resolve();
      });
    });
    const block = new Uint8Array(4096).fill(0x41);
    const start = process.hrtime.bigint();
    for (let sent = 0; sent < RAW_BYTES; sent += block.length) await host.write(block);
    await done;
    return RAW_BYTES / seconds(start);
  } finally {
    await host.close();
    await device.close();
    await pair.close();
  }
}

async function smpUpload(bufSize: number) {
  const pair = await openPtyPair();
  const deviceEnd = await SerialTransport.open({ path: pair.devicePath });
  let wire = 0;
  const device = testDevice(
    (bytes) => {
      wire += bytes.length;
      void deviceEnd.write(bytes);
    },
    { bufSize },
  );
  deviceEnd.onData((bytes) => {
    wire += bytes.length;
    device.server.receive(bytes);
  });
  const client = new SmpClient(await SerialTransport.open({ path: pair.hostPath }), { timeoutMs: 5000 });
  try {
    const image = testImage(IMAGE_PAYLOAD, '1.0.0');
    const start = process.hrtime.bigint();
    const result = await uploadImage(client, image);
    const s = seconds(start);
    return {
      imageBytesPerSecond: image.length / s,
      framesPerSecond: client.framesSent / s,
      requests: result.requests,
      overhead: wire / image.length,
    };
  } finally {
    await client.close();
    await deviceEnd.close();
    await pair.close();
  }
}

/** The same upload with no pty in between: what the codec, client and server cost by themselves. */
async function memoryUpload(): Promise<number> {
  let server: ReturnType<typeof testDevice>['server'] | undefined;
  const transport = new MemoryTransport((bytes) => server?.receive(bytes));
  server = testDevice((bytes) => transport.push(bytes)).server;
  const image = testImage(IMAGE_PAYLOAD, '1.0.0');
  const start = process.hrtime.bigint();
  await uploadImage(new SmpClient(transport), image);
  return image.length / seconds(start);
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function kib(bytesPerSecond: number): string {
  return (bytesPerSecond / 1024).toFixed(0).padStart(7);
}
