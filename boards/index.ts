/**
 * Boards: the built-in board files in this folder, and any board file a user points at.
 */
import { readdirSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInputText } from '../emulator/common/files.ts';
import { BoardFileError, UnknownBoardError } from './errors.ts';
import { parseBoardFile } from './schema.ts';
import type { Board } from './types.ts';

export { BoardFileError, type BoardIssue, UnknownBoardError } from './errors.ts';
export { flashSize, sectorContaining, sectorList, slotSectors } from './geometry.ts';
export { parseBoardFile } from './schema.ts';
export type * from './types.ts';
export { address, hex, humanSize } from './units.ts';

const BOARDS_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Names of the built-in boards, sorted. */
export function builtinBoardNames(): string[] {
  return readdirSync(BOARDS_DIR)
    .filter((entry) => entry.endsWith('.json'))
    .map((entry) => basename(entry, '.json'))
    .sort();
}

/** Every built-in board, sorted by name. */
export function listBoards(): Board[] {
  return builtinBoardNames().map((name) => loadBoardFile(resolve(BOARDS_DIR, `${name}.json`)));
}

/**
 * A built-in board by name (`nrf52840dk`), or a user's board file by path (anything with a slash or ending in
 * `.json`, relative to the working directory).
 */
export function loadBoard(nameOrPath: string): Board {
  if (looksLikePath(nameOrPath)) return loadBoardFile(resolve(nameOrPath));
  const known = builtinBoardNames();
  if (!known.includes(nameOrPath)) throw new UnknownBoardError(nameOrPath, known);
  return loadBoardFile(resolve(BOARDS_DIR, `${nameOrPath}.json`));
}

function looksLikePath(nameOrPath: string): boolean {
  return nameOrPath.includes('/') || nameOrPath.includes('\\') || nameOrPath.endsWith('.json');
}

function loadBoardFile(path: string): Board {
  const shown = displayPath(path);
  let text: string;
  try {
    text = readInputText(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(path.length + 2) : String(error);
    throw new BoardFileError(shown, [{ path: '', message: reason }]);
  }
  return parseBoardFile(text, shown);
}

/** Paths in messages are relative to the working directory when that is shorter, so they read the same on CI. */
function displayPath(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd !== '' && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : path;
}
