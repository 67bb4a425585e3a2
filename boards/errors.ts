import { BootproofError } from '../emulator/common/errors.ts';

/** One thing wrong with a board file: where (a field path such as `partitions.images[0].primary.offset`) and what. */
export interface BoardIssue {
  readonly path: string;
  readonly message: string;
}

/** A board file that cannot be read, is not JSON, or describes an impossible board. Exit code 2. */
export class BoardFileError extends BootproofError {
  readonly file: string;
  readonly issues: readonly BoardIssue[];

  constructor(file: string, issues: readonly BoardIssue[]) {
    const lines = issues.map((issue) => (issue.path === '' ? `  ${issue.message}` : `  ${issue.path}: ${issue.message}`));
    super(`board file ${file} is invalid:\n${lines.join('\n')}`, { exitCode: 2 });
    this.file = file;
    this.issues = issues;
  }
}

/** A board name that is neither built in nor a path to a file. Exit code 2. */
export class UnknownBoardError extends BootproofError {
  readonly known: readonly string[];

  constructor(name: string, known: readonly string[]) {
    super(
      `unknown board "${name}"; built-in boards: ${known.join(', ')} (or give the path to a board file, e.g. ./my-board.json)`,
      { exitCode: 2 },
    );
    this.known = known;
  }
}
