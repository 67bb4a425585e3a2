/**
 * The device side of image upload (Zephyr img_mgmt_upload, FORMATS.md §8): a session per upload, resume of an
 * upload with the same `sha`, answers `{off}` with the offset it expects next, and writes the target slot chunk by
 * chunk through flash erase/program — sectors erased as the data reaches them, unaligned tails held until a whole
 * write unit is there — so a power cut can land between any two of those operations.
 */
import { createHash } from 'node:crypto';
import type { FlashRegion } from '../../boards/types.ts';
import type { Flash } from '../../emulator/flash/types.ts';
import { CommandRefused } from './image-state.ts';

export interface UploadRequest {
  readonly off: number;
  readonly data: Uint8Array;
  readonly len?: number;
  readonly sha?: Uint8Array;
  readonly image?: number;
}

interface Session {
  readonly image: number;
  readonly region: FlashRegion;
  readonly len: number;
  readonly sha: Uint8Array | undefined;
  /** Bytes received (the offset answered). */
  next: number;
  /** Bytes programmed; `held` holds the received bytes after them, less than one write unit. */
  programmed: number;
  held: Uint8Array;
  readonly erasedSectors: Set<number>;
}

export class UploadReceiver {
  private readonly flash: Flash;
  private readonly targetSlot: (image: number) => FlashRegion | undefined;
  private session: Session | undefined;

  constructor(flash: Flash, targetSlot: (image: number) => FlashRegion | undefined) {
    this.flash = flash;
    this.targetSlot = targetSlot;
  }

  /** Forgets an upload in progress (a reset, an erase of its slot). */
  abandon(): void {
    this.session = undefined;
  }

  receive(request: UploadRequest): { off: number; match?: boolean } {
    if (request.off === 0) {
      const resumed = this.resume(request);
      if (resumed !== undefined) return { off: resumed };
      this.start(request);
    } else if (this.session === undefined || request.off !== this.session.next) {
      // Not the offset we expect: say which one we do; 0 asks the client to start over.
      return { off: this.session?.next ?? 0 };
    }
    const session = this.session!;
    if (request.off + request.data.length > session.len) {
      throw new CommandRefused('EINVAL', `chunk at ${request.off} of ${request.data.length} bytes ends past len ${session.len}`);
    }
    this.write(session, request.data);
    session.next += request.data.length;
    if (session.next < session.len) return { off: session.next };
    this.flushHeld(session);
    this.session = undefined;
    if (session.sha === undefined) return { off: session.len };
    const written = this.flash.read(session.region.offset, session.len);
    const digest = createHash('sha256').update(written).digest();
    return { off: session.len, match: digest.equals(Buffer.from(session.sha)) };
  }

  /** img_mgmt: an off-0 chunk with the sha of the upload in progress resumes it instead of starting over. */
  private resume(request: UploadRequest): number | undefined {
    const s = this.session;
    if (s === undefined || s.sha === undefined || request.sha === undefined || s.next === 0) return undefined;
    const same = s.len === request.len && s.image === (request.image ?? 0) && Buffer.from(s.sha).equals(Buffer.from(request.sha));
    return same ? s.next : undefined;
  }

  private start(request: UploadRequest): void {
    if (request.len === undefined) throw new CommandRefused('EINVAL', 'the first chunk (off 0) carries no len');
    const image = request.image ?? 0;
    const region = this.targetSlot(image);
    if (region === undefined) throw new CommandRefused('EINVAL', `no slot to upload image ${image} into`);
    if (request.len === 0 || request.len > region.size) {
      throw new CommandRefused('EINVAL', `len ${request.len} does not fit the ${region.size}-byte slot`);
    }
    const session: Session = {
      image,
      region,
      len: request.len,
      sha: request.sha,
      next: 0,
      programmed: 0,
      held: new Uint8Array(0),
      erasedSectors: new Set(),
    };
    this.session = session;
    // The old trailer goes first, so a half-written slot can never look pending to the bootloader.
    this.eraseSectorAt(session, region.offset + region.size - 1);
  }

  private write(session: Session, data: Uint8Array): void {
    const unit = this.flash.geometry.writeUnit;
    const bytes = session.held.length === 0 ? data : new Uint8Array(Buffer.concat([session.held, data]));
    const whole = bytes.length - (bytes.length % unit);
    if (whole > 0) this.program(session, bytes.subarray(0, whole));
    session.held = bytes.slice(whole);
  }

  private flushHeld(session: Session): void {
    if (session.held.length === 0) return;
    const unit = this.flash.geometry.writeUnit;
    const padded = new Uint8Array(unit).fill(this.flash.geometry.erasedValue);
    padded.set(session.held);
    session.held = new Uint8Array(0);
    this.program(session, padded);
  }

  /** Programs at the session's write position, one operation per sector touched, erasing each sector first. */
  private program(session: Session, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const at = session.region.offset + session.programmed;
      const sector = this.eraseSectorAt(session, at);
      const piece = bytes.subarray(done, done + Math.min(bytes.length - done, sector.offset + sector.size - at));
      this.flash.program(at, piece);
      session.programmed += piece.length;
      done += piece.length;
    }
  }

  private eraseSectorAt(session: Session, offset: number): { offset: number; size: number } {
    const sector = this.flash.sectorAt(offset);
    if (!session.erasedSectors.has(sector.index)) {
      this.flash.erase(sector.offset);
      session.erasedSectors.add(sector.index);
    }
    return sector;
  }
}
