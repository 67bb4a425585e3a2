/**
 * File and option plumbing shared by the `bootproof image …` sub-commands: reading images (binary or Intel HEX)
 * and keys with errors that name the file, imgtool-style numbers (`0x…`), JSON output.
 */
import { writeFileSync } from 'node:fs';
import { UsageError } from '../../emulator/common/errors.ts';
import { InputFileError, MAX_TEXT_FILE_BYTES, readInputFile } from '../../emulator/common/files.ts';

export { InputFileError } from '../../emulator/common/files.ts';
export { isHexPath, readImageFile } from '../image-file.ts';

export function readBytes(path: string, maxBytes?: number): Uint8Array {
  return readInputFile(path, { maxBytes });
}

/** A text input (a key, a password): a regular file of a few MiB at most. */
export function readText(path: string): string {
  return Buffer.from(readInputFile(path, { maxBytes: MAX_TEXT_FILE_BYTES })).toString('utf8');
}

export function writeFile(path: string, data: Uint8Array | string): void {
  try {
    writeFileSync(path, data);
  } catch (error) {
    throw new InputFileError(`${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
}

/** imgtool's numbers: decimal or 0x-hex, non-negative, within `max`. */
export function parseNumber(option: string, max = 0xffffffff): (text: string) => number {
  return (text: string) => {
    const value = /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value > max) {
      throw new UsageError(`${option} ${text}: expected a number (decimal or 0x…) up to 0x${max.toString(16)}`);
    }
    return value;
  };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Reads a key password from a file (first line), so it never shows in the process list. */
export function readPassword(path: string | undefined): string | undefined {
  return path === undefined ? undefined : readText(path).split(/\r?\n/)[0];
}

export function printJson(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_key, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v), 2)}\n`,
  );
}

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
