/**
 * The `manual` power driver: asks the person at the terminal to switch the board and press Enter. Without a
 * terminal (CI, a pipe) there is no one to ask, so it refuses at once instead of waiting forever.
 */
import { createInterface } from 'node:readline';
import { type PowerControl, PowerControlError } from './power-control.ts';

export interface Prompter {
  readonly input: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly output: NodeJS.WritableStream;
}

export class ManualPower implements PowerControl {
  readonly description = 'manual';

  constructor(
    private readonly boardLabel: string,
    private readonly prompter: Prompter = { input: process.stdin, output: process.stderr },
  ) {}

  on(): Promise<void> {
    return this.ask(`switch ${this.boardLabel} ON`);
  }

  off(): Promise<void> {
    return this.ask(`switch ${this.boardLabel} OFF`);
  }

  cycle(): Promise<void> {
    return this.ask(`switch ${this.boardLabel} OFF and back ON`);
  }

  async close(): Promise<void> {}

  private ask(what: string): Promise<void> {
    if (!this.prompter.input.isTTY) {
      return Promise.reject(
        new PowerControlError('manual', `cannot ask a person to ${what}: standard input is not a terminal (use another power driver in CI)`),
      );
    }
    const rl = createInterface({ input: this.prompter.input, output: this.prompter.output, terminal: false });
    return new Promise((resolve) => {
      rl.question(`bootproof: ${what}, then press Enter `, () => {
        rl.close();
        resolve();
      });
    });
  }
}
