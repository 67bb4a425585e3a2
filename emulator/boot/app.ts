/**
 * What the running application does to the update state (MCUboot bootutil_public.c, FORMATS §3.12), each a
 * sequence of flash operations that a power cut can interrupt like any other:
 * - `writeUpdate`: download an image into the update slot, chunk by chunk (erase, then program);
 * - `setPending`: request a test (revert unless confirmed) or permanent upgrade (`boot_set_pending`);
 * - `setConfirmed`: mark the running image good (`boot_set_confirmed`);
 * - `readSwapState`: the trailers and what the next boot would decide.
 * For direct-xip, where either slot may run, the update slot is the one not running, unless `slot` says otherwise.
 */

import { compareVersions } from '../../images/version.ts';
import { BootproofError } from '../common/errors.ts';
import type { FlashArea } from './area.ts';
import { decideSwapType } from './decision.ts';
import { type ImageAreas, openImageAreas, trailerFormat } from './run.ts';
import * as trailerIo from './trailer-io.ts';
import type { AppContext, SlotName, SwapState } from './types.ts';
import { readHeader } from './validate.ts';

/** The application asked for something its flash state does not allow (a corrupt trailer, an oversized image). */
export class UpdateRequestError extends BootproofError {}

function areasOf(app: AppContext, image: number): ImageAreas {
  const opened = openImageAreas(app);
  if (typeof opened === 'string') throw new UpdateRequestError(opened);
  const areas = opened.images[image];
  if (areas === undefined) throw new UpdateRequestError(`no image ${image} (the configuration has ${opened.images.length})`);
  return areas;
}

/**
 * direct-xip: the slot the bootloader runs is the one it marked copy_done with the highest version; the other one
 * takes updates. Other strategies always run the primary and take updates in the secondary.
 */
export function runningSlot(app: AppContext, image: number): SlotName {
  if (app.config.strategy !== 'direct-xip') return 'primary';
  const areas = areasOf(app, image);
  const format = trailerFormat(app);
  let best: { slot: SlotName; version: NonNullable<ReturnType<typeof readHeader>>['version'] } | undefined;
  for (const slot of ['primary', 'secondary'] as const) {
    const header = readHeader(app.flash, areas[slot], 0);
    const trailer = trailerIo.readTrailerState(app.flash, areas[slot], format);
    if (header === undefined || trailer.magic !== 'good' || trailer.copyDone === 'unset') continue;
    if (best === undefined || compareVersions(header.version, best.version) > 0) best = { slot, version: header.version };
  }
  return best?.slot ?? 'primary';
}

function updateSlot(app: AppContext, image: number): SlotName {
  if (app.config.strategy !== 'direct-xip') return 'secondary';
  return runningSlot(app, image) === 'primary' ? 'secondary' : 'primary';
}

/**
 * Erases the update slot, then programs `bytes` at the upload offset (one sector in for swap-offset) in chunks of
 * `chunkSize`. Write units that are entirely the erased value are not programmed, as an uploader skips them, so
 * an imgtool-padded image leaves its image_ok free for a later `setPending(…, true)` even on write-once flash.
 */
export function writeUpdate(
  app: AppContext,
  image: number,
  bytes: Uint8Array,
  options: { chunkSize?: number; slot?: SlotName } = {},
): void {
  const area = areasOf(app, image)[options.slot ?? updateSlot(app, image)];
  const base = app.config.strategy === 'swap-offset' && options.slot === undefined ? area.sectors[0].size : 0;
  if (bytes.length > area.size - base) {
    throw new UpdateRequestError(
      `image of ${bytes.length} bytes does not fit ${area.label} (0x${(area.size - base).toString(16)} bytes from offset 0x${base.toString(16)})`,
    );
  }
  const { flash } = app;
  const unit = flash.geometry.writeUnit;
  const chunk = Math.max(unit, Math.ceil((options.chunkSize ?? 4096) / unit) * unit);
  for (let s = area.sectors.length - 1; s >= 0; s--) flash.erase(area.offset + area.sectors[s].offset);
  const padded = new Uint8Array(Math.ceil(bytes.length / unit) * unit).fill(flash.geometry.erasedValue);
  padded.set(bytes);
  for (let at = 0; at < padded.length; at += chunk) {
    const piece = padded.subarray(at, Math.min(at + chunk, padded.length));
    const [from, to] = programmedSpan(piece, unit, flash.geometry.erasedValue);
    if (from < to) flash.program(area.offset + base + at + from, piece.slice(from, to));
  }
}

/** The part of `piece` between its first and last write unit that is not all erased, as [from, to). */
function programmedSpan(piece: Uint8Array, unit: number, erased: number): [number, number] {
  const blank = (at: number): boolean => piece.subarray(at, at + unit).every((b) => b === erased);
  let from = 0;
  while (from < piece.length && blank(from)) from += unit;
  let to = piece.length;
  while (to > from && blank(to - unit)) to -= unit;
  return [from, to];
}

/** `boot_set_pending`: magic, then image_ok if permanent, then swap_info. Already pending: nothing to do. */
export function setPending(app: AppContext, image: number, permanent: boolean, slot?: SlotName): void {
  const area = areasOf(app, image)[slot ?? updateSlot(app, image)];
  const format = trailerFormat(app);
  const trailer = trailerIo.readTrailerState(app.flash, area, format);
  if (trailer.magic === 'good') return;
  if (trailer.magic === 'bad') throw new UpdateRequestError(`${area.label}: trailer magic is corrupt, the image will not be booted`);
  trailerIo.writeMagic(app.flash, area, format);
  if (permanent) trailerIo.writeFlag(app.flash, area, format, 'imageOk');
  trailerIo.writeSwapInfo(app.flash, area, format, permanent ? 'perm' : 'test', image);
}

/** `boot_set_confirmed`: image_ok on the running slot when its magic is GOOD and image_ok still erased. */
export function setConfirmed(app: AppContext, image: number, slot?: SlotName): void {
  const area: FlashArea = areasOf(app, image)[slot ?? runningSlot(app, image)];
  const format = trailerFormat(app);
  const trailer = trailerIo.readTrailerState(app.flash, area, format);
  if (trailer.magic === 'bad') throw new UpdateRequestError(`${area.label}: trailer magic is corrupt, cannot confirm`);
  if (trailer.magic === 'unset' || trailer.imageOk !== 'unset') return;
  trailerIo.writeFlag(app.flash, area, format, 'imageOk');
}

export function readSwapState(app: AppContext, image: number): SwapState {
  const areas = areasOf(app, image);
  const format = trailerFormat(app);
  const primary = trailerIo.readTrailerState(app.flash, areas.primary, format);
  const secondary = trailerIo.readTrailerState(app.flash, areas.secondary, format);
  return { primary, secondary, nextSwap: decideSwapType(primary, secondary, format.swapOffset) };
}
