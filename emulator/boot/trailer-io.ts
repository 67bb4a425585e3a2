/**
 * Reading and writing the image trailer of one flash area through the flash, with the one layout of
 * images/trailer.ts. Shared by the bootloader and the application-side operations so both write the same bytes.
 */
import {
  encodeMagicWrite,
  encodeSwapInfo,
  encodeTrailerWrite,
  encodeU32,
  FLAG_SET_VALUE,
  FlagState,
  MagicState,
  type MaxAlign,
  readTrailer,
  SwapType as SwapCode,
  type TrailerLayoutOptions,
  trailerLayout,
} from '../../images/trailer.ts';
import { BootproofError } from '../common/errors.ts';
import type { Flash } from '../flash/types.ts';
import { type FlashArea, readArea } from './area.ts';
import type { SwapType, TrailerState } from './types.ts';

/** What fixes the trailer's bytes: the build's BOOT_MAX_ALIGN and whether it is a swap-offset build. */
export interface TrailerFormat {
  readonly maxAlign: MaxAlign;
  readonly swapOffset: boolean;
}

export function layoutOptions(format: TrailerFormat, area: FlashArea): TrailerLayoutOptions {
  return { slotSize: area.size, maxAlign: format.maxAlign, swapOffset: format.swapOffset };
}

const MAGIC_NAMES = { [MagicState.GOOD]: 'good', [MagicState.BAD]: 'bad', [MagicState.UNSET]: 'unset' } as const;
const FLAG_NAMES = { [FlagState.SET]: 'set', [FlagState.BAD]: 'bad', [FlagState.UNSET]: 'unset' } as const;
const SWAP_NAMES: Record<number, SwapType> = {
  [SwapCode.NONE]: 'none',
  [SwapCode.TEST]: 'test',
  [SwapCode.PERM]: 'perm',
  [SwapCode.REVERT]: 'revert',
};
const SWAP_CODES: Record<'test' | 'perm' | 'revert', number> = {
  test: SwapCode.TEST,
  perm: SwapCode.PERM,
  revert: SwapCode.REVERT,
};

export function readTrailerState(flash: Flash, area: FlashArea, format: TrailerFormat): TrailerState {
  const options = layoutOptions(format, area);
  // Every field read lies from swap_size to the end of the slot: one read of those bytes, not one per field. A unit
  // that reads as an ECC fault is poisoned alone either way (`readArea`), so the fields read the same.
  const start = trailerLayout(options).swapSize;
  const fields = readArea(flash, area, start, area.size - start);
  const raw = readTrailer((offset, length) => fields.subarray(offset - start, offset - start + length), {
    ...options,
    erasedValue: flash.geometry.erasedValue,
  });
  return {
    magic: MAGIC_NAMES[raw.magic],
    imageOk: FLAG_NAMES[raw.imageOk],
    copyDone: FLAG_NAMES[raw.copyDone],
    swapType: SWAP_NAMES[raw.swapType] ?? 'none',
    swapImage: raw.imageIndex,
    swapSize: raw.swapSize,
  };
}

/**
 * A trailer write the flash would refuse: on write-once and ECC flash a unit that is not erased cannot be
 * programmed (PROGERR). MCUboot then fails the boot; so does the reference, with this reason, instead of asking
 * the flash for an illegal program.
 */
export class FlashWriteRefused extends BootproofError {}

function programChecked(flash: Flash, area: FlashArea, offset: number, bytes: Uint8Array): void {
  if (flash.geometry.programRule !== 'and') {
    const current = readArea(flash, area, offset, bytes.length);
    if (!current.every((b) => b === flash.geometry.erasedValue)) {
      throw new FlashWriteRefused(
        `${area.label}: trailer write at 0x${(area.offset + offset).toString(16)} refused: the ${flash.geometry.programRule} flash there is not erased`,
        { exitCode: 1 },
      );
    }
  }
  flash.program(area.offset + offset, bytes);
}

/** One `boot_write_trailer`: the value padded with the erased value to the device write size, one program. */
export function writeTrailerBytes(flash: Flash, area: FlashArea, offset: number, value: Uint8Array): void {
  programChecked(flash, area, offset, encodeTrailerWrite(value, flash.geometry.writeUnit, flash.geometry.erasedValue));
}

export type TrailerField = 'imageOk' | 'copyDone';

export function writeFlag(flash: Flash, area: FlashArea, format: TrailerFormat, field: TrailerField): void {
  const offset = trailerLayout(layoutOptions(format, area))[field];
  writeTrailerBytes(flash, area, offset, Uint8Array.of(FLAG_SET_VALUE));
}

export function writeSwapInfo(
  flash: Flash,
  area: FlashArea,
  format: TrailerFormat,
  swapType: 'test' | 'perm' | 'revert',
  image: number,
): void {
  const offset = trailerLayout(layoutOptions(format, area)).swapInfo;
  writeTrailerBytes(flash, area, offset, Uint8Array.of(encodeSwapInfo(SWAP_CODES[swapType], image)));
}

export function writeSwapSize(flash: Flash, area: FlashArea, format: TrailerFormat, size: number): void {
  writeTrailerBytes(flash, area, trailerLayout(layoutOptions(format, area)).swapSize, encodeU32(size));
}

/** swap-offset only: `primary unprotected TLV size | secondary << 16`. */
export function writeUnprotectedSizes(flash: Flash, area: FlashArea, format: TrailerFormat, sizes: number): void {
  const offset = trailerLayout(layoutOptions(format, area)).unprotectedTlvSizes;
  if (offset !== undefined) writeTrailerBytes(flash, area, offset, encodeU32(sizes));
}

/** The magic: one write of ALIGN_UP(16, A) bytes, and always the last field written to a trailer. */
export function writeMagic(flash: Flash, area: FlashArea, format: TrailerFormat): void {
  const { offset } = trailerLayout(layoutOptions(format, area)).magicWrite;
  const bytes = encodeMagicWrite(format.maxAlign, flash.geometry.erasedValue);
  programChecked(flash, area, offset, encodeTrailerWrite(bytes, flash.geometry.writeUnit, flash.geometry.erasedValue));
}
