/**
 * Report files are checked before a run starts: a path that cannot be written would otherwise fail only after
 * the whole sweep, and lose its verdict.
 */
import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';
import { UsageError } from '../emulator/common/errors.ts';

/** Each `--flag file` given must name a file that can be written (created, or an existing regular file). */
export function checkOutputPaths(paths: Readonly<Record<string, string | undefined>>): void {
  for (const [flag, path] of Object.entries(paths)) {
    // '-' is standard output (`--json -`).
    if (path === undefined || path === '-') continue;
    if (path.trim() === '') throw new UsageError(`--${flag} '${path}': expected a file name`);
    let existed = false;
    try {
      const stat = statSync(path);
      existed = true;
      if (!stat.isFile() && !stat.isCharacterDevice()) throw new UsageError(`--${flag} ${path}: not a file (${stat.isDirectory() ? 'a directory' : 'not writable as a report'})`);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotWrite(flag, path, error);
    }
    try {
      // Append mode opens without truncating; a file this check created is removed again.
      closeSync(openSync(path, existed ? 'a' : 'wx'));
      if (!existed) unlinkSync(path);
    } catch (error) {
      throw cannotWrite(flag, path, error);
    }
  }
}

function cannotWrite(flag: string, path: string, error: unknown): UsageError {
  return new UsageError(`--${flag} ${path}: cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
}
