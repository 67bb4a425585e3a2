/**
 * Reading an image file as every command does (`image verify/inspect/sign`, `run`, `gate`, `smp`): a binary, or
 * Intel HEX when named *.hex (as imgtool decides by extension), read by the one strict HEX reader with a bounded
 * span, from a regular file of bounded size.
 */
import { extname } from 'node:path';
import { InputFileError, readInputFile } from '../emulator/common/files.ts';
import { firstGap, flattenSegments, IntelHexError, MAX_HEX_SPAN, parseIntelHex, walkImage } from '../images/index.ts';

export interface ImageFileOptions {
  /** How the file was named to the user (`--image-from`), for messages. */
  readonly what?: string;
  /** The largest span a HEX file may cover (the slot, when known). */
  readonly maxSpan?: number;
  /**
   * The image will be verified: every byte from the header to the end of the TLVs must be in the file. A HEX
   * gap there would be verified as 0xff while a programmer leaves whatever the flash holds.
   */
  readonly verified?: boolean;
}

export interface ImageFile {
  readonly bytes: Uint8Array;
  /** The lowest address of a HEX file; undefined for a binary. */
  readonly baseAddress: number | undefined;
}

export function isHexPath(path: string): boolean {
  return extname(path).toLowerCase() === '.hex';
}

export function readImageFile(path: string, options: ImageFileOptions = {}): ImageFile {
  const name = options.what === undefined ? path : `${options.what} ${path}`;
  const raw = readInputFile(path, { what: options.what });
  if (!isHexPath(path)) return { bytes: raw, baseAddress: undefined };
  const segments = parseIntelHex(Buffer.from(raw).toString('latin1'), name);
  if (segments.length === 0) throw new IntelHexError(name, undefined, 'no data records');
  const { baseAddress, bytes } = flattenSegments(segments, { file: name, maxSpan: options.maxSpan ?? MAX_HEX_SPAN });
  if (options.verified === true) {
    const gap = firstGap(segments, baseAddress, baseAddress + signedExtent(bytes));
    if (gap !== undefined) {
      throw new InputFileError(
        `${name}: the image's bytes 0x${gap.start.toString(16)}..0x${gap.end.toString(16)} are not in the file: ` +
          'they cannot be verified, and a programmer would leave whatever the flash holds there',
      );
    }
  }
  return { bytes, baseAddress };
}

/** Header, payload and TLV areas: the bytes a loader reads to validate the image (all of them when unparsable). */
function signedExtent(bytes: Uint8Array): number {
  const walk = walkImage(bytes);
  const area = walk.unprotectedArea ?? walk.protectedArea;
  if (area !== undefined) return Math.min(bytes.length, area.offset + area.total);
  return bytes.length;
}
