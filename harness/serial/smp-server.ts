/**
 * The device side of SMP, as an emulated board runs it: bytes in → bytes out, so it can sit behind an in-memory
 * pipe or a pseudo-terminal. Serves the image group (state read/write, upload, erase, slot info) over a Flash and
 * the OS group (echo, reset, params), and prints console lines between frames.
 *
 * Flash faults (PowerCut, EccFault) are not SMP errors: they propagate out of `receive`, and the board that owns
 * the server decides what a dead or faulting device does next.
 */
import { z } from 'zod';
import type { FlashRegion } from '../../boards/types.ts';
import { type AppContext, runningSlot } from '../../emulator/boot/index.ts';
import { SmpProtocolError } from './errors.ts';
import { encodeFrames, FrameDecoder } from './framing.ts';
import { CommandRefused, listImages, updateRegion, writeImageState } from './image-state.ts';
import {
  decodeHeader,
  decodeMessage,
  encodeMessage,
  Group,
  ImageCommand,
  MgmtErr,
  Op,
  OsCommand,
  type SmpBody,
  type SmpHeader,
} from './smp.ts';
import { UploadReceiver } from './upload-receiver.ts';

export interface SmpServerOptions {
  /** The device's flash, board and bootloader configuration, as the running application sees them. */
  readonly app: AppContext;
  /** Where the device's bytes go (the other end of the pipe). */
  readonly send: (bytes: Uint8Array) => void;
  /** The receive buffer reported as `buf_size` and enforced on every request (MCUboot's default is 512). */
  readonly bufSize?: number;
  readonly bufCount?: number;
  /** Called after the answer to a reset request was sent. */
  readonly onReset?: () => void;
  /** The region an upload of image N writes: the slot not running unless said otherwise (serial recovery: primary). */
  readonly uploadSlot?: (image: number) => FlashRegion | undefined;
}

const uint = z.number().int().nonnegative();
const byteString = z.custom<Uint8Array>((value) => value instanceof Uint8Array);
const UploadSchema = z.object({
  off: uint,
  data: byteString,
  len: uint.optional(),
  sha: byteString.optional(),
  image: uint.optional(),
});
const StateWriteSchema = z.object({ hash: byteString.optional(), confirm: z.boolean().optional() });
const EraseSchema = z.object({ slot: uint.optional() });
const EchoSchema = z.object({ d: z.string() });

type Handler = (body: SmpBody) => SmpBody;

export class SmpServer {
  private readonly app: AppContext;
  private readonly send: (bytes: Uint8Array) => void;
  private readonly bufSize: number;
  private readonly bufCount: number;
  private readonly onReset: (() => void) | undefined;
  private readonly decoder: FrameDecoder;
  private readonly upload: UploadReceiver;
  private readonly handlers: ReadonlyMap<string, Handler>;
  /**
   * Framing faults seen (bad CRC, oversized, truncated…): the requests they carried are dropped unanswered, as
   * MCUboot drops them. One dropped request can count several times (each orphaned continuation frame counts).
   */
  framingErrors = 0;
  /** Set by a reset request: the reset happens once its answer is out, as Zephyr's delayed reset does. */
  private resetRequested = false;

  constructor(options: SmpServerOptions) {
    this.app = options.app;
    this.send = options.send;
    this.bufSize = options.bufSize ?? 512;
    this.bufCount = options.bufCount ?? 1;
    this.onReset = options.onReset;
    this.decoder = new FrameDecoder({ maxPacketBytes: this.bufSize });
    this.upload = new UploadReceiver(this.app.flash, options.uploadSlot ?? ((image) => updateRegion(this.app, image)));
    this.handlers = new Map<string, Handler>([
      [key(Op.read, Group.image, ImageCommand.state), () => ({ images: listImages(this.app) })],
      [key(Op.write, Group.image, ImageCommand.state), (body) => this.stateWrite(body)],
      [key(Op.write, Group.image, ImageCommand.upload), (body) => ({ rc: 0, ...this.upload.receive(parse(UploadSchema, body)) })],
      [key(Op.write, Group.image, ImageCommand.erase), (body) => this.erase(body)],
      [key(Op.read, Group.image, ImageCommand.slotInfo), () => this.slotInfo()],
      [key(Op.write, Group.os, OsCommand.echo), (body) => ({ r: parse(EchoSchema, body).d })],
      [
        key(Op.write, Group.os, OsCommand.reset),
        () => {
          this.resetRequested = true;
          return {};
        },
      ],
      [key(Op.read, Group.os, OsCommand.params), () => ({ buf_size: this.bufSize, buf_count: this.bufCount })],
    ]);
  }

  /** Bytes from the host. Answers go out through `send` before this returns. */
  receive(bytes: Uint8Array): void {
    for (const event of this.decoder.push(bytes)) {
      if (event.kind === 'packet') this.serve(event.body);
      else if (event.kind === 'error') this.framingErrors++;
    }
  }

  /** A console line from the device (boot banner, version), sent between frames as a real device prints it. */
  printConsole(line: string): void {
    this.send(new Uint8Array(Buffer.from(`${line}\n`)));
  }

  /** Forgets RAM state, as a reset of the device does. */
  reset(): void {
    this.upload.abandon();
    this.decoder.end();
  }

  private serve(packet: Uint8Array): void {
    let header: SmpHeader;
    try {
      header = decodeHeader(packet);
    } catch {
      this.framingErrors++; // no header, no sequence number to answer with: dropped like a bad frame
      return;
    }
    if (header.op !== Op.read && header.op !== Op.write) return;
    const handler = this.handlers.get(key(header.op, header.group, header.id));
    let answer: SmpBody;
    if (handler === undefined) answer = { rc: MgmtErr.ENOTSUP };
    else {
      try {
        answer = handler(decodeMessage(packet).body);
      } catch (error) {
        answer = { rc: errorCode(error) };
      }
    }
    this.send(
      encodeFrames(
        encodeMessage({ op: (header.op + 1) as Op, version: header.version, flags: 0, group: header.group, seq: header.seq, id: header.id }, answer),
      ),
    );
    if (this.resetRequested) {
      this.resetRequested = false;
      this.reset();
      this.onReset?.();
    }
  }

  private stateWrite(body: SmpBody): SmpBody {
    const { hash, confirm = false } = parse(StateWriteSchema, body);
    writeImageState(this.app, hash, confirm);
    return { images: listImages(this.app) };
  }

  /** Erase `slot` (numbered as mcumgr does: image N's primary is 2N, its secondary 2N + 1; default 1). */
  private erase(body: SmpBody): SmpBody {
    const slot = parse(EraseSchema, body).slot ?? 1;
    const image = slot >> 1;
    if (image >= this.app.config.imageCount) throw new CommandRefused('EINVAL', `no slot ${slot}`);
    const name = slot % 2 === 0 ? 'primary' : 'secondary';
    if (runningSlot(this.app, image) === name) throw new CommandRefused('EBADSTATE', 'the running slot cannot be erased');
    const region = this.app.board.partitions.images[image][name];
    this.upload.abandon();
    for (let at = region.offset; at < region.offset + region.size; ) {
      const sector = this.app.flash.sectorAt(at);
      this.app.flash.erase(sector.offset);
      at = sector.offset + sector.size;
    }
    return {};
  }

  private slotInfo(): SmpBody {
    return {
      images: this.app.board.partitions.images.slice(0, this.app.config.imageCount).map((pair, image) => ({
        image,
        slots: [
          { slot: 0, size: pair.primary.size },
          { slot: 1, size: pair.secondary.size, upload_image_id: image },
        ],
      })),
    };
  }
}

function key(op: number, group: number, id: number): string {
  return `${op}/${group}/${id}`;
}

function parse<T>(schema: z.ZodType<T>, body: SmpBody): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new CommandRefused('EINVAL', parsed.error.issues[0].message);
  return parsed.data;
}

/** A refused command or an undecodable body is answered with an rc; anything else (a flash fault) propagates. */
function errorCode(error: unknown): number {
  if (error instanceof CommandRefused) return MgmtErr[error.rc];
  if (error instanceof SmpProtocolError) return MgmtErr.EINVAL;
  throw error;
}
