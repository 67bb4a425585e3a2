/**
 * What a hand-off seen from outside means: the slot whose code the core was about to execute, and the image in
 * it, read from the slot as the oracle reads it (header version, hash TLV). A jump that is not to the image's
 * reset handler (into the header, the TLVs, the middle of the code, or a slot without an image) is a hand-off
 * into garbage.
 */
import type { Board } from '../../boards/types.ts';
import type { BootedImage, SlotName } from '../../emulator/boot/index.ts';
import { decodeHeader } from '../../images/header.ts';
import { walkImage } from '../../images/parse.ts';

const IMAGE_MAGIC = 0x96f3b83d;
/** IMAGE_TLV_SHA256 / SHA384 / SHA512 (FORMATS §1.5). */
const HASH_TLVS = new Set([0x10, 0x11, 0x12]);

export interface SlotRange {
  readonly image: number;
  readonly slot: SlotName;
  /** Flash offset and size of the slot. */
  readonly offset: number;
  readonly size: number;
  /** Bus address of the slot's first byte. */
  readonly address: number;
}

/** Every slot of the first `imageCount` images, as bus address ranges to watch. */
export function slotRanges(board: Board, imageCount: number): SlotRange[] {
  return board.partitions.images.slice(0, imageCount).flatMap((slots, image) =>
    (['primary', 'secondary'] as const).map((slot) => ({
      image,
      slot,
      offset: slots[slot].offset,
      size: slots[slot].size,
      address: board.memory.flash.base + slots[slot].offset,
    })),
  );
}

export type HandoffReading =
  | { readonly kind: 'image'; readonly booted: BootedImage; readonly note: string }
  | { readonly kind: 'garbage'; readonly reason: string };

/** Reads the image in `range` from flash bytes (`peek` never faults) and checks the jump target `pc` against it. */
export function readHandoff(range: SlotRange, pc: number, peek: (offset: number, length: number) => Uint8Array): HandoffReading {
  const where = `slot ${range.slot} of image ${range.image} at PC=0x${pc.toString(16).padStart(8, '0')}`;
  const header = decodeHeader(peek(range.offset, 32));
  if (header.magic !== IMAGE_MAGIC) {
    return { kind: 'garbage', reason: `hand-off into garbage: ${where}, but the slot holds no image header (magic 0x${header.magic.toString(16)})` };
  }
  const vectors = new DataView(peek(range.offset + header.hdrSize, 8).slice().buffer);
  const reset = vectors.getUint32(4, true);
  if ((reset & ~1) >>> 0 !== pc) {
    return {
      kind: 'garbage',
      reason: `hand-off into garbage: ${where}, which is not the image's reset handler (its vector table at +0x${header.hdrSize.toString(16)} says 0x${reset.toString(16)})`,
    };
  }
  const walk = walkImage(peek(range.offset, range.size));
  const hash = [...(walk.protectedArea?.tlvs ?? []), ...(walk.unprotectedArea?.tlvs ?? [])].find((tlv) => HASH_TLVS.has(tlv.type));
  const version = header.version;
  const booted: BootedImage = {
    image: range.image,
    slot: range.slot,
    offset: range.offset,
    address: range.address,
    headerSize: header.hdrSize,
    version,
    digest: hash === undefined ? '' : Buffer.from(hash.value).toString('hex'),
    keyIndex: -1,
  };
  const versionText = `${version.major}.${version.minor}.${version.revision}+${version.build}`;
  const digestText = hash === undefined ? 'no hash TLV' : `hash ${booted.digest.slice(0, 16)}…`;
  return { kind: 'image', booted, note: `hand-off to ${where}: image ${versionText}, ${digestText}` };
}
