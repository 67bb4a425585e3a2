/**
 * `bootproof smp --port P …`: a small mcumgr-style client for lab engineers — image list/upload/test/confirm/erase,
 * reset, echo — over the same SmpClient the harness uses. Human output by default, `--json` for scripts; a progress
 * bar on upload when stderr is a terminal.
 */
import { type Command, Option } from 'commander';
import { UsageError } from '../../emulator/common/errors.ts';
import { SmpClient } from '../serial/client.ts';
import { type FlowControl, SerialTransport } from '../serial/serial-transport.ts';
import type { ImageSlotState } from '../serial/smp.ts';
import { hex, type UploadProgress, uploadImage } from '../serial/upload.ts';
import { parseNumber, readImageFile } from './image-io.ts';

interface ConnectionOptions {
  port: string;
  baud: number;
  flow: FlowControl;
  timeout: number;
  retries: number;
  json?: boolean;
}

/** Erasing a whole slot is synchronous on the device and can take seconds (FORMATS.md §8). */
const ERASE_TIMEOUT_MS = 30_000;

export function registerSmpCommand(program: Command): void {
  const smp = program
    .command('smp')
    .description('Talk SMP (mcumgr) to a device over a serial port: MCUboot serial recovery or an mcumgr-enabled app.')
    .requiredOption('--port <path>', 'serial port (/dev/ttyACM0, a pty path)')
    .option('--baud <rate>', 'baud rate', parseNumber('--baud'), 115200)
    .addOption(new Option('--flow <kind>', 'flow control').choices(['none', 'rtscts', 'xonxoff']).default('none'))
    .option('--timeout <ms>', 'how long to wait for each answer (at least 1)', parsePositive('--timeout'), 3000)
    .option('--retries <n>', 'attempts after the first on a timeout or a corrupt answer', parseNumber('--retries', 10), 2)
    .option('--json', 'print JSON instead of text');

  const image = smp.command('image').description('The image group: list, upload, test, confirm, erase.');
  image
    .command('list')
    .description('List the images in each slot with their hash and flags.')
    .action(async (_options: object, command: Command) => {
      await withClient(command, async (client, o) => print(o, await client.imageList(), formatImages));
    });
  image
    .command('upload')
    .description('Upload an image file (.bin or .hex) to the device, resuming where it says it is.')
    .argument('<file>', 'signed image')
    .option('--image <n>', 'image number on multi-image devices', parseNumber('--image', 255))
    .option('--upgrade', 'ask the device to refuse an image that is not newer')
    .action(async (file: string, options: { image?: number; upgrade?: boolean }, command: Command) => {
      const bytes = readImageFile(file).bytes;
      // Checked before the port is opened: nothing to send is bad input, not a failed upload.
      if (bytes.length === 0) throw new UsageError(`${file}: the image file is empty`);
      await withClient(command, async (client, o) => {
        const bar = o.json !== true && process.stderr.isTTY ? progressBar() : undefined;
        const started = Date.now();
        const result = await uploadImage(client, bytes, { ...options, onProgress: bar });
        if (bar !== undefined) process.stderr.write('\n');
        const seconds = Math.max((Date.now() - started) / 1000, 0.001);
        const summary = {
          file,
          bytes: result.bytes,
          seconds,
          bytesPerSecond: Math.round(result.bytes / seconds),
          requests: result.requests,
          restarts: result.restarts,
          bufSize: result.bufSize,
          hash: result.imageHash === undefined ? null : hex(result.imageHash),
          listed: result.listed ?? null,
        };
        print(o, summary, (s) => {
          const check = s.listed === true ? 'the device lists it' : 'the device lists no hashes to check';
          return `uploaded ${s.bytes} bytes in ${s.seconds.toFixed(1)} s (${s.bytesPerSecond} B/s, ${s.requests} requests); ${s.hash === null ? 'not an MCUboot image' : `hash ${s.hash}, ${check}`}`;
        });
      });
    });
  image
    .command('test')
    .description('Mark the image with this hash for a test boot (reverted unless confirmed).')
    .argument('<hash>', 'the image hash as listed, in hex')
    .action(async (hash: string, _options: object, command: Command) => {
      const bytes = parseHash(hash);
      await withClient(command, async (client, o) => print(o, await client.imageTest(bytes), formatImages));
    });
  image
    .command('confirm')
    .description('Confirm the running image, or make the image with this hash permanent.')
    .argument('[hash]', 'the image hash as listed, in hex')
    .action(async (hash: string | undefined, _options: object, command: Command) => {
      const bytes = hash === undefined ? undefined : parseHash(hash);
      await withClient(command, async (client, o) => print(o, await client.imageConfirm(bytes), formatImages));
    });
  image
    .command('erase')
    .description('Erase a slot (default: the secondary of image 0).')
    .option('--slot <n>', 'slot number as mcumgr counts them (image N: 2N primary, 2N+1 secondary)', parseNumber('--slot', 255))
    .action(async (options: { slot?: number }, command: Command) => {
      await withClient(command, async (client, o) => {
        await client.imageErase(options.slot, { timeoutMs: Math.max(o.timeout, ERASE_TIMEOUT_MS) });
        print(o, { erased: options.slot ?? 1 }, (r) => `erased slot ${r.erased}`);
      });
    });
  smp
    .command('reset')
    .description('Reset the device.')
    .action(async (_options: object, command: Command) => {
      await withClient(command, async (client, o) => {
        await client.reset();
        print(o, { reset: true }, () => 'reset requested');
      });
    });
  smp
    .command('echo')
    .description('Send a text and print what the device echoes back.')
    .argument('<text>')
    .action(async (text: string, _options: object, command: Command) => {
      await withClient(command, async (client, o) => print(o, { echo: await client.echo(text) }, (r) => r.echo));
    });
}

async function withClient(command: Command, body: (client: SmpClient, options: ConnectionOptions) => Promise<void>): Promise<void> {
  const options = command.optsWithGlobals<ConnectionOptions>();
  const transport = await SerialTransport.open({ path: options.port, baudRate: options.baud, flowControl: options.flow });
  const client = new SmpClient(transport, { timeoutMs: options.timeout, retries: options.retries });
  try {
    await body(client, options);
  } finally {
    await client.close();
  }
}

function print<T>(options: ConnectionOptions, value: T, text: (value: T) => string): void {
  process.stdout.write(`${options.json === true ? JSON.stringify(value, hexBytes, 2) : text(value)}\n`);
}

function hexBytes(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? hex(value) : value;
}

function formatImages(state: { images: readonly ImageSlotState[] }): string {
  if (state.images.length === 0) return 'no images';
  return state.images
    .map((s) => {
      const flags: string[] = (['active', 'confirmed', 'pending', 'permanent'] as const).filter((f) => s[f] === true);
      if (s.bootable === false) flags.push('non-bootable');
      const hash = s.hash === undefined ? '' : `\n    hash ${hex(s.hash)}`;
      return `image ${s.image ?? 0} slot ${s.slot}  version ${s.version}  ${flags.join(' ') || '-'}${hash}`;
    })
    .join('\n');
}

function parsePositive(option: string): (text: string) => number {
  const parse = parseNumber(option);
  return (text: string) => {
    const value = parse(text);
    if (value === 0) throw new UsageError(`${option} ${text}: expected at least 1`);
    return value;
  };
}

function parseHash(text: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2}){32,64}$/i.test(text)) {
    throw new UsageError(`hash "${text}": expected the image hash in hex, 64 characters for SHA-256 (as \`image list\` shows)`);
  }
  return new Uint8Array(Buffer.from(text, 'hex'));
}

function progressBar(): (progress: UploadProgress) => void {
  const started = Date.now();
  return ({ offset, total }) => {
    const width = 30;
    const filled = Math.round((offset / total) * width);
    const rate = offset / Math.max((Date.now() - started) / 1000, 0.001);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor((offset / total) * 100)}% ${offset}/${total} B ${Math.round(rate / 1024)} KiB/s`,
    );
  };
}
