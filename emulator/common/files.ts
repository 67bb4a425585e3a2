/**
 * Reading a user's input file with bounded resources: only a regular file (never a device, a FIFO or a
 * directory, which could be endless or block forever), no larger than a limit that fits what the file is for.
 */
import { readFileSync, type Stats, statSync } from 'node:fs';
import { BootproofError } from './errors.ts';

/** An input file that cannot be read or is not acceptable as input: exit code 2, naming the file. */
export class InputFileError extends BootproofError {}

/** Largest image, firmware or HEX file read (far above any MCU flash; HEX text is ~2.8 bytes per data byte). */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;
/** Largest text file read for settings: a board, a lab, a key, a configuration. */
export const MAX_TEXT_FILE_BYTES = 4 * 1024 * 1024;

export interface ReadLimits {
  /** How the file was named to the user (`--image-from`, `board file`), prefixed to messages. */
  readonly what?: string;
  readonly maxBytes?: number;
}

export function readInputFile(path: string, limits: ReadLimits = {}): Uint8Array {
  const name = limits.what === undefined ? path : `${limits.what} ${path}`;
  const maxBytes = limits.maxBytes ?? MAX_IMAGE_FILE_BYTES;
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new InputFileError(`${name}: not a regular file (${kindOf(stat)})`);
    size = stat.size;
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(`${name}: cannot be read (${codeOf(error)})`, { cause: error });
  }
  if (size > maxBytes) throw new InputFileError(`${name}: ${size} bytes, more than the ${maxBytes} bytes accepted`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new InputFileError(`${name}: cannot be read (${codeOf(error)})`, { cause: error });
  }
}

export function readInputText(path: string, limits: ReadLimits = {}): string {
  return Buffer.from(readInputFile(path, { maxBytes: MAX_TEXT_FILE_BYTES, ...limits })).toString('utf8');
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
