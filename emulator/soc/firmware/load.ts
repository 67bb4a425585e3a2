/**
 * Reads firmware files (ELF, Intel HEX, raw binary) and programs them into a board's flash the way a debug
 * probe does: factory programming, before the machine runs, so it is not a journaled flash operation.
 */
import { readFileSync } from 'node:fs';
import type { Board } from '../../../boards/index.ts';
import { parseIntelHex } from '../../../images/intel-hex.ts';
import type { NorFlash } from '../../flash/index.ts';
import { FirmwareFormatError } from '../errors.ts';
import { isElf, parseElf } from './elf.ts';
import type { FirmwareImage } from './segments.ts';

/** MCUboot's IMAGE_MAGIC: a raw binary starting with it is a signed image and belongs at the primary slot. */
const IMAGE_MAGIC = 0x96f3b83d;

/**
 * `spec` is a path, optionally followed by `@address` for a raw binary (`app.bin@0xc000`). A `.bin` without an
 * address goes to the primary slot when it starts with an MCUboot header, else to the start of flash.
 */
export function readFirmware(spec: string, board: Board): FirmwareImage {
  const at = spec.lastIndexOf('@');
  const path = at > 0 ? spec.slice(0, at) : spec;
  const address = at > 0 ? parseAddress(spec, spec.slice(at + 1)) : undefined;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new FirmwareFormatError(path, `cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (isElf(bytes)) {
    if (address !== undefined) throw new FirmwareFormatError(path, 'an ELF file places itself; drop the @address');
    return parseElf(path, bytes);
  }
  if (/\.(hex|ihex)$/i.test(path)) {
    if (address !== undefined) throw new FirmwareFormatError(path, 'an Intel HEX file places itself; drop the @address');
    const segments = parseIntelHex(new TextDecoder('latin1').decode(bytes), path);
    if (segments.length === 0) throw new FirmwareFormatError(path, 'no data records');
    return { file: path, segments };
  }
  if (bytes.length === 0) throw new FirmwareFormatError(path, 'the file is empty');
  return { file: path, segments: [{ address: address ?? defaultBinaryAddress(bytes, board), bytes }] };
}

/** Places every segment in the flash; a byte outside the flash is an error naming the file and the range. */
export function programFirmware(flash: NorFlash, board: Board, image: FirmwareImage): void {
  const base = board.memory.flash.base;
  for (const segment of image.segments) {
    const offset = segment.address - base;
    if (offset < 0 || offset + segment.bytes.length > flash.size) {
      const end = segment.address + segment.bytes.length;
      throw new FirmwareFormatError(
        image.file,
        `bytes at ${hex(segment.address)}..${hex(end)} fall outside ${board.name}'s flash ${hex(base)}..${hex(base + flash.size)}`,
      );
    }
    // A probe programs whole write units: widen the segment to unit boundaries, keeping what is already there.
    const unit = flash.geometry.writeUnit;
    const start = offset - (offset % unit);
    const end = Math.ceil((offset + segment.bytes.length) / unit) * unit;
    const units = flash.peek(start, end - start).slice();
    units.set(segment.bytes, offset - start);
    flash.load(start, units);
  }
}

/**
 * Where the core should find its vector table: the flash base if something was programmed there (a
 * bootloader), otherwise the lowest address of the first image (an application started without its bootloader,
 * as a debugger starts it).
 */
export function bootVectorTable(board: Board, flash: NorFlash, images: readonly FirmwareImage[]): number {
  const erased = flash.geometry.erasedValue;
  if (!flash.peek(0, 8).every((byte) => byte === erased) || images.length === 0) return board.memory.flash.base;
  return images[0]!.segments[0]!.address;
}

function defaultBinaryAddress(bytes: Uint8Array, board: Board): number {
  const magic = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) : 0;
  const primary = board.partitions.images[0]?.primary.offset ?? 0;
  return board.memory.flash.base + (magic === IMAGE_MAGIC ? primary : 0);
}

function parseAddress(spec: string, text: string): number {
  const value = /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value > 0xffffffff) {
    throw new FirmwareFormatError(spec, `'@${text}' is not an address (use @0x1000 or @4096)`);
  }
  return value;
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
