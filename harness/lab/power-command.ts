/**
 * The `command` power driver: the user's own on/off/cycle shell commands (a relay board's CLI, a smart plug, a
 * lab's power distribution unit, `bootproof serve-ctl`), each run with a timeout.
 */
import type { PowerSettings } from './lab-file.ts';
import { type PowerControl, PowerControlError, pause } from './power-control.ts';
import { runShell } from './shell.ts';

type CommandSettings = Extract<PowerSettings, { driver: 'command' }>;

export class CommandPower implements PowerControl {
  readonly description = 'command';

  constructor(
    private readonly settings: CommandSettings,
    private readonly offMs: number,
  ) {}

  on(): Promise<void> {
    return this.run('on', this.settings.on);
  }

  off(): Promise<void> {
    return this.run('off', this.settings.off);
  }

  async cycle(): Promise<void> {
    if (this.settings.cycle) return this.run('cycle', this.settings.cycle);
    await this.off();
    await pause(this.offMs);
    await this.on();
  }

  async close(): Promise<void> {}

  private async run(what: string, command: string): Promise<void> {
    const result = await runShell(command, this.settings.timeoutMs);
    if (!result.ok) throw new PowerControlError('command', `'${what}' command ${result.why}`);
  }
}
