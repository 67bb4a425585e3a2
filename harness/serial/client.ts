/**
 * An SMP client over any Transport: one request in flight at a time, sequence numbers, a timeout per attempt,
 * bounded retries, and typed errors for a device that answers nonsense (SmpProtocolError), answers an error
 * (SmpDeviceError), stops answering (SmpTimeoutError) or goes away (PortClosedError).
 */
import { type FramingError, PortClosedError, SmpProtocolError, SmpTimeoutError } from './errors.ts';
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
    const run = this.queue.then(() => this.exchange(request, options.timeoutMs ?? this.timeoutMs));
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

  slotInfo(): Promise<SlotInfo> {
    return this.request(imageSlotInfo());
  }

  async echo(text: string): Promise<string> {
    return (await this.request(osEcho(text))).r;
  }

  async reset(force?: boolean): Promise<void> {
    await this.request(osReset(force));
  }

  params(): Promise<McumgrParams> {
    return this.request(osParams());
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private async exchange<T>(request: SmpRequest<T>, timeoutMs: number): Promise<T> {
    const seq = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) & 0xff;
    const frames = encodeFrames(
      encodeMessage({ op: request.op, version: this.version, flags: 0, group: request.group, seq, id: request.id }, request.body),
    );
    const frameCount = countFrames(frames);
    const attempts = this.retries + 1;
    let lastFault: FramingError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      this.throwIfClosed(request, seq);
      this.frames += frameCount;
      const result = await this.attempt(request as SmpRequest<unknown>, seq, frames, timeoutMs);
      if (result.kind === 'answer') return parseResponse(request, result.body);
      if (result.kind === 'garbled') lastFault = result.error;
    }
    throw new SmpTimeoutError(`${request.name} (seq ${seq})`, attempts, timeoutMs, lastFault);
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
