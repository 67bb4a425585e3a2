/**
 * The image group's view of a device's flash, as Zephyr's img_mgmt computes it (img_mgmt_state.c): what each slot
 * holds (version, hash TLV digest, bootable), the flags derived from the trailers, and the trailer writes of
 * "test" and "confirm" (bootutil_public.c boot_set_pending / boot_set_confirmed, FORMATS.md §3.12). Every trailer
 * byte goes through images/trailer.ts, the one trailer definition.
 */
import type { Board, FlashRegion } from '../../boards/types.ts';
import type { Flash } from '../../emulator/flash/types.ts';
import {
  encodeMagicWrite,
  encodeSwapInfo,
  encodeTrailerWrite,
  FLAG_SET_VALUE,
  FlagState,
  ImageFlag,
  MagicState,
  type MaxAlign,
  readTrailer,
  SwapType,
  type TrailerState,
  trailerLayout,
} from '../../images/index.ts';
import { imageIdentity } from './image-hash.ts';
import type { ImageSlotState } from './smp.ts';

export type DeviceBoard = Pick<Board, 'partitions' | 'bootloader'>;

/** A refused state change, as an MGMT_ERR name the server answers with. */
export class CommandRefused extends Error {
  readonly rc: 'EBADSTATE' | 'ENOENT' | 'EINVAL';
  constructor(rc: CommandRefused['rc'], message: string) {
    super(message);
    this.rc = rc;
  }
}

interface SlotRef {
  readonly image: number;
  /** 0 = primary (the running slot), 1 = secondary. */
  readonly slot: 0 | 1;
  readonly region: FlashRegion;
}

function slotsOf(board: DeviceBoard): SlotRef[] {
  return board.partitions.images.flatMap((pair, image) => [
    { image, slot: 0 as const, region: pair.primary },
    { image, slot: 1 as const, region: pair.secondary },
  ]);
}

function trailerOf(flash: Flash, board: DeviceBoard, region: FlashRegion): TrailerState {
  return readTrailer((offset, length) => flash.read(region.offset + offset, length), {
    slotSize: region.size,
    maxAlign: board.bootloader.maxAlign as MaxAlign,
    swapOffset: board.bootloader.strategy === 'swap-offset',
    erasedValue: flash.geometry.erasedValue,
  });
}

/**
 * MCUboot's swap-type decision table (FORMATS.md §3.2), as the application reads it to report pending and
 * confirmed. Row I only exists in swap-offset builds.
 */
function nextSwapType(primary: TrailerState, secondary: TrailerState, swapOffset: boolean): number {
  const sGood = secondary.magic === MagicState.GOOD;
  if (swapOffset && sGood && secondary.imageOk === FlagState.UNSET && secondary.copyDone === FlagState.SET) {
    return SwapType.REVERT;
  }
  if (sGood && secondary.imageOk === FlagState.UNSET) return SwapType.TEST;
  if (sGood && secondary.imageOk === FlagState.SET) return SwapType.PERM;
  if (primary.magic === MagicState.GOOD && primary.imageOk === FlagState.UNSET && primary.copyDone === FlagState.SET) {
    return SwapType.REVERT;
  }
  return SwapType.NONE;
}

/** Zephyr's version string: `maj.min.rev`, with `.build` only when the build number is not 0. */
function versionText(v: { major: number; minor: number; revision: number; build: number }): string {
  return `${v.major}.${v.minor}.${v.revision}${v.build === 0 ? '' : `.${v.build}`}`;
}

/** The `images` array of an image-state answer: one entry per slot that holds a parseable image. */
export function listImages(flash: Flash, board: DeviceBoard): ImageSlotState[] {
  const out: ImageSlotState[] = [];
  const swapOffset = board.bootloader.strategy === 'swap-offset';
  board.partitions.images.forEach((pair, image) => {
    const swap = nextSwapType(trailerOf(flash, board, pair.primary), trailerOf(flash, board, pair.secondary), swapOffset);
    for (const ref of slotsOf(board).filter((s) => s.image === image)) {
      const parsed = imageIdentity(flash.read(ref.region.offset, ref.region.size));
      if (parsed === undefined) continue;
      const active = ref.slot === 0;
      out.push({
        image,
        slot: ref.slot,
        version: versionText(parsed.header.version),
        hash: parsed.hash,
        bootable: (parsed.header.flags & ImageFlag.NON_BOOTABLE) === 0,
        pending: !active && (swap === SwapType.TEST || swap === SwapType.PERM),
        // img_mgmt_state_flags: the running slot is confirmed unless a revert is due; then the other one is.
        confirmed: swap === SwapType.REVERT ? !active : active,
        active,
        permanent: !active && swap === SwapType.PERM,
      });
    }
  });
  return out;
}

/** Finds the slot whose image hash TLV equals `hash`. */
export function findSlotByHash(flash: Flash, board: DeviceBoard, hash: Uint8Array): ImageSlotState | undefined {
  return listImages(flash, board).find((s) => s.hash !== undefined && Buffer.from(s.hash).equals(Buffer.from(hash)));
}

/** boot_set_pending on image `image`'s secondary: magic, then image_ok when permanent, then swap_info. */
export function setPending(flash: Flash, board: DeviceBoard, image: number, permanent: boolean): void {
  const region = board.partitions.images[image].secondary;
  const trailer = trailerOf(flash, board, region);
  if (trailer.magic === MagicState.GOOD) return; // already pending
  if (trailer.magic === MagicState.BAD) {
    throw new CommandRefused('EBADSTATE', `image ${image} secondary trailer magic is corrupt; it will not be booted`);
  }
  const layout = trailerLayoutOf(board, region);
  const erased = flash.geometry.erasedValue;
  const unit = flash.geometry.writeUnit;
  flash.program(region.offset + layout.magicWrite.offset, encodeMagicWrite(board.bootloader.maxAlign as MaxAlign, erased));
  if (permanent) flash.program(region.offset + layout.imageOk, encodeTrailerWrite(Uint8Array.of(FLAG_SET_VALUE), unit, erased));
  const swapInfo = encodeSwapInfo(permanent ? SwapType.PERM : SwapType.TEST, image);
  flash.program(region.offset + layout.swapInfo, encodeTrailerWrite(Uint8Array.of(swapInfo), unit, erased));
}

/** boot_set_confirmed on image `image`'s primary: image_ok when the magic is good and image_ok unset. */
export function setConfirmed(flash: Flash, board: DeviceBoard, image: number): void {
  const region = board.partitions.images[image].primary;
  const trailer = trailerOf(flash, board, region);
  if (trailer.magic === MagicState.BAD) {
    throw new CommandRefused('EBADSTATE', `image ${image} primary trailer magic is corrupt`);
  }
  if (trailer.magic !== MagicState.GOOD || trailer.imageOk !== FlagState.UNSET) return;
  const layout = trailerLayoutOf(board, region);
  const erased = flash.geometry.erasedValue;
  flash.program(region.offset + layout.imageOk, encodeTrailerWrite(Uint8Array.of(FLAG_SET_VALUE), flash.geometry.writeUnit, erased));
}

function trailerLayoutOf(board: DeviceBoard, region: FlashRegion): ReturnType<typeof trailerLayout> {
  return trailerLayout({
    slotSize: region.size,
    maxAlign: board.bootloader.maxAlign as MaxAlign,
    swapOffset: board.bootloader.strategy === 'swap-offset',
  });
}
