/**
 * Base of every error bootproof shows to a user. The CLI prints `message` (which must say what went wrong and
 * where) and exits with `exitCode`; anything that is not a BootproofError is a bug in bootproof itself.
 */
export class BootproofError extends Error {
  /** 1 = a check failed, 2 = bad usage or bad input. */
  readonly exitCode: 1 | 2;

  constructor(message: string, options?: { exitCode?: 1 | 2; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options?.exitCode ?? 2;
  }
}

/** Bad command-line usage: an unknown option value, a missing argument. */
export class UsageError extends BootproofError {}
