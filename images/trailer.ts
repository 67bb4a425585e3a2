/**
 * THE definition of the MCUboot image trailer (FORMATS.md §2; MCUboot bootutil_misc.h, bootutil_public.c), used by
 * every reader and writer in bootproof: the signer's `--pad`/`--confirm` output, the reference bootloader, the
 * oracle. All offsets are from the start of the slot (flash area) of `slotSize` bytes; every function takes the
 * target's BOOT_MAX_ALIGN and the flash's erased value, because both change the bytes on flash.
 */

export type MaxAlign = 8 | 16 | 32;
export const MAX_ALIGNS: readonly MaxAlign[] = [8, 16, 32];
export const BOOT_MAGIC_SIZE = 16;
/** BOOT_MAX_IMG_SECTORS default, and imgtool's `--max-sectors` default. */
export const DEFAULT_MAX_IMG_SECTORS = 128;

/** MCUboot's internal codes (bootutil_public.h), so logs read like MCUboot's. */
export const MagicState = { GOOD: 1, BAD: 2, UNSET: 3 } as const;
export type MagicState = (typeof MagicState)[keyof typeof MagicState];
export const FlagState = { SET: 1, BAD: 2, UNSET: 3 } as const;
export type FlagState = (typeof FlagState)[keyof typeof FlagState];
/** Swap types; only TEST, PERM and REVERT are ever written to flash. */
export const SwapType = { NONE: 1, TEST: 2, PERM: 3, REVERT: 4, FAIL: 5, PANIC: 0xff } as const;
export type SwapType = (typeof SwapType)[keyof typeof SwapType];

/** The only value MCUboot writes into image_ok / copy_done. */
export const FLAG_SET_VALUE = 0x01;

/** Status records per sector index for each update strategy (FORMATS.md §2.4); 0 = no progress records. */
export const STATUS_STATES = {
  'swap-scratch': 3,
  'swap-move': 3,
  'swap-offset': 2,
  'overwrite-only': 0,
  'direct-xip': 0,
  'ram-load': 0,
} as const;
export type TrailerStrategy = keyof typeof STATUS_STATES;

const MAGIC_MAX_ALIGN_8 = Uint8Array.of(
  0x77, 0xc2, 0x95, 0xf3, 0x60, 0xd2, 0xef, 0x7f, 0x35, 0x52, 0x50, 0x0f, 0x2c, 0xb6, 0x79, 0x80,
);
const MAGIC_TAIL = Uint8Array.of(0x2d, 0xe1, 0x5d, 0x29, 0x41, 0x0b, 0x8d, 0x77, 0x67, 0x9c, 0x11, 0x0f, 0x1f, 0x8a);

export function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

/**
 * The 16-byte trailer magic of a build with this BOOT_MAX_ALIGN: the historic constant for 8, otherwise the
 * alignment as u16 LE followed by a fixed tail. A bootloader sees any other build's magic as BAD.
 */
export function bootMagic(maxAlign: MaxAlign): Uint8Array {
  if (maxAlign === 8) return MAGIC_MAX_ALIGN_8.slice();
  const magic = new Uint8Array(BOOT_MAGIC_SIZE);
  magic[0] = maxAlign & 0xff;
  magic[1] = maxAlign >> 8;
  magic.set(MAGIC_TAIL, 2);
  return magic;
}

/** ALIGN_UP(16, A): the bytes the magic write occupies (16, or 32 when A = 32). */
export function magicAreaSize(maxAlign: MaxAlign): number {
  return alignUp(BOOT_MAGIC_SIZE, maxAlign);
}

export interface TrailerLayoutOptions {
  slotSize: number;
  maxAlign: MaxAlign;
  /** swap-offset adds the unprotected-TLV-sizes field between swap_info and swap_size. */
  swapOffset?: boolean;
  /** Encrypted builds: bytes of one stored key (16 or 32, or the enc TLV size with SAVE_ENCTLV); 0 = none. */
  encKeySize?: number;
}

/** Field offsets from the start of the slot. Each field owns `maxAlign` bytes; the value sits in the first ones. */
export interface TrailerLayout {
  magic: number;
  /** Start and length of the one write that programs the magic (erased fill, then the 16 magic bytes). */
  magicWrite: { offset: number; length: number };
  imageOk: number;
  copyDone: number;
  swapInfo: number;
  /** swap-offset only. */
  unprotectedTlvSizes: number | undefined;
  swapSize: number;
  /** Stored image keys for slot 0 (primary) and 1 (secondary); absent unless encKeySize > 0. */
  encKeys: readonly number[];
  /** Start of the trailer info fields (the lowest field offset). */
  infoStart: number;
}

export function trailerLayout(options: TrailerLayoutOptions): TrailerLayout {
  const { slotSize, maxAlign } = options;
  const magicArea = magicAreaSize(maxAlign);
  const imageOk = slotSize - magicArea - maxAlign;
  const copyDone = imageOk - maxAlign;
  const swapInfo = copyDone - maxAlign;
  const unprotectedTlvSizes = options.swapOffset === true ? swapInfo - maxAlign : undefined;
  const swapSize = (unprotectedTlvSizes ?? swapInfo) - maxAlign;
  const keySlot = encKeySlotSize(options);
  const encKeys = keySlot === 0 ? [] : [swapSize - keySlot, swapSize - 2 * keySlot];
  return {
    magic: slotSize - BOOT_MAGIC_SIZE,
    magicWrite: { offset: slotSize - magicArea, length: magicArea },
    imageOk,
    copyDone,
    swapInfo,
    unprotectedTlvSizes,
    swapSize,
    encKeys,
    infoStart: encKeys.length > 0 ? encKeys[1] : swapSize,
  };
}

function encKeySlotSize(options: { maxAlign: MaxAlign; encKeySize?: number }): number {
  return alignUp(options.encKeySize ?? 0, options.maxAlign);
}

/** BOOT_TRAILER_INFO size: the fields after the status area (swap_info, copy_done, image_ok, swap_size, magic…). */
export function trailerInfoSize(options: Omit<TrailerLayoutOptions, 'slotSize'>): number {
  return (
    4 * options.maxAlign +
    (options.swapOffset === true ? options.maxAlign : 0) +
    2 * encKeySlotSize(options) +
    magicAreaSize(options.maxAlign)
  );
}

export interface StatusAreaOptions {
  /** Status records per sector index: STATUS_STATES[strategy]. */
  states: number;
  /** BOOT_WRITE_SZ: the pitch of status records (see `bootWriteSize`). */
  writeSize: number;
  /** BOOT_MAX_IMG_SECTORS. */
  maxSectors?: number;
}

/** BOOT_WRITE_SZ: swap-scratch uses the larger of the primary and scratch write sizes, other strategies the primary's. */
export function bootWriteSize(primaryWriteSize: number, scratchWriteSize?: number): number {
  return Math.max(primaryWriteSize, scratchWriteSize ?? 0);
}

/** `boot_status_sz`: room for one record per (sector index, state). */
export function statusAreaSize(options: StatusAreaOptions): number {
  return (options.maxSectors ?? DEFAULT_MAX_IMG_SECTORS) * options.states * options.writeSize;
}

/** `boot_trailer_sz`: the bytes the bootloader reserves at the end of an image slot. */
export function bootTrailerSize(options: StatusAreaOptions & Omit<TrailerLayoutOptions, 'slotSize'>): number {
  return statusAreaSize(options) + trailerInfoSize(options);
}

/** `boot_scratch_trailer_sz`: the scratch area's trailer holds status for one sector index only. */
export function scratchTrailerSize(options: StatusAreaOptions & Omit<TrailerLayoutOptions, 'slotSize'>): number {
  return options.states * options.writeSize + trailerInfoSize(options);
}

/** Offset (from the slot start) of the first status record. */
export function statusAreaStart(options: StatusAreaOptions & TrailerLayoutOptions): number {
  return options.slotSize - bootTrailerSize(options);
}

/**
 * Where the status record of sector index `index` (counted from 1, as MCUboot does) and state `state` (1-based)
 * lives. swap-move keeps its one-per-index move records first and its two swap states after all of them; here its
 * states are numbered 1 = the move record, 2 and 3 = the swap records (MCUboot's op MOVE state 1, op SWAP states
 * 1 and 2 of `boot_status_internal_off`).
 */
export function statusRecordOffset(
  options: StatusAreaOptions & TrailerLayoutOptions & { strategy: TrailerStrategy },
  index: number,
  state: number,
): number {
  const start = statusAreaStart(options);
  const w = options.writeSize;
  if (options.strategy === 'swap-move') {
    if (state === 1) return start + (index - 1) * w;
    return start + (options.maxSectors ?? DEFAULT_MAX_IMG_SECTORS) * w + ((index - 1) * 2 + (state - 2)) * w;
  }
  return start + ((index - 1) * options.states + (state - 1)) * w;
}

/**
 * The largest image end (TLV end offset) that overwrite-only, direct-xip and ram-load accept: everything up to
 * swap_info. imgtool's own check allows up to `maxAlign` bytes more (FORMATS.md §2.5).
 */
export function maxImageSizeWithoutSwap(options: TrailerLayoutOptions): number {
  return trailerLayout(options).swapInfo;
}

function isErased(bytes: Uint8Array, erasedValue: number): boolean {
  return bytes.every((b) => b === erasedValue);
}

export function decodeMagic(magic: Uint8Array, maxAlign: MaxAlign, erasedValue: number): MagicState {
  if (isErased(magic, erasedValue)) return MagicState.UNSET;
  const good = bootMagic(maxAlign);
  return magic.length === good.length && magic.every((b, i) => b === good[i]) ? MagicState.GOOD : MagicState.BAD;
}

export function decodeFlag(value: number, erasedValue: number): FlagState {
  if (value === erasedValue) return FlagState.UNSET;
  return value === FLAG_SET_VALUE ? FlagState.SET : FlagState.BAD;
}

/** swap_info: low nibble swap type, high nibble image index; erased or out-of-range reads as NONE for image 0. */
export function decodeSwapInfo(value: number, erasedValue: number): { swapType: number; imageIndex: number } {
  const swapType = value & 0x0f;
  if (value === erasedValue || swapType > SwapType.REVERT) return { swapType: SwapType.NONE, imageIndex: 0 };
  return { swapType, imageIndex: value >> 4 };
}

export function encodeSwapInfo(swapType: number, imageIndex: number): number {
  return ((imageIndex & 0x0f) << 4) | (swapType & 0x0f);
}

/**
 * The bytes of one `boot_write_trailer` call: the value, padded with the erased value up to the device write
 * size (not BOOT_MAX_ALIGN), written in one program operation.
 */
export function encodeTrailerWrite(value: Uint8Array, writeSize: number, erasedValue: number): Uint8Array {
  const out = new Uint8Array(alignUp(value.length, writeSize)).fill(erasedValue);
  out.set(value);
  return out;
}

export function encodeU32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, true);
  return out;
}

/** The magic write: one block of ALIGN_UP(16, A) bytes at `layout.magicWrite.offset`, magic in the last 16. */
export function encodeMagicWrite(maxAlign: MaxAlign, erasedValue: number): Uint8Array {
  const out = new Uint8Array(magicAreaSize(maxAlign)).fill(erasedValue);
  out.set(bootMagic(maxAlign), out.length - BOOT_MAGIC_SIZE);
  return out;
}

export interface TrailerState {
  magic: MagicState;
  magicBytes: Uint8Array;
  imageOk: FlagState;
  imageOkByte: number;
  copyDone: FlagState;
  copyDoneByte: number;
  swapInfoByte: number;
  swapType: number;
  imageIndex: number;
  /** Raw u32; the erased pattern (0xffffffff) when never written. */
  swapSize: number;
  unprotectedTlvSizes: number | undefined;
}

/**
 * Reads every trailer field through `read(offsetInSlot, length)`, one read per field as MCUboot does, so a
 * caller backed by flash sees exactly the reads the bootloader would make.
 */
export function readTrailer(
  read: (offset: number, length: number) => Uint8Array,
  options: TrailerLayoutOptions & { erasedValue: number },
): TrailerState {
  const layout = trailerLayout(options);
  const erased = options.erasedValue;
  const magicBytes = read(layout.magic, BOOT_MAGIC_SIZE);
  const imageOkByte = read(layout.imageOk, 1)[0];
  const copyDoneByte = read(layout.copyDone, 1)[0];
  const swapInfoByte = read(layout.swapInfo, 1)[0];
  const swapInfo = decodeSwapInfo(swapInfoByte, erased);
  return {
    magic: decodeMagic(magicBytes, options.maxAlign, erased),
    magicBytes,
    imageOk: decodeFlag(imageOkByte, erased),
    imageOkByte,
    copyDone: decodeFlag(copyDoneByte, erased),
    copyDoneByte,
    swapInfoByte,
    swapType: swapInfo.swapType,
    imageIndex: swapInfo.imageIndex,
    swapSize: readU32(read, layout.swapSize),
    unprotectedTlvSizes: layout.unprotectedTlvSizes === undefined ? undefined : readU32(read, layout.unprotectedTlvSizes),
  };
}

/** A little-endian u32 trailer field (swap size, unprotected TLV sizes). */
function readU32(read: (offset: number, length: number) => Uint8Array, offset: number): number {
  const bytes = read(offset, 4);
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
}

export interface ImgtoolTrailerOptions {
  maxAlign: MaxAlign;
  /** `--align`: the device write size, the pitch imgtool assumes for status records. */
  align: number;
  maxSectors?: number;
  overwriteOnly?: boolean;
  /** Bytes of the stored key per slot for encrypted images (imgtool: 16, or the enc TLV length with --save-enctlv). */
  encKeySize?: number;
}

/**
 * imgtool's trailer estimate, used for its `--slot-size` overflow check and for `--pad`: always 3 status states,
 * never the swap-offset field; overwrite-only reserves only image_ok, swap_info and the magic — less than the
 * loader (see `maxImageSizeWithoutSwap`).
 */
export function imgtoolTrailerSize(options: ImgtoolTrailerOptions): number {
  const magicArea = magicAreaSize(options.maxAlign);
  if (options.overwriteOnly === true) return 2 * options.maxAlign + magicArea;
  const status = (options.maxSectors ?? DEFAULT_MAX_IMG_SECTORS) * 3 * options.align;
  return status + 2 * encKeySlotSize(options) + 4 * options.maxAlign + magicArea;
}

/**
 * The last `imgtoolTrailerSize` bytes of a slot as `imgtool sign --pad` writes them: erased, the magic in the
 * last 16 bytes, and image_ok = 0x01 with `--confirm` (never for overwrite-only, whose loader ignores it).
 */
export function encodeImgtoolTrailer(
  options: ImgtoolTrailerOptions & { erasedValue: number; confirm?: boolean },
): Uint8Array {
  const size = imgtoolTrailerSize(options);
  const out = new Uint8Array(size).fill(options.erasedValue);
  out.set(bootMagic(options.maxAlign), size - BOOT_MAGIC_SIZE);
  if (options.confirm === true && options.overwriteOnly !== true) {
    const layout = trailerLayout({ slotSize: size, maxAlign: options.maxAlign });
    out[layout.imageOk] = FLAG_SET_VALUE;
  }
  return out;
}
