import { BootproofError } from '../common/errors.ts';

/** The board uses a part the SoC model does not implement (its flash controller, usually). */
export class UnsupportedBoardError extends BootproofError {
  constructor(board: string, what: string, supported: readonly string[]) {
    super(`board '${board}': ${what} is not modelled by the SoC emulator (supported: ${supported.join(', ')})`, {
      exitCode: 2,
    });
  }
}

/** A firmware file that cannot be loaded: bad format, or bytes that fall outside the board's flash. */
export class FirmwareFormatError extends BootproofError {
  readonly file: string;

  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`, { exitCode: 2 });
    this.file = file;
  }
}
