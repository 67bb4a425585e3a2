/**
 * An SMP client over any Transport: one request in flight at a time, sequence numbers, a timeout per attempt,
 * bounded retries, and typed errors for a device that answers nonsense (SmpProtocolError), answers an error
 * (SmpDeviceError), stops answering (SmpTimeoutError) or goes away (PortClosedError).
 */
import { type FramingError, PortClosedError, RequestTooLargeError, SmpDeviceError, SmpProtocolError, SmpTimeoutError } from './errors.ts';
import { encodeFrames, FrameDecoder } from './framing.ts';
import {
  decodeHeader,
  decodeMessage,
  encodeMessage,
  type ImageState,
  imageErase,
  imageSlotInfo,
  imageStateRead,
  imageStateWrite,
  type McumgrParams,
  osEcho,
  osParams,
  osReset,
  parseResponse,
  type SlotInfo,
  type SmpRequest,
} from './smp.ts';
import type { Transport } from './transport.ts';

export interface SmpClientOptions {
  /** How long one attempt waits for its answer. */
  readonly timeoutMs?: number;
  /** Attempts after the first, on a timeout or an unreadable answer. */
  readonly retries?: number;
  /** SMP version of the requests; a v2 client accepts v1 answers, as a v1-only device sends them. */
  readonly version?: 1 | 2;
  /** Console lines the device prints between frames. */
  readonly onConsole?: (line: string) => void;
}

export interface RequestOptions {
  /** Overrides the client's timeout for slow commands (erase, the first upload chunk). */
  readonly timeoutMs?: number;
  /** Overrides the client's retries (a probe of an optional command need not be retried). */
  readonly retries?: number;
}

type AttemptResult = { kind: 'answer'; body: Record<string, unknown> } | { kind: 'timeout' } | { kind: 'garbled'; error: FramingError };

interface InFlight {
  readonly request: SmpRequest<unknown>;
  readonly seq: number;
  settle(result: AttemptResult): void;
  fail(error: Error): void;
}

export const DEFAULT_TIMEOUT_MS = 3000;
export const DEFAULT_RETRIES = 2;
/** MCUboot's MCUBOOT_SERIAL_MAX_RECEIVE_SIZE default: what to assume when the device has no params command. */
export const DEFAULT_BUF_SIZE = 512;
/** Length prefix and CRC around a packet's header and body: a request takes this plus the packet in the device's buffer. */
export const PACKET_OVERHEAD = 4;
/**
 * Bytes on the line that are neither SMP frames nor text (above 0x7f, or control characters other than line ends,
 * tab and the frame markers): many of them where an answer was expected is what a wrong baud rate looks like.
 */
const GARBLED_HINT_BYTES = 16;
const TEXT_CONTROLS = new Set([0x04, 0x06, 0x09, 0x0a, 0x0d, 0x14]);

export class SmpClient {
  readonly transport: Transport;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly version: 1 | 2;
  private readonly onConsole: ((line: string) => void) | undefined;
  private readonly decoder = new FrameDecoder();
  private nextSeq = 0;
  private inFlight: InFlight | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed: { error?: Error } | undefined;
  private frames = 0;
  /** The device's receive buffer, once asked (`params`), with whether it was assumed for want of an answer. */
  private receiveBuffer: { readonly size: number; readonly assumed: boolean } | undefined;
  /** Bytes received, and garbled ones among them, since the current request was first sent. */
  private lineBytes = { total: 0, garbled: 0 };

  constructor(transport: Transport, options: SmpClientOptions = {}) {
    this.transport = transport;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = options.retries ?? DEFAULT_RETRIES;
    this.version = options.version ?? 1;
    this.onConsole = options.onConsole;
    transport.onData((bytes) => this.receive(bytes));
    transport.onClose((error) => this.transportClosed(error));
  }

  /** Frames written so far (every attempt counts), for throughput figures. */
  get framesSent(): number {
    return this.frames;
  }

  /** Sends one request and resolves to its checked answer. Requests are queued: one is in flight at a time. */
  request<T>(request: SmpRequest<T>, options: RequestOptions = {}): Promise<T> {
    const exchange = () => this.exchange(request, options.timeoutMs ?? this.timeoutMs, options.retries ?? this.retries);
    const bytes = this.encode(request as SmpRequest<unknown>, 0).length + PACKET_OVERHEAD;
    // Only a request larger than the smallest buffer, or a device whose buffer is known, needs the check.
    const check = bytes > DEFAULT_BUF_SIZE || this.receiveBuffer !== undefined;
    const run = this.queue.then(check ? () => this.checkFits(request, bytes).then(exchange) : exchange);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The device's receive buffer (`buf_size` of the params command), asked once; a device without the command
   * (MCUboot serial recovery answers ENOTSUP) gets MCUboot's default.
   */
  bufSize(): Promise<number> {
    const run = this.queue.then(async () => (await this.receiveBufferSize()).size);
    this.queue = run.catch(() => undefined);
    return run;
  }

  imageList(): Promise<ImageState> {
    return this.request(imageStateRead());
  }

  imageTest(hash: Uint8Array): Promise<ImageState> {
    return this.request(imageStateWrite({ hash, confirm: false }));
  }

  /** Without a hash, confirms the running image. */
  imageConfirm(hash?: Uint8Array): Promise<ImageState> {
    return this.request(imageStateWrite({ hash, confirm: true }));
  }

  async imageErase(slot?: number, options?: RequestOptions): Promise<void> {
    await this.request(imageErase(slot), options);
  }

  slotInfo(options?: RequestOptions): Promise<SlotInfo> {
    return this.request(imageSlotInfo(), options);
  }

  async echo(text: string): Promise<string> {
    return (await this.request(osEcho(text))).r;
  }

  async reset(force?: boolean): Promise<void> {
    await this.request(osReset(force));
  }

  async params(): Promise<McumgrParams> {
    const params = await this.request(osParams());
    this.receiveBuffer = { size: params.buf_size, assumed: false };
    return params;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private async receiveBufferSize(): Promise<{ readonly size: number; readonly assumed: boolean }> {
    if (this.receiveBuffer === undefined) {
      try {
        this.receiveBuffer = { size: (await this.exchange(osParams(), this.timeoutMs, this.retries)).buf_size, assumed: false };
      } catch (error) {
        if (!(error instanceof SmpDeviceError)) throw error;
        this.receiveBuffer = { size: DEFAULT_BUF_SIZE, assumed: true };
      }
    }
    return this.receiveBuffer;
  }

  /**
   * A request larger than the device's receive buffer is dropped by the device without an answer: refuse it at
   * once, naming both sizes, instead of timing out.
   */
  private async checkFits(request: SmpRequest<unknown>, bytes: number): Promise<void> {
    const buffer = await this.receiveBufferSize();
    if (bytes > buffer.size) throw new RequestTooLargeError(request.name, bytes, buffer.size, buffer.assumed);
  }

  private encode(request: SmpRequest<unknown>, seq: number): Uint8Array {
    return encodeMessage({ op: request.op, version: this.version, flags: 0, group: request.group, seq, id: request.id }, request.body);
  }

  private async exchange<T>(request: SmpRequest<T>, timeoutMs: number, retries: number): Promise<T> {
    const seq = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) & 0xff;
    const frames = encodeFrames(this.encode(request as SmpRequest<unknown>, seq));
    const frameCount = countFrames(frames);
    const attempts = retries + 1;
    let lastFault: FramingError | undefined;
    this.lineBytes = { total: 0, garbled: 0 };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      this.throwIfClosed(request, seq);
      this.frames += frameCount;
      const result = await this.attempt(request as SmpRequest<unknown>, seq, frames, timeoutMs);
      if (result.kind === 'answer') return parseResponse(request, result.body);
      if (result.kind === 'garbled') lastFault = result.error;
    }
    throw new SmpTimeoutError(`${request.name} (seq ${seq})`, attempts, timeoutMs, lastFault, this.garbledLineHint());
  }

  private garbledLineHint(): string | undefined {
    const { total, garbled } = this.lineBytes;
    if (garbled < GARBLED_HINT_BYTES || garbled * 4 < total) return undefined;
    return `the device sent ${total} bytes, ${garbled} of them neither SMP frames nor text: is the baud rate right? (check --baud, or the lab file's baud)`;
  }

  private attempt(request: SmpRequest<unknown>, seq: number, frames: Uint8Array, timeoutMs: number): Promise<AttemptResult> {
    return new Promise<AttemptResult>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.inFlight = undefined;
      };
      const timer = setTimeout(() => {
        done();
        resolve({ kind: 'timeout' });
      }, timeoutMs);
      const inFlight: InFlight = {
        request,
        seq,
        settle: (result) => {
          done();
          resolve(result);
        },
        fail: (error) => {
          done();
          reject(error);
        },
      };
      this.inFlight = inFlight;
      this.transport.write(frames).catch((error: unknown) => {
        // Only this attempt's failure: a later attempt may be in flight by the time a slow write fails.
        if (this.inFlight === inFlight) {
          inFlight.fail(new PortClosedError(this.transport.description, `sending ${request.name} (seq ${seq})`, error));
        }
      });
    });
  }

  private receive(bytes: Uint8Array): void {
    this.lineBytes.total += bytes.length;
    for (const byte of bytes) if (byte > 0x7e || (byte < 0x20 && !TEXT_CONTROLS.has(byte))) this.lineBytes.garbled++;
    for (const event of this.decoder.push(bytes)) {
      if (event.kind === 'console') this.onConsole?.(event.line);
      else if (event.kind === 'error') this.inFlight?.settle({ kind: 'garbled', error: event.error });
      else this.answer(event.body);
    }
  }

  private answer(packet: Uint8Array): void {
    const inFlight = this.inFlight;
    if (inFlight === undefined) return; // a late answer to a request that already timed out
    const { request, seq } = inFlight;
    try {
      const header = decodeHeader(packet);
      if (header.seq !== seq) return; // an answer to an earlier attempt of an earlier request
      if (header.group !== request.group || header.id !== request.id || header.op !== request.op + 1) {
        throw new SmpProtocolError(
          `${request.name} (seq ${seq}): the answer is for group ${header.group} command ${header.id} op ${header.op}, ` +
            `expected group ${request.group} command ${request.id} op ${request.op + 1}`,
        );
      }
      inFlight.settle({ kind: 'answer', body: decodeMessage(packet).body });
    } catch (error) {
      inFlight.fail(error as Error);
    }
  }

  private transportClosed(error?: Error): void {
    this.closed = { error };
    for (const event of this.decoder.end()) if (event.kind === 'console') this.onConsole?.(event.line);
    const inFlight = this.inFlight;
    if (inFlight !== undefined) {
      inFlight.fail(
        new PortClosedError(this.transport.description, `waiting for the answer to ${inFlight.request.name} (seq ${inFlight.seq})`, error),
      );
    }
  }

  private throwIfClosed(request: SmpRequest<unknown>, seq: number): void {
    if (this.closed !== undefined) {
      throw new PortClosedError(this.transport.description, `sending ${request.name} (seq ${seq})`, this.closed.error);
    }
  }
}

function countFrames(frames: Uint8Array): number {
  let count = 0;
  for (const byte of frames) if (byte === 0x0a) count++;
  return count;
}
